"""The research question against alpha: what hybrid batches do to cross-lingual retrieval on low-resource pairs.

For every member of the study's sweep, each quantity is the seed-averaged macro mean with its spread
over seeds and a 95% CI: with seeds as a random effect (a cluster key given, 2 seeds or more), the
recipe's t interval over seeds and clustered items (`hierarchical.recipe_mean`; a worst-view quantity
takes each run's own worst view); otherwise a bootstrap over queries of the seed-averaged scores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from harness.data.resource_classes import ResourceTable, resource_table
from harness.errors import HarnessError
from harness.metrics import higher_is_better
from harness.report.entries import Entry, select_views
from harness.report.per_query import load_run_views, load_views
from harness.stats.bootstrap import bootstrap_means, macro_mean_ci
from harness.stats.hierarchical import recipe_mean
from harness.tasks.cluster_key import ClusterKey, cluster_ids
from harness.vocabulary import CROSS, MULTI, query_language


@dataclass(frozen=True)
class Quantity:
    """One plotted quantity: task, setting, metric and which views it averages."""

    key: str
    label: str
    task: str
    setting: str
    metric: str
    views: str = "all"  # all | low-resource | worst


QUANTITIES = (
    Quantity("cross", "XQuAD-R cross mAP, all 110 pairs", "xquad-r", CROSS, "mAP"),
    Quantity(
        "cross-low",
        "XQuAD-R cross mAP, low-resource pairs (el or th: class ≤ 3)",
        "xquad-r",
        CROSS,
        "mAP",
        "low-resource",
    ),
    Quantity("cross-worst", "XQuAD-R cross mAP, worst pair", "xquad-r", CROSS, "mAP", "worst"),
    Quantity("multi", "XQuAD-R multi mAP", "xquad-r", MULTI, "mAP"),
    Quantity("rank-distance", "XQuAD-R multi rank distance (lower: less bias)", "xquad-r", MULTI, "rank_distance"),
    Quantity("afriqa", "AfriQA cross nDCG@10 (9 African languages)", "afriqa", CROSS, "nDCG@10"),
)


@dataclass
class Point:
    """One quantity of one sweep member."""

    alpha: float
    model: str
    value: float
    ci: tuple[float, float]
    seed_values: list[float]
    n_views: int
    n_queries: int
    view: str | None = None  # the worst view, for worst-view quantities

    @property
    def seed_std(self) -> float:
        return float(np.std(self.seed_values, ddof=1)) if len(self.seed_values) > 1 else 0.0


@dataclass
class Sweep:
    """Every quantity at every alpha of the sweep (members without full results are left out and listed)."""

    group: str
    points: dict[str, list[Point]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


def _recipe_ci(entry: Entry, quantity: Quantity, views: list[str], key: ClusterKey) -> tuple[float, float]:
    """The recipe's 95% CI with seeds as a random effect (each run's own worst view for `worst`)."""
    pick = min if higher_is_better(quantity.metric) else max
    runs = []
    for loaded in load_run_views(entry, {quantity.setting: quantity.metric}, with_ids={quantity.setting}):
        present = {v: loaded[(quantity.setting, v)] for v in views if (quantity.setting, v) in loaded}
        if quantity.views == "worst":
            worst = pick(present, key=lambda v: float(np.nanmean(present[v].values)))
            present = {worst: present[worst]}
        runs.append([(x.values, cluster_ids(key, query_language(v), x.ids)) for v, x in present.items()])
    return recipe_mean(runs).ci


def point(alpha: float, entry: Entry, quantity: Quantity, table: ResourceTable, key: ClusterKey | None = None) -> Point:
    """The quantity for one member, from its per-query files (seeds averaged) and its per-seed summaries."""
    views = select_views(entry, quantity.setting, quantity.metric, quantity.views, table)
    if not views:
        raise HarnessError(f"{entry.model} on {quantity.task}: no {quantity.setting} view with {quantity.metric}")
    found = _point(alpha, entry, quantity, views)
    if key is not None and len(entry.runs) >= 2:
        found.ci = _recipe_ci(entry, quantity, views, key)
    return found


def _point(alpha: float, entry: Entry, quantity: Quantity, views: list[str]) -> Point:
    loaded = load_views(entry, {quantity.setting: quantity.metric})
    arrays = {v: loaded[(quantity.setting, v)].values for v in views if (quantity.setting, v) in loaded}
    per_seed = [run.result.settings[quantity.setting].view_metrics() for run in entry.runs]
    pick = min if higher_is_better(quantity.metric) else max  # the worst view
    if quantity.views == "worst":
        means = {v: float(a.mean()) for v, a in arrays.items()}
        worst = pick(means, key=lambda v: means[v])
        low, high = np.percentile(bootstrap_means([arrays[worst]]), [2.5, 97.5])
        seeds = [pick(float(d[v][quantity.metric]) for v in views if v in d) for d in per_seed]
        return Point(alpha, entry.model, means[worst], (float(low), float(high)), seeds, 1, len(arrays[worst]), worst)
    ci = macro_mean_ci(list(arrays.values()))
    assert ci is not None
    value = float(np.mean([a.mean() for a in arrays.values()]))
    seeds = [float(np.mean([d[v][quantity.metric] for v in views if v in d])) for d in per_seed]
    return Point(alpha, entry.model, value, ci, seeds, len(arrays), sum(len(a) for a in arrays.values()))


def sweep_points(
    group: str,
    members: dict[str, float],
    entries: list[Entry],
    table: ResourceTable | None = None,
    cluster_key_of: Callable[[str], ClusterKey] | None = None,
) -> Sweep:
    """Points of every quantity for the members ({stored model name: alpha}) with full-size results; CIs with
    seeds as a random effect when `cluster_key_of` is given (module docstring)."""
    table = table or resource_table()
    by_key = {(e.model, e.group.task): e for e in entries if e.group.limit is None}
    sweep = Sweep(group)
    for quantity in QUANTITIES:
        sweep.points[quantity.key] = []
        for model, alpha in sorted(members.items(), key=lambda item: item[1]):
            entry = by_key.get((model, quantity.task))
            if entry is None:
                if model not in sweep.missing:
                    sweep.missing.append(model)
                continue
            key = cluster_key_of(quantity.task) if cluster_key_of else None
            sweep.points[quantity.key].append(point(alpha, entry, quantity, table, key))
    return sweep
