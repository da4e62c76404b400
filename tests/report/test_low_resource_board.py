"""The low-resource board over every published Tatoeba result (the mirror's MTEB results) and the committed
computed ones: its class aggregates against pandas on the raw published file, its ranking rules, its parity
badges against `harness parity`'s own comparison, and the rendered page (in a browser: sorting, filters,
no overflow at 1400 px)."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from harness.data.resource_classes import TABLE, resource_table
from harness.interop.mteb_import import import_mteb
from harness.interop.mteb_published import read_published
from harness.interop.parity import parity
from harness.interop.published_entry import PublishedEntry
from harness.models.model_spec import load_models
from harness.report.board import BoardOptions
from harness.report.collect import collect
from harness.report.low_resource_board import LowResourceBoard, build_low_resource_board
from harness.report.published import Published, published_for_site
from harness.report.site import render_site
from harness.results.reader import load_result
from harness.tasks.task_registry import load_tasks

from .browser import open_page
from .conftest import COMMITTED

COMPUTED = ("me5-small", "me5-small-torch", "minilm-en")
PUBLISHED_E5 = "mteb-results/results/intfloat__multilingual-e5-small/fd1525a9fd15316a2d503bf26ab031a61d056e98"


@pytest.fixture(scope="module")
def results(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed Tatoeba results of three models, and every published result of the mirror."""
    folder = tmp_path_factory.mktemp("low-resource") / "results"
    for model in COMPUTED:
        (folder / model).mkdir(parents=True)
        for suffix in (".json", ".per_query.npz"):
            shutil.copy(COMMITTED / model / f"tatoeba{suffix}", folder / model / f"tatoeba{suffix}")
    import_mteb(mirror / "mteb-results", folder, load_tasks())
    return folder


@pytest.fixture(scope="module")
def board(results: Path) -> tuple[LowResourceBoard, Published]:
    models = load_models()
    entries = collect(results).entries
    published = published_for_site(results, entries, models)
    low = build_low_resource_board(entries, published, models, resource_table(), load_tasks()["tatoeba"].languages)
    assert low is not None
    return low, published


def test_class_aggregates_equal_pandas_on_the_raw_file(board: tuple[LowResourceBoard, Published], mirror: Path) -> None:
    low, _ = board
    raw = json.loads((mirror / PUBLISHED_E5 / "Tatoeba.json").read_text(encoding="utf-8"))
    spec = load_tasks()["tatoeba"]
    code_of = {spec.source_code(lang): lang for lang in spec.languages}
    frame = pd.DataFrame(
        [{"language": code_of[r["hf_subset"].split("-")[0]], "f1": r["f1"]} for r in raw["scores"]["test"]]
    )
    classes = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["languages"]
    frame["class"] = frame["language"].map(lambda lang: classes.get(lang, {}).get("class"))
    by_class = frame.dropna(subset=["class"]).groupby("class")["f1"].mean()
    row = next(r for r in low.rows if r.model == "intfloat/multilingual-e5-small")
    assert len(row.values) == len(frame) == 112
    for cls, value in by_class.items():
        assert row.class_means[int(cls)] == pytest.approx(value, abs=1e-12)
    assert row.low == pytest.approx(frame[frame["class"] <= 2]["f1"].mean(), abs=1e-12)
    assert row.high == pytest.approx(frame[frame["class"] >= 4]["f1"].mean(), abs=1e-12)
    assert row.gap == pytest.approx(row.high - row.low, abs=1e-12)
    assert row.mean == pytest.approx(frame["f1"].mean(), abs=1e-12)  # MTEB's Tatoeba score of the model
    assert row.spread == pytest.approx(frame["f1"].std(ddof=1), abs=1e-12)
    worst = frame.loc[frame["f1"].idxmin()]
    assert row.worst == (worst["language"], pytest.approx(worst["f1"], abs=1e-12))
    assert {c: len(langs) for c, langs in low.classes.items()} == {0: 3, 1: 42, 2: 6, 3: 28, 4: 18, 5: 6}


def test_only_zero_shot_models_with_every_language_are_ranked(board: tuple[LowResourceBoard, Published]) -> None:
    low, _ = board
    assert len(low.rows) + len(low.partial) == 204 + len(COMPUTED)  # every published Tatoeba file, every result
    assert all(len(r.values) == 112 and not r.in_domain for r in low.rows)
    assert all(len(r.values) < 112 or r.in_domain for r in low.partial)
    tiny = next(r for r in low.partial if r.model == "cointegrated/rubert-tiny")
    assert tiny.in_domain and len(tiny.values) == 112  # its MTEB metadata declares Tatoeba's train split
    assert sum(len(r.values) == 1 for r in low.partial) == 18  # single-language published runs
    ranks = [r.rank for r in low.rows]
    lows = [r.low for r in low.rows]
    assert ranks[0] == 1 and lows == sorted(lows, reverse=True)
    assert all(a <= b for a, b in itertools.pairwise(ranks))
    assert {r.model for r in low.rows if r.published is None} == set(COMPUTED)


def test_ties_share_the_better_rank() -> None:
    spec = load_tasks()["tatoeba"]
    views = {f"{lang}-en": {"F1": 0.5} for lang in spec.languages}

    def entry(model: str) -> PublishedEntry:
        return PublishedEntry(
            model=model, revision="r", task="tatoeba", mteb_task="Tatoeba", mteb_version="2", dataset_revision="d",
            split="test", metric="F1", views={"cross": views}, source="x", source_sha256="0",
        )  # fmt: skip

    higher = entry("org/c").model_copy(update={"views": {"cross": {**views, "am-en": {"F1": 0.9}}}})
    found = Published(entries=[entry("org/a"), entry("org/b"), higher])
    low = build_low_resource_board([], found, {}, resource_table(), spec.languages)
    assert [(r.model, r.rank) for r in low.rows] == [("org/c", 1), ("org/a", 2), ("org/b", 2)]


def test_parity_badges_equal_harness_parity(board: tuple[LowResourceBoard, Published], mirror: Path) -> None:
    """Same model and revision (models.yaml published_as): the badge is `harness parity`'s difference of means."""
    low, _ = board
    spec = load_tasks()["tatoeba"]
    expected = {
        "me5-small-torch": "intfloat__multilingual-e5-small/fd1525a9fd15316a2d503bf26ab031a61d056e98",
        "minilm-en": "sentence-transformers__all-MiniLM-L6-v2/8b3219a92973c328a8e22fadcfa821b5dc75636a",
    }
    for model, folder in expected.items():
        found = parity(
            spec,
            load_result(COMMITTED / model / "tatoeba.json"),
            read_published(mirror / "mteb-results" / "results" / folder / "Tatoeba.json"),
        )
        [badge] = next(r for r in low.rows if r.model == model).badges
        assert badge.n_views == len(found.rows) == 112
        assert badge.delta == pytest.approx(found.mean_ours - found.mean_published, abs=1e-12)
        owner = next(
            r for r in low.rows if r.published and r.published.model == folder.split("/")[0].replace("__", "/")
        )
        assert model in [b.computed for b in owner.badges]
    assert next(r for r in low.rows if r.model == "me5-small-torch").badges[0].delta == pytest.approx(0.0009, abs=5e-5)


@pytest.fixture(scope="module")
def site(results: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("low-resource-site") / "site"
    render_site(results, out, BoardOptions(ci_resamples=200, test_resamples=200))
    return out


def test_the_page_marks_every_published_row(site: Path, board: tuple[LowResourceBoard, Published]) -> None:
    low, _ = board
    html = (site / "low-resource.html").read_text(encoding="utf-8")
    assert html.count('<tr data-model="') == len(low.rows) + len(low.partial)
    assert html.count('data-source="published"') == sum(r.published is not None for r in low.rows)
    assert html.count("published (MTEB ") >= 204
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="low-resource.html"' in index and "Also here: 578 results of 218" in " ".join(index.split())
    task = (site / "tasks" / "tatoeba.html").read_text(encoding="utf-8")
    assert "Published by MTEB: 204 models" in task and "me5-small-torch Δ +0.0009" in task
    assert "minilm-en Δ 0.0000" in task  # the same weights and protocol: equal to the published F1


def test_the_page_in_a_browser(browser: object, site: Path, board: tuple[LowResourceBoard, Published]) -> None:
    page, problems = open_page(browser, (site / "low-resource.html").as_uri(), viewport=(1400, 900))
    problems.assert_none("low-resource.html")
    assert page.get_attribute("#family-class-chart", "data-rendered") == "true"
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1] <= 1400, width
    wrap = page.evaluate("(w => [w.scrollWidth, w.clientWidth])(document.getElementById('low-resource-wrap'))")
    assert wrap[0] <= wrap[1], wrap  # the table fits without a scroll bar
    rows = "#low-resource-table tbody tr"
    gap = page.locator("#low-resource-table thead th", has_text="Gap")
    gap.locator("button").click()  # numbers: high to low first
    column = page.eval_on_selector_all(
        rows, "rs => rs.map(r => parseFloat(r.cells[10].getAttribute('data-sort')))"
    )  # rank, model, source, low, 6 classes, gap
    assert column == sorted(column, reverse=True) and len(column) == len(board[0].rows)
    page.select_option("select[data-filter=source]", "computed")
    shown = page.eval_on_selector_all(f"{rows}:not(.hidden)", "rs => rs.map(r => r.dataset.model)")
    assert sorted(shown) == sorted(COMPUTED)
    page.close()
