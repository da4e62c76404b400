"""Two `harness run` on one results folder: one computes, the other waits and reuses its result."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from harness.paths import REPO_ROOT
from harness.results.result_store import result_paths

from .conftest import subset_task

ARGS = ["run", "--model", "me5-small", "--tasks", "xquad-r", "--limit", "40", "--batch-size", "16"]


def test_second_run_waits_for_the_first_and_reuses_its_result(tmp_path: Path, mirror: Path) -> None:
    results, cache = tmp_path / "results", tmp_path / "cache"
    env = {
        **os.environ,
        "HARNESS_TASKS_DIR": str(subset_task(tmp_path / "tasks", ["en", "de", "zh"])),
        "HARNESS_DATA_MIRROR": str(mirror),
        "HARNESS_CACHE_DIR": str(cache),
        "COLUMNS": "200",
    }
    command = [sys.executable, "-m", "harness.cli", *ARGS, "--results-dir", str(results)]
    summary = result_paths(results, "me5-small", "xquad-r", 40).summary
    lock = summary.with_name(".xquad-r.limit40.lock")
    first = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and first.poll() is None and not lock.exists():
        time.sleep(0.02)
    assert first.poll() is None and lock.exists(), "the first run ended before taking its lock"
    second = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0 and second.returncode == 0, (err, second.stderr)
    assert "evaluated: " in out and "existing: " not in out
    assert "task 1/1 · xquad-r · model me5-small" in err
    assert "waiting: me5-small on xquad-r is being computed by pid " in second.stderr
    assert "existing: " in second.stdout and "evaluated: " not in second.stdout
    assert "computed by another process meanwhile" in second.stdout
    assert "encode " not in second.stderr  # the second run encoded nothing
    assert summary.is_file() and not lock.exists()
