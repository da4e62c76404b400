"""Score against α per Joshi class: the low-resource axis of the research question.

A view belongs to the class of its lowest-class language (a pair is as low-resource as its weakest
side; the pivot English of Tatoeba and AfriQA is class 5, so the other language decides); views with
an unclassified language form their own group. Each point is the recipe's mean over seeds of the
macro mean over the class's views, with a 95% CI that takes seeds as a random effect and items as
clusters (`hierarchical.recipe_mean`); with one seed, only the mean.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from harness.data.resource_classes import ResourceTable
from harness.report.entries import Entry, select_views
from harness.report.per_query import load_run_views
from harness.stats.hierarchical import recipe_mean
from harness.tasks.cluster_key import ClusterKey, cluster_ids
from harness.vocabulary import CROSS, query_language, view_languages

CLASS_AXES = (("tatoeba", CROSS, "F1"), ("afriqa", CROSS, "nDCG@10"), ("xquad-r", CROSS, "mAP"))


@dataclass(frozen=True)
class ClassPoint:
    """One (α, class) point of one task's score."""

    task: str
    setting: str
    metric: str
    resource_class: int | None  # None: views with an unclassified language
    alpha: float
    value: float
    ci: tuple[float, float] | None
    seeds: int
    views: int
    clusters: int

    @property
    def class_label(self) -> str:
        return "unclassified" if self.resource_class is None else f"class {self.resource_class}"


def view_class(view: str, table: ResourceTable) -> int | None:
    """The lowest class among the view's languages; None when any of them has no class."""
    classes = [table.resource_class(lang) for lang in view_languages(view)]
    return None if any(c is None for c in classes) else min(c for c in classes if c is not None)


def class_points(
    alpha: float, entry: Entry, setting: str, metric: str, table: ResourceTable, key: ClusterKey
) -> list[ClassPoint]:
    """Every class's point for one sweep member on one task."""
    views = select_views(entry, setting, metric, "all", table)
    by_class: dict[int | None, list[str]] = {}
    for view in views:
        by_class.setdefault(view_class(view, table), []).append(view)
    runs = load_run_views(entry, {setting: metric}, with_ids={setting})
    points = []
    for klass, members in sorted(by_class.items(), key=lambda item: (item[0] is None, item[0] or 0)):
        per_run = [
            [(run[(setting, v)].values, cluster_ids(key, query_language(v), run[(setting, v)].ids)) for v in members]
            for run in runs
        ]
        value = float(np.mean([np.mean([np.nanmean(values) for values, _ in run]) for run in per_run]))
        ci, clusters = None, len({c for run in per_run for _, ids in run for c in ids.tolist()})
        if len(per_run) >= 2:
            found = recipe_mean(per_run)
            ci, clusters = found.ci, found.clusters
        points.append(
            ClassPoint(entry.group.task, setting, metric, klass, alpha, value, ci, len(runs), len(members), clusters)
        )
    return points


def class_sweep(
    members: dict[str, float],
    entries: list[Entry],
    table: ResourceTable,
    cluster_key_of: Callable[[str], ClusterKey],
    axes: tuple[tuple[str, str, str], ...] = CLASS_AXES,
) -> dict[str, list[ClassPoint]]:
    """{task: points over α and class} for each axis whose task every member has at full size."""
    by_key = {(e.model, e.group.task): e for e in entries if e.group.limit is None}
    out = {}
    for task, setting, metric in axes:
        found = [(alpha, by_key.get((model, task))) for model, alpha in sorted(members.items(), key=lambda m: m[1])]
        if not found or any(entry is None for _, entry in found):
            continue
        key = cluster_key_of(task)
        out[task] = [
            p for alpha, entry in found if entry for p in class_points(alpha, entry, setting, metric, table, key)
        ]
    return out
