"""Bootstrap CIs: agree with scipy.stats.bootstrap, cover the macro mean, reproducible."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from harness.stats.bootstrap import bootstrap_means, macro_mean_ci, resample_counts


def test_counts_are_resamples_with_replacement() -> None:
    counts = resample_counts(50, 200, 1)
    assert counts.shape == (200, 50)
    assert np.all(counts.sum(axis=1) == 50)
    assert counts.min() >= 0 and counts.max() > 1


@pytest.mark.parametrize("n", [40, 300, 1190])
def test_one_group_matches_scipy_percentile_bootstrap(n: int) -> None:
    rng = np.random.default_rng(n)
    values = rng.beta(2, 3, n)
    ours = macro_mean_ci([values], n_resamples=4000)
    ref = stats.bootstrap(
        (values,),
        np.mean,
        n_resamples=4000,
        confidence_level=0.95,
        method="percentile",
        random_state=np.random.default_rng(0),
    ).confidence_interval
    width = ref.high - ref.low
    assert ours is not None
    assert abs(ours[0] - ref.low) < 0.1 * width and abs(ours[1] - ref.high) < 0.1 * width


def test_macro_mean_of_independent_groups_matches_scipy() -> None:
    # Groups of different sizes are resampled independently, as scipy does for several samples.
    rng = np.random.default_rng(3)
    groups = [rng.random(120), rng.random(150) * 0.5, rng.random(90) + 0.2]
    ours = macro_mean_ci(groups, n_resamples=4000)
    ref = stats.bootstrap(
        tuple(groups),
        lambda *g: np.mean([x.mean() for x in g]),
        n_resamples=4000,
        method="percentile",
        random_state=np.random.default_rng(1),
    ).confidence_interval
    width = ref.high - ref.low
    assert abs(ours[0] - ref.low) < 0.1 * width and abs(ours[1] - ref.high) < 0.1 * width


def test_interval_covers_the_estimate_and_is_reproducible() -> None:
    rng = np.random.default_rng(5)
    groups = [rng.random(200) for _ in range(11)]
    macro = np.mean([g.mean() for g in groups])
    low, high = macro_mean_ci(groups)
    assert low < macro < high
    assert macro_mean_ci(groups) == (low, high)
    assert bootstrap_means(groups).mean() == pytest.approx(macro, abs=0.005)


def test_nan_queries_are_dropped_and_empty_input_has_no_interval() -> None:
    values = np.array([0.2, np.nan, 0.4, 0.6] * 10)
    assert macro_mean_ci([values]) == macro_mean_ci([values[~np.isnan(values)]])
    assert macro_mean_ci([]) is None and macro_mean_ci([np.array([np.nan])]) is None
