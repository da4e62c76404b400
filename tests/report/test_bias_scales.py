"""Bias charts: one fixed colour domain per measure across every task, and axis titles that say what and which way."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from harness.report.bias import RANK_DISTANCE, bias_charts
from harness.report.board import Board


def _committed_rank_distances(results: Path) -> list[float]:
    """Per (model, task, limit, query language), the rank distance the page shows: the mean over seeds."""
    values: dict[tuple, list[float]] = defaultdict(list)
    for path in results.glob("*/*.json"):
        summary = json.loads(path.read_text(encoding="utf-8"))
        if path.name.endswith(".seeds.json") or summary["task"] == "miracl-partial":
            continue
        for lang, v in summary["settings"].get("multi", {}).get("by_lang", {}).items():
            if v.get(RANK_DISTANCE) is not None:
                values[(summary["model"], summary["task"], summary["limit"], lang)].append(v[RANK_DISTANCE])
    return [statistics.fmean(v) for v in values.values()]


def _colour(spec: dict) -> dict:
    return spec["encoding"]["color"]


def test_every_chart_of_a_measure_shares_one_domain(committed_board: Board, first_round: Path) -> None:
    charts = bias_charts(committed_board)
    assert {k.label for k in charts} == {"mlqa-r", "xquad-r", "mlqa-r (limit 50)", "xquad-r (limit 200)"}
    own = [_colour(c["own"]) for c in charts.values()]
    distance = [_colour(c["distance"]) for c in charts.values()]
    assert all(o["scale"]["domain"] == [0.0, 1.0] and o["scale"]["type"] == "linear" for o in own)
    high = max(_committed_rank_distances(first_round))
    assert high > 10_000 and [d["scale"]["domain"] for d in distance] == [[0.0, pytest.approx(high)]] * 4
    assert all(
        d["scale"]["type"] == "symlog" and d["legend"]["values"] == [0.0, 10.0, 100.0, 1000.0, 10000.0]
        for d in distance
    )


def test_axes_and_legends_say_what_and_which_way(committed_board: Board) -> None:
    for chart in bias_charts(committed_board).values():
        for spec, says in ((chart["own"], "higher = more biased"), (chart["distance"], "lower = less biased")):
            assert says in _colour(spec)["legend"]["title"]
            x, y = spec["encoding"]["x"], spec["encoding"]["y"]
            assert (x["title"], x["axis"]["labelAngle"]) == ("query language", 0)
            assert (y["title"], y["axis"]["labelAngle"]) == ("model", 0)
