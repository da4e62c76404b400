"""The Claims and Research question pages of the committed study, in a real browser: every claim with its verdict,
one drawn chart per quantity, and numbers equal to what the claims engine computes from the result files."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.models.model_spec import load_models
from harness.report.collect import collect
from harness.report.research import QUANTITIES
from harness.report.site import CLAIMS_FILE, render_site
from harness.report.study import build_study

from .browser import open_page
from .conftest import COMMITTED


@pytest.fixture(scope="module")
def study_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("study") / "site"
    render_site(COMMITTED, site, claims=CLAIMS_FILE, claims_required=True)
    return site


@pytest.fixture(scope="module")
def study():
    return build_study(CLAIMS_FILE, collect(COMMITTED).entries, load_models())


def test_claims_page_lists_every_claim_with_its_verdict(browser: object, study_site: Path, study) -> None:
    page, problems = open_page(browser, (study_site / "claims.html").as_uri())
    rows = page.eval_on_selector_all(
        "#claims-table tbody tr", "rows => rows.map(r => [r.dataset.claim, r.querySelector('.verdict').textContent])"
    )
    shown = page.eval_on_selector_all("table.comparisons tbody tr", "rows => rows.map(r => r.dataset.verdict)")
    page.close()
    problems.assert_none("claims.html")
    assert rows == [[r.claim.id, r.verdict] for r in study.results]
    assert shown == [c.verdict for r in study.results for c in r.comparisons]
    assert {"supported", "contradicted"} <= {verdict for _, verdict in rows}  # the page shows claims that fail


def test_research_page_draws_one_chart_per_quantity_with_the_computed_numbers(
    browser: object, study_site: Path, study
) -> None:
    page, problems = open_page(browser, (study_site / "research.html").as_uri(), viewport=(1400, 1000))
    drawn = page.eval_on_selector_all(".chart", "charts => charts.map(c => [c.id, !!c.querySelector('svg, canvas')])")
    answer = page.inner_text("#answer")
    cells = page.eval_on_selector_all(
        "#alpha-table tbody tr", "rows => rows.map(r => [r.dataset.quantity, r.cells.length - 1])"
    )
    page.close()
    problems.assert_none("research.html")
    assert drawn == [[f"alpha-{q.key}", True] for q in QUANTITIES]
    assert cells == [[q.key, len(study.sweep.points[q.key])] for q in QUANTITIES]
    assert answer.split("\n\n") == study.answer() or answer.replace("\n", " ").strip() == " ".join(study.answer())
    low = {p.alpha: p for p in study.sweep.points["cross-low"]}
    assert f"{low[0.0].value:.3f}" in answer and f"{low[1.0].value:.3f}" in answer
