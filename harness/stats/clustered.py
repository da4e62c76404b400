"""Paired tests whose unit is the independent item: every (view, query) cell of one source item (a
question asked in 11 languages, a Tatoeba sentence pair) moves together.

A setting's macro mean difference is a sum of per-cell weighted differences
(`randomization.weighted_differences`); summing those weights per cluster gives each cluster's
contribution, and flipping a cluster's sign flips all its cells at once. The sign-flip test and
the bootstrap then run on the cluster contributions, so n is the number of clusters, not cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from harness.stats.randomization import N_RESAMPLES, SEED, paired_randomization

Cells = tuple[np.ndarray, np.ndarray, np.ndarray]  # (current, baseline, cluster id) aligned by query


def cluster_sums(
    views: Sequence[tuple[np.ndarray, np.ndarray]], clusters: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(sorted cluster ids, per cluster the sum of its cells' weighted values) over views of (values, cluster
    ids): the sums total the mean over views of each view's mean (NaN cells and empty views dropped).
    `clusters` (sorted, holding every id) fixes the clusters, so that several runs line up."""
    kept = []
    for values, ids in views:
        values = np.asarray(values, dtype=np.float64)
        keep = ~np.isnan(values)
        if keep.any():
            kept.append((values[keep] / keep.sum(), np.asarray(ids)[keep].astype(str)))
    if clusters is None:
        clusters = np.unique(np.concatenate([ids for _, ids in kept])) if kept else np.zeros(0, dtype=str)
    sums = np.zeros(len(clusters))
    for weighted, ids in kept:
        sums += np.bincount(np.searchsorted(clusters, ids), weights=weighted / len(kept), minlength=len(clusters))
    return clusters, sums


def cluster_contributions(groups: Sequence[Cells]) -> np.ndarray:
    """Per cluster, the sum of its cells' weighted differences: their total is the macro mean difference
    (the mean over groups of each group's mean difference; NaN cells dropped)."""
    diffs = [(np.asarray(cur, dtype=np.float64) - np.asarray(base, dtype=np.float64), ids) for cur, base, ids in groups]
    return cluster_sums(diffs)[1]


def clustered_sign_flip(groups: Sequence[Cells], n_resamples: int = N_RESAMPLES, seed: int = SEED) -> float:
    """Two-sided p of 'no difference', flipping whole clusters (exact when 2^clusters ≤ n_resamples)."""
    contributions = cluster_contributions(groups)
    return paired_randomization([(contributions, np.zeros_like(contributions))], n_resamples, seed)


@dataclass(frozen=True)
class Equivalence:
    """Two one-sided tests (TOST) of |difference| < margin over cluster contributions."""

    difference: float
    margin: float
    p_lower: float  # H0: difference <= -margin
    p_upper: float  # H0: difference >= +margin

    @property
    def p(self) -> float:
        """The TOST p-value: equivalence is shown at level a when p < a."""
        return max(self.p_lower, self.p_upper)


def equivalence_test(groups: Sequence[Cells], margin: float) -> Equivalence:
    """TOST with a t reference over clusters: the mean difference is a sum of n cluster contributions,
    so its standard error is sqrt(n) * sd(contributions)."""
    from scipy import stats

    if margin <= 0:
        raise ValueError(f"margin must be positive, got {margin}")
    contributions = cluster_contributions(groups)
    n = contributions.size
    if n < 2:
        raise ValueError(f"an equivalence test needs at least 2 clusters, got {n}")
    difference = float(contributions.sum())
    se = float(np.sqrt(n) * contributions.std(ddof=1))
    if se == 0.0:
        inside = abs(difference) < margin
        return Equivalence(difference, margin, 0.0 if inside else 1.0, 0.0 if inside else 1.0)
    t_lower, t_upper = (difference + margin) / se, (difference - margin) / se
    return Equivalence(difference, margin, float(stats.t.sf(t_lower, n - 1)), float(stats.t.cdf(t_upper, n - 1)))


def cluster_bootstrap_ci(
    groups: Sequence[Cells], n_resamples: int = 2000, seed: int = SEED, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile CI of the macro mean difference, resampling whole clusters with replacement."""
    contributions = cluster_contributions(groups)
    n = contributions.size
    if n == 0:
        return None
    rng = np.random.default_rng([seed, n])
    draws = rng.integers(0, n, size=(n_resamples, n))
    replicates = contributions[draws].sum(axis=1)  # a resample keeps n clusters: its total estimates the same sum
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(replicates, [tail, 100 - tail])
    return float(low), float(high)
