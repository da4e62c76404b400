"""A claims comparison tested with seeds as a random effect and items clustered by the task's source item.

Each seed run of a recipe is reduced to per-cluster contributions to its macro mean over the
comparison's views (for `views: worst`, the run's own worst view); `hierarchical.compare_recipes`
gives the difference of the recipes' mean scores, its standard error from the seed and item
variance components, and Welch-Satterthwaite degrees of freedom. The test then depends on what the
comparison asks (d signed so that d > 0 means a is better, margin m):

- superiority (no margin): two-sided t test of d = 0;
- non-inferiority: one-sided t test of H0 d <= -m;
- equivalence: two one-sided t tests of H0 |d| >= m (TOST: the larger p).

The worst view is chosen in each run (runs of one recipe may pick different views); the seed
variance then carries the spread of that choice, but the choice is not re-made per resample.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from harness.data.resource_classes import ResourceTable
from harness.report.claims_result import (
    CONTRADICTED,
    EQUIVALENT,
    INCONCLUSIVE,
    SUPPORTED,
    ComparisonResult,
    seed_effects,
    selected_views,
)
from harness.report.claims_spec import Comparison
from harness.report.entries import Entry
from harness.report.per_query import View, load_run_views
from harness.stats.hierarchical import RecipeComparison, Run, compare_recipes
from harness.tasks.cluster_key import ClusterKey, cluster_ids
from harness.vocabulary import query_language

ClusterKeyOf = Callable[[str], ClusterKey]


def _runs(entry: Entry, comparison: Comparison, views: list[str], key: ClusterKey, sign: float) -> list[Run]:
    """Per seed, the (values, cluster ids) of the comparison's views (only the worst one for `worst`)."""
    setting = comparison.setting
    runs = []
    for loaded in load_run_views(entry, {setting: comparison.metric}, with_ids={setting}):
        present: dict[str, View] = {v: loaded[(setting, v)] for v in views if (setting, v) in loaded}
        if comparison.views == "worst":
            worst = min(present, key=lambda v: sign * float(np.nanmean(present[v].values)))
            present = {worst: present[worst]}
        runs.append([(view.values, cluster_ids(key, query_language(name), view.ids)) for name, view in present.items()])
    return runs


def _mean_score(runs: list[Run]) -> float:
    """The mean over runs of each run's macro mean over its views (NaN cells dropped)."""
    return float(np.mean([np.mean([np.nanmean(values) for values, _ in run]) for run in runs]))


def _worst_views(runs: list[Run], entry: Entry, comparison: Comparison, views: list[str], sign: float) -> str:
    """The worst view of the seed-averaged scores, for the table (each run's own worst one is tested)."""
    per_seed = [run.result.settings[comparison.setting].view_metrics() for run in entry.runs]
    means = {v: float(np.mean([d[v][comparison.metric] for d in per_seed if v in d])) for v in views}
    return min(means, key=lambda v: sign * means[v])


def one_sided_p(found: RecipeComparison, effect: float, comparison: Comparison) -> float:
    """The p of the comparison's test (module docstring) from the signed effect and the t reference."""
    from scipy import stats

    margin = comparison.margin or 0.0
    if found.se == 0.0:
        inside = abs(effect) < margin if comparison.kind == "equivalence" else effect > -margin
        return 0.0 if inside else 1.0
    if comparison.kind == "superiority":
        return found.p
    lower = float(stats.t.sf((effect + margin) / found.se, found.df))  # H0: d <= -m
    if comparison.kind == "non-inferiority":
        return lower
    upper = float(stats.t.cdf((effect - margin) / found.se, found.df))  # H0: d >= +m
    return max(lower, upper)


def compare_as_recipes(
    comparison: Comparison, a: Entry, b: Entry, table: ResourceTable, key: ClusterKey
) -> ComparisonResult:
    """The comparison's effect, CI and p with seeds as a random effect (Holm and the verdict come later)."""
    sign = 1.0 if comparison.higher_is_better else -1.0
    views_a, views_b = selected_views(a, comparison, table), selected_views(b, comparison, table)
    if comparison.views != "worst":
        views_a = views_b = [v for v in views_a if v in set(views_b)]
    runs_a, runs_b = _runs(a, comparison, views_a, key, sign), _runs(b, comparison, views_b, key, sign)
    found = compare_recipes(runs_a, runs_b)
    effect = sign * found.difference
    low, high = sorted(sign * x for x in found.ci)
    mean_a, mean_b = _mean_score(runs_a), _mean_score(runs_b)
    worst = None
    if comparison.views == "worst":
        worst = (_worst_views(runs_a, a, comparison, views_a, sign), _worst_views(runs_b, b, comparison, views_b, sign))
    return ComparisonResult(
        comparison,
        a.model,
        b.model,
        mean_a,
        mean_b,
        effect,
        (low, high),
        one_sided_p(found, effect, comparison),
        seed_effects(a, b, comparison, (views_a, views_b), sign, common_only=True),
        1 if comparison.views == "worst" else len(views_a),
        found.clusters,
        worst,
        seeds=found.seeds,
        se=found.se,
        df=found.df,
    )


def recipe_verdict(result: ComparisonResult, level: float) -> str:
    """supported / equivalent when the test's adjusted p is below the level; contradicted when the 95% CI
    lies wholly on the wrong side of the margin (outside ±m for equivalence, below -m otherwise)."""
    comparison = result.comparison
    margin = comparison.margin or 0.0
    low, high = result.ci
    significant = result.p_holm < level
    if comparison.kind == "equivalence":
        if significant:
            return EQUIVALENT
        return CONTRADICTED if low > margin or high < -margin else INCONCLUSIVE
    if significant and result.effect > -margin:
        return SUPPORTED
    if high < -margin or (comparison.kind == "superiority" and significant and result.effect < 0):
        return CONTRADICTED
    return INCONCLUSIVE
