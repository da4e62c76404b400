"""Two recipes compared with seeds as a random effect and items as clusters.

A trained recipe's seeds are a sample of the runs it could give, not the population. Each run is
reduced to its per-cluster contributions to the macro mean (`clustered.cluster_sums`); the estimate is the
difference of the two recipes' mean macro scores. Its variance has two components, estimated by
moments as in a two-level mixed model: between seeds (the variance of each recipe's run totals over
its seeds, divided by its number of seeds) and between items (n times the variance over clusters of
the seed-averaged paired contributions). The interval and p use a t reference with
Welch-Satterthwaite degrees of freedom, so with 5 seeds they are as wide as 5 seeds allow (coverage
of a known truth: tests/report/test_clustered_stats.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from harness.stats.clustered import cluster_sums

Run = Sequence[tuple[np.ndarray, np.ndarray]]  # one seed's (scores, cluster ids) per view


@dataclass(frozen=True)
class RecipeComparison:
    """Recipe a minus recipe b: the estimate, its CI, a two-sided p, and what they rest on."""

    difference: float
    ci: tuple[float, float]
    p: float
    se: float
    df: float
    seeds: tuple[int, int]
    clusters: int


@dataclass(frozen=True)
class RecipeMean:
    """A recipe's mean macro score over its seeds, with a CI from the same two variance components."""

    mean: float
    ci: tuple[float, float]
    se: float
    df: float
    seeds: int
    clusters: int


def _t_interval(parts: list[tuple[float, float]], level: float) -> tuple[float, float, float]:
    """(se, Welch-Satterthwaite df, t quantile) of an estimate whose variance is the sum of `parts`
    ((variance component, its degrees of freedom))."""
    from scipy import stats

    variance = sum(v for v, _ in parts)
    if variance == 0.0:
        return 0.0, np.inf, 0.0
    df = variance**2 / sum(v**2 / d for v, d in parts if v > 0)
    return float(np.sqrt(variance)), float(df), float(stats.t.ppf(0.5 + level / 2, df))


def recipe_mean(runs: Sequence[Run], level: float = 0.95) -> RecipeMean:
    """mean over seeds of each run's macro score; variance = seed variance / seeds + n * item variance of
    the seed-averaged cluster contributions (module docstring)."""
    if len(runs) < 2:
        raise ValueError(f"seeds as a random effect need at least 2 seeds, got {len(runs)}")
    clusters = np.unique(np.concatenate([np.asarray(c).astype(str) for run in runs for _, c in run]))
    sums = np.stack([cluster_sums(run, clusters)[1] for run in runs])
    totals, averaged = sums.sum(axis=1), sums.mean(axis=0)
    n = averaged.size
    parts = [
        (totals.var(ddof=1) / len(totals), len(totals) - 1),
        (n * averaged.var(ddof=1) if n > 1 else 0.0, max(n - 1, 1)),
    ]
    mean = float(totals.mean())
    se, df, q = _t_interval(parts, level)
    return RecipeMean(mean, (mean - q * se, mean + q * se), se, df, len(runs), n)


def compare_recipes(runs_a: Sequence[Run], runs_b: Sequence[Run], level: float = 0.95) -> RecipeComparison:
    """mean(a's runs) - mean(b's runs) with seed and item variance components (module docstring)."""
    from scipy import stats

    if len(runs_a) < 2 or len(runs_b) < 2:
        raise ValueError(f"seeds as a random effect need at least 2 seeds per recipe, got {len(runs_a)}, {len(runs_b)}")
    ids = [np.asarray(c).astype(str) for run in (*runs_a, *runs_b) for _, c in run]
    clusters = np.unique(np.concatenate(ids))
    a = np.stack([cluster_sums(run, clusters)[1] for run in runs_a])  # (seeds, clusters)
    b = np.stack([cluster_sums(run, clusters)[1] for run in runs_b])
    totals_a, totals_b = a.sum(axis=1), b.sum(axis=1)
    paired = a.mean(axis=0) - b.mean(axis=0)
    n = paired.size
    parts = [
        (totals_a.var(ddof=1) / len(totals_a), len(totals_a) - 1),
        (totals_b.var(ddof=1) / len(totals_b), len(totals_b) - 1),
        (n * paired.var(ddof=1) if n > 1 else 0.0, max(n - 1, 1)),
    ]
    difference = float(totals_a.mean() - totals_b.mean())
    se, df, q = _t_interval(parts, level)
    if se == 0.0:
        return RecipeComparison(
            difference, (difference, difference), 0.0 if difference else 1.0, 0.0, np.inf, (len(runs_a), len(runs_b)), n
        )
    p = float(2 * stats.t.sf(abs(difference) / se, df))
    return RecipeComparison(
        difference, (difference - q * se, difference + q * se), p, se, df, (len(runs_a), len(runs_b)), n
    )
