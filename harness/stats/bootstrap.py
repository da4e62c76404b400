"""Percentile bootstrap confidence intervals over queries for a macro mean (mean over views of view means).

Each view's queries are resampled with replacement. A resample is drawn as a matrix of counts
(how often each query position is drawn), so a view's B resampled means are one matrix-vector
product, and all views of one size share one product: 50 models x 6 tasks take seconds. The counts for a
size n come from a generator seeded by (seed, n), so they are the same for every view of that
size, every model and every run: CIs are reproducible, and for parallel tasks (the same
questions in every language, in the same order) a resample draws whole questions across
languages, which respects the correlation between a question's translations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

N_RESAMPLES = 1000
SEED = 13
LEVEL = 0.95


@lru_cache(maxsize=32)
def resample_counts(n: int, n_resamples: int = N_RESAMPLES, seed: int = SEED) -> np.ndarray:
    """(n_resamples, n) float32 counts: row b says how often each of n positions is drawn in resample b."""
    rng = np.random.default_rng([seed, n])
    draws = rng.integers(0, n, size=(n_resamples, n), dtype=np.int64)
    draws += np.arange(n_resamples, dtype=np.int64)[:, None] * n
    counts = np.bincount(draws.ravel(), minlength=n_resamples * n).reshape(n_resamples, n)
    counts = counts.astype(np.float32)
    counts.setflags(write=False)
    return counts


def bootstrap_means(groups: Sequence[np.ndarray], n_resamples: int = N_RESAMPLES, seed: int = SEED) -> np.ndarray:
    """The B bootstrap replicates of the mean over groups of each group's mean (NaN queries dropped)."""
    by_size: dict[int, list[np.ndarray]] = defaultdict(list)
    for values in groups:
        values = np.asarray(values, dtype=np.float32)
        values = values[~np.isnan(values)]
        if values.size:
            by_size[values.size].append(values)
    n_groups = sum(len(v) for v in by_size.values())
    if not n_groups:
        return np.zeros(0)
    total = np.zeros(n_resamples, dtype=np.float64)
    for n, members in by_size.items():
        # groups of one size share their counts, so the sum of their resampled means is one product
        summed = np.sum(members, axis=0, dtype=np.float64).astype(np.float32)
        total += (resample_counts(n, n_resamples, seed) @ summed).astype(np.float64) / n
    return total / n_groups


def macro_mean_ci(
    groups: Sequence[np.ndarray], n_resamples: int = N_RESAMPLES, seed: int = SEED, level: float = LEVEL
) -> tuple[float, float] | None:
    """Percentile bootstrap interval (e.g. 95%) of the macro mean; None without any query."""
    replicates = bootstrap_means(groups, n_resamples, seed)
    if replicates.size == 0:
        return None
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return float(low), float(high)
