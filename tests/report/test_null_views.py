"""Result files whose views have null metrics (no query) and view-count keys render: '—', never a bogus column."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from harness.report.board import BoardOptions
from harness.report.formatting import slug
from harness.report.site import render_site

from .conftest import copy_real

FAST = BoardOptions(ci_resamples=200, test_resamples=200)


def test_null_values_and_view_counts(tmp_path: Path) -> None:
    results = copy_real(tmp_path / "results", [("bm25", "xquad-r"), ("me5-small", "xquad-r")])
    path = results / "bm25" / "xquad-r.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    cross, multi = summary["settings"]["cross"], summary["settings"]["multi"]
    cross["by_pair"]["ar-de"] = {metric: None for metric in cross["by_pair"]["ar-de"]} | {"n_queries": 0}
    del cross["by_pair"]["ar-el"]  # an empty view is listed apart, never averaged
    cross.update(
        n_empty=1,
        empty_views={"ar-el": "no ar query has a relevant item in the el pool"},
        min_queries=10,
        few_queries=["de-ar"],
    )
    multi["by_lang"]["ar"]["own_lang@10"] = None
    path.write_text(json.dumps(summary), encoding="utf-8")
    render_site(results, tmp_path / "site", FAST)
    site = tmp_path / "site"
    task = (site / "tasks" / "xquad-r.html").read_text(encoding="utf-8")
    assert "n_empty" not in task and "min_queries" not in task and 'data-column="cross mAP"' in task
    de = [v["mAP"] for p, v in cross["by_pair"].items() if p.startswith("ar-") and v["mAP"] is not None]
    row = task[task.index('id="per-lang-cross"') :]
    row = row[row.index('<tr data-model="bm25">') : row.index("</tr>", row.index('<tr data-model="bm25">'))]
    shown = re.findall(r'data-value="([^"]*)"', row)
    assert float(shown[0]) == pytest.approx(sum(de) / len(de), abs=1e-12)  # ar: the mean over its pairs with a value
    bias = (site / "bias.html").read_text(encoding="utf-8")
    own = bias[bias.index(f'id="bias-{slug("own_lang@10")}-xquad-r"') :]
    own = own[own.index('<tr data-model="bm25">') : own.index("</tr>", own.index('<tr data-model="bm25">'))]
    assert '<td class="num " data-sort="" data-value="">—</td>' in own
    rows = list(csv.DictReader(io.StringIO((site / "exports" / "results.csv").read_text(encoding="utf-8"))))
    ar_de = [r for r in rows if r["model"] == "bm25" and r["setting"] == "cross" and r["view"] == "ar-de"]
    assert ar_de and {r["value"] for r in ar_de} == {""}
    assert not any(r["metric"] in ("n_empty", "min_queries") for r in rows)


def test_task_page_lists_empty_and_thin_views(tmp_path: Path) -> None:
    results = copy_real(tmp_path / "results", [("bm25", "mlqa-r"), ("me5-small", "mlqa-r")])
    path = results / "bm25" / "mlqa-r.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    cross = summary["settings"]["cross"]
    for pair in ("de-zh", "zh-de"):
        del cross["by_pair"][pair]
    cross["by_pair"]["hi-vi"]["n_queries"] = 4
    cross.update(
        n_pairs=40,
        n_empty=2,
        min_queries=10,
        few_queries=["hi-vi"],
        empty_views={
            "de-zh": "no de question has a gold sentence in the zh pool",
            "zh-de": "no zh question has a gold sentence in the de pool",
        },
    )
    path.write_text(json.dumps(summary), encoding="utf-8")
    render_site(results, tmp_path / "site", FAST)
    task = (tmp_path / "site" / "tasks" / "mlqa-r.html").read_text(encoding="utf-8")
    section = task[task.index('id="view-counts"') : task.index("</table>", task.index('id="view-counts"'))]
    bm25 = section[section.index('<tr data-model="bm25">') :]
    assert 'cross <span class="sub">(mean over 40)</span>' in bm25
    assert 'title="no de question has a gold sentence in the zh pool">de-zh</span>' in bm25
    assert '&lt; 10 queries:</span> <span class="badge warn">hi-vi</span>' in bm25
    assert '<tr data-model="me5-small">' not in section  # nothing to flag for a full run without empty views


def test_thin_views_of_older_result_files_are_flagged_from_their_counts(tmp_path: Path) -> None:
    """Committed miracl-partial results predate `few_queries`: their views' counts still flag them."""
    results = copy_real(tmp_path / "results", [("me5-small", "miracl-partial")])
    summary = json.loads((results / "me5-small" / "miracl-partial.json").read_text(encoding="utf-8"))
    mono = summary["settings"]["mono"]
    assert "few_queries" not in mono
    thin = sorted(p for p, v in mono["by_pair"].items() if v["n_queries"] < 10)
    assert thin == ["de-de", "es-es", "fi-fi", "fr-fr", "ja-ja", "ko-ko", "yo-yo"]
    render_site(results, tmp_path / "site", FAST)
    task = (tmp_path / "site" / "tasks" / "miracl-partial.html").read_text(encoding="utf-8")
    section = task[task.index('id="view-counts"') : task.index("</table>", task.index('id="view-counts"'))]
    assert "&lt; 10 queries:</span> " + " ".join(f'<span class="badge warn">{p}</span>' for p in thin) in section
