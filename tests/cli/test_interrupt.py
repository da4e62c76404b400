"""Ctrl-C (SIGINT) during a long run: the `interrupted:` line, exit code 130, no traceback, nothing half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from harness.paths import REPO_ROOT

from .conftest import subset_task

MESSAGE = "interrupted: finished results are kept; rerun to resume"


def test_sigint_during_encoding_prints_the_message_and_exits_130(tmp_path: Path, mirror: Path) -> None:
    tasks = subset_task(tmp_path / "tasks", ["en", "de", "zh"])
    cache, results = tmp_path / "cache", tmp_path / "results"
    env = {
        **os.environ,
        "HARNESS_TASKS_DIR": str(tasks),
        "HARNESS_DATA_MIRROR": str(mirror),
        "HARNESS_CACHE_DIR": str(cache),
        "COLUMNS": "200",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "harness.cli",
            "run",
            "--model",
            "me5-small",
            "--tasks",
            "xquad-r",
            "--results-dir",
            str(results),
        ],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as at a terminal: a suite started in the background (`cmd &`) ignores SIGINT, which children inherit
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    lines: list[str] = []
    started = threading.Event()

    def read_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            started.set()  # the first progress line: the run is under way

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    started.wait(60)
    time.sleep(3)  # a few seconds into encoding the whole of xquad-r en/de/zh (minutes of work)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=120)
    reader.join(30)
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    stderr = "".join(lines)
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr, stderr
    assert [line.strip() for line in lines if line.strip()][-1] == MESSAGE, stderr
    assert stdout == ""
    assert not list(results.rglob("*.json"))
    assert [p for root in (cache, results) if root.exists() for p in root.rglob("*.part")] == []
