"""MTEB result files as its results repository publishes them: `{org}__{model}/{revision}/{Task}.json`.

Two layouts exist: MTEB >= 1.11 writes `task_name` and `scores: {split: [{hf_subset, ...}]}`; older files
(kept in the repository as they were written) have `mteb_dataset_name` and `{split: {subset: {...}}}`
at the top level, read here the way MTEB's own TaskResult converts them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.errors import HarnessError


@dataclass(frozen=True)
class PublishedResult:
    """One published MTEB task result: scores by split and subset, and what produced them."""

    path: Path
    model: str  # e.g. intfloat/multilingual-e5-small
    revision: str
    task: str
    mteb_version: str
    dataset_revision: str
    scores: dict[str, dict[str, dict[str, float]]]  # split -> subset -> score key -> value

    def subset_scores(self, split: str) -> dict[str, dict[str, float]]:
        """Scores of one split by subset; a one-line error naming the splits there are."""
        if split not in self.scores:
            raise HarnessError(f"{self.path}: no split {split!r} (splits: {sorted(self.scores)})")
        return self.scores[split]


def _model_of(path: Path) -> tuple[str, str]:
    """(org/name, revision) from the results repository's folder layout, else from model_meta.json."""
    meta = path.parent / "model_meta.json"
    if meta.is_file():
        try:
            raw = json.loads(meta.read_text(encoding="utf-8"))
            return str(raw["name"]), str(raw.get("revision") or path.parent.name)
        except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
            pass
    return path.parent.parent.name.replace("__", "/", 1), path.parent.name


LEGACY_KEYS = ("mteb_version", "mteb_dataset_name", "dataset_revision", "evaluation_time")


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _current_scores(path: Path, raw: dict) -> dict[str, dict[str, dict[str, float]]]:
    scores: dict[str, dict[str, dict[str, float]]] = {}
    for split, rows in raw["scores"].items():
        if not isinstance(rows, list):
            raise HarnessError(f"{path}: scores.{split} must be a list of subsets")
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or "hf_subset" not in row:
                raise HarnessError(f"{path}: scores.{split}[{i}] has no hf_subset")
            scores.setdefault(split, {})[str(row["hf_subset"])] = {k: float(v) for k, v in row.items() if _number(v)}
    return scores


def _legacy_scores(path: Path, raw: dict) -> dict[str, dict[str, dict[str, float]]]:
    """Before MTEB 1.11: `{split: {subset: {metric: value}}}`, or `{split: {metric: value}}` for one subset."""
    scores: dict[str, dict[str, dict[str, float]]] = {}
    for split, rows in raw.items():
        if split in LEGACY_KEYS:
            continue
        if not isinstance(rows, dict):
            raise HarnessError(f"{path}: {split} must map subsets to scores (a file from before MTEB 1.11)")
        subsets = {k: v for k, v in rows.items() if isinstance(v, dict)}
        if not subsets:
            subsets = {"default": rows}
        scores[split] = {str(k): {m: float(v) for m, v in row.items() if _number(v)} for k, row in subsets.items()}
    return scores


def read_published(path: Path) -> PublishedResult:
    """Parse one MTEB task result file; anything malformed is a one-line error naming the file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HarnessError(f"{path}: not a readable JSON file ({exc})") from None
    if isinstance(raw, dict) and isinstance(raw.get("scores"), dict) and "task_name" in raw:
        task, scores = raw["task_name"], _current_scores(path, raw)
    elif isinstance(raw, dict) and isinstance(raw.get("mteb_dataset_name"), str):
        task, scores = raw["mteb_dataset_name"], _legacy_scores(path, raw)
    else:
        raise HarnessError(f"{path}: not an MTEB result file (needs task_name and scores, or mteb_dataset_name)")
    if not scores:
        raise HarnessError(f"{path}: no scores")
    model, revision = _model_of(path)
    return PublishedResult(
        path,
        model,
        revision,
        str(task),
        str(raw.get("mteb_version") or "unknown"),
        str(raw.get("dataset_revision") or "unknown"),
        scores,
    )
