"""Clustered paired statistics (harness/stats/clustered.py) against scipy and statsmodels, and on
synthetic data with a known truth: one item asked in many languages is one unit, not many."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.weightstats import ttost_paired

from harness.stats.alpha_trend import alpha_trend
from harness.stats.clustered import (
    cluster_bootstrap_ci,
    cluster_contributions,
    clustered_sign_flip,
    equivalence_test,
)
from harness.stats.diff_in_diff import diff_in_diff
from harness.stats.hierarchical import compare_recipes, recipe_mean
from harness.stats.randomization import paired_randomization


def _parallel(rng: np.random.Generator, items: int, views: int, effect: float, item_sd: float, noise: float):
    """`views` languages asking the same `items` questions: a question's difficulty is shared by all its
    cells (and by both models), its model difference too; `effect` is the true mean difference."""
    difficulty = rng.normal(0.5, 0.2, items)
    item_gap = effect + rng.normal(0, item_sd, items)
    groups = []
    for _ in range(views):
        baseline = difficulty + rng.normal(0, noise, items)
        current = baseline + item_gap + rng.normal(0, noise / 4, items)
        groups.append((current, baseline, np.array([f"q{i}" for i in range(items)])))
    return groups


def test_contributions_sum_to_the_macro_mean_difference() -> None:
    rng = np.random.default_rng(1)
    groups = _parallel(rng, 30, 4, 0.02, 0.05, 0.1)
    groups[1][0][[3, 7]] = np.nan  # a cell without a score is dropped from its view
    rows = [
        {"view": v, "item": item, "diff": c - b}
        for v, (cur, base, ids) in enumerate(groups)
        for c, b, item in zip(cur, base, ids, strict=True)
    ]
    frame = pd.DataFrame(rows).dropna()
    macro = frame.groupby("view")["diff"].mean().mean()
    contributions = cluster_contributions(groups)
    assert contributions.size == 30 and contributions.sum() == pytest.approx(macro, abs=1e-12)


def test_sign_flip_is_scipys_exact_paired_permutation_test_over_clusters() -> None:
    rng = np.random.default_rng(2)
    groups = _parallel(rng, 10, 3, 0.03, 0.05, 0.1)  # 2^10 sign vectors: both sides enumerate them all
    contributions = cluster_contributions(groups)
    reference = stats.permutation_test(
        (contributions, np.zeros_like(contributions)),
        lambda x, y: np.sum(x - y),
        permutation_type="samples",
        alternative="two-sided",
        n_resamples=np.inf,
    )
    assert clustered_sign_flip(groups) == pytest.approx(reference.pvalue, rel=1e-9)


def test_equivalence_is_statsmodels_ttost_on_cluster_contributions() -> None:
    rng = np.random.default_rng(3)
    groups = _parallel(rng, 60, 5, 0.004, 0.04, 0.1)
    contributions = cluster_contributions(groups)
    n = contributions.size
    margin = 0.02
    p_ref, lower, upper = ttost_paired(n * contributions, np.zeros(n), -margin, margin)
    found = equivalence_test(groups, margin)
    assert found.p == pytest.approx(p_ref, rel=1e-9)
    assert found.p_lower == pytest.approx(lower[1], rel=1e-9) and found.p_upper == pytest.approx(upper[1], rel=1e-9)
    assert found.p < 0.05  # true difference 0.004, margin 0.02, 60 items: equivalent
    with pytest.raises(ValueError, match="margin must be positive"):
        equivalence_test(groups, 0.0)


def test_cells_as_units_reject_a_null_far_too_often_and_clusters_do_not() -> None:
    """No true difference; each question's model gap is shared by its 11 languages. Treating the 550
    cells as independent rejects at far above 5%; flipping whole questions stays near 5%."""
    rng = np.random.default_rng(4)
    simulations, clustered, cells = 120, 0, 0
    for _ in range(simulations):
        groups = _parallel(rng, 50, 11, 0.0, 0.05, 0.05)
        clustered += clustered_sign_flip(groups, n_resamples=999, seed=5) < 0.05
        cells += paired_randomization([(c, b) for c, b, _ in groups], n_resamples=999, seed=5) < 0.05
    assert stats.binomtest(clustered, simulations, 0.05).pvalue > 0.01  # consistent with the nominal 5%
    assert cells / simulations > 0.3


def test_cluster_bootstrap_covers_the_true_difference() -> None:
    rng = np.random.default_rng(6)
    simulations, covered = 150, 0
    for _ in range(simulations):
        groups = _parallel(rng, 80, 6, 0.02, 0.05, 0.05)
        low, high = cluster_bootstrap_ci(groups, n_resamples=500, seed=7)
        covered += low <= 0.02 <= high
    assert 0.88 <= covered / simulations <= 0.99
    assert cluster_bootstrap_ci([(np.array([np.nan]), np.array([0.1]), np.array(["a"]))]) is None


def _recipe_runs(
    rng: np.random.Generator, seeds: int, effect: float, seed_sd: float, difficulty: np.ndarray, gap_sd: float
):
    """`seeds` runs of one recipe on 4 parallel views: a run-level shift (seed_sd), an item-level gap
    shared by its runs (gap_sd), cell noise."""
    items = difficulty.size
    gap = rng.normal(0, gap_sd, items)
    ids = np.array([f"q{i}" for i in range(items)])
    runs = []
    for _ in range(seeds):
        shift = rng.normal(0, seed_sd)
        runs.append([(difficulty + effect + gap + shift + rng.normal(0, 0.05, items), ids) for _ in range(4)])
    return runs


def test_recipe_comparison_with_no_item_spread_is_welchs_t_test_on_run_means() -> None:
    rng = np.random.default_rng(8)
    ids = np.array(["q0", "q1", "q2"])
    totals_a, totals_b = rng.normal(0.6, 0.03, 5), rng.normal(0.55, 0.05, 4)
    runs_a = [[(np.full(3, t), ids)] for t in totals_a]  # every item moves with the run: no item variance
    runs_b = [[(np.full(3, t), ids)] for t in totals_b]
    found = compare_recipes(runs_a, runs_b)
    reference = stats.ttest_ind(totals_a, totals_b, equal_var=False)
    assert found.difference == pytest.approx(totals_a.mean() - totals_b.mean(), abs=1e-12)
    assert found.p == pytest.approx(reference.pvalue, rel=1e-9) and found.df == pytest.approx(reference.df, rel=1e-9)
    low, high = reference.confidence_interval()
    assert found.ci == pytest.approx((low, high), rel=1e-9)


def test_seeds_as_a_random_effect_cover_the_recipe_difference_and_seeds_as_fixed_do_not() -> None:
    """Known truth 0.02; run-to-run spread 0.03 and 5 seeds per recipe. Averaging seeds and resampling
    items only treats the 5 runs as the population and misses the truth most of the time."""
    rng = np.random.default_rng(9)
    simulations, random_effect, fixed = 200, 0, 0
    for k in range(simulations):
        difficulty = rng.normal(0.5, 0.2, 60)
        runs_a = _recipe_runs(rng, 5, 0.02, 0.03, difficulty, 0.02)
        runs_b = _recipe_runs(rng, 5, 0.0, 0.03, difficulty, 0.02)
        low, high = compare_recipes(runs_a, runs_b).ci
        random_effect += low <= 0.02 <= high
        averaged = [
            (np.mean([r[v][0] for r in runs_a], axis=0), np.mean([r[v][0] for r in runs_b], axis=0), runs_a[0][v][1])
            for v in range(4)
        ]
        low, high = cluster_bootstrap_ci(averaged, n_resamples=300, seed=k)
        fixed += low <= 0.02 <= high
    assert 0.90 <= random_effect / simulations <= 0.99
    assert fixed / simulations < 0.6
    with pytest.raises(ValueError, match="at least 2 seeds per recipe"):
        compare_recipes(runs_a[:1], runs_b)


def test_recipe_mean_is_a_one_sample_t_interval_without_item_spread_and_covers_the_truth() -> None:
    rng = np.random.default_rng(11)
    ids = np.array(["q0", "q1", "q2"])
    totals = rng.normal(0.6, 0.03, 5)
    found = recipe_mean([[(np.full(3, t), ids)] for t in totals])
    reference = stats.ttest_1samp(totals, 0.0).confidence_interval()
    assert found.mean == pytest.approx(totals.mean(), abs=1e-12) and found.df == pytest.approx(4, rel=1e-9)
    assert found.ci == pytest.approx((reference.low, reference.high), rel=1e-9)
    covered = 0
    for _ in range(200):
        difficulty = rng.normal(0.5, 0.2, 60)
        runs = _recipe_runs(rng, 5, 0.0, 0.03, difficulty, 0.02)
        low, high = recipe_mean(runs).ci
        covered += low <= 0.5 <= high  # the mean over the population of items and of runs
    assert 0.88 <= covered / 200 <= 0.99


def test_alpha_trend_is_an_ols_slope_over_runs_and_names_its_shape() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(10)
    alphas = np.repeat([0, 0.25, 0.5, 0.75, 1.0], 5)
    steady = 0.6 - 0.1 * alphas + rng.normal(0, 0.01, alphas.size)
    fit = sm.OLS(steady, sm.add_constant(alphas)).fit()
    trend = alpha_trend(alphas, steady)
    assert trend.slope == pytest.approx(fit.params[1], rel=1e-9) and trend.p == pytest.approx(fit.pvalues[1], rel=1e-6)
    assert trend.runs == 25 and trend.shape == "steady"
    assert trend.ci == pytest.approx(tuple(fit.conf_int()[1]), rel=1e-9)
    threshold = 0.6 - 0.1 * (alphas == 1.0) + rng.normal(0, 0.01, alphas.size)
    assert alpha_trend(alphas, threshold).shape == "threshold at the largest α"
    assert alpha_trend(alphas, 0.6 + rng.normal(0, 0.01, alphas.size)).shape == "flat"


def test_diff_in_diff_without_covariates_is_the_two_group_difference_and_recovers_a_known_effect() -> None:
    rng = np.random.default_rng(11)
    n = 120
    low = rng.integers(0, 2, n)
    seen = rng.integers(0, 2, n)
    latin = rng.integers(0, 2, n)
    # the gain depends on being seen in fine-tuning and on script, and on low-resource by 0.03 on top
    gain = 0.01 + 0.03 * low + 0.05 * seen - 0.02 * latin + rng.normal(0, 0.01, n)
    frame = pd.DataFrame({"gain": gain, "low_resource": low, "seen": seen, "latin": latin})
    plain = diff_in_diff(frame)
    groups = frame.groupby("low_resource")["gain"].mean()
    assert plain.estimate == pytest.approx(groups[1] - groups[0], rel=1e-9)
    adjusted = diff_in_diff(frame, ("seen", "latin"))
    coefficients, *_ = np.linalg.lstsq(np.column_stack([np.ones(n), low, seen, latin]), gain, rcond=None)
    assert adjusted.estimate == pytest.approx(coefficients[1], rel=1e-9)
    assert adjusted.ci[0] < 0.03 < adjusted.ci[1] and adjusted.p < 1e-6 and adjusted.languages == n
    import statsmodels.api as sm

    reference = sm.OLS(gain, sm.add_constant(np.column_stack([low, seen, latin]))).fit(cov_type="HC3")
    assert adjusted.se == pytest.approx(reference.bse[1], rel=1e-9)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['script'\]"):
        diff_in_diff(frame, ("script",))
