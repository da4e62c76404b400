"""A full disk (ENOSPC) or quota (EDQUOT) while writing: one line naming the path, exit 2, no partial file.

The fault is injected into the real CLI run in a subprocess (tests/cli/full_disk.py): a matching
file takes half of its first write and then fails as on a full disk.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import run_cli, subset_task
from .test_train_cli import models_file


def run_on_full_disk(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    """`harness ARGS` with the full-disk fault of `env` (HARNESS_TEST_FULL_*) and the cache it names."""
    return run_cli(*args, cache=Path(env["HARNESS_CACHE_DIR"]), env=env, timeout=timeout, module="tests.cli.full_disk")


def assert_disk_full(proc: subprocess.CompletedProcess, path_fragment: str, reason: str = "disk full") -> str:
    """Exit 2, no traceback, and one error line (the last) naming the file and the reason."""
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1 and errors[0] == lines[-1], proc.stderr
    assert path_fragment in errors[0] and f"({reason})" in errors[0], errors[0]
    return errors[0]


def no_partial_files(*roots: Path) -> list[Path]:
    """Temporary (.part) files or folders left anywhere under the roots."""
    return [p for root in roots if root.exists() for p in root.rglob("*") if ".part" in p.name]


@pytest.fixture
def xquad_en(tmp_path: Path, mirror: Path) -> dict[str, str]:
    tasks = subset_task(tmp_path / "tasks", ["en"])
    return {
        "HARNESS_TASKS_DIR": str(tasks),
        "HARNESS_DATA_MIRROR": str(mirror),
        "HARNESS_CACHE_DIR": str(tmp_path / "cache"),
    }


@pytest.mark.parametrize(("code", "reason"), [("ENOSPC", "disk full"), ("EDQUOT", "disk quota exceeded")])
def test_result_file_on_a_full_disk(tmp_path: Path, xquad_en: dict[str, str], code: str, reason: str) -> None:
    results = tmp_path / "results"
    proc = run_on_full_disk(
        ["run", "--model", "bm25", "--tasks", "xquad-r", "--limit", "5", "--results-dir", str(results)],
        {**xquad_en, "HARNESS_TEST_FULL_WRITE": f"{results}/*.part", "HARNESS_TEST_FULL_ERRNO": code},
    )
    line = assert_disk_full(proc, str(results / "bm25" / "xquad-r.limit5.per_query.npz"), reason)
    assert "nothing was written" in line
    assert no_partial_files(results) == []
    assert [p for p in results.rglob("*") if p.is_file()] == []


def test_embedding_cache_on_a_full_disk(tmp_path: Path, xquad_en: dict[str, str]) -> None:
    cache = Path(xquad_en["HARNESS_CACHE_DIR"])
    results = tmp_path / "results"
    proc = run_on_full_disk(
        ["run", "--model", "me5-small", "--tasks", "xquad-r", "--limit", "5", "--results-dir", str(results)],
        {**xquad_en, "HARNESS_TEST_FULL_WRITE": f"{cache}/embeddings/*.part"},
    )
    assert_disk_full(proc, f"{cache}/embeddings/")
    assert no_partial_files(cache, results) == []
    assert list((cache / "embeddings").rglob("*.npy")) == []
    assert not list(results.rglob("*.json"))


def test_data_import_on_a_full_disk(tmp_path: Path, mirror: Path) -> None:
    source = tmp_path / "usb"
    (source / "xquad-r").mkdir(parents=True)
    shutil.copy(mirror / "xquad-r" / "en.json", source / "xquad-r" / "en.json")
    cache = tmp_path / "cache"
    proc = run_on_full_disk(
        ["data", "import", str(source)],
        {"HARNESS_CACHE_DIR": str(cache), "HARNESS_DATA_MIRROR": "", "HARNESS_TEST_FULL_WRITE": f"{cache}/data/*.part"},
    )
    assert_disk_full(proc, str(cache / "data" / "xquad-r" / "en.json"))
    assert no_partial_files(cache) == [] and not (cache / "data" / "xquad-r" / "en.json").exists()


@pytest.mark.slow
def test_model_conversion_on_a_full_disk(tmp_path: Path, xquad_en: dict[str, str]) -> None:
    cache = Path(xquad_en["HARNESS_CACHE_DIR"])
    proc = run_on_full_disk(
        [
            "run",
            "--model",
            "me5-small-torch",
            "--tasks",
            "xquad-r",
            "--limit",
            "5",
            "--results-dir",
            str(tmp_path / "results"),
        ],
        {**xquad_en, "HARNESS_TEST_FULL_WRITE": f"{cache}/models/.me5-small-torch-*.part/*"},
    )
    assert_disk_full(proc, f"{cache}/models/me5-small-torch-")
    assert no_partial_files(cache) == [] and list((cache / "models").iterdir()) == []


def test_folder_creation_on_a_full_disk_is_caught_last(tmp_path: Path, xquad_en: dict[str, str]) -> None:
    cache = Path(xquad_en["HARNESS_CACHE_DIR"])
    proc = run_on_full_disk(
        [
            "run",
            "--model",
            "me5-small-torch",
            "--tasks",
            "xquad-r",
            "--limit",
            "5",
            "--results-dir",
            str(tmp_path / "results"),
        ],
        {**xquad_en, "HARNESS_TEST_FULL_MKDIR": f"{cache}/models"},
    )
    line = assert_disk_full(proc, f"{cache}/models")
    assert line == f"error: {cache}/models: cannot write (disk full); free space and rerun"


@pytest.mark.slow
def test_training_checkpoint_on_a_full_disk(tmp_path: Path, with_mirror: Path, isolated_cache: Path) -> None:
    trained = isolated_cache / "models" / "trained"
    env = {
        "HARNESS_MODELS_FILE": str(models_file(tmp_path)),
        "HARNESS_DATA_MIRROR": str(with_mirror),
        "HF_HUB_OFFLINE": "1",
        "HARNESS_CACHE_DIR": str(isolated_cache),
        "HARNESS_TEST_FULL_WRITE": f"{trained}/tiny-seed0-*/work/.checkpoint.pt.*.part",
    }
    for old in trained.glob("tiny-seed0-*"):
        shutil.rmtree(old)
    proc = run_on_full_disk(["train", "--model", "tiny"], env)
    assert_disk_full(proc, "/work/checkpoint.pt")
    assert no_partial_files(trained) == []
    assert list(trained.glob("tiny-seed0-*/work/checkpoint.pt")) == []
    assert list(trained.glob("tiny-seed0-*/model")) == []
