"""Classification of every compared number: OK, OKish, FAIL, IMPROVED, MISSING, NOT-COMPARABLE."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.check.compare import MACRO, CheckOptions, Status, check, classify
from harness.check.tolerances import Tolerances
from harness.errors import HarnessError

from .conftest import MakeResult

TOL = Tolerances()


@pytest.mark.parametrize(
    ("baseline", "current", "metric", "expected"),
    [
        (0.5, 0.5, "mAP", Status.OK),
        (0.5, 0.500001, "mAP", Status.OK),  # stored values are rounded to 6 decimals
        (0.5, 0.497, "mAP", Status.OKISH),
        (0.5, 0.503, "mAP", Status.OKISH),
        (0.5, 0.495, "mAP", Status.OKISH),  # exactly at the tolerance
        (0.5, 0.49, "mAP", Status.FAIL),
        (0.5, 0.51, "mAP", Status.IMPROVED),
        (40.0, 40.004, "rank_distance", Status.OKISH),
        (40.0, 40.5, "rank_distance", Status.FAIL),  # a larger rank distance is worse
        (40.0, 39.5, "rank_distance", Status.IMPROVED),
        (0.5, None, "mAP", Status.MISSING),
        (None, None, "mAP", Status.OK),
    ],
)
def test_classify_honours_tolerance_and_direction(baseline, current, metric, expected) -> None:
    assert classify(baseline, current, 0.005, metric) is expected


def _statuses(rows, **where) -> set[Status]:
    return {r.status for r in rows if all(getattr(r, k) == v for k, v in where.items())}


def test_identical_trees_are_all_ok(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "base")
    make_result(tmp_path / "cur")
    result = check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions())
    assert not result.failed and _statuses(result.rows) == {Status.OK}
    settings = {(r.setting, r.pair) for r in result.rows}
    assert {("mono", MACRO), ("mono", "de-de"), ("cross", "en-de"), ("multi", "de")} <= settings


def test_drop_in_one_pair_fails_and_names_it(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "base")
    make_result(tmp_path / "cur", shift={("mono", "de-de", "mAP"): -0.2})
    result = check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions())
    failing = {(r.setting, r.pair, r.metric) for r in result.rows if r.failed}
    assert failing == {("mono", "de-de", "mAP"), ("mono", MACRO, "mAP")}
    row = next(r for r in result.rows if r.pair == "de-de" and r.metric == "mAP")
    assert row.delta == pytest.approx(-0.2, abs=1e-5)
    assert row.p_value is not None and row.p_value < 0.01 and "significant" in row.note
    assert _statuses(result.rows, pair="en-en") == {Status.OK}


def test_small_drop_is_okish_and_improvement_never_fails(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "base")
    make_result(
        tmp_path / "cur",
        shift={
            ("mono", "de-de", "R@10"): -0.004,
            ("cross", "en-de", "mAP"): 0.05,
            ("multi", "en", "rank_distance"): -3.0,
        },
    )
    result = check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions())
    assert not result.failed
    assert _statuses(result.rows, pair="de-de", metric="R@10") == {Status.OKISH}
    assert _statuses(result.rows, pair="en-de", metric="mAP") == {Status.IMPROVED}
    assert _statuses(result.rows, pair="en", metric="rank_distance") == {Status.IMPROVED}


def test_rank_distance_increase_fails_unless_tolerated(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "base")
    make_result(tmp_path / "cur", shift={("multi", "de", "rank_distance"): 0.8})
    strict = check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions())
    assert _statuses(strict.rows, pair="de", metric="rank_distance") == {Status.FAIL}
    lenient = Tolerances(metrics={"rank_distance": 1.0})
    assert not check(tmp_path / "cur", tmp_path / "base", lenient, CheckOptions()).failed


def test_missing_result_fails_unless_allowed(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "base")
    make_result(tmp_path / "base", model="me5-small")
    make_result(tmp_path / "cur")
    result = check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions())
    missing = [r for r in result.rows if r.status is Status.MISSING]
    assert result.failed and len(missing) == 1 and missing[0].model == "me5-small" and missing[0].failed
    assert not check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions(allow_missing=True)).failed


def test_dataset_change_is_not_comparable(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "base")
    make_result(tmp_path / "cur", fingerprint="e" * 64, shift={("mono", "de-de", "mAP"): -0.3})
    result = check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions())
    [row] = result.rows  # numbers are not compared at all
    assert row.status is Status.NOT_COMPARABLE and row.failed and "not comparable (dataset changed" in row.note
    allowed = check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions(allow_dataset_change=True))
    assert not allowed.failed and allowed.rows[0].status is Status.NOT_COMPARABLE


def test_a_baseline_made_with_another_backend_is_not_comparable(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "base", model="me5-small-torch")  # older file: no backend recorded (torch fp32)
    make_result(tmp_path / "cur", model="me5-small-torch", backend={"name": "openvino-int8", "precision": "int8"})
    [row] = check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions()).rows
    assert row.status is Status.NOT_COMPARABLE and row.failed
    assert "backend changed: baseline default, results openvino-int8" in row.note
    make_result(tmp_path / "same", model="me5-small-torch", backend={"name": "torch", "precision": "fp32"})
    same = check(tmp_path / "same", tmp_path / "base", TOL, CheckOptions())  # torch fp32 is what none recorded
    assert not same.failed and _statuses(same.rows) == {Status.OK}


def test_results_without_baseline_are_ignored(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "base")
    make_result(tmp_path / "cur")
    make_result(tmp_path / "cur", model="usem-v3")
    assert {r.model for r in check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions()).rows} == {"bm25"}


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("{not json", "corrupt baseline file"),
        ('{"model": "bm25"}', "missing field 'task'"),
        (
            '{"model": "m", "task": "t", "dataset_fingerprint": "f", "settings": {"mono": {"mAP": "high"}}}',
            "settings.mono.mAP: expected a number",
        ),
    ],
)
def test_corrupt_baseline_is_a_one_line_error(
    tmp_path: Path, make_result: MakeResult, content: str, fragment: str
) -> None:
    path = make_result(tmp_path / "base")
    make_result(tmp_path / "cur")
    path.write_text(content)
    with pytest.raises(HarnessError) as info:
        check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions())
    assert str(path) in str(info.value) and fragment in str(info.value) and "\n" not in str(info.value)


def test_empty_or_absent_baseline_folder_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "cur").mkdir()
    with pytest.raises(HarnessError, match="is not a folder"):
        check(tmp_path / "cur", tmp_path / "nowhere", TOL, CheckOptions())
    (tmp_path / "base").mkdir()
    with pytest.raises(HarnessError, match="no baseline files"):
        check(tmp_path / "cur", tmp_path / "base", TOL, CheckOptions())
