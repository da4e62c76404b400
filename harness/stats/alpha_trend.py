"""Run-level trend of a score over α: each trained run (one α, one seed) is one observation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Trend:
    """Least-squares slope of score on α over runs, its two-sided p, and the same without the largest α
    (a slope that vanishes without it is a threshold at the end, not a steady trend)."""

    slope: float
    p: float
    runs: int
    ci: tuple[float, float]  # 95%, t with runs - 2 degrees of freedom
    slope_without_last: float | None
    p_without_last: float | None

    @property
    def shape(self) -> str:
        """'steady', 'threshold at the largest α', or 'flat' at the 0.05 level."""
        if self.p >= 0.05:
            return "flat"
        if self.p_without_last is not None and self.p_without_last >= 0.05:
            return "threshold at the largest α"
        return "steady"


def alpha_trend(alphas: Sequence[float], scores: Sequence[float]) -> Trend:
    """OLS of run scores on α (scipy.stats.linregress: t-test of the slope, n - 2 degrees of freedom)."""
    from scipy import stats

    x, y = np.asarray(alphas, dtype=np.float64), np.asarray(scores, dtype=np.float64)
    if x.size != y.size or np.unique(x).size < 2:
        raise ValueError("a trend needs one score per run and at least two distinct α")
    full = stats.linregress(x, y)
    q = float(stats.t.ppf(0.975, x.size - 2))
    ci = (float(full.slope - q * full.stderr), float(full.slope + q * full.stderr))
    rest = x < x.max()
    if np.unique(x[rest]).size >= 2 and rest.sum() > 2:
        part = stats.linregress(x[rest], y[rest])
        return Trend(float(full.slope), float(full.pvalue), int(x.size), ci, float(part.slope), float(part.pvalue))
    return Trend(float(full.slope), float(full.pvalue), int(x.size), ci, None, None)
