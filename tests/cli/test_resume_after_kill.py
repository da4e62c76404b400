"""A run killed with SIGKILL mid-way and rerun gives the same numbers as an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from harness.paths import REPO_ROOT
from harness.results.reader import read_json_object
from harness.results.result_store import is_complete, load_per_query, result_paths

from .conftest import CliRunner, subset_task

ARGS = ["run", "--model", "me5-small", "--tasks", "xquad-r", "--limit", "40", "--batch-size", "16"]


def _env(tmp_path: Path, mirror: Path, name: str) -> dict[str, str]:
    tasks = subset_task(tmp_path / "tasks", ["en", "de", "zh"])
    return {
        **os.environ,
        "HARNESS_TASKS_DIR": str(tasks),
        "HARNESS_DATA_MIRROR": str(mirror),
        "HARNESS_CACHE_DIR": str(tmp_path / f"cache-{name}"),
    }


def _kill_during_encoding(env: dict[str, str], results: Path, cache: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", *ARGS, "--results-dir", str(results)],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(cache.rglob("*.npy"))) >= 2:  # some text sets encoded, others not yet
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()


def test_killed_run_resumes_with_identical_numbers(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    killed_env = _env(tmp_path, mirror, "killed")
    _kill_during_encoding(killed_env, tmp_path / "results-killed", tmp_path / "cache-killed")
    paths = result_paths(tmp_path / "results-killed", "me5-small", "xquad-r", 40)
    assert not paths.summary.exists()

    resumed = cli(*ARGS, "--results-dir", str(tmp_path / "results-killed"), env=killed_env)
    assert resumed.returncode == 0, resumed.stderr
    clean = cli(*ARGS, "--results-dir", str(tmp_path / "results-clean"), env=_env(tmp_path, mirror, "clean"))
    assert clean.returncode == 0, clean.stderr

    clean_paths = result_paths(tmp_path / "results-clean", "me5-small", "xquad-r", 40)
    a, b = read_json_object(paths.summary), read_json_object(clean_paths.summary)
    assert a is not None and b is not None
    assert json.dumps(a["settings"], sort_keys=True) == json.dumps(b["settings"], sort_keys=True)
    assert a["cache"]["cached_texts"] > 0  # the resumed run reused what the killed run had encoded
    arrays_a, arrays_b = load_per_query(paths), load_per_query(clean_paths)
    assert arrays_a.keys() == arrays_b.keys()
    for key in arrays_a:
        np.testing.assert_array_equal(arrays_a[key], arrays_b[key])

    # a third run reuses the finished result without recomputing
    again = cli(*ARGS, "--results-dir", str(tmp_path / "results-killed"), env=killed_env)
    assert again.returncode == 0 and "existing" in again.stdout
    assert is_complete(paths, {k: a[k] for k in ("model_fingerprint", "dataset_fingerprint", "limit")})
