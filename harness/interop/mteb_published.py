"""MTEB result files as its results repository publishes them: `{org}__{model}/{revision}/{Task}.json`."""

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


def read_published(path: Path) -> PublishedResult:
    """Parse one MTEB task result file; anything malformed is a one-line error naming the file."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HarnessError(f"{path}: not a readable JSON file ({exc})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("scores"), dict) or "task_name" not in raw:
        raise HarnessError(f"{path}: not an MTEB result file (needs task_name and scores)")
    scores: dict[str, dict[str, dict[str, float]]] = {}
    for split, rows in raw["scores"].items():
        if not isinstance(rows, list):
            raise HarnessError(f"{path}: scores.{split} must be a list of subsets")
        for i, row in enumerate(rows):
            if not isinstance(row, dict) or "hf_subset" not in row:
                raise HarnessError(f"{path}: scores.{split}[{i}] has no hf_subset")
            values = {k: float(v) for k, v in row.items() if isinstance(v, int | float) and not isinstance(v, bool)}
            scores.setdefault(split, {})[str(row["hf_subset"])] = values
    model, revision = _model_of(path)
    return PublishedResult(
        path,
        model,
        revision,
        str(raw["task_name"]),
        str(raw.get("mteb_version") or "unknown"),
        str(raw.get("dataset_revision") or "unknown"),
        scores,
    )
