"""The batched paired randomization test gives the check's own p-values; Holm checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from harness.stats.batched_randomization import paired_tests
from harness.stats.multiple_testing import holm
from harness.stats.randomization import paired_randomization


def _comparison(rng: np.random.Generator, shift: float, sizes: tuple[int, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    groups = []
    for n in sizes:
        base = rng.random(n)
        groups.append((np.clip(base + rng.normal(shift, 0.2, n), 0, 1), base))
    return groups


def test_p_values_equal_paired_randomization() -> None:
    rng = np.random.default_rng(0)
    comparisons = [_comparison(rng, shift, (200, 200, 200)) for shift in (0.0, 0.01, 0.02, 0.05, -0.03)]
    comparisons.append(_comparison(rng, 0.02, (150, 80)))  # another size: its own sign draws
    comparisons.append(_comparison(rng, 0.5, (5,)))  # tiny: exact enumeration
    comparisons.append([(np.ones(10), np.ones(10))])  # identical scores
    expected = [paired_randomization(groups) for groups in comparisons]
    assert [p.value for p in paired_tests(comparisons)] == expected
    assert expected[-1] == 1.0


def test_holm_by_hand() -> None:
    # p sorted: 0.01 (x4 = 0.04), 0.02 (x3 = 0.06), 0.03 (x2 = 0.06), 0.5 (x1 = 0.5)
    assert holm([0.03, 0.5, 0.01, 0.02]) == pytest.approx([0.06, 0.5, 0.04, 0.06])


def test_holm_matches_statsmodels() -> None:
    from statsmodels.stats import multitest

    p = np.random.default_rng(1).random(20) ** 3
    assert holm(list(p)) == pytest.approx(list(multitest.multipletests(p, method="holm")[1]))
