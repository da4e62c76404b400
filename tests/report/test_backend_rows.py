"""Results of one model under another backend are their own leaderboard rows, with a backend badge."""

from __future__ import annotations

from pathlib import Path

from harness.report.board import BoardOptions
from harness.report.formatting import slug
from harness.report.site import render_site

from .conftest import clone_result, copy_real

FAST = BoardOptions(ci_resamples=200, test_resamples=200)
VARIANT = "me5-small-torch@openvino-int8"


def test_a_backend_variant_is_its_own_row_with_a_badge_and_the_model_card_of_its_model(tmp_path: Path) -> None:
    results = copy_real(tmp_path / "results", [("me5-small", "xquad-r"), ("bm25", "xquad-r")])
    # the committed me5-small numbers under a backend variant's name: what the page does with the label
    clone_result(
        results,
        "me5-small",
        "xquad-r",
        VARIANT,
        model=VARIANT,
        backend={"name": "openvino-int8", "precision": "int8", "reported": {"reported_precision": "f32"}},
    )
    render_site(results, tmp_path / "site", FAST)
    task = (tmp_path / "site" / "tasks" / "xquad-r.html").read_text(encoding="utf-8")
    rows = [line for line in task.splitlines() if 'class="model-cell"' in line]
    assert len(rows) == 3  # me5-small, bm25 and the variant: three rows
    [variant_row] = [row for row in rows if VARIANT in row]
    assert '<span class="badge backend warn"' in variant_row and ">openvino-int8</span>" in variant_row
    assert "quantised: outside the 0.005 mAP fidelity target" in variant_row
    assert all("badge backend" not in row for row in rows if row is not variant_row)  # defaults carry none
    card = (tmp_path / "site" / "models" / f"{slug(VARIANT)}.html").read_text(encoding="utf-8")
    assert "multilingual-e5-small as a trainable transformers BertModel" in card  # me5-small-torch's declaration
