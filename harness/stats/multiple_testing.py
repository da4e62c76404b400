"""Holm's correction across a family of tests, and which adjusted values are only upper bounds."""

from __future__ import annotations

from collections.abc import Sequence

from harness.stats.randomization import PValue


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (same order as given), controlling the family-wise error."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def holm_bounds(p_values: Sequence[PValue]) -> list[tuple[float, bool]]:
    """Holm-adjusted p-values (as `holm` gives them) and whether each is only an upper bound.

    Holm's adjusted value of the k-th smallest p is the running maximum of (m - j) p_(j) over j <= k
    (capped at 1). It is an upper bound when the term attaining that maximum comes from a p-value at
    the resampling floor (the true p may be smaller) and no exact term attains it as well.
    """
    values = [p.value for p in p_values]
    adjusted = holm(values)
    order = sorted(range(len(values)), key=lambda i: values[i])
    bounded = [False] * len(values)
    running, bound = 0.0, False
    for rank, index in enumerate(order):
        term = min(1.0, (len(values) - rank) * values[index])
        floored = p_values[index].at_floor and term < 1.0
        if term > running:
            running, bound = term, floored
        elif term == running:
            bound = bound and floored
        bounded[index] = bound
    return list(zip(adjusted, bounded, strict=True))
