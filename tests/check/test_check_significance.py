"""The paired randomization test agrees with scipy; Holm's correction matches its definition."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from harness.stats.multiple_testing import holm
from harness.stats.randomization import paired_randomization


def _mean_difference(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x - y, axis=axis)


def _scipy_p(current: np.ndarray, baseline: np.ndarray, n_resamples: float) -> float:
    result = stats.permutation_test(
        (current, baseline),
        _mean_difference,
        permutation_type="samples",
        alternative="two-sided",
        n_resamples=n_resamples,
        vectorized=True,
        rng=np.random.default_rng(0),
    )
    return float(result.pvalue)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_exact_test_equals_scipy_exact_permutation_test(seed: int) -> None:
    rng = np.random.default_rng(seed)
    baseline = rng.uniform(0, 1, 11)
    current = baseline + rng.normal(0.15 * (seed % 2), 0.2, 11)
    # 2^11 = 2048 sign vectors: both enumerate them all
    assert paired_randomization([(current, baseline)], n_resamples=4096) == pytest.approx(
        _scipy_p(current, baseline, np.inf), abs=1e-12
    )


@pytest.mark.parametrize("shift", [0.0, 0.03, 0.08])
def test_monte_carlo_test_agrees_with_scipy_and_t_test(shift: float) -> None:
    rng = np.random.default_rng(7)
    baseline = rng.uniform(0.2, 1.0, 200)
    current = np.clip(baseline + rng.normal(-shift, 0.25, 200), 0, 1)
    ours = paired_randomization([(current, baseline)], n_resamples=20_000)
    assert ours == pytest.approx(_scipy_p(current, baseline, 20_000), abs=0.015)
    assert ours == pytest.approx(float(stats.ttest_rel(current, baseline).pvalue), abs=0.03)


def test_several_equal_groups_equal_one_pooled_group() -> None:
    rng = np.random.default_rng(3)
    pairs = [(rng.uniform(0, 1, 4), rng.uniform(0, 1, 4)) for _ in range(3)]
    pooled = (np.concatenate([c for c, _ in pairs]), np.concatenate([b for _, b in pairs]))
    # equal sizes: the mean of the group means is the pooled mean, so the tests coincide (exact, 2^12)
    assert paired_randomization(pairs, n_resamples=5000) == pytest.approx(
        paired_randomization([pooled], n_resamples=5000)
    )


def test_seeded_and_identical_scores_give_one() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.uniform(0, 1, 300), rng.uniform(0, 1, 300)
    assert paired_randomization([(a, b)]) == paired_randomization([(a, b)])
    assert paired_randomization([(a, a.copy())]) == 1.0


def test_holm_adjustment() -> None:
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])
    assert holm([]) == []
