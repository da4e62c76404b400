"""The research question against alpha: what hybrid batches do to cross-lingual retrieval on low-resource pairs.

For every member of the study's sweep, each quantity is the seed-averaged macro mean with a 95%
bootstrap CI over queries (per-query scores averaged over seeds) and the spread over seeds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from harness.data.resource_classes import ResourceTable, resource_table
from harness.errors import HarnessError
from harness.metrics import higher_is_better
from harness.report.entries import Entry, select_views
from harness.report.per_query import load_views
from harness.stats.bootstrap import bootstrap_means, macro_mean_ci


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
    Quantity("cross", "XQuAD-R cross mAP, all 110 pairs", "xquad-r", "cross", "mAP"),
    Quantity(
        "cross-low",
        "XQuAD-R cross mAP, low-resource pairs (el or th: class ≤ 3)",
        "xquad-r",
        "cross",
        "mAP",
        "low-resource",
    ),
    Quantity("cross-worst", "XQuAD-R cross mAP, worst pair", "xquad-r", "cross", "mAP", "worst"),
    Quantity("multi", "XQuAD-R multi mAP", "xquad-r", "multi", "mAP"),
    Quantity("rank-distance", "XQuAD-R multi rank distance (lower: less bias)", "xquad-r", "multi", "rank_distance"),
    Quantity("afriqa", "AfriQA cross nDCG@10 (9 African languages)", "afriqa", "cross", "nDCG@10"),
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


def point(alpha: float, entry: Entry, quantity: Quantity, table: ResourceTable) -> Point:
    """The quantity for one member, from its per-query files (seeds averaged) and its per-seed summaries."""
    views = select_views(entry, quantity.setting, quantity.metric, quantity.views, table)
    if not views:
        raise HarnessError(f"{entry.model} on {quantity.task}: no {quantity.setting} view with {quantity.metric}")
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
    group: str, members: dict[str, float], entries: list[Entry], table: ResourceTable | None = None
) -> Sweep:
    """Points of every quantity for the members ({stored model name: alpha}) with full-size results."""
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
            sweep.points[quantity.key].append(point(alpha, entry, quantity, table))
    return sweep
