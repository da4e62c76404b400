"""`harness run --executor ray` on a Ray cluster on this machine: the same results as the in-process executor.

Every cluster here lives on 127.0.0.1 with token auth on (the token is passed in the environment, so
nothing is written to ~/.ray), keeps its session files in a temporary folder and is stopped after the test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import psutil
import pytest
import yaml

from harness.paths import REPO_ROOT

from .conftest import CliRunner
from .test_train_cli import models_file

pytestmark = pytest.mark.slow
TASK, LIMIT = "xquad-r-ci", "30"
VARYING = {"provenance", "cache"}  # timings, host and package versions; what was read from the cache


def run_args(results: Path, *extra: str) -> list[str]:
    return ["run", "--tasks", TASK, "--limit", LIMIT, "--results-dir", str(results), *extra]


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Path:
    """bm25 and me5-small on the task with the in-process executor, with a cache of their own."""
    folder = tmp_path_factory.mktemp("in-process")
    env = {**os.environ, "HARNESS_DATA_MIRROR": str(mirror), "HARNESS_CACHE_DIR": str(folder / "cache")}
    command = [sys.executable, "-m", "harness.cli", *run_args(folder / "results", "--model", "bm25,me5-small")]
    proc = subprocess.run(command, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return folder / "results"


def assert_same_results(ours: Path, reference: Path, model: str) -> None:
    """Every number of the summary and of the per-query arrays is equal."""
    stem = f"{TASK}.limit{LIMIT}"
    mine, theirs = (json.loads((root / model / f"{stem}.json").read_text()) for root in (ours, reference))
    assert mine.keys() == theirs.keys()
    assert {k: v for k, v in mine.items() if k not in VARYING} == {k: v for k, v in theirs.items() if k not in VARYING}
    assert mine["settings"]["cross"]["n_pairs"] == 6 and mine["settings"]["mono"]["n_pairs"] == 3
    arrays = [root / model / f"{stem}.per_query.npz" for root in (ours, reference)]
    with np.load(arrays[0]) as a, np.load(arrays[1]) as b:
        assert a.files == b.files and len(a.files) > 10
        for name in a.files:
            assert np.array_equal(a[name], b[name]), name


def test_local_cluster_gives_the_in_process_results(
    cli: CliRunner, ray_env: dict[str, str], in_process: Path, tmp_path: Path
) -> None:
    proc = cli(*run_args(tmp_path / "results", "--model", "bm25,me5-small", "--executor", "ray"), env=ray_env)
    assert proc.returncode == 0, proc.stderr
    assert "Ray: 2 CPUs on 1 node(s)" in proc.stderr or "on 1 node(s)" in proc.stderr
    for model in ("bm25", "me5-small"):
        assert_same_results(tmp_path / "results", in_process, model)
    again = cli(*run_args(tmp_path / "results", "--model", "bm25,me5-small", "--executor", "ray"), env=ray_env)
    assert again.returncode == 0, again.stderr
    assert "sent:" not in again.stderr and again.stdout.count("existing:") == 2  # stored jobs are never sent


@pytest.fixture
def two_nodes(ray_env: dict[str, str]) -> Iterator[str]:
    """A head and a worker node of one CPU each, as separate raylets on this machine (tests/cli/ray_two_nodes.py)."""
    helper = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("ray_two_nodes.py"))],
        env={**os.environ, **ray_env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        address = helper.stdout.readline().strip()
        assert address, "the two-node cluster did not start"
        yield address
    finally:
        helper.communicate(input="", timeout=120)


def test_two_nodes_share_the_jobs_and_give_the_in_process_results(
    cli: CliRunner, ray_env: dict[str, str], two_nodes: str, in_process: Path, tmp_path: Path
) -> None:
    args = run_args(tmp_path / "results", "--model", "bm25,me5-small", "--executor", "ray", "--ray-address", two_nodes)
    proc = cli(*args, env=ray_env)
    assert proc.returncode == 0, proc.stderr
    assert "2 CPUs on 2 node(s)" in proc.stderr
    (line,) = [line for line in proc.stdout.splitlines() if line.startswith("jobs per Ray node:")]
    assert line.count(" 1") >= 2 and line.count(",") == 1, line  # one job on each node
    for model in ("bm25", "me5-small"):
        assert_same_results(tmp_path / "results", in_process, model)


def _running_job(launcher: subprocess.Popen) -> psutil.Process | None:
    for process in psutil.Process(launcher.pid).children(recursive=True):
        try:
            if any("ray::evaluate_on_node" in part for part in process.cmdline()):
                return process
        except psutil.Error:
            continue
    return None


def test_a_killed_worker_is_retried_and_gives_the_same_result(
    ray_env: dict[str, str], isolated_cache: Path, in_process: Path, tmp_path: Path
) -> None:
    env = {**os.environ, **ray_env, "HARNESS_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "harness.cli", *run_args(tmp_path / "results", "--model", "me5-small")]
    launcher = subprocess.Popen(
        [*command, "--executor", "ray"], env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline, killed = time.monotonic() + 300, None
    while time.monotonic() < deadline and launcher.poll() is None and killed is None:
        worker = _running_job(launcher)
        if worker is not None:
            time.sleep(1.0)  # well into the job: the model is loading or encoding
            worker.send_signal(signal.SIGKILL)
            killed = worker
        time.sleep(0.05)
    _, stderr = launcher.communicate(timeout=300)
    assert killed is not None, "the job never ran"
    assert launcher.returncode == 0, stderr
    assert b"evaluated: me5-small on xquad-r-ci" in stderr
    assert_same_results(tmp_path / "results", in_process, "me5-small")


def test_a_failing_job_does_not_stop_the_others(cli: CliRunner, ray_env: dict[str, str], tmp_path: Path) -> None:
    shipped = yaml.safe_load((REPO_ROOT / "models.yaml").read_text())
    registry = yaml.safe_load(models_file(tmp_path).read_text())
    (tmp_path / "models.yaml").write_text(yaml.safe_dump({**registry, "bm25": shipped["bm25"]}))
    env = {**ray_env, "HARNESS_MODELS_FILE": str(tmp_path / "models.yaml")}
    proc = cli(*run_args(tmp_path / "results", "--model", "xlm-roberta-base,bm25,tiny", "--executor", "ray"), env=env)
    assert proc.returncode == 2, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: 1 of 3 job(s) failed: xlm-roberta-base on xquad-r-ci:")
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "results" / "bm25" / f"{TASK}.limit{LIMIT}.json").is_file()
    assert "sent: training tiny seed 0" in proc.stderr  # the recipe trained as a task of its own, then evaluated
    assert (tmp_path / "results" / "tiny" / f"{TASK}.limit{LIMIT}.seed0.json").is_file()
    assert (tmp_path / "results" / "tiny" / f"{TASK}.limit{LIMIT}.seeds.json").is_file()


def test_without_ray_installed_the_executor_is_one_line(tmp_path: Path, with_mirror: Path) -> None:
    code = "import sys; sys.modules['ray'] = None; from harness.cli import main; main()"
    args = ["--model", "bm25", "--tasks", TASK, "--executor", "ray", "--results-dir", str(tmp_path)]
    proc = subprocess.run(
        [sys.executable, "-c", code, "run", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: --executor ray needs Ray, which is not installed: pip install 'xling-harness[ray]'"
    ]


def test_a_corpus_task_encodes_its_corpus_with_ray_data_into_the_local_blocks(
    cli: CliRunner, ray_env: dict[str, str], tmp_path: Path
) -> None:
    """usem-v3 (the fastest dense model here) on afriqa: the corpus pool goes through Ray Data actors."""
    stem = "afriqa.limit5"
    args = ["run", "--model", "usem-v3", "--tasks", "afriqa", "--limit", "5"]
    local = cli(*args, "--results-dir", str(tmp_path / "local"), env={"HARNESS_CACHE_DIR": str(tmp_path / "c1")})
    assert local.returncode == 0, local.stderr
    env = {**ray_env, "HARNESS_CACHE_DIR": str(tmp_path / "c2")}
    remote = cli(*args, "--results-dir", str(tmp_path / "ray"), "--executor", "ray", env=env)
    assert remote.returncode == 0, remote.stderr
    assert "block(s) encoded with Ray Data for usem-v3" in remote.stderr
    mine, theirs = (json.loads((tmp_path / r / "usem-v3" / f"{stem}.json").read_text()) for r in ("ray", "local"))
    assert {k: v for k, v in mine.items() if k not in VARYING} == {k: v for k, v in theirs.items() if k not in VARYING}
    assert mine["cache"]["cached_texts"] > 2000  # the job found the corpus encoded and only searched
    blocks = [sorted((tmp_path / c / "embeddings" / "corpus").rglob("block-*")) for c in ("c2", "c1")]
    assert [p.name for p in blocks[0]] == [p.name for p in blocks[1]] and blocks[0]
    for a, b in zip(*blocks, strict=True):  # docids exactly; vectors up to the CPU's summation order
        if a.name.endswith(".ids.npy"):
            assert a.read_bytes() == b.read_bytes(), a.name
        elif a.suffix == ".npy":
            ours, theirs = np.load(a), np.load(b)
            assert ours.shape == theirs.shape and np.abs(ours - theirs).max() <= 1e-5, a.name
