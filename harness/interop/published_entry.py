"""A published MTEB result as this project stores it: per view of a harness task, in its metric names.

`harness import mteb` writes one file per (model, revision, task) under
`<results>/published/<org>__<name>/<revision>/<task>.json`. Published results have no per-query
scores, so the board shows them with their mark and never with a confidence interval or a test.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from harness.errors import HarnessError
from harness.interop.mteb_published import PublishedResult
from harness.tasks.task_spec import TaskSpec

PUBLISHED_DIR = "published"  # under a results folder; `collect` reads only <model>/<task>.json beside it
PUBLISHED_FORMAT = "xling-harness/mteb-published/1"


class PublishedEntry(BaseModel):
    """One published task result of one model revision, mapped onto a harness task's views."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["xling-harness/mteb-published/1"] = PUBLISHED_FORMAT
    model: str = Field(description="hub id, e.g. intfloat/multilingual-e5-small")
    revision: str
    task: str = Field(description="the harness task")
    mteb_task: str
    mteb_version: str
    dataset_revision: str
    split: str
    metric: str = Field(description="the harness metric of MTEB's main score, e.g. F1")
    views: dict[str, dict[str, dict[str, float]]] = Field(description="setting -> view -> harness metric -> value")
    unmatched: list[str] = Field(default_factory=list, description="published subsets that are no view of the task")
    source: str = Field(description="the published file, relative to the imported folder")
    source_sha256: str
    training_declared: bool = Field(default=False, description="model_meta.json lists the model's training data")
    trained_on_task: bool = Field(default=False, description="... and it names this MTEB task (in-domain)")

    @property
    def mark(self) -> str:
        """'published (MTEB 1.36.32, dataset 69e8f12)': what every page shows beside these numbers."""
        return f"published (MTEB {self.mteb_version}, dataset {self.dataset_revision[:7]})"

    def values(self, metric: str | None = None) -> dict[str, float]:
        """View -> value of `metric` (default: the main one) over every mapped setting."""
        metric = metric or self.metric
        return {view: v[metric] for views in self.views.values() for view, v in views.items() if metric in v}

    @property
    def mteb_mean(self) -> float:
        """MTEB's task score: the mean of the main metric over the subsets (here, the mapped views)."""
        return statistics.fmean(self.values().values())

    def relative_path(self) -> Path:
        """`<org>__<name>/<revision>/<task>.json` under the published folder."""
        return Path(self.model.replace("/", "__")) / self.revision / f"{self.task}.json"


def declared_training(meta: Path) -> list[str] | None:
    """The MTEB datasets a model_meta.json says the model was trained on; None when it declares none."""
    try:
        raw = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    datasets = raw.get("training_datasets") if isinstance(raw, dict) else None
    return [str(name) for name in datasets] if isinstance(datasets, dict | list) else None


def from_published(spec: TaskSpec, published: PublishedResult, source: str) -> PublishedEntry:
    """Map a published result onto `spec`'s views (with the training data its model_meta.json declares); a
    one-line error when nothing of it maps."""
    mapping = spec.mteb
    if mapping is None:
        raise HarnessError(f"task {spec.name} has no MTEB counterpart")
    if published.task != mapping.task:
        raise HarnessError(f"{published.path}: task_name {published.task!r}, but the file is named {mapping.task}")
    subsets = published.subset_scores(mapping.split)
    by_subset = spec.mteb_views()
    views: dict[str, dict[str, dict[str, float]]] = {}
    unmatched = []
    for subset, scores in subsets.items():
        values = {metric: scores[key] for metric, key in mapping.metrics.items() if key in scores}
        if subset not in by_subset or mapping.main_metric not in values:
            unmatched.append(subset)
            continue
        setting, view = by_subset[subset]
        views.setdefault(setting, {})[view] = values
    if not views:
        raise HarnessError(
            f"{published.path}: no subset with {mapping.metrics[mapping.main_metric]} is a view of {spec.name}"
        )
    training = declared_training(published.path.parent / "model_meta.json")
    return PublishedEntry(
        model=published.model,
        revision=published.revision,
        task=spec.name,
        mteb_task=mapping.task,
        mteb_version=published.mteb_version,
        dataset_revision=published.dataset_revision,
        split=mapping.split,
        metric=mapping.main_metric,
        views=views,
        unmatched=sorted(unmatched),
        source=source,
        source_sha256=hashlib.sha256(published.path.read_bytes()).hexdigest(),
        training_declared=training is not None,
        trained_on_task=training is not None and mapping.task in training,
    )
