"""Ranks within one (task, limit) group and the mean rank across groups; in-domain results are never ranked."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from harness.report.entries import Entry
from harness.report.formatting import higher_is_better


def competition_ranks(entries: list[Entry]) -> dict[str, int]:
    """{model: rank} of the zero-shot results with a main score, best first; ties share a rank (1, 2, 2, 4)."""
    ranked = [e for e in entries if e.zero_shot and e.main_value is not None]
    if not ranked:
        return {}
    sign = -1.0 if higher_is_better(ranked[0].main_name.split("/", 1)[1]) else 1.0
    ranked.sort(key=lambda e: (sign * e.main_value, e.model))  # type: ignore[operator]
    ranks: dict[str, int] = {}
    previous: float | None = None
    rank = 0
    for position, entry in enumerate(ranked, start=1):
        if entry.main_value != previous:
            rank, previous = position, entry.main_value
        ranks[entry.model] = rank
    return ranks


@dataclass(frozen=True)
class OverallRank:
    """A model's standing over the groups of one section (full data, or one limit)."""

    model: str
    rank: int | None
    mean_rank: float | None
    n_ranked: int


def overall_ranks(models: list[str], group_ranks: list[dict[str, int]]) -> dict[str, OverallRank]:
    """Order by number of ranked groups (more first), then mean rank; models never ranked get no rank."""
    stats = {}
    for model in models:
        ranks = [ranks[model] for ranks in group_ranks if model in ranks]
        stats[model] = (len(ranks), statistics.fmean(ranks) if ranks else None)
    order = sorted((m for m in models if stats[m][0]), key=lambda m: (-stats[m][0], stats[m][1], m))
    out = {m: OverallRank(m, None, None, 0) for m in models}
    for position, model in enumerate(order, start=1):
        out[model] = OverallRank(model, position, stats[model][1], stats[model][0])
    return out
