"""Paired randomization (sign-flip) test on per-query scores, with Holm's correction across tests."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

N_RESAMPLES = 10_000
SEED = 13
ALPHA = 0.05
_BLOCK = 2_000_000  # sign draws per block (resamples x queries): bounds memory on large settings


def _weighted_differences(groups: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Per-query differences weighted so that their sum is the mean over groups of each group's mean."""
    parts = []
    for current, baseline in groups:
        diff = np.asarray(current, dtype=np.float64) - np.asarray(baseline, dtype=np.float64)
        diff = diff[~np.isnan(diff)]
        if diff.size:
            parts.append(diff / diff.size)
    if not parts:
        return np.zeros(0)
    return np.concatenate(parts) / len(parts)


def paired_randomization(
    groups: Sequence[tuple[np.ndarray, np.ndarray]], n_resamples: int = N_RESAMPLES, seed: int = SEED
) -> float:
    """Two-sided p-value of 'current and baseline score alike', by flipping each query's pair at random.

    `groups` holds (current, baseline) arrays aligned by query; the statistic is the mean over
    groups of the mean difference (a setting's macro mean over its pairs; one group for one pair).
    When 2^n ≤ n_resamples every sign vector is enumerated (exact test, as scipy's
    permutation_test does); otherwise p = (hits + 1) / (n_resamples + 1), seeded.
    """
    weighted = _weighted_differences(groups)
    observed = abs(float(weighted.sum()))
    if weighted.size == 0 or observed == 0.0:
        return 1.0
    threshold = observed * (1 - 1e-12)  # floating-point ties count as 'as extreme'
    if 2 ** weighted.size <= n_resamples:
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=weighted.size)))
        return float(np.mean(np.abs(signs @ weighted) >= threshold))
    rng = np.random.default_rng(seed)
    hits, done = 0, 0
    rows = max(1, _BLOCK // weighted.size)
    while done < n_resamples:
        size = min(rows, n_resamples - done)
        signs = rng.integers(0, 2, size=(size, weighted.size), dtype=np.int8) * 2 - 1
        hits += int(np.count_nonzero(np.abs(signs @ weighted) >= threshold))
        done += size
    return (hits + 1) / (n_resamples + 1)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (same order as given), controlling the family-wise error."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted
