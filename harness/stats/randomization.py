"""Paired randomization (sign-flip) test on per-query scores."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

N_RESAMPLES = 10_000
SEED = 13
ALPHA = 0.05
BLOCK = 2_000_000  # sign draws per block (resamples x queries): bounds memory on large settings


def weighted_differences(groups: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
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
    weighted = weighted_differences(groups)
    observed = abs(float(weighted.sum()))
    if weighted.size == 0 or observed == 0.0:
        return 1.0
    threshold = observed * (1 - 1e-12)  # floating-point ties count as 'as extreme'
    if 2**weighted.size <= n_resamples:
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=weighted.size)))
        return float(np.mean(np.abs(signs @ weighted) >= threshold))
    rng = np.random.default_rng(seed)
    hits, done = 0, 0
    rows = max(1, BLOCK // weighted.size)
    while done < n_resamples:
        size = min(rows, n_resamples - done)
        signs = rng.integers(0, 2, size=(size, weighted.size), dtype=np.int8) * 2 - 1
        hits += int(np.count_nonzero(np.abs(signs @ weighted) >= threshold))
        done += size
    return (hits + 1) / (n_resamples + 1)


@dataclass(frozen=True)
class PValue:
    """A test's p-value and the smallest one its method can give (None: every sign vector was enumerated)."""

    value: float
    floor: float | None = None

    @property
    def at_floor(self) -> bool:
        """True when the p-value is the resampling floor 1/(B + 1): no resample was as extreme as observed."""
        return self.floor is not None and self.value <= self.floor * (1 + 1e-9)


def resampling_floor(n_resamples: int) -> float:
    """The smallest p-value of a Monte Carlo test with `n_resamples` sign flips: 1 / (B + 1)."""
    return 1.0 / (n_resamples + 1)
