"""What a tested claim is: verdicts, one comparison's numbers, a claim's checks, and the helpers both
testing methods share (the models' entries, the views a comparison selects, its effect per seed)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from harness.data.resource_classes import ResourceTable
from harness.errors import HarnessError
from harness.report.claims_spec import Claim, Comparison
from harness.report.entries import Entry, select_views

SUPPORTED, CONTRADICTED, INCONCLUSIVE, EQUIVALENT = "supported", "contradicted", "inconclusive", "equivalent"
SHOWN = frozenset({SUPPORTED, EQUIVALENT})  # verdicts that show what the check expects


@dataclass
class ComparisonResult:
    """One tested comparison: both means, the effect with its CI, p before and after Holm, the seeds."""

    comparison: Comparison
    model_a: str
    model_b: str
    mean_a: float
    mean_b: float
    effect: float  # signed: > 0 means a is better
    ci: tuple[float, float]
    p: float
    seed_effects: list[float]
    n_views: int
    n_queries: int  # queries (seeds fixed) or clusters (seeds as a random effect)
    views: tuple[str, str] | None = None  # worst-view comparisons: (a's worst view, b's worst view)
    floor: float | None = None  # the smallest p its resampling can give (p at the floor: only a bound)
    p_holm: float = 1.0
    p_bound: bool = False  # the adjusted p is only an upper bound
    verdict: str = INCONCLUSIVE
    seeds: tuple[int, int] | None = None  # seeds as a random effect: runs of a and of b
    se: float | None = None
    df: float | None = None


@dataclass
class CheckResult:
    """A trend or difference-in-differences check: its estimate, CI, p before and after Holm, verdict."""

    label: str
    metric: str  # the unit of the estimate: a slope per unit of α, or a gain difference
    estimate: float
    ci: tuple[float, float]
    p: float
    n: int  # runs (trend) or languages (difference-in-differences)
    detail: str = ""  # e.g. the trend's shape, the covariates
    p_holm: float = 1.0
    verdict: str = INCONCLUSIVE


@dataclass
class ClaimResult:
    """A claim and the results of its comparisons and checks."""

    claim: Claim
    comparisons: list[ComparisonResult]
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """supported when every comparison and check shows what it expects, contradicted when any contradicts."""
        verdicts = {c.verdict for c in self.comparisons} | {c.verdict for c in self.checks}
        if verdicts <= SHOWN:
            return SUPPORTED
        return CONTRADICTED if CONTRADICTED in verdicts else INCONCLUSIVE


def entry_of(entries: dict[tuple[str, str], Entry], model: str, task: str) -> Entry:
    """The full-size entry of a model on a task, or a one-line error."""
    found = entries.get((model, task))
    if found is None:
        raise HarnessError(f"claims: no full-size result of {model!r} on {task!r} in the results folder")
    return found


def selected_views(entry: Entry, comparison: Comparison, table: ResourceTable) -> list[str]:
    """The entry's views the comparison averages (all, low-resource; worst picks among all of them)."""
    if comparison.setting not in entry.settings:
        raise HarnessError(f"claims: {entry.model} on {comparison.task} has no setting {comparison.setting!r}")
    views = select_views(entry, comparison.setting, comparison.metric, comparison.views, table)
    if not views:
        raise HarnessError(f"claims: {comparison.label}: no view with {comparison.metric} to compare")
    return views


def worst_view(values: dict[str, float], sign: float) -> str:
    """The view with the lowest value (highest for a lower-is-better metric, sign -1)."""
    return min(values, key=lambda view: sign * values[view])


def seed_effects(
    a: Entry,
    b: Entry,
    comparison: Comparison,
    views: tuple[list[str], list[str]],
    sign: float,
    common_only: bool = False,
) -> list[float]:
    """d per training seed: seeds matched by number, or every run of a against b's only run (an untrained model);
    with `common_only`, the seeds both have (seeds as a random effect need not match: this is only shown)."""

    def per_seed(entry: Entry, wanted: list[str]) -> dict[int | None, dict[str, float]]:
        out = {}
        for run in entry.runs:
            detail = run.result.settings[comparison.setting].view_metrics()
            out[run.result.seed] = {
                v: float(detail[v][comparison.metric])
                for v in wanted
                if detail.get(v, {}).get(comparison.metric) is not None
            }
        return out

    runs_a, runs_b = per_seed(a, views[0]), per_seed(b, views[1])
    if common_only:
        runs_a = {s: v for s, v in runs_a.items() if s in runs_b}
        runs_b = {s: v for s, v in runs_b.items() if s in runs_a}
    if set(runs_a) == set(runs_b):
        pairs = [(runs_a[s], runs_b[s]) for s in runs_a]
    elif len(runs_b) == 1 or len(runs_a) == 1:
        pairs = [(va, vb) for va in runs_a.values() for vb in runs_b.values()]
    else:
        raise HarnessError(
            f"claims: {comparison.label}: the models have different seeds "
            f"({sorted(runs_a, key=str)} vs {sorted(runs_b, key=str)})"
        )
    effects = []
    for va, vb in pairs:
        if comparison.views == "worst":
            effects.append(sign * (va[worst_view(va, sign)] - vb[worst_view(vb, sign)]))
        else:
            shared = [v for v in va if v in vb]
            effects.append(sign * (np.mean([va[v] for v in shared]) - np.mean([vb[v] for v in shared])))
    return [float(e) for e in effects]
