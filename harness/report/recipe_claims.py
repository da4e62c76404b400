"""Verdicts on a claims file whose seeds are a random effect: claims about recipes, not about runs.

Comparisons are tested by `recipe_comparisons` (items clustered by the task's cluster key, seeds a
random effect; superiority, non-inferiority or equivalence), trends and difference-in-differences
by `claim_checks`. Holm's correction runs over every distinct comparison and check of the file.
`evaluate` picks the method the file declares (`seeds: fixed` is `claims.evaluate_claims`).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from harness.data.resource_classes import ResourceTable, resource_table
from harness.errors import HarnessError
from harness.report.claim_checks import diff_verdict, test_diff_in_diff, test_trend, trend_verdict
from harness.report.claims import evaluate_claims, hypothesis
from harness.report.claims_result import CheckResult, ClaimResult, ComparisonResult, entry_of
from harness.report.claims_spec import ClaimsFile
from harness.report.entries import Entry
from harness.report.recipe_comparisons import compare_as_recipes, recipe_verdict
from harness.stats.multiple_testing import holm_bounds
from harness.stats.randomization import PValue
from harness.tasks.cluster_key import ClusterKey

ClusterKeyOf = Callable[[str], ClusterKey]


def task_cluster_key(task: str) -> ClusterKey:
    """The cluster key the task declares (tasks/*.yaml)."""
    from harness.tasks.task_registry import load_tasks

    return load_tasks()[task].cluster_key


def recipe_entry(by_key: dict[tuple[str, str], Entry], model: str, task: str) -> Entry:
    """The model's full-size entry on the task, or a one-line error when it has fewer than 2 seeds (a recipe's
    seed variance cannot be estimated from one run)."""
    entry = entry_of(by_key, model, task)
    if len(entry.runs) < 2:
        seeds = ", ".join(str(s) for s in entry.seeds) or "none"
        raise HarnessError(
            f"claims: seeds are a random effect and need at least 2 runs per recipe; {model} on {task} has "
            f"{len(entry.runs)} (seed {seeds})"
        )
    return entry


def evaluate_recipe_claims(
    claims: ClaimsFile,
    entries: list[Entry],
    members: dict[str, float],
    table: ResourceTable | None = None,
    cluster_key_of: ClusterKeyOf = task_cluster_key,
) -> tuple[list[ClaimResult], dict[str, pd.DataFrame]]:
    """Every claim's comparisons and checks tested with seeds as a random effect; also each
    difference-in-differences check's per-language gains (keyed by its label)."""
    table = table or resource_table()
    by_key = {(e.model, e.group.task): e for e in entries if e.group.limit is None}
    results, gains = [], {}
    for claim in claims.claims:
        comparisons = []
        for c in claim.all_of:
            a = recipe_entry(by_key, claims.model_of(c.a), c.task)
            b = recipe_entry(by_key, claims.model_of(c.b), c.task)
            comparisons.append(compare_as_recipes(c, a, b, table, cluster_key_of(c.task)))
        checks = [test_trend(trend, members, by_key, table) for trend in claim.trends]
        for did in claim.diff_in_diff:
            a = recipe_entry(by_key, claims.model_of(did.a), did.task)
            b = recipe_entry(by_key, claims.model_of(did.b), did.task)
            result, frame = test_diff_in_diff(did, a, b, table)
            checks.append(result)
            gains[result.label] = frame
        results.append(ClaimResult(claim, comparisons, checks))
    _adjust(results)
    for result in results:
        for comparison in result.comparisons:
            comparison.verdict = recipe_verdict(comparison, claims.level)
        trends = len(result.claim.trends)
        for trend, check in zip(result.claim.trends, result.checks[:trends], strict=True):
            check.verdict = trend_verdict(trend, check, claims.level)
        for did, check in zip(result.claim.diff_in_diff, result.checks[trends:], strict=True):
            check.verdict = diff_verdict(did, check, claims.level)
    return results, gains


def _adjust(results: list[ClaimResult]) -> None:
    """Holm over the distinct comparisons (a repeated or reversed one is one hypothesis) and checks."""
    first: dict[tuple, ComparisonResult | CheckResult] = {}
    keyed: list[tuple[tuple, ComparisonResult | CheckResult]] = []
    for result in results:
        keyed += [(hypothesis(c.comparison), c) for c in result.comparisons]
        keyed += [(("check", c.label), c) for c in result.checks]
    for key, found in keyed:
        first.setdefault(key, found)
    adjusted = dict(zip(first, holm_bounds([PValue(f.p, None) for f in first.values()]), strict=True))
    for key, found in keyed:
        found.p_holm = adjusted[key][0]


def evaluate(
    claims: ClaimsFile, entries: list[Entry], members: dict[str, float], table: ResourceTable | None = None
) -> tuple[list[ClaimResult], dict[str, pd.DataFrame]]:
    """The claims tested with the method the file declares (`seeds`)."""
    if claims.seeds == "fixed":
        return evaluate_claims(claims, entries, table), {}
    return evaluate_recipe_claims(claims, entries, members, table)


def n_tests(results: list[ClaimResult]) -> int:
    """Distinct comparisons and checks: what Holm's correction ran over."""
    comparisons = {hypothesis(c.comparison) for r in results for c in r.comparisons}
    checks = {c.label for r in results for c in r.checks}
    return len(comparisons) + len(checks)
