"""The site in a real browser (Debian's headless Chromium via Playwright), over HTTP and from file://."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from harness.report.site import render_site

from .browser import Tab, open_page, serve
from .conftest import COMMITTED, XSS_DESC, XSS_IMG, XSS_SCRIPT

CELLS = "#heatmap-matrix g.mark-rect.role-mark > path"


@pytest.fixture(scope="module")
def http_base(test_site: tuple[Path, Path]):
    with serve(test_site[0]) as base:
        yield base


@pytest.fixture(scope="module")
def committed_site(tmp_path_factory: pytest.TempPathFactory, first_round: Path) -> Path:
    """The first round's committed results, rendered once for this module."""
    site = tmp_path_factory.mktemp("committed") / "site"
    render_site(first_round, site)
    return site


@pytest.fixture(params=["http", "file"])
def base(request: pytest.FixtureRequest, test_site: tuple[Path, Path]) -> str:
    return request.getfixturevalue("http_base") if request.param == "http" else test_site[0].as_uri()


def _main_scores(results: Path) -> dict[tuple[str, str], float]:
    scores = {}
    for path in results.glob("*/*.json"):
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(summary.get("main_score"), dict) and summary.get("limit") is None and "seed" not in summary:
            scores[(summary["model"], summary["task"])] = summary["main_score"]["value"]
    return scores


def test_every_page_linked_from_the_overview_loads(browser: object, base: str, test_site: tuple[Path, Path]) -> None:
    page, problems = open_page(browser, f"{base}/index.html")
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    page.close()
    problems.assert_none("index.html")
    html = sorted({h for h in hrefs if h.endswith(".html")})
    assert {"robustness.html", "bias.html", "tasks/xquad-r.html", "tasks/xquad-mteb.html"} <= set(html)
    assert any(h.startswith("models/") for h in html)
    tab = Tab(browser)
    for href in html:
        problems = tab.goto(f"{base}/{href}")
        assert tab.page.locator("h1").count() == 1
        assert tab.page.evaluate("window.__xss") is None
        problems.assert_none(href)
    tab.close()
    for href in {h for h in hrefs if not h.endswith(".html")}:
        assert (test_site[0] / href).is_file(), href


def test_table_sorts_when_a_header_is_clicked(browser: object, http_base: str) -> None:
    page, problems = open_page(browser, f"{http_base}/index.html")
    table = page.locator("#overview")
    header = table.locator("th[data-task='xquad-r'] button.sort")

    def column() -> list[float]:
        cells = table.locator("tbody tr td[data-task='xquad-r']")
        return [float(v) for v in cells.evaluate_all("cs => cs.map(c => c.dataset.sort)") if v]

    header.click()
    assert column() == sorted(column(), reverse=True)
    assert table.locator("th[data-task='xquad-r']").get_attribute("aria-sort") == "descending"
    header.click()
    assert column() == sorted(column())
    table.locator("th", has_text="Model").locator("button").click()
    names = table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.model)")
    assert names == sorted(names, key=lambda n: n.lower()) or names == sorted(names)
    problems.assert_none("sorting")
    page.close()


def test_family_filter_hides_other_rows(browser: object, http_base: str) -> None:
    page, problems = open_page(browser, f"{http_base}/index.html")
    page.select_option("select[data-filter='family']", "lexical")
    visible = page.locator("#overview tbody tr:not(.hidden)").evaluate_all("rows => rows.map(r => r.dataset.model)")
    assert sorted(visible) == ["bm25", "evil-desc"]
    page.select_option("select[data-filter='family']", "")
    page.select_option("select[data-filter='trained']", "yes")
    visible = page.locator("table.board tbody tr:not(.hidden)").evaluate_all("rows => rows.map(r => r.dataset.model)")
    assert set(visible) == {"syn-trained"}
    problems.assert_none("filters")
    page.close()


def _labels(page: object, chart: str) -> list[str]:
    return page.locator(f"{chart} g.mark-text.role-mark text").all_text_contents()  # type: ignore[attr-defined]


def test_heatmap_has_one_cell_per_pair_with_the_file_numbers(browser: object, base: str) -> None:
    page, problems = open_page(browser, f"{base}/tasks/xquad-r.html")
    summaries = {m: json.loads((COMMITTED / m / "xquad-r.json").read_text()) for m in ("bm25", "usem-v3")}
    languages = summaries["bm25"]["languages"]
    cells = int(page.get_attribute("#heatmap-matrix", "data-cells"))
    assert page.locator(CELLS).count() == len(languages) ** 2 == cells
    page.select_option("#heatmap-matrix select", label="bm25")
    page.wait_for_function("document.querySelector('#heatmap-matrix select').selectedIndex >= 0")
    settings = summaries["bm25"]["settings"]
    expected = sorted(f"{v['mAP']:.2f}" for s in ("mono", "cross") for v in settings[s]["by_pair"].values())
    page.wait_for_function(
        "n => document.querySelectorAll('#heatmap-matrix g.mark-text.role-mark text').length == n", arg=len(expected)
    )
    page.wait_for_timeout(200)
    assert sorted(_labels(page, "#heatmap-matrix")) == expected
    assert page.locator("#heatmap-difference g.mark-rect.role-mark > path").count() == len(languages) ** 2
    page.select_option("#heatmap-difference select >> nth=0", label="usem-v3")
    page.select_option("#heatmap-difference select >> nth=1", label="bm25")
    page.wait_for_timeout(300)
    usem = summaries["usem-v3"]["settings"]
    diff = sorted(
        usem[s]["by_pair"][p]["mAP"] - settings[s]["by_pair"][p]["mAP"]
        for s in ("mono", "cross")
        for p in settings[s]["by_pair"]
    )
    got = sorted(float(label.replace("\u2212", "-")) for label in _labels(page, "#heatmap-difference"))  # d3: U+2212
    assert got == pytest.approx(diff, abs=0.0051)
    problems.assert_none("heatmap")
    page.close()


def test_numbers_shown_equal_the_result_files(browser: object, http_base: str, test_site: tuple[Path, Path]) -> None:
    scores = _main_scores(test_site[1])
    page, problems = open_page(browser, f"{http_base}/index.html")
    checked = 0
    for row in page.locator("#overview tbody tr").all():
        model = row.get_attribute("data-model")
        for cell in row.locator("td[data-task]").all():
            task = cell.get_attribute("data-task")
            if (model, task) in scores:
                assert cell.locator(".score").inner_text() == f"{scores[(model, task)]:.3f}"
                assert float(cell.get_attribute("data-value")) == scores[(model, task)]
                checked += 1
    assert checked >= 7
    page.close()
    page, _ = open_page(browser, f"{http_base}/tasks/xquad-mteb.html")
    bm25 = json.loads((COMMITTED / "bm25" / "xquad-mteb.json").read_text())["settings"]["mono"]["by_pair"]
    languages = page.locator("#per-lang-mono thead th button.sort").all_text_contents()[1:-1]
    cells = page.locator("#per-lang-mono tbody tr[data-model='bm25'] td.num").all_text_contents()[:-1]
    assert cells == [f"{bm25[f'{lang}-{lang}']['nDCG@10']:.3f}" for lang in languages] and len(languages) == 12
    problems.assert_none("numbers")
    page.close()


def test_hostile_names_show_literally_and_never_run(browser: object, base: str) -> None:
    for href in ("index.html", "tasks/xquad-r.html", "robustness.html", "bias.html", "models/evil-desc.html"):
        page, problems = open_page(browser, f"{base}/{href}")
        if href.startswith("tasks/"):
            page.locator(CELLS).first.hover(position={"x": 2, "y": 2})  # its tooltip names the model
            page.wait_for_selector("#vg-tooltip-element.visible", timeout=5_000)
            assert page.locator("#vg-tooltip-element").inner_text().count("window.__xss") == 1
        assert page.evaluate("window.__xss") is None
        assert page.locator("img").count() == 0
        text = page.locator("body").inner_text()
        if href == "models/evil-desc.html":
            assert XSS_DESC in text
        elif href != "bias.html" or XSS_SCRIPT in text:
            assert XSS_SCRIPT in text and XSS_IMG in text
        problems.assert_none(href)
        page.close()


SCREENSHOTS = [
    ("overview.png", "index.html", None),
    ("task.png", "tasks/xquad-r.html", None),
    ("heatmap.png", "tasks/xquad-r.html", "#heatmap-matrix"),
    ("robustness.png", "robustness.html", None),
    ("bias.png", "bias.html", None),
    ("model-card.png", "models/me5-small.html", None),
]


def test_screenshots_of_the_committed_results(browser: object, committed_site: Path, tmp_path: Path) -> None:
    """Renders results/ as committed; HARNESS_SCREENSHOTS_DIR=docs/screenshots refreshes the README's pictures."""
    site = committed_site
    folder = Path(os.environ.get("HARNESS_SCREENSHOTS_DIR") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    tab = Tab(browser, viewport=(1200, 760))
    for name, href, selector in SCREENSHOTS:
        problems = tab.goto((site / href).as_uri())
        if selector:
            tab.page.locator(selector).screenshot(path=str(folder / name))
        else:
            tab.page.screenshot(path=str(folder / name))
        problems.assert_none(href)
        assert 5_000 < (folder / name).stat().st_size < 400_000
    tab.close()


FITS = """() => {
  const table = document.querySelector('#settings-table'), wrap = document.querySelector('#settings-wrap');
  const heads = Array.from(table.querySelectorAll('thead th')), root = document.documentElement;
  const right = el => el.getBoundingClientRect().right;
  return {table: right(table), last: right(heads[heads.length - 1]), lastLabel: heads[heads.length - 1].innerText,
          cis: Array.from(table.querySelectorAll('.ci-line')).map(c => [c.innerText, right(c)]),
          wrap: [wrap.scrollWidth, wrap.clientWidth], page: [root.scrollWidth, root.clientWidth]};
}"""


@pytest.mark.parametrize("which", ["committed", "hostile names"])
def test_every_setting_table_fits_1400_px(
    browser: object, which: str, committed_site: Path, test_site: tuple[Path, Path]
) -> None:
    site = committed_site if which == "committed" else test_site[0]
    page, problems = open_page(browser, (site / "tasks" / "xquad-r.html").as_uri(), viewport=(1400, 900))
    box = page.evaluate(FITS)
    page.close()
    problems.assert_none("settings table")
    assert box["table"] <= 1400 and box["last"] <= 1400, box
    assert box["lastLabel"].split() == ["multi", "own_lang@10"]
    assert box["wrap"][0] <= box["wrap"][1] and box["page"][0] <= box["page"][1] <= 1400, box
    rows = 3 if which == "committed" else 5  # the hostile site adds two clones of me5-small
    assert len(box["cis"]) == 3 * rows and all(r <= 1400 for _, r in box["cis"])
    assert all(re.fullmatch(r"\[0\.\d{3}, 0\.\d{3}\]", text) for text, _ in box["cis"])


OVERLAPS = """() => Array.from(document.querySelectorAll('.chart svg')).flatMap(svg =>
  Array.from(svg.querySelectorAll('g.role-axis, g.role-legend')).map(group => {
    const boxes = Array.from(group.querySelectorAll('.role-axis-label text, .role-legend-label text'))
      .filter(t => getComputedStyle(t).opacity !== '0' && t.getAttribute('opacity') !== '0')
      .map(t => t.getBoundingClientRect());
    let overlaps = 0;
    boxes.forEach((a, i) => boxes.slice(i + 1).forEach(b => {
      if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
          Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5) overlaps += 1;
    }));
    return [group.getAttribute('aria-label'), boxes.length, overlaps];
  }))"""


def test_bias_chart_labels_do_not_overlap(browser: object, committed_site: Path) -> None:
    page, problems = open_page(browser, (committed_site / "bias.html").as_uri(), viewport=(1400, 900))
    groups = page.evaluate(OVERLAPS)
    page.close()
    problems.assert_none("bias.html")
    assert len(groups) == 4 * 2 * 3  # four tasks, two charts each: x axis, y axis, legend
    assert [g for g in groups if g[2]] == []
    x_axes = [g for g in groups if g[0].startswith("X-axis titled 'query language'")]
    assert len(x_axes) == 8 and all(n in (7, 11) for _, n, _ in x_axes)
    legends = [g[0] for g in groups if "legend" in g[0]]
    assert sum("lower = less biased" in t for t in legends) == 4
    assert sum("higher = more biased" in t for t in legends) == 4
