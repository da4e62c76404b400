"""A kill -9 while the real AfriQA pool is being encoded loses at most the last checkpoint interval."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from trigram_encoder import TrigramEncoder

from harness.evaluation.checkpointed_encode import CHECKPOINT_ENV
from harness.evaluation.progress import NullProgress
from harness.paths import CACHE_ENV, REPO_ROOT
from harness.run import RunOptions, evaluate_task
from harness.tasks.task_registry import load_tasks

TESTS = Path(__file__).resolve().parent.parent
WORKER = textwrap.dedent(f"""
    import sys, time
    sys.path.insert(0, {str(TESTS)!r})
    from pathlib import Path
    from trigram_encoder import TrigramEncoder
    from harness.evaluation.progress import NullProgress
    from harness.run import RunOptions, evaluate_task
    from harness.tasks.task_registry import load_tasks

    class Slow(TrigramEncoder):  # same fingerprint, a pace a kill can catch mid-pool
        def encode(self, texts, kind):
            time.sleep(0.05)
            return super().encode(texts, kind)

    evaluate_task("trigram", Slow(), load_tasks()["afriqa"], RunOptions(Path(sys.argv[1]), batch_size=32),
                  NullProgress())
""")


def _chunks(cache: Path) -> list[Path]:
    return sorted(cache.glob("embeddings/corpus/*/*/block-00000.partial/plan-*/rows-*.npy"))


@pytest.mark.slow
@pytest.mark.usefixtures("with_mirror")
def test_killed_afriqa_encode_resumes_past_its_checkpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    env = {**os.environ, CACHE_ENV: str(cache), CHECKPOINT_ENV: "0.5"}
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(tmp_path / "killed")],
        env=env,
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and worker.poll() is None and len(_chunks(cache)) < 2:
        time.sleep(0.05)
    assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    checkpointed = sum(int(p.name[15:24]) - int(p.name[5:14]) for p in _chunks(cache))
    assert checkpointed >= 64

    spec = load_tasks()["afriqa"]
    monkeypatch.setenv(CACHE_ENV, str(cache))
    resumed = evaluate_task(
        "trigram", TrigramEncoder(), spec, RunOptions(tmp_path / "killed", batch_size=32), NullProgress()
    )
    pool = 2915
    assert resumed.summary is not None
    assert resumed.summary["cache"]["cached_texts"] >= checkpointed  # the finished part was not encoded again
    assert resumed.summary["cache"]["encoded_texts"] <= pool + 7000 - checkpointed
    assert not _chunks(cache) and not list(cache.glob("embeddings/corpus/*/*/*.partial"))

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "clean-cache"))
    clean = evaluate_task(
        "trigram", TrigramEncoder(), spec, RunOptions(tmp_path / "clean", batch_size=32), NullProgress()
    )
    assert clean.summary is not None and clean.summary["cache"]["cached_texts"] == 0
    assert json.dumps(resumed.summary["settings"], sort_keys=True) == json.dumps(
        clean.summary["settings"], sort_keys=True
    )
