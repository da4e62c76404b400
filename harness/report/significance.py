"""Many paired randomization tests at once, with the same p-values as harness.check.significance.

`harness.check.significance.paired_randomization` draws, for a test over n queries, the same
seeded blocks of random signs whatever the scores are. The comparisons of one page share their
query structure (every model against one baseline on the same views), so this module draws those
sign blocks once per n and applies them to all comparisons of that size in one matrix product:
identical p-values, a fraction of the time. Holm's correction is the check's own `holm`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from harness.check.significance import (
    _BLOCK,
    N_RESAMPLES,
    SEED,
    _weighted_differences,
    holm,
    paired_randomization,
)

Groups = Sequence[tuple[np.ndarray, np.ndarray]]

__all__ = ["holm", "paired_p_values"]


def _shared_signs_p(weighted: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """p-values of the columns of `weighted` (n x k), each drawn exactly as paired_randomization draws."""
    observed = np.abs(weighted.sum(axis=0))
    threshold = observed * (1 - 1e-12)
    n = weighted.shape[0]
    rng = np.random.default_rng(seed)
    hits = np.zeros(weighted.shape[1], dtype=np.int64)
    done = 0
    rows = max(1, _BLOCK // n)
    while done < n_resamples:
        size = min(rows, n_resamples - done)
        signs = rng.integers(0, 2, size=(size, n), dtype=np.int8) * 2 - 1
        # the same draws as paired_randomization; cast first so the product runs in BLAS
        hits += np.count_nonzero(np.abs(signs.astype(np.float64) @ weighted) >= threshold, axis=0)
        done += size
    p = (hits + 1) / (n_resamples + 1)
    return np.where(observed == 0.0, 1.0, p)


def paired_p_values(comparisons: Sequence[Groups], n_resamples: int = N_RESAMPLES, seed: int = SEED) -> list[float]:
    """Two-sided p-value of each comparison ((current, baseline) arrays per view, aligned by query)."""
    p_values = [1.0] * len(comparisons)
    by_size: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)
    for index, groups in enumerate(comparisons):
        weighted = _weighted_differences(groups)
        if weighted.size == 0:
            continue
        if 2 ** min(weighted.size, 63) <= n_resamples:  # tiny: the check enumerates every sign vector
            p_values[index] = paired_randomization(groups, n_resamples, seed)
        else:
            by_size[weighted.size].append((index, weighted))
    for members in by_size.values():
        matrix = np.stack([w for _, w in members], axis=1)
        for (index, _), p in zip(members, _shared_signs_p(matrix, n_resamples, seed), strict=True):
            p_values[index] = float(p)
    return p_values
