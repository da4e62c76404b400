"""Verdicts on a claims file: each comparison tested over queries, Holm-corrected across all of them.

A comparison's effect d is the difference of macro means over its views (a - b, signed so that
d > 0 means a is better), computed on per-query scores averaged over the seeds.

- **a beats b** (no margin): two-sided paired sign-flip test of d = 0 (harness.stats). It is
  *supported* when the Holm-adjusted p is below the level, d > 0 and every seed shows d > 0;
  *contradicted* when the adjusted p is below the level and d < 0 in the mean and in every seed;
  *inconclusive* otherwise.
- **a no worse than b by more than m** (margin): one-sided test of d <= -m, by shifting a by m.
  It is *supported* when the adjusted p is below the level and every seed shows d > -m;
  *contradicted* when the whole 95% bootstrap CI of d lies below -m; *inconclusive* otherwise.
- **worst view**: d compares each model's own worst view (lowest seed-averaged mean), so the
  views may differ. It is tested by the bootstrap, whose resamples draw the same query positions
  in every view of one size (parallel tasks: the same questions); its p is the share of resamples
  on the other side.

A claim is supported when all its comparisons are, contradicted when any is, else inconclusive.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from harness.data.resource_classes import ResourceTable, resource_table
from harness.errors import HarnessError
from harness.report.claims_spec import Claim, ClaimsFile, Comparison
from harness.report.entries import Entry
from harness.report.per_query import View, aligned, load_views
from harness.results.low_resource import pair_languages
from harness.stats.batched_randomization import paired_tests
from harness.stats.bootstrap import bootstrap_means, macro_mean_ci
from harness.stats.multiple_testing import holm_bounds
from harness.stats.randomization import PValue

SUPPORTED, CONTRADICTED, INCONCLUSIVE = "supported", "contradicted", "inconclusive"


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
    n_queries: int
    views: tuple[str, str] | None = None  # worst-view comparisons: (a's worst view, b's worst view)
    floor: float | None = None  # the smallest p its resampling can give (p at the floor: only a bound)
    p_holm: float = 1.0
    p_bound: bool = False  # the adjusted p is only an upper bound
    verdict: str = INCONCLUSIVE


@dataclass
class ClaimResult:
    """A claim and its comparisons' results."""

    claim: Claim
    comparisons: list[ComparisonResult]

    @property
    def verdict(self) -> str:
        verdicts = {c.verdict for c in self.comparisons}
        if verdicts == {SUPPORTED}:
            return SUPPORTED
        return CONTRADICTED if CONTRADICTED in verdicts else INCONCLUSIVE


def _entry(entries: dict[tuple[str, str], Entry], model: str, task: str) -> Entry:
    found = entries.get((model, task))
    if found is None:
        raise HarnessError(f"claims: no full-size result of {model!r} on {task!r} in the results folder")
    return found


def _selected(entry: Entry, comparison: Comparison, table: ResourceTable) -> list[str]:
    scores = entry.settings.get(comparison.setting)
    if scores is None:
        raise HarnessError(f"claims: {entry.model} on {comparison.task} has no setting {comparison.setting!r}")
    views = [v for v in scores.detail if scores.detail[v].get(comparison.metric) is not None]
    if comparison.views == "low-resource":
        views = [v for v in views if any(table.is_low_resource(lang) for lang in pair_languages(v))]
    if not views:
        raise HarnessError(f"claims: {comparison.label}: no view with {comparison.metric} to compare")
    return views


def _worst(values: dict[str, float], sign: float) -> str:
    return min(values, key=lambda view: sign * values[view])


def _seed_effects(a: Entry, b: Entry, comparison: Comparison, views: list[str], sign: float) -> list[float]:
    """d per training seed (seeds matched by number; one value for untrained models)."""

    def per_seed(entry: Entry) -> dict[int | None, dict[str, float]]:
        out = {}
        for run in entry.runs:
            detail = run.result.settings[comparison.setting].view_metrics()
            out[run.result.seed] = {
                v: float(detail[v][comparison.metric])
                for v in views
                if detail.get(v, {}).get(comparison.metric) is not None
            }
        return out

    runs_a, runs_b = per_seed(a), per_seed(b)
    common = [s for s in runs_a if s in runs_b]
    first_b = next(iter(runs_b.values()))
    pairs = [(runs_a[s], runs_b[s]) for s in common] if common else [(va, first_b) for va in runs_a.values()]
    effects = []
    for va, vb in pairs:
        if comparison.views == "worst":
            effects.append(sign * (va[_worst(va, sign)] - vb[_worst(vb, sign)]))
        else:
            shared = [v for v in views if v in va and v in vb]
            effects.append(sign * (np.mean([va[v] for v in shared]) - np.mean([vb[v] for v in shared])))
    return [float(e) for e in effects]


def _prepare(
    claims: ClaimsFile, comparison: Comparison, entries: dict[tuple[str, str], Entry], table: ResourceTable
) -> tuple[ComparisonResult, list[tuple[np.ndarray, np.ndarray]] | None]:
    """The comparison's numbers and, for a paired test, its (a, b) arrays per view (a already shifted by the margin)."""
    model_a, model_b = claims.model_of(comparison.a), claims.model_of(comparison.b)
    a, b = _entry(entries, model_a, comparison.task), _entry(entries, model_b, comparison.task)
    sign = 1.0 if comparison.higher_is_better else -1.0
    margin = comparison.margin or 0.0
    wanted = {comparison.setting: comparison.metric}
    views_a, views_b = (_selected(e, comparison, table) for e in (a, b))
    loaded_a: dict = load_views(a, wanted, with_ids={comparison.setting})
    loaded_b: dict = load_views(b, wanted, with_ids={comparison.setting})
    if comparison.views == "worst":
        means_a = {v: float(np.mean(loaded_a[(comparison.setting, v)].values)) for v in views_a}
        means_b = {v: float(np.mean(loaded_b[(comparison.setting, v)].values)) for v in views_b}
        worst_a, worst_b = _worst(means_a, sign), _worst(means_b, sign)
        va: View = loaded_a[(comparison.setting, worst_a)]
        vb: View = loaded_b[(comparison.setting, worst_b)]
        diff = sign * (bootstrap_means([va.values]) - bootstrap_means([vb.values]))
        effect = sign * (means_a[worst_a] - means_b[worst_b])
        p = _bootstrap_p(diff, effect, comparison.margin)
        low, high = (float(x) for x in np.percentile(diff, [2.5, 97.5]))
        result = ComparisonResult(
            comparison,
            model_a,
            model_b,
            means_a[worst_a],
            means_b[worst_b],
            effect,
            (low, high),
            p,
            _seed_effects(a, b, comparison, views_a, sign),
            1,
            len(va.values),
            (worst_a, worst_b),
        )
        result.floor = (1 if comparison.margin is not None else 2) / (diff.size + 1)
        return result, None
    shared = [v for v in views_a if v in set(views_b)]
    groups = [aligned(loaded_a[(comparison.setting, v)], loaded_b[(comparison.setting, v)]) for v in shared]
    groups = [(x, y) for x, y in groups if x.size]
    if not groups:
        raise HarnessError(f"claims: {comparison.label}: the two models share no query")
    mean_a = float(np.mean([x.mean() for x, _ in groups]))
    mean_b = float(np.mean([y.mean() for _, y in groups]))
    effect = sign * (mean_a - mean_b)
    ci = macro_mean_ci([sign * (x - y) for x, y in groups])
    assert ci is not None
    result = ComparisonResult(
        comparison,
        model_a,
        model_b,
        mean_a,
        mean_b,
        effect,
        ci,
        1.0,
        _seed_effects(a, b, comparison, shared, sign),
        len(groups),
        sum(len(x) for x, _ in groups),
    )
    return result, [(x + sign * margin, y) for x, y in groups]


def _bootstrap_p(diff: np.ndarray, effect: float, margin: float | None) -> float:
    if margin is not None:  # one-sided: H0 d <= -margin
        return float((np.count_nonzero(diff <= -margin) + 1) / (diff.size + 1))
    other_side = np.count_nonzero(diff <= 0) if effect > 0 else np.count_nonzero(diff >= 0)
    return float(min(1.0, 2 * (other_side + 1) / (diff.size + 1)))


def _verdict(result: ComparisonResult, level: float) -> str:
    margin = result.comparison.margin
    significant = result.p_holm < level
    if margin is None:
        if significant and result.effect > 0 and all(e > 0 for e in result.seed_effects):
            return SUPPORTED
        if significant and result.effect < 0 and all(e < 0 for e in result.seed_effects):
            return CONTRADICTED
        return INCONCLUSIVE
    if significant and all(e > -margin for e in result.seed_effects):
        return SUPPORTED
    return CONTRADICTED if result.ci[1] < -margin else INCONCLUSIVE


def evaluate_claims(claims: ClaimsFile, entries: list[Entry], table: ResourceTable | None = None) -> list[ClaimResult]:
    """Test every comparison of every claim; Holm across all comparisons of the file."""
    table = table or resource_table()
    by_key = {(e.model, e.group.task): e for e in entries if e.group.limit is None}
    prepared = [[_prepare(claims, c, by_key, table) for c in claim.all_of] for claim in claims.claims]
    flat = [item for claim in prepared for item in claim]
    paired = [(i, groups) for i, (_, groups) in enumerate(flat) if groups is not None]
    for (index, _), p in zip(paired, paired_tests([g for _, g in paired]), strict=True):
        result = flat[index][0]
        if result.comparison.margin is None:
            result.p, result.floor = p.value, p.floor
        else:  # one-sided from the shifted two-sided test
            shifted = result.effect + result.comparison.margin
            result.p = p.value / 2 if shifted > 0 else 1 - p.value / 2
            result.floor = p.floor / 2 if p.floor is not None else None
    results = [r for r, _ in flat]
    for result, (adjusted, bound) in zip(results, holm_bounds([PValue(r.p, r.floor) for r in results]), strict=True):
        result.p_holm, result.p_bound = adjusted, bound
        result.verdict = _verdict(result, claims.level)
    return [ClaimResult(claim, [r for r, _ in items]) for claim, items in zip(claims.claims, prepared, strict=True)]
