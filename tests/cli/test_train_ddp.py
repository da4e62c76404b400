"""`harness train --nproc 2`: torch DDP with gloo on this CPU gives the single-process run's losses and weights,
a rank killed mid-run fails with one line and the rerun resumes (on any number of ranks)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import psutil
import pytest
from safetensors.numpy import load_file

from harness.paths import REPO_ROOT

from .conftest import CliRunner, run_cli
from .test_train_cli import TINY_PARAMS, models_file

pytestmark = pytest.mark.slow

# Global batch 16 split over 2 ranks; dropout off, because each rank draws its own dropout masks
# (the same in distribution, not in value), which no tolerance could absorb.
DDP_PARAMS = {**TINY_PARAMS, "batch_size": 16, "max_steps": 6, "dropout": 0.0}
RELATIVE_TOLERANCE = 1e-5
# A run resumed on one process after steps on two ranks carries the ranks' summation-order drift (~3e-6 per
# step, measured) through the optimiser state into the later steps, so it is compared a little looser.
RESUMED_TOLERANCE = 5e-5


@pytest.fixture
def env(tmp_path: Path, with_mirror: Path) -> dict[str, str]:
    return _env(tmp_path, with_mirror)


def _env(folder: Path, mirror: Path) -> dict[str, str]:
    return {
        "HARNESS_MODELS_FILE": str(models_file(folder, params=DDP_PARAMS)),
        "HARNESS_DATA_MIRROR": str(mirror),
        "HF_HUB_OFFLINE": "1",
    }


@pytest.fixture(scope="module")
def single_process(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The recipe trained on one process (the reference of both DDP tests), in the session's cache (its
    converted base model is reused); the trained folder is removed after it is read."""
    folder, cache = tmp_path_factory.mktemp("single-process"), tmp_path_factory.getbasetemp() / "cache"
    shutil.rmtree(cache / "models" / "trained", ignore_errors=True)  # other tests' recipes named tiny
    proc = run_cli("train", "--model", "tiny", cache=cache, env=_env(folder, mirror))
    assert proc.returncode == 0, proc.stderr
    root = trained_root(cache)
    run = finished(root)
    shutil.rmtree(root)
    assert run[0]["recipe"]["params"]["nproc"] == 1
    return run


def trained_root(cache: Path) -> Path:
    (root,) = sorted((cache / "models" / "trained").glob("tiny-seed0-*"))
    return root


def finished(root: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """training.json and the weights of a finished model folder."""
    return json.loads((root / "model" / "training.json").read_text()), load_file(root / "model" / "model.safetensors")


def relative_difference(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.max(np.abs(a - b)) / max(float(np.max(np.abs(b))), 1e-12))


def assert_same_training(
    ddp: tuple[dict, dict], single: tuple[dict, dict], tolerance: float = RELATIVE_TOLERANCE
) -> None:
    (ddp_info, ddp_weights), (single_info, single_weights) = ddp, single
    assert ddp_info["key"] == single_info["key"]  # the cache key does not depend on the number of ranks
    steps = [h["step"] for h in single_info["outcome"]["history"]]
    assert [h["step"] for h in ddp_info["outcome"]["history"]] == steps == [0, 2, 4, 6]
    for ours, theirs in zip(ddp_info["outcome"]["history"], single_info["outcome"]["history"], strict=True):
        for loss in ("train_loss", "val_loss"):
            if theirs[loss] is not None:
                assert ours[loss] == pytest.approx(theirs[loss], rel=tolerance), (ours, theirs)
    assert ddp_weights.keys() == single_weights.keys()
    worst = max(relative_difference(ddp_weights[name], single_weights[name]) for name in single_weights)
    assert worst < tolerance, worst
    changed = max(float(np.max(np.abs(v))) for v in single_weights.values())
    assert changed > 0


def test_two_gloo_ranks_match_one_process(
    cli: CliRunner, env: dict[str, str], isolated_cache: Path, single_process: tuple[dict, dict]
) -> None:
    shutil.rmtree(isolated_cache / "models" / "trained", ignore_errors=True)
    ddp = cli("train", "--model", "tiny", "--nproc", "2", env=env)
    assert ddp.returncode == 0, ddp.stderr
    assert "(2 ranks)" in ddp.stderr
    ddp_run = finished(trained_root(isolated_cache))
    assert ddp_run[0]["recipe"]["params"]["nproc"] == 2
    assert_same_training(ddp_run, single_process)


def _ranks_of(launcher: subprocess.Popen) -> list[psutil.Process]:
    return [p for p in psutil.Process(launcher.pid).children(recursive=True) if "harness.train_worker" in p.cmdline()]


def test_killed_rank_fails_in_one_line_and_the_rerun_resumes_on_one_process(
    cli: CliRunner, env: dict[str, str], isolated_cache: Path, single_process: tuple[dict, dict]
) -> None:
    shutil.rmtree(isolated_cache / "models" / "trained", ignore_errors=True)
    full_env = {**os.environ, "HARNESS_CACHE_DIR": str(isolated_cache), **env}
    command = [sys.executable, "-m", "harness.cli", "train", "--model", "tiny", "--nproc", "2"]
    launcher = subprocess.Popen(
        command, env=full_env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline, killed = time.monotonic() + 300, None
    while time.monotonic() < deadline and launcher.poll() is None and killed is None:
        if list((isolated_cache / "models" / "trained").glob("tiny-seed0-*/work/checkpoint.pt")):
            ranks = _ranks_of(launcher)
            if len(ranks) == 2:
                killed = ranks[1]
                killed.send_signal(signal.SIGKILL)
        time.sleep(0.05)
    assert killed is not None, "no checkpoint appeared before the run ended"
    _, stderr = launcher.communicate(timeout=120)
    assert launcher.returncode == 2, stderr
    error = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(error) == 1 and "of 2 failed" in error[0] and "rerun to resume" in error[0], stderr
    assert "Traceback" not in stderr
    root = trained_root(isolated_cache)
    assert not (root / "model").exists()

    resumed = cli("train", "--model", "tiny", "--nproc", "1", env=env)  # a checkpoint of 2 ranks resumes on 1
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming from step" in resumed.stderr
    resumed_run = finished(root)
    assert resumed_run[0]["outcome"]["resumed_from"] >= 2
    assert_same_training(resumed_run, single_process, RESUMED_TOLERANCE)


def test_a_batch_that_does_not_split_evenly_is_one_line(cli: CliRunner, env: dict[str, str]) -> None:
    proc = cli("train", "--model", "tiny", "--nproc", "3", env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: batch_size 16 is not divisible by nproc 3: every rank needs an equal slice"
    ]
