"""The bias page's charts: one colour scale per measure across every task, so a colour means one value everywhere.

Own-language share of the top 10 is a fraction: its scale is [0, 1]. Rank distance grows with the
pool (a few ranks on a quick run, thousands on the full XQuAD-R pool), so its scale spans 0 to the
largest value on the page, on a symmetric log scale that keeps small values apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from harness.metrics import OWN_LANGUAGE, RANK_DISTANCE
from harness.report.board import Board, GroupBoard
from harness.report.charts import language_heatmap
from harness.vocabulary import MULTI


@dataclass(frozen=True)
class BiasScale:
    """How one measure is coloured on every chart of the page."""

    metric: str
    title: tuple[str, ...]  # legend title, one line each: what it is and which way is better
    scheme: str
    domain: tuple[float, float]
    kind: str = "linear"  # Vega-Lite scale type
    ticks: tuple[float, ...] | None = None  # legend values (None: Vega's own)


def multi_rows(group: GroupBoard, metric: str) -> list[dict]:
    """{model, lang, value} of every query language of the multi setting with a value (null ones left out)."""
    rows = []
    for row in group.rows:
        scores = row.entry.settings.get(MULTI)
        for lang, values in (scores.detail if scores else {}).items():
            if values.get(metric) is not None:
                rows.append({"model": row.entry.model, "lang": lang, "value": values[metric]})
    return rows


def _powers_of_ten(high: float) -> tuple[float, ...]:
    """Legend values 0, 10, 100, ... up to `high` (1 would sit on top of 0 on a log scale)."""
    ticks, tick = [0.0], 10.0
    while tick <= high:
        ticks.append(tick)
        tick *= 10
    return tuple(ticks)


def bias_scales(groups: Iterable[GroupBoard]) -> dict[str, BiasScale]:
    """The scale of each measure, shared by the charts of all `groups`."""
    distances = [r["value"] for g in groups for r in multi_rows(g, RANK_DISTANCE)]
    high = max([*distances, 1.0])
    return {
        OWN_LANGUAGE: BiasScale(
            OWN_LANGUAGE,
            ("own-language share", "of the top 10", "1/L ≈ unbiased,", "higher = more biased"),
            "blues",
            (0.0, 1.0),
        ),
        RANK_DISTANCE: BiasScale(
            RANK_DISTANCE,
            ("rank distance", "lower = less biased", "(log scale)"),
            "oranges",
            (0.0, high),
            "symlog",
            _powers_of_ten(high),
        ),
    }


def _chart(group: GroupBoard, scale: BiasScale) -> dict | None:
    rows = multi_rows(group, scale.metric)
    if not rows:
        return None
    models = [r.entry.model for r in group.rows]
    return language_heatmap(
        rows,
        group.languages,
        models,
        scale.metric,
        list(scale.title),
        scale.scheme,
        list(scale.domain),
        scale.kind,
        list(scale.ticks) if scale.ticks else None,
    )


def bias_charts(board: Board) -> dict:
    """Per task with a multi setting, its own-language and rank-distance charts on the page's shared scales."""
    groups = [g for g in board.groups if MULTI in g.settings]
    scales = bias_scales(groups)
    return {
        g.key: {"own": _chart(g, scales[OWN_LANGUAGE]), "distance": _chart(g, scales[RANK_DISTANCE])} for g in groups
    }
