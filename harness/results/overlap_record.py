"""Add the measured training overlap to stored results of trained models written before it was measured."""

from __future__ import annotations

import json
from pathlib import Path

from harness.atomic import atomic_write_text
from harness.errors import HarnessError
from harness.leakage.overlap import result_overlap
from harness.results.reader import SEEDS_SUFFIX, load_result
from harness.results.result_file import dump_result
from harness.tasks.load import load_task
from harness.tasks.task_registry import load_tasks


def record_missing_overlaps(results_dir: Path) -> tuple[list[Path], list[str]]:
    """(files updated, why others were left alone); only `training_overlap` is added to a summary,
    nothing it already holds changes (its per-query file and checksum stay as they are)."""
    tasks = load_tasks()
    updated: list[Path] = []
    skipped: list[str] = []
    data_cache: dict[tuple[str, int | None], object] = {}
    for path in sorted(results_dir.glob("*/*.json")):
        if path.name.endswith(SEEDS_SUFFIX):
            continue
        result = load_result(path)
        if not result.training or result.training_overlap is not None:
            continue
        spec = tasks.get(result.task)
        if spec is None:
            skipped.append(f"{path}: task {result.task} is not declared here")
            continue
        key = (result.task, result.limit)
        if key not in data_cache:
            data_cache[key] = load_task(spec, result.limit)
        data = data_cache[key]
        if data.dataset_fingerprint != result.dataset_fingerprint:  # type: ignore[attr-defined]
            skipped.append(f"{path}: the task's data changed since this result was computed")
            continue
        try:
            result.training_overlap = result_overlap(result.training["train_set"], data)  # type: ignore[arg-type]
        except HarnessError as exc:
            skipped.append(f"{path}: {exc}")
            continue
        atomic_write_text(path, json.dumps(dump_result(result), indent=1, ensure_ascii=False) + "\n")
        updated.append(path)
    return updated, skipped
