"""Reading result folders: real files, seeds, limits, hidden regression tasks, and bad input as warnings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from synthetic_results import write_synthetic

from harness.errors import HarnessError
from harness.report.collect import collect

from .conftest import COMMITTED, SMALL, copy_real


def test_committed_results_read_with_their_numbers(real_results: Path) -> None:
    found = collect(real_results)
    assert found.warnings == [] and found.skipped == 0
    entry = next(e for e in found.entries if e.model == "me5-small" and e.group.task == "xquad-r")
    summary = json.loads((COMMITTED / "me5-small" / "xquad-r.json").read_text())
    assert entry.main_value == summary["main_score"]["value"]
    assert entry.value("cross", "mAP", "ar-de") == summary["settings"]["cross"]["by_pair"]["ar-de"]["mAP"]
    assert entry.settings["multi"].n_queries["ar"] == 1190


def test_malformed_and_invalid_files_are_warnings_not_crashes(real_results: Path) -> None:
    bad = real_results / "broken"
    bad.mkdir()
    (bad / "xquad-r.json").write_text("{not json", encoding="utf-8")
    (bad / "mlqa-r.json").write_text(json.dumps({"model": 3, "task": "mlqa-r"}), encoding="utf-8")
    (bad / "tatoeba.json").write_text("[1, 2]", encoding="utf-8")
    (bad / "afriqa.json").write_bytes(b"\xff\xfe\x00garbage")
    found = collect(real_results)
    assert found.skipped == 4 and len(found.warnings) == 4
    assert all("\n" not in line and "skipped" in line for line in found.warnings)
    assert any("malformed JSON" in line for line in found.warnings)
    assert any("model" in line for line in found.warnings)
    assert len(found.entries) == 5


def test_regression_tasks_are_hidden(tmp_path: Path) -> None:
    write_synthetic(tmp_path, "m", SMALL)
    found = collect(tmp_path, hidden_tasks={"syn-small"})
    assert found.entries == [] and found.hidden == 1


def test_seeds_are_averaged_and_limits_kept_apart(tmp_path: Path) -> None:
    for seed in (0, 1, 2):
        write_synthetic(tmp_path, "trained", SMALL, seed=seed, quality=0.4 + 0.1 * seed)
    write_synthetic(tmp_path, "trained", SMALL, seed=0, limit=10)
    found = collect(tmp_path)
    full = next(e for e in found.entries if e.group.limit is None)
    limited = next(e for e in found.entries if e.group.limit == 10)
    assert full.seeds == [0, 1, 2] and limited.seeds == [0]
    values = [run.result.main_score.value for run in full.runs]
    assert full.main_value == pytest.approx(sum(values) / 3)
    spread = full.spread["multi/mAP"]
    assert spread.values == tuple(values) and spread.std > 0


def test_seeds_json_listing_other_seeds_is_reported(tmp_path: Path) -> None:
    for seed in (0, 1):
        write_synthetic(tmp_path, "trained", SMALL, seed=seed)
    (tmp_path / "trained" / "syn-small.seeds.json").write_text(
        json.dumps({"model": "trained", "task": "syn-small", "limit": None, "seeds": [0, 1, 2]})
    )
    found = collect(tmp_path)
    assert len(found.entries) == 1
    assert any("lists seeds [0, 1, 2]" in line for line in found.warnings)


def test_seeds_on_different_data_are_skipped(tmp_path: Path) -> None:
    write_synthetic(tmp_path, "trained", SMALL, seed=0)
    path = write_synthetic(tmp_path, "trained", SMALL, seed=1)
    summary = json.loads(path.read_text())
    path.write_text(json.dumps({**summary, "dataset_fingerprint": "other"}))
    found = collect(tmp_path)
    assert found.entries == [] and found.skipped == 2


def test_missing_results_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match="--results"):
        collect(tmp_path / "nope")


def test_unknown_model_still_collected(tmp_path: Path) -> None:
    copy_real(tmp_path, [("me5-small", "xquad-mteb")])
    (tmp_path / "me5-small").rename(tmp_path / "someone-elses")
    assert [e.model for e in collect(tmp_path).entries] == ["me5-small"]
