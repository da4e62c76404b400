"""The built site as files: escaping, no network addresses, hidden tasks, skipped files, atomic writes, CLI errors."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from synthetic_results import write_synthetic

from harness.errors import HarnessError
from harness.paths import REPO_ROOT
from harness.report import output
from harness.report.board import BoardOptions
from harness.report.site import render_site

from .conftest import SMALL, XSS_IMG, XSS_SCRIPT, copy_real

FAST = BoardOptions(ci_resamples=200, test_resamples=200)
URL = re.compile(r"https?://", re.IGNORECASE)


def _site_text(site: Path) -> dict[str, str]:
    return {str(p.relative_to(site)): p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file()}


def test_pages_exist_and_hostile_text_is_escaped(test_site: tuple[Path, Path]) -> None:
    site, _ = test_site
    files = _site_text(site)
    assert {"index.html", "bias.html", "robustness.html", "tasks/xquad-r.html", "exports/results.csv"} <= set(files)
    html = {name: text for name, text in files.items() if name.endswith(".html")}
    for text in html.values():
        assert "<script>window.__xss" not in text and "<img" not in text
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html["index.html"]
    assert any("&lt;script&gt;window.__xss = 3" in text for name, text in html.items() if name.startswith("models/"))
    # chart data is JSON inside <script type="application/json">: '<' is escaped there too
    assert "\\u003cscript\\u003e" in html["tasks/xquad-r.html"]


def test_site_names_no_network_address(test_site: tuple[Path, Path]) -> None:
    site, _ = test_site
    for name, text in _site_text(site).items():
        vendored = name.startswith("static/vendor/")
        licence = vendored and ("LICENSE" in name or name.endswith(".txt"))
        if licence:
            continue
        if vendored and name.endswith(".min.js"):
            # Vega's builds name XML namespaces and the editor as strings; they load nothing by themselves.
            continue
        assert not URL.search(text), f"{name} names an http(s) address"
        assert "//cdn" not in text and 'src="//' not in text and 'href="//' not in text


def test_regression_tasks_never_shown(tmp_path: Path) -> None:
    copy_real(tmp_path / "results", [("me5-small", "xquad-mteb")])
    write_synthetic(tmp_path / "results", "me5-small", SMALL.__class__("xquad-r-ci", ("de", "en", "zh"), 20), limit=5)
    render_site(tmp_path / "results", tmp_path / "site", FAST)
    files = _site_text(tmp_path / "site")
    assert not any("xquad-r-ci" in text for text in files.values())


def test_skipped_files_are_counted_on_the_page(test_site: tuple[Path, Path]) -> None:
    index = (test_site[0] / "index.html").read_text(encoding="utf-8")
    assert re.search(r"2 result file\(s\) skipped", index)
    assert "malformed JSON" in index


def test_limited_results_are_labelled_and_ranked_apart(test_site: tuple[Path, Path]) -> None:
    index = (test_site[0] / "index.html").read_text(encoding="utf-8")
    assert "Quick runs: first 10 questions per language" in index and 'id="overview-limit10"' in index
    assert (test_site[0] / "tasks" / "syn-small.limit10.html").is_file()


def test_rerender_replaces_and_refuses_foreign_folders(tmp_path: Path) -> None:
    results = copy_real(tmp_path / "results", [("bm25", "xquad-mteb")])
    site = tmp_path / "site"
    render_site(results, site, FAST)
    (site / "stale.html").write_text("old")
    render_site(results, site, FAST)
    assert not (site / "stale.html").exists() and (site / "index.html").is_file()
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("keep me")
    with pytest.raises(HarnessError, match="not written by harness render"):
        render_site(results, foreign, FAST)
    assert (foreign / "thesis.tex").read_text() == "keep me"


def test_interrupted_render_leaves_the_old_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    results = copy_real(tmp_path / "results", [("bm25", "xquad-mteb")])
    site = tmp_path / "site"
    render_site(results, site, FAST)
    before = _site_text(site)

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output.shutil, "copytree", interrupted)
    with pytest.raises(KeyboardInterrupt):
        render_site(results, site, FAST)
    assert _site_text(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", "render", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO_ROOT,
        timeout=300,
    )


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    missing = _cli("--results", str(tmp_path / "nope"), "--out", str(tmp_path / "site"))
    assert missing.returncode == 2 and missing.stderr.strip().count("\n") == 0 and "--results" in missing.stderr
    results = copy_real(tmp_path / "results", [("bm25", "xquad-mteb")])
    (tmp_path / "file").write_text("")
    unwritable = _cli("--results", str(results), "--out", str(tmp_path / "file" / "site"))
    assert unwritable.returncode == 2 and unwritable.stderr.strip().count("\n") == 0 and "--out" in unwritable.stderr
    assert not (tmp_path / "site").exists()


def test_cli_renders_and_warns_one_line_per_skipped_file(tmp_path: Path) -> None:
    results = copy_real(tmp_path / "results", [("bm25", "xquad-mteb")])
    (results / "bm25" / "mlqa-r.json").write_text("{", encoding="utf-8")
    done = _cli("--results", str(results), "--out", str(tmp_path / "site"), "--baseline", "bm25", "--skip-invalid")
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning:") == 1 and "1 file(s) skipped" in done.stdout
    unknown = _cli("--results", str(results), "--out", str(tmp_path / "site"), "--baseline", "nobody")
    assert unknown.returncode == 2 and "--baseline" in unknown.stderr


def test_numbers_in_html_equal_result_files(test_site: tuple[Path, Path]) -> None:
    site, results = test_site
    index = (site / "index.html").read_text(encoding="utf-8")
    summary = json.loads((results / "bm25" / "xquad-r.json").read_text())
    value = summary["main_score"]["value"]
    assert f'data-value="{value!r}" data-task="xquad-r"' in index
    assert f'<span class="score">{value:.3f}</span>' in index
    for text in (XSS_SCRIPT, XSS_IMG):
        assert text not in index


def test_unknown_models_render_and_bias_shows_own_language_share(test_site: tuple[Path, Path]) -> None:
    site, results = test_site
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'data-family="unknown"' in index and 'data-family="lexical"' in index
    bias = (site / "bias.html").read_text(encoding="utf-8")
    share = json.loads((results / "syn-plain" / "syn-small.json").read_text())["settings"]["multi"]["by_lang"]["en"]
    assert f">{share['own_lang@10']:.3f}</td>" in bias
    assert "Own-language share of the top 10" in bias


def test_results_without_own_language_share_show_the_dash(tmp_path: Path) -> None:
    results = copy_real(tmp_path / "results", [("bm25", "xquad-r")])
    path = results / "bm25" / "xquad-r.json"
    summary = json.loads(path.read_text(encoding="utf-8"))
    multi = summary["settings"]["multi"]
    multi.pop("own_lang@10", None)
    for values in multi["by_lang"].values():
        values.pop("own_lang@10", None)
    path.write_text(json.dumps(summary), encoding="utf-8")
    render_site(results, tmp_path / "site", FAST)
    bias = (tmp_path / "site" / "bias.html").read_text(encoding="utf-8")
    assert "Own-language share of the top 10" in bias and ">—</td>" in bias


def test_hostile_task_name_gets_a_safe_page(test_site: tuple[Path, Path]) -> None:
    site, _ = test_site
    pages = [p.name for p in (site / "tasks").iterdir()]
    assert all(set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789._-") for name in pages)
    assert any(name.startswith("img-src-x-onerror") for name in pages)
