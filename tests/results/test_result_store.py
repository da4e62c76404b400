"""Result files: atomic pair of summary + per-query arrays, reuse only on identical identity."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from harness.errors import HarnessError
from harness.evaluation.setting_result import SettingResult
from harness.results.result_store import (
    ensure_writable,
    is_complete,
    load_per_query,
    result_paths,
    view_query_ids,
    write_result,
)

IDENTITY = {
    "schema_version": 1,
    "harness": "0.1.0",
    "model_fingerprint": "m",
    "dataset_fingerprint": "d",
    "limit": None,
}
SUMMARY = {
    **IDENTITY,
    "model": "model",
    "task": "task",
    "main_score": {"name": "multi/mAP", "value": 0.5},
    "settings": {"mono": {"mAP": 0.75, "n_pairs": 1}, "multi": {"mAP": 0.5, "n_pairs": 1}},
}


def _results() -> list[SettingResult]:
    return [
        SettingResult("mono", "ar-ar", ["q1", "q2"], {"mAP": np.array([1.0, 0.5], np.float32)}),
        SettingResult(
            "multi",
            "ar",
            ["q1", "q2"],
            {"mAP": np.array([0.25, 0.75], np.float32), "rank_distance": np.array([3.0, 0.0], np.float32)},
        ),
    ]


def test_write_then_reload_round_trips_per_query_values(tmp_path: Path) -> None:
    paths = result_paths(tmp_path, "model", "task", None)
    write_result(paths, dict(SUMMARY), _results())
    arrays = load_per_query(paths)
    assert view_query_ids(arrays, "mono", "ar-ar") == ["q1", "q2"]
    assert view_query_ids(arrays, "multi", "ar") == ["q1", "q2"]
    assert list(arrays["query_ids/ar"]) == ["q1", "q2"]  # stored once per language
    np.testing.assert_array_equal(arrays["multi/ar/rank_distance"], [3.0, 0.0])
    assert is_complete(paths, IDENTITY)
    assert not list(tmp_path.rglob("*.tmp"))


@pytest.mark.parametrize("field", ["model_fingerprint", "dataset_fingerprint", "limit", "harness"])
def test_a_changed_identity_is_never_reused(tmp_path: Path, field: str) -> None:
    paths = result_paths(tmp_path, "model", "task", None)
    write_result(paths, dict(SUMMARY), _results())
    assert not is_complete(paths, {**IDENTITY, field: "other"})


def test_limited_runs_get_their_own_files(tmp_path: Path) -> None:
    assert result_paths(tmp_path, "m", "t", 200).summary.name == "t.limit200.json"
    assert result_paths(tmp_path, "m", "t", None).summary.name == "t.json"


def test_tampered_per_query_file_is_detected(tmp_path: Path) -> None:
    paths = result_paths(tmp_path, "model", "task", None)
    write_result(paths, dict(SUMMARY), _results())
    paths.per_query.write_bytes(paths.per_query.read_bytes()[:-3])
    assert not is_complete(paths, IDENTITY)
    with pytest.raises(HarnessError, match="does not match its summary"):
        load_per_query(paths)


def test_truncated_summary_is_not_complete(tmp_path: Path) -> None:
    paths = result_paths(tmp_path, "model", "task", None)
    write_result(paths, dict(SUMMARY), _results())
    text = paths.summary.read_text()
    paths.summary.write_text(text[: len(text) // 2])
    assert not is_complete(paths, IDENTITY)
    json.loads(text)  # the original was valid


def test_unwritable_results_dir_is_a_user_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(HarnessError, match="is not writable"):
        ensure_writable(blocker / "results")


def test_the_writer_refuses_what_no_reader_could_read(tmp_path: Path) -> None:
    """The result-file model validates before anything is written: a bad metric value leaves no file behind."""

    paths = result_paths(tmp_path, "model", "task", None)
    bad = {**SUMMARY, "settings": {"mono": {"mAP": "high", "n_pairs": 1}}}
    with pytest.raises(HarnessError, match="mAP: expected a number or null"):
        write_result(paths, bad, _results())
    assert not paths.summary.exists() and not paths.per_query.exists()
