"""A real regression on real data is caught: break the gold-sentence mapping of one language, then check.

bm25 runs on the declared CI subset (xquad-r-ci, 200 questions per language) with German gold
sentences shifted to the neighbouring sentence (an off-by-one in the answer → sentence mapping);
`harness check` against the committed baselines must fail and name the broken views.
"""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from harness.check.cli_commands import check_command
from harness.check.compare import MACRO, CheckOptions, Status, check
from harness.check.tolerances import load_tolerances
from harness.data.lareqa import load_lareqa
from harness.data.records import ParallelLanguage
from harness.models.factory import build_model
from harness.models.model_spec import get_model_spec, load_models
from harness.paths import REPO_ROOT
from harness.run import RunOptions, run_tasks
from harness.tasks import data as task_data
from harness.tasks.task_registry import load_tasks

BASELINES = REPO_ROOT / "baselines"
LIMIT = 200


def off_by_one_gold(path: Path, lang: str) -> ParallelLanguage:
    """The real loader, except that German golds point at the next sentence of the paragraph."""
    records = load_lareqa(path, lang)
    if lang != "de":
        return records
    paragraph = records.candidate_paragraph

    def neighbour(i: int) -> int:
        return i + 1 if i + 1 < len(paragraph) and paragraph[i + 1] == paragraph[i] else i - 1

    return replace(records, gold={q: neighbour(i) for q, i in records.gold.items()})


@pytest.fixture
def broken_results(with_mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setitem(task_data.LOADERS, "lareqa", off_by_one_gold)
    encoder = build_model("bm25", get_model_spec("bm25", load_models()))
    results = tmp_path / "results"
    run_tasks("bm25", encoder, [load_tasks()["xquad-r-ci"]], RunOptions(results_dir=results, limit=LIMIT))
    return results


def test_broken_gold_mapping_fails_the_check_and_names_the_setting(broken_results: Path) -> None:
    tolerances = load_tolerances(BASELINES / "tolerances.yaml")
    result = check(broken_results, BASELINES, tolerances, CheckOptions(allow_missing=True))  # me5 not rerun
    assert result.failed
    failing = {(r.setting, r.pair) for r in result.rows if r.failed}
    assert {("mono", "de-de"), ("cross", "en-de"), ("cross", "zh-de"), ("mono", MACRO)} <= failing
    assert not any(r.pair in ("en-en", "zh-zh", "en-zh", "zh-en") for r in result.rows if r.failed)
    mono_de = next(r for r in result.rows if (r.setting, r.pair, r.metric) == ("mono", "de-de", "mAP"))
    assert mono_de.status is Status.FAIL and mono_de.p_holm is not None and mono_de.p_holm < 0.05
    assert mono_de.note.startswith("significant")

    console = Console(record=True, width=160, file=io.StringIO())
    code = check_command(console, broken_results, BASELINES, None, CheckOptions(allow_missing=True), None, None)
    text = console.export_text()
    print(text)  # shown with `pytest -s`: the check's own output
    assert code == 1 and "de-de" in text and text.strip().splitlines()[-1].startswith("FAIL:")
