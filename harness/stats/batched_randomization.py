"""Many paired randomization tests at once, with the same p-values as harness.stats.randomization.

`harness.stats.randomization.paired_randomization` draws, for a test over n queries, the same
seeded blocks of random signs whatever the scores are. The comparisons of one page share their
query structure (every model against one baseline on the same views), so this module draws those
sign blocks once per n and applies them to all comparisons of that size in one matrix product:
identical p-values, a fraction of the time.

A Monte Carlo test counts p = (hits + 1) / (B + 1), so it can never give less than 1/(B + 1):
a p-value at that floor only says that no sign flip reached the observed difference. `paired_tests`
says which p-values are at the floor (harness.stats.multiple_testing.holm_bounds: which adjusted
values are therefore upper bounds).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from harness.stats.randomization import (
    BLOCK,
    N_RESAMPLES,
    SEED,
    PValue,
    paired_randomization,
    resampling_floor,
    weighted_differences,
)

Groups = Sequence[tuple[np.ndarray, np.ndarray]]


def _shared_signs_p(weighted: np.ndarray, n_resamples: int, seed: int) -> np.ndarray:
    """p-values of the columns of `weighted` (n x k), each drawn exactly as paired_randomization draws."""
    observed = np.abs(weighted.sum(axis=0))
    threshold = observed * (1 - 1e-12)
    n = weighted.shape[0]
    rng = np.random.default_rng(seed)
    hits = np.zeros(weighted.shape[1], dtype=np.int64)
    done = 0
    rows = max(1, BLOCK // n)
    while done < n_resamples:
        size = min(rows, n_resamples - done)
        signs = rng.integers(0, 2, size=(size, n), dtype=np.int8) * 2 - 1
        # the same draws as paired_randomization; cast first so the product runs in BLAS
        hits += np.count_nonzero(np.abs(signs.astype(np.float64) @ weighted) >= threshold, axis=0)
        done += size
    p = (hits + 1) / (n_resamples + 1)
    return np.where(observed == 0.0, 1.0, p)


def paired_tests(comparisons: Sequence[Groups], n_resamples: int = N_RESAMPLES, seed: int = SEED) -> list[PValue]:
    """Two-sided p-value of each comparison ((current, baseline) arrays per view, aligned by query), with its floor."""
    p_values = [PValue(1.0)] * len(comparisons)
    by_size: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)
    for index, groups in enumerate(comparisons):
        weighted = weighted_differences(groups)
        if weighted.size == 0:
            continue
        if 2 ** min(weighted.size, 63) <= n_resamples:  # tiny: the check enumerates every sign vector
            p_values[index] = PValue(paired_randomization(groups, n_resamples, seed))
        else:
            by_size[weighted.size].append((index, weighted))
    for members in by_size.values():
        matrix = np.stack([w for _, w in members], axis=1)
        floor = resampling_floor(n_resamples)
        for (index, _), p in zip(members, _shared_signs_p(matrix, n_resamples, seed), strict=True):
            p_values[index] = PValue(float(p), floor)
    return p_values
