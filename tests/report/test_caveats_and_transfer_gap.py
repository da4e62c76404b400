"""Diagnostic tasks carry their caveat into every rendering; AfriQA's transfer gap reaches the pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from harness.console import result_notes
from harness.report.board import BoardOptions
from harness.report.site import render_site
from harness.run import TaskOutcome

from .conftest import COMMITTED, copy_real

FAST = BoardOptions(ci_resamples=200, test_resamples=200)
PAIRS = [("bm25", "xquad-r"), ("bm25", "afriqa"), ("bm25", "miracl-partial")]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("caveats")
    results = copy_real(root / "results", PAIRS)
    render_site(results, root / "site", FAST)
    return root / "site"


def _summary(model: str, task: str) -> dict:
    return json.loads((COMMITTED / model / f"{task}.json").read_text(encoding="utf-8"))


def test_diagnostic_task_is_shown_apart_with_its_caveat(site: Path) -> None:
    caveat = _summary("bm25", "miracl-partial")["caveat"]
    assert caveat.startswith("not comparable to MIRACL dev")
    index = (site / "index.html").read_text(encoding="utf-8")
    overall = index[: index.index('id="diagnostic"')]
    assert 'data-task="xquad-r"' in overall and 'data-task="miracl-partial"' not in overall
    diagnostic = index[index.index('id="diagnostic"') :]
    assert caveat in diagnostic and "0.750" in diagnostic
    for page in ("tasks/miracl-partial.html", "robustness.html"):
        assert f"<strong>Caveat:</strong> {caveat}" in (site / page).read_text(encoding="utf-8")
    assert "not comparable" in (site / "models" / "bm25.html").read_text(encoding="utf-8")
    assert "Caveat" not in (site / "tasks" / "xquad-r.html").read_text(encoding="utf-8")


def test_exports_carry_the_caveat(site: Path) -> None:
    caveat = _summary("bm25", "miracl-partial")["caveat"]
    rows = list(csv.DictReader(io.StringIO((site / "exports" / "results.csv").read_text(encoding="utf-8"))))
    assert {r["caveat"] for r in rows if r["task"] == "miracl-partial"} == {caveat}
    assert {r["caveat"] for r in rows if r["task"] != "miracl-partial"} == {""}
    for name in ("leaderboard.md", "miracl-partial.md", "miracl-partial.tex"):
        assert "CAVEAT: not comparable to MIRACL dev" in (site / "exports" / name).read_text(encoding="utf-8")


def test_transfer_gap_on_task_and_robustness_pages_equals_the_result(site: Path) -> None:
    gap = _summary("bm25", "afriqa")["transfer_gap"]["nDCG@10"]
    page = (site / "tasks" / "afriqa.html").read_text(encoding="utf-8")
    table = page[page.index('id="transfer-gap"') : page.index("</table>", page.index('id="transfer-gap"'))]
    shown = [float(v) for v in re.findall(r'data-value="([-0-9.e]+)"', table)]
    expected = [gap["by_pair"][p] for p in sorted(gap["by_pair"])] + [gap["mean"]]  # languages in task order
    assert shown == pytest.approx(expected, abs=1e-6)
    robustness = (site / "robustness.html").read_text(encoding="utf-8")
    assert "Translated \u2212 native" in robustness and f"+{gap['mean']:.3f}" in robustness


def test_undeclared_task_with_a_caveat_counts_as_diagnostic(tmp_path: Path) -> None:
    results = copy_real(tmp_path / "results", [("bm25", "xquad-r")])
    summary = {**_summary("bm25", "miracl-partial"), "task": "pool-check", "caveat": "only a pipeline check"}
    summary.pop("per_query")
    (results / "bm25" / "pool-check.json").write_text(json.dumps(summary), encoding="utf-8")
    render_site(results, tmp_path / "site", FAST)
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "only a pipeline check" in index[index.index('id="diagnostic"') :]


def test_console_notes_name_caveat_low_resource_gap_and_warnings() -> None:
    outcomes = [TaskOutcome(task, "existing", summary=_summary("bm25", task)) for task in ("afriqa", "miracl-partial")]
    lines = result_notes(outcomes)
    partial = _summary("bm25", "miracl-partial")
    assert f"miracl-partial: CAVEAT {partial['caveat']}" in lines
    low = partial["low_resource"]["settings"]["mono"]
    assert any(
        line.startswith("miracl-partial: mono nDCG@10 low-resource")
        and f"{low['low']['nDCG@10']:.4f}" in line
        and low["worst"]["nDCG@10"]["pair"] in line
        for line in lines
    )
    gap = _summary("bm25", "afriqa")["transfer_gap"]["nDCG@10"]
    assert any(line.startswith("afriqa: transfer gap") and f"{gap['mean']:+.4f}" in line for line in lines)
    assert any("records without gold passage: 4" in line for line in lines)
