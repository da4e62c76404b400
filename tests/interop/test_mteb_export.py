"""`harness export mteb`: the committed full results of me5-small written in MTEB's result format and read
back by the `mteb` package itself: every subset's main score and each task's score equal ours."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from harness.paths import REPO_ROOT
from harness.results.reader import load_result
from harness.tasks.task_registry import load_tasks

TASKS = {"tatoeba": "Tatoeba", "xquad-mteb": "XQuADRetrieval", "mlqa-mteb": "MLQARetrieval"}


def harness(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300
    )


@pytest.fixture
def results(tmp_path: Path) -> Path:
    folder = tmp_path / "results" / "me5-small"
    folder.mkdir(parents=True)
    for task in [*TASKS, "afriqa"]:  # afriqa has no MTEB counterpart: not exported
        for suffix in (".json", ".per_query.npz"):
            shutil.copy(REPO_ROOT / "results" / "me5-small" / f"{task}{suffix}", folder / f"{task}{suffix}")
    return folder.parent


def test_the_export_reads_back_in_mteb_with_our_scores(results: Path, tmp_path: Path) -> None:
    from mteb.cache import ResultCache

    out = tmp_path / "mteb"
    proc = harness("export", "mteb", "--results", str(results), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == f"exported 3 result(s) of 1 model(s) to {out}"
    loaded = ResultCache(out).load_results(validate_and_filter=False)
    (model,) = loaded.model_results
    fingerprint = load_result(results / "me5-small" / "tatoeba.json").model_fingerprint
    assert model.model_name == "xling-harness/me5-small" and model.model_revision == f"fp-{fingerprint[:12]}"
    by_task = {t.task_name: t for t in model.task_results}
    assert set(by_task) == set(TASKS.values())
    specs = load_tasks()
    for task, mteb_task in TASKS.items():
        spec, ours = specs[task], load_result(results / "me5-small" / f"{task}.json")
        mapping = spec.mteb
        expected = {
            spec.mteb_subset(view): values[mapping.main_metric]
            for setting in mapping.settings
            for view, values in ours.settings[setting].detail().items()
        }
        read_back = by_task[mteb_task].scores[mapping.split]
        assert {row["hf_subset"]: row["main_score"] for row in read_back} == expected
        assert by_task[mteb_task].get_score() == pytest.approx(np.mean(list(expected.values())), abs=1e-9)
    meta = json.loads(next(out.glob("results/*/*/model_meta.json")).read_text())
    assert meta["xling_harness"]["fingerprint"] == fingerprint


def test_wrong_inputs_are_one_line(tmp_path: Path) -> None:
    missing = harness("export", "mteb", "--results", str(tmp_path / "absent"), "--out", str(tmp_path / "o"))
    assert missing.returncode == 2 and "is not a folder" in missing.stderr and "Traceback" not in missing.stderr
    (tmp_path / "empty").mkdir()
    empty = harness("export", "mteb", "--results", str(tmp_path / "empty"), "--out", str(tmp_path / "o"))
    assert empty.returncode == 2 and "no full result of a task with an MTEB counterpart" in empty.stderr
    assert not (tmp_path / "o").exists()
