"""`baseline update` copies verified results atomically and records message, git sha and time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.check import baseline as baseline_module
from harness.check.baseline import update_baselines
from harness.check.compare import CheckOptions, check
from harness.check.tolerances import Tolerances
from harness.errors import HarnessError

from .conftest import MakeResult


@pytest.fixture(autouse=True)
def fixed_sha(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(baseline_module, "git_sha", lambda: "abc123def456")
    return "abc123def456"


def test_update_copies_results_and_records_why(tmp_path: Path, make_result: MakeResult) -> None:
    source = make_result(tmp_path / "results")
    make_result(tmp_path / "results", model="me5-small")
    written = update_baselines(tmp_path / "results", tmp_path / "baselines", "first baselines")
    assert written == ["bm25/xquad-r-ci.limit200.json", "me5-small/xquad-r-ci.limit200.json"]
    copied = tmp_path / "baselines" / "bm25" / source.name
    assert copied.read_bytes() == source.read_bytes()
    assert copied.with_name("xquad-r-ci.limit200.per_query.npz").is_file()
    record = json.loads((tmp_path / "baselines" / "BASELINE.json").read_text())
    entry = record["entries"]["bm25/xquad-r-ci.limit200.json"]
    assert entry["message"] == "first baselines" and entry["git_sha"] == "abc123def456" and entry["updated_at"]
    assert entry["dataset_fingerprint"] == "d" * 64 and entry["limit"] == 200
    assert record["history"][0]["files"] == written
    # the new baselines check clean against the results they came from, significance data included
    assert not check(tmp_path / "results", tmp_path / "baselines", Tolerances(), CheckOptions()).failed


def test_update_with_filters_keeps_history(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "results")
    make_result(tmp_path / "results", model="me5-small")
    update_baselines(tmp_path / "results", tmp_path / "baselines", "first")
    written = update_baselines(
        tmp_path / "results", tmp_path / "baselines", "bm25 only", models=["bm25"], tasks=["xquad-r-ci"]
    )
    assert written == ["bm25/xquad-r-ci.limit200.json"]
    record = json.loads((tmp_path / "baselines" / "BASELINE.json").read_text())
    assert [h["message"] for h in record["history"]] == ["first", "bm25 only"]
    assert record["entries"]["me5-small/xquad-r-ci.limit200.json"]["message"] == "first"
    assert record["entries"]["bm25/xquad-r-ci.limit200.json"]["message"] == "bm25 only"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"message": "  "}, "--message"),
        ({"message": "m", "models": ["usem-v3"]}, "--model: no results for usem-v3"),
        ({"message": "m", "tasks": ["mlqa-r"]}, "--task: no results for mlqa-r"),
    ],
)
def test_update_refuses_bad_requests(tmp_path: Path, make_result: MakeResult, kwargs: dict, fragment: str) -> None:
    make_result(tmp_path / "results")
    with pytest.raises(HarnessError, match=fragment):
        update_baselines(tmp_path / "results", tmp_path / "baselines", **kwargs)
    assert not (tmp_path / "baselines").exists()


def test_update_refuses_a_per_query_file_that_does_not_match(tmp_path: Path, make_result: MakeResult) -> None:
    summary = make_result(tmp_path / "results")
    summary.with_name("xquad-r-ci.limit200.per_query.npz").write_bytes(b"changed")
    with pytest.raises(HarnessError, match="does not match its summary"):
        update_baselines(tmp_path / "results", tmp_path / "baselines", "m")


def test_corrupt_record_is_an_error(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "results")
    (tmp_path / "baselines").mkdir()
    (tmp_path / "baselines" / "BASELINE.json").write_text("[]")
    with pytest.raises(HarnessError, match=r"BASELINE\.json: corrupt baseline record"):
        update_baselines(tmp_path / "results", tmp_path / "baselines", "m")
