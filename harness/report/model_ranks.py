"""Ranks within one (task, limit) group, and the mean rank over the tasks the ranked models share.

In-domain results are never ranked; a model is ranked overall only on tasks every ranked model has.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from harness.metrics import higher_is_better
from harness.report.entries import Entry


def competition_ranks(entries: list[Entry]) -> dict[str, int]:
    """{model: rank} of the zero-shot results with a main score, best first; ties share a rank (1, 2, 2, 4)."""
    ranked = [e for e in entries if e.zero_shot and e.main_value is not None]
    if not ranked:
        return {}
    sign = -1.0 if higher_is_better(ranked[0].main_metric) else 1.0
    ranked.sort(key=lambda e: (sign * e.main_value, e.model))  # type: ignore[operator]
    ranks: dict[str, int] = {}
    previous: float | None = None
    rank = 0
    for position, entry in enumerate(ranked, start=1):
        if entry.main_value != previous:
            rank, previous = position, entry.main_value
        ranks[entry.model] = rank
    return ranks


NO_RANK = "no ranked result here (in-domain or without a main score)"


@dataclass(frozen=True)
class OverallRank:
    """A model's standing over the tasks of one section (full data, or one limit)."""

    model: str
    rank: int | None
    mean_rank: float | None
    n_tasks: int  # tasks the mean rank is over: the section's shared tasks (0 when not ranked)
    reason: str | None = None  # why the model is not ranked


@dataclass(frozen=True)
class Standing:
    """Overall ranks of one section: every ranked model is compared on the same tasks, `shared`."""

    shared: tuple[str, ...]
    ranks: dict[str, OverallRank]

    @property
    def order(self) -> list[str]:
        """Ranked models by rank (ties by name), then the others by name."""
        return sorted(self.ranks, key=lambda m: (self.ranks[m].rank is None, self.ranks[m].rank or 0, m))


def _shared(tasks: list[str], ranked_on: dict[str, set[str]], models: list[str]) -> list[str]:
    return [t for t in tasks if all(t in ranked_on[m] for m in models)]


def comparable_models(tasks: list[str], ranked_on: dict[str, set[str]]) -> list[str]:
    """The models to rank together: all with a rank when they share a task, else the most that do.

    Without a task shared by all, the largest group that shares one is the models ranked on the task
    with the most ranked models (ties: the group sharing more tasks, then the earlier task). Being the
    largest, that group holds every model ranked on any task it shares.
    """
    ranked = [m for m in ranked_on if ranked_on[m]]
    if _shared(tasks, ranked_on, ranked) or not ranked:
        return ranked
    groups = [[m for m in ranked if t in ranked_on[m]] for t in tasks]
    return max(groups, key=lambda g: (len(g), len(_shared(tasks, ranked_on, g))))


def overall_ranks(models: list[str], task_ranks: dict[str, dict[str, int]]) -> Standing:
    """Rank models by their mean rank over the tasks every ranked model has a rank on (the shared tasks).

    `task_ranks` maps each task (in display order) to {model: rank} of its ranked results. A model
    without a rank on every shared task is not ranked, with the reason (see `comparable_models`).
    Equal mean ranks share an overall rank (1, 2, 2, 4).
    """
    tasks = list(task_ranks)
    ranked_on = {m: {t for t in tasks if m in task_ranks[t]} for m in models}
    kept = comparable_models(tasks, ranked_on)
    shared = _shared(tasks, ranked_on, kept)
    out = {m: OverallRank(m, None, None, 0, NO_RANK) for m in models}
    for model in models:
        if ranked_on[model] and model not in kept:
            missing = ", ".join(t for t in shared if t not in ranked_on[model])
            reason = f"no rank on {missing}, shared by the {len(kept)} ranked models"
            out[model] = OverallRank(model, None, None, 0, reason)
    # every model ranked on a shared task is among `kept`, so the task ranks compare exactly the ranked models
    means = {model: statistics.fmean(task_ranks[t][model] for t in shared) for model in kept}
    for model in kept:
        rank = 1 + sum(1 for other in kept if means[other] < means[model] - 1e-9)
        out[model] = OverallRank(model, rank, means[model], len(shared))
    return Standing(tuple(shared), out)
