"""A command that did nothing useful does not exit 0: `run --tasks all` without data, `data import` off target."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from harness.paths import REPO_ROOT
from harness.tasks.task_registry import load_tasks

from .conftest import CliRunner, subset_task


def _error_lines(proc) -> list[str]:
    assert "Traceback" not in proc.stderr, proc.stderr
    return [line for line in proc.stderr.splitlines() if line.startswith("error: ")]


def test_run_all_without_any_task_data_fails_after_the_reasons(cli: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    results = tmp_path / "results"
    proc = cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "all",
        "--results-dir",
        str(results),
        env={"HARNESS_DATA_MIRROR": str(empty), "HARNESS_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 2, proc.stderr
    benchmark = [spec.name for spec in load_tasks().values() if spec.purpose == "benchmark"]
    for name in benchmark:
        assert f"skipping {name}: " in proc.stderr
    errors = _error_lines(proc)
    assert errors == [
        f"error: --tasks all: nothing to run, {len(benchmark)} task(s) skipped (reasons above); get "
        "data with `harness data fetch` or `harness data import DIR`, or set HARNESS_DATA_MIRROR"
    ]
    assert proc.stderr.strip().splitlines()[-1] == errors[0]
    assert proc.stdout == "" and not results.exists()


def test_run_all_with_some_task_data_still_runs_it(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    tasks = subset_task(tmp_path / "tasks", ["en"])
    raw = yaml.safe_load((REPO_ROOT / "tasks" / "mlqa-r.yaml").read_text())
    (tasks / "mlqa-r.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    partial = tmp_path / "mirror"
    (partial / "xquad-r").mkdir(parents=True)
    shutil.copy(mirror / "xquad-r" / "en.json", partial / "xquad-r" / "en.json")
    results = tmp_path / "results"
    proc = cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "all",
        "--limit",
        "5",
        "--results-dir",
        str(results),
        env={
            "HARNESS_TASKS_DIR": str(tasks),
            "HARNESS_DATA_MIRROR": str(partial),
            "HARNESS_CACHE_DIR": str(tmp_path / "cache"),
        },
    )
    assert proc.returncode == 0, proc.stderr
    assert "skipping mlqa-r: missing data files" in proc.stderr and _error_lines(proc) == []
    assert (results / "bm25" / "xquad-r.limit5.json").is_file()


def _import(cli: CliRunner, folder: Path, cache: Path):
    return cli("data", "import", str(folder), env={"HARNESS_DATA_MIRROR": "", "HARNESS_CACHE_DIR": str(cache)})


def _assert_nothing_imported(proc, folder: Path, cache: Path, suggestion: Path | None) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {folder}: holds none of the "), proc.stderr
    assert "declared data files" in lines[0] and "Traceback" not in proc.stderr
    if suggestion is None:
        assert "did you mean" not in lines[0]
    else:
        assert lines[0].endswith(f"did you mean {suggestion}?"), lines[0]
    assert "imported" not in proc.stdout
    assert not (cache / "data").exists() or not any(p.is_file() for p in (cache / "data").rglob("*"))


def test_import_of_a_folder_without_declared_files(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "stick"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "en.json").write_text("{}")
    _assert_nothing_imported(_import(cli, folder, tmp_path / "cache"), folder, tmp_path / "cache", None)


def test_import_of_the_folder_above_the_mirror_suggests_it(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    proc = _import(cli, mirror.parent, tmp_path / "cache")
    _assert_nothing_imported(proc, mirror.parent, tmp_path / "cache", mirror)


def test_import_of_a_folder_inside_the_mirror_suggests_the_mirror(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    proc = _import(cli, mirror / "xquad-r", tmp_path / "cache")
    _assert_nothing_imported(proc, mirror / "xquad-r", tmp_path / "cache", mirror)


@pytest.mark.parametrize("depth", [1, 2])
def test_import_suggests_a_copy_one_or_two_levels_down(
    cli: CliRunner, tmp_path: Path, mirror: Path, depth: int
) -> None:
    outer = tmp_path / "stick"
    copy = outer / "backup" / "data" if depth == 2 else outer / "data"
    (copy / "xquad-r").mkdir(parents=True)
    shutil.copy(mirror / "xquad-r" / "en.json", copy / "xquad-r" / "en.json")
    (outer / "other").mkdir()
    _assert_nothing_imported(_import(cli, outer, tmp_path / "cache"), outer, tmp_path / "cache", copy)
    done = _import(cli, copy, tmp_path / "cache")  # the suggested folder imports
    assert done.returncode == 0 and "imported 1," in done.stdout, done.stderr
