"""Verdicts on a claims file with seeds fixed (`seeds: fixed`): each comparison tested over queries, Holm-corrected.

A comparison's effect d is the difference of macro means over its views (a - b, signed so that
d > 0 means a is better), on per-query scores averaged over the seeds. Its margin m (0 unless
declared) makes the question "is a better than b by more than -m", i.e. "a beats b" for m = 0 and
"a is no worse than b by more than m" otherwise. Every comparison is one two-sided test of
d = -m, Holm-corrected across the distinct comparisons of the file (a repeated or reversed
comparison is one hypothesis):

- *supported*: the adjusted p is below the level, d > -m, and every seed shows d > -m;
- *contradicted*: the adjusted p is below the level, d < -m, and every seed shows d < -m;
- *inconclusive* otherwise.

Views: all of a setting's views, those touching a class <= 3 language, or each model's worst view
(lowest score, highest for lower-is-better metrics), which may differ between the models. Views
are paired sign-flip tests (harness.stats); the worst view is tested by the bootstrap, which picks
each model's worst view again in every resample (all views of one size share the resampled query
positions: on parallel tasks, the same questions), so the choice of the view is part of the test.

A claim is supported when all its comparisons are, contradicted when any is, else inconclusive.
"""

from __future__ import annotations

import numpy as np

from harness.data.resource_classes import ResourceTable, resource_table
from harness.errors import HarnessError
from harness.report.claims_result import (
    CONTRADICTED,
    INCONCLUSIVE,
    SUPPORTED,
    ClaimResult,
    ComparisonResult,
    entry_of,
    seed_effects,
    selected_views,
    worst_view,
)
from harness.report.claims_spec import ClaimsFile, Comparison
from harness.report.entries import Entry
from harness.report.per_query import aligned, load_views
from harness.stats.batched_randomization import paired_tests
from harness.stats.bootstrap import bootstrap_means, macro_mean_ci
from harness.stats.multiple_testing import holm_bounds
from harness.stats.randomization import PValue


def _worst_replicates(views: dict[str, np.ndarray], sign: float) -> np.ndarray:
    """Bootstrap replicates of a model's worst view mean, the worst view chosen again in every resample."""
    replicates = np.stack([bootstrap_means([values]) for values in views.values()])  # (views, B)
    return replicates.min(axis=0) if sign > 0 else replicates.max(axis=0)


def _prepare(
    claims: ClaimsFile, comparison: Comparison, entries: dict[tuple[str, str], Entry], table: ResourceTable
) -> tuple[ComparisonResult, list[tuple[np.ndarray, np.ndarray]] | None]:
    """The comparison's numbers and, for a paired test, its (a, b) arrays per view (a shifted by the margin)."""
    models = claims.model_of(comparison.a), claims.model_of(comparison.b)
    a, b = entry_of(entries, models[0], comparison.task), entry_of(entries, models[1], comparison.task)
    sign = 1.0 if comparison.higher_is_better else -1.0
    wanted = {comparison.setting: comparison.metric}
    views = selected_views(a, comparison, table), selected_views(b, comparison, table)
    loaded = tuple(load_views(e, wanted, with_ids={comparison.setting}) for e in (a, b))
    if comparison.views == "worst":
        return _worst_view_result(comparison, models, (a, b), views, loaded, sign), None
    return _paired_result(comparison, models, (a, b), views, loaded, sign)


def _worst_view_result(
    comparison: Comparison, models: tuple[str, str], pair: tuple[Entry, Entry], views: tuple, loaded: tuple, sign: float
) -> ComparisonResult:
    """Each model's worst view against the other's, with a bootstrap of the worst view (no paired test)."""
    margin = comparison.margin or 0.0
    arrays_a = {v: loaded[0][(comparison.setting, v)].values for v in views[0]}
    arrays_b = {v: loaded[1][(comparison.setting, v)].values for v in views[1]}
    means_a = {v: float(np.mean(x)) for v, x in arrays_a.items()}
    means_b = {v: float(np.mean(x)) for v, x in arrays_b.items()}
    worst_a, worst_b = worst_view(means_a, sign), worst_view(means_b, sign)
    diff = sign * (_worst_replicates(arrays_a, sign) - _worst_replicates(arrays_b, sign))
    low, high = (float(x) for x in np.percentile(diff, [2.5, 97.5]))
    below, above = np.count_nonzero(diff <= -margin), np.count_nonzero(diff >= -margin)
    return ComparisonResult(
        comparison,
        *models,
        means_a[worst_a],
        means_b[worst_b],
        sign * (means_a[worst_a] - means_b[worst_b]),
        (low, high),
        float(min(1.0, 2 * (min(below, above) + 1) / (diff.size + 1))),  # two-sided, of d = -margin
        seed_effects(*pair, comparison, views, sign),
        1,
        len(arrays_a[worst_a]),
        (worst_a, worst_b),
        floor=2 / (diff.size + 1),
    )


def _paired_result(
    comparison: Comparison, models: tuple[str, str], pair: tuple[Entry, Entry], views: tuple, loaded: tuple, sign: float
) -> tuple[ComparisonResult, list[tuple[np.ndarray, np.ndarray]]]:
    """The macro mean difference over the views both models have, and the aligned arrays its test flips."""
    shared = [v for v in views[0] if v in set(views[1])]
    groups = [aligned(loaded[0][(comparison.setting, v)], loaded[1][(comparison.setting, v)]) for v in shared]
    groups = [(x, y) for x, y in groups if x.size]
    if not groups:
        raise HarnessError(f"claims: {comparison.label}: the two models share no query")
    mean_a = float(np.mean([x.mean() for x, _ in groups]))
    mean_b = float(np.mean([y.mean() for _, y in groups]))
    ci = macro_mean_ci([sign * (x - y) for x, y in groups])
    assert ci is not None
    result = ComparisonResult(
        comparison,
        *models,
        mean_a,
        mean_b,
        sign * (mean_a - mean_b),
        ci,
        1.0,
        seed_effects(*pair, comparison, (shared, shared), sign),
        len(groups),
        sum(len(x) for x, _ in groups),
    )
    return result, [(x + sign * (comparison.margin or 0.0), y) for x, y in groups]


def _verdict(result: ComparisonResult, level: float) -> str:
    margin = result.comparison.margin or 0.0
    if result.p_holm >= level:
        return INCONCLUSIVE
    if result.effect > -margin and all(e > -margin for e in result.seed_effects):
        return SUPPORTED
    if result.effect < -margin and all(e < -margin for e in result.seed_effects):
        return CONTRADICTED
    return INCONCLUSIVE


def hypothesis(comparison: Comparison) -> tuple:
    """What a comparison tests: a reversed copy of a comparison without margin is the same hypothesis."""
    models = (comparison.a, comparison.b) if comparison.margin else tuple(sorted((comparison.a, comparison.b)))
    return (*models, comparison.task, comparison.setting, comparison.metric, comparison.views, comparison.margin or 0.0)


def unsupported_features(claims: ClaimsFile) -> str:
    """What a claims file asks for that evaluate_claims does not test ('' when nothing)."""
    found = []
    if claims.seeds != "fixed":
        found.append(f"seeds: {claims.seeds}")
    if any(c.kind == "equivalence" for claim in claims.claims for c in claim.all_of):
        found.append("equivalence tests")
    if any(claim.trends for claim in claims.claims):
        found.append("trends")
    if any(claim.diff_in_diff for claim in claims.claims):
        found.append("diff_in_diff")
    return ", ".join(found)


def evaluate_claims(claims: ClaimsFile, entries: list[Entry], table: ResourceTable | None = None) -> list[ClaimResult]:
    """Test every comparison of every claim; Holm across the distinct comparisons of the file."""
    unsupported = unsupported_features(claims)
    if unsupported:
        raise HarnessError(
            f"claims: with seeds fixed only superiority and non-inferiority are tested; the file asks for {unsupported}"
        )
    table = table or resource_table()
    by_key = {(e.model, e.group.task): e for e in entries if e.group.limit is None}
    prepared = [[_prepare(claims, c, by_key, table) for c in claim.all_of] for claim in claims.claims]
    flat = [item for claim in prepared for item in claim]
    paired = [(i, groups) for i, (_, groups) in enumerate(flat) if groups is not None]
    for (index, _), p in zip(paired, paired_tests([g for _, g in paired]), strict=True):
        flat[index][0].p, flat[index][0].floor = p.value, p.floor
    results = [r for r, _ in flat]
    distinct: dict[tuple, ComparisonResult] = {}
    for result in results:
        distinct.setdefault(hypothesis(result.comparison), result)
    tested = list(distinct.values())
    adjusted = dict(zip(distinct, holm_bounds([PValue(r.p, r.floor) for r in tested]), strict=True))
    for result in results:
        result.p_holm, result.p_bound = adjusted[hypothesis(result.comparison)]
        result.verdict = _verdict(result, claims.level)
    return [ClaimResult(claim, [r for r, _ in items]) for claim, items in zip(claims.claims, prepared, strict=True)]
