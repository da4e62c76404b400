"""Markdown / LaTeX tables and the CSV: right numbers, escaped text, no spreadsheet formulas."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from harness.report.board import BoardOptions, build_board
from harness.report.collect import collect
from harness.report.exports import latex_escape, markdown_escape, overview_table, to_csv, to_latex, to_markdown
from harness.report.metadata import Registries

from .conftest import COMMITTED, clone_result


def _board(results: Path):
    return build_board(collect(results), Registries(), BoardOptions(test_resamples=200, ci_resamples=200))


def test_markdown_and_latex_tables_hold_the_main_scores(real_results: Path) -> None:
    board = _board(real_results)
    table = overview_table(board, None)
    md, tex = to_markdown(table, "caption"), to_latex(table, "caption")
    score = json.loads((COMMITTED / "me5-small" / "xquad-r.json").read_text())["main_score"]["value"]
    assert f"{score:.3f}" in md and f"{score:.3f}" in tex
    assert "\\toprule" in tex and "\\midrule" in tex and "\\bottomrule" in tex
    assert md.count("\n|") >= 4  # header, rule, three models


def test_escaping() -> None:
    escaped = r"a\_b \& 50\% \#1 \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    assert latex_escape("a_b & 50% #1 {x} ~ ^ \\") == escaped
    assert markdown_escape("a|b <script>") == "a\\|b \\<script\\>"


def test_csv_has_every_value_and_no_formula(real_results: Path) -> None:
    clone_result(real_results, "bm25", "xquad-mteb", "formula", model="=HYPERLINK(1)")
    rows = list(csv.DictReader(io.StringIO(to_csv(_board(real_results)))))
    summary = json.loads((COMMITTED / "bm25" / "xquad-r.json").read_text())
    row = next(
        r
        for r in rows
        if r["model"] == "bm25"
        and r["task"] == "xquad-r"
        and r["setting"] == "cross"
        and r["view"] == "ar-de"
        and r["metric"] == "mAP"
    )
    assert float(row["value"]) == summary["settings"]["cross"]["by_pair"]["ar-de"]["mAP"]
    macro = next(
        r
        for r in rows
        if r["model"] == "bm25"
        and r["task"] == "xquad-r"
        and r["setting"] == "multi"
        and r["view"] == ""
        and r["metric"] == "mAP"
    )
    assert float(macro["ci95_low"]) < float(macro["value"]) < float(macro["ci95_high"])
    assert not any(r["model"].startswith("=") for r in rows)
    assert any(r["model"] == "'=HYPERLINK(1)" for r in rows)
