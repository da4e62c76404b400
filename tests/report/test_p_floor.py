"""p-values at the resampling floor 1/(B + 1): flagged, shown as bounds with B stated, numeric in the CSV."""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest

from harness.report.board import Board
from harness.report.formatting import fmt_p
from harness.report.per_query import aligned, load_views
from harness.stats.batched_randomization import paired_tests
from harness.stats.multiple_testing import holm, holm_bounds
from harness.stats.randomization import PValue, paired_randomization

FLOOR = 1 / 10_001


def test_paired_tests_flag_the_floor_and_keep_the_check_values() -> None:
    rng = np.random.default_rng(3)
    base = rng.random(400)
    far = [(np.clip(base + 0.3, 0, 1), base)]  # no sign flip comes close: the floor
    near = [(np.clip(base + rng.normal(0, 0.2, 400), 0, 1), base)]
    tiny = [(np.array([0.9, 0.8, 0.7, 0.9, 1.0]), np.array([0.1, 0.2, 0.3, 0.1, 0.0]))]  # 2^5 <= B: enumerated
    far_p, near_p, tiny_p = paired_tests([far, near, tiny])
    assert far_p == PValue(FLOOR, FLOOR) and far_p.at_floor
    assert near_p.value == paired_randomization(near) and near_p.value > 0.01 and not near_p.at_floor
    assert tiny_p == PValue(paired_randomization(tiny), None) and tiny_p.value == 2 / 32 and not tiny_p.at_floor


def test_holm_bounds_mark_values_set_by_a_floor() -> None:
    p = [PValue(FLOOR, FLOOR), PValue(FLOOR, FLOOR), PValue(0.03, FLOOR), PValue(0.5, FLOOR)]
    out = holm_bounds(p)
    assert [a for a, _ in out] == holm([x.value for x in p]) == pytest.approx([4 * FLOOR, 4 * FLOOR, 0.06, 0.5])
    assert [b for _, b in out] == [True, True, False, False]
    # a larger, exact p whose own Holm term is smaller inherits the floor's bound: 3 x floor > 2 x 0.00012
    mixed = holm_bounds([PValue(FLOOR, FLOOR), PValue(0.00012, FLOOR), PValue(0.2, None)])
    assert mixed == [(pytest.approx(3 * FLOOR), True), (pytest.approx(3 * FLOOR), True), (0.2, False)]
    exact_last = holm_bounds([PValue(0.004, None), PValue(FLOOR, FLOOR)])
    assert exact_last == [(0.004, False), (pytest.approx(2 * FLOOR), True)]


def test_bounds_are_rounded_up() -> None:
    assert fmt_p(14 / 10_001, bound=True) == "≤ 0.0014"
    assert fmt_p(FLOOR, bound=True) == "≤ 0.0001"
    assert fmt_p(0.00144, bound=True) == "≤ 0.0015"
    assert fmt_p(0.0123) == "0.0123" and fmt_p(3.2e-5) == "3.2e-05" and fmt_p(None) == "—"


def test_committed_comparison_is_at_the_floor_by_the_check_own_test(committed_board: Board) -> None:
    group = next(g for g in committed_board.groups if g.key.label == "xquad-r")
    row = group.row_of("bm25")
    base = load_views(group.row_of(group.baseline).entry, {"multi": "mAP"}, with_ids={"multi"})
    mine = load_views(row.entry, {"multi": "mAP"}, with_ids={"multi"})
    p = paired_randomization([aligned(mine[k], base[k]) for k in mine])
    assert p == FLOOR and row.comparison.p == p and row.comparison.at_floor
    tests = [r.comparison for g in committed_board.groups for r in g.rows if r.comparison]
    assert len(tests) == committed_board.n_comparisons == 14
    assert committed_board.test_floor == FLOOR
    assert all(c.holm_bound for c in tests) and [c.p_holm for c in tests] == pytest.approx([14 * FLOOR] * 14)


def test_robustness_page_shows_bounds_and_states_b(committed_board: Board, committed_pages: dict[str, str]) -> None:
    page = committed_pages["robustness.html"]
    assert "B = 10,000" in page and "1/(B + 1) = 1/10001" in page
    cells = re.findall(r'<td class="num p-holm([^"]*)"[^>]*data-bound="(\w+)"[^>]*>([^<]*)</td>', page, re.S)
    assert len(cells) == committed_board.n_comparisons
    assert {(cls.strip(), bound, text) for cls, bound, text in cells} == {("at-floor", "true", "≤ 0.0014")}
    assert ">0.0014<" not in page


def test_csv_keeps_numbers_and_flags_the_floor(committed_board: Board, committed_pages: dict[str, str]) -> None:
    rows = list(csv.DictReader(io.StringIO(committed_pages["exports/results.csv"])))
    tested = [r for r in rows if r["p"]]
    assert len(tested) == committed_board.n_comparisons
    bm25 = next(r for r in tested if r["model"] == "bm25" and r["task"] == "xquad-r")
    assert (bm25["setting"], bm25["metric"], bm25["view"], bm25["baseline"]) == ("multi", "mAP", "", "me5-small")
    assert float(bm25["p"]) == FLOOR and bm25["p_at_floor"] == "True" and bm25["test_resamples"] == "10000"
    assert float(bm25["p_holm"]) == pytest.approx(14 * FLOOR) and bm25["p_holm_upper_bound"] == "True"
    mteb = next(r for r in tested if r["model"] == "bm25" and r["task"] == "xquad-mteb")
    assert float(mteb["p"]) > FLOOR and mteb["p_at_floor"] == "False" and mteb["p_holm_upper_bound"] == "True"
