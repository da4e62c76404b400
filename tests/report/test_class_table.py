"""The write-up's score-per-Joshi-class table says how many seeds each number averages."""

from __future__ import annotations

from types import SimpleNamespace

from harness.report.class_sweep import ClassPoint
from harness.report.study_markdown import class_table


def _point(alpha: float, value: float, seeds: int, ci: tuple[float, float] | None) -> ClassPoint:
    return ClassPoint("tatoeba", "cross", "F1", 1, alpha, value, ci, seeds, 42, 29585)


def test_equal_seed_counts_are_named_once_per_row() -> None:
    points = [_point(0.0, 0.597, 5, (0.562, 0.632)), _point(1.0, 0.590, 5, (0.577, 0.603))]
    lines = class_table(SimpleNamespace(classes={"tatoeba": points}))
    assert lines[4] == "| class 1 (42 · 29,585; 5 seeds) | 0.597 [0.562, 0.632] | 0.590 [0.577, 0.603] |"


def test_unequal_seed_counts_are_named_in_each_cell() -> None:
    points = [_point(0.0, 0.597, 2, (0.562, 0.632)), _point(0.25, 0.594, 1, None)]
    lines = class_table(SimpleNamespace(classes={"tatoeba": points}))
    assert lines[2] == "| class (views · items) | α = 0 | α = 0.25 |"
    assert lines[4] == "| class 1 (42 · 29,585) | 0.597 [0.562, 0.632] (2 seeds) | 0.594 (1 seed) |"
