"""Tolerances YAML: most specific entry wins; a broken file is a one-line error naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.check.tolerances import DEFAULT_TOLERANCE, Tolerances, load_tolerances
from harness.errors import HarnessError
from harness.metrics import higher_is_better
from harness.paths import REPO_ROOT


def test_lookup_order(tmp_path: Path) -> None:
    path = tmp_path / "tolerances.yaml"
    path.write_text("default: 0.01\nmetrics: {rank_distance: 2}\ntasks: {xquad-r-ci: {mAP: 0.001}}\n")
    spec = load_tolerances(path)
    assert spec.for_metric("xquad-r-ci", "mAP") == 0.001
    assert spec.for_metric("xquad-r-ci", "R@1") == 0.01
    assert spec.for_metric("mlqa-r", "rank_distance") == 2


def test_absent_file_means_defaults(tmp_path: Path) -> None:
    assert load_tolerances(tmp_path / "none.yaml") == Tolerances()
    assert Tolerances().for_metric("any", "mAP") == DEFAULT_TOLERANCE == 0.005


def test_committed_tolerances_validate() -> None:
    assert load_tolerances(REPO_ROOT / "baselines" / "tolerances.yaml").for_metric("xquad-r-ci", "mAP") == 0.005


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("default: -0.1\n", "default"),
        ("metrics: {mAP: lots}\n", "metrics.mAP"),
        ("tolerance: 1\n", "tolerance"),
        ("default: [0.1\n", "malformed YAML"),
    ],
)
def test_broken_file_is_one_line_error(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "tolerances.yaml"
    path.write_text(content)
    with pytest.raises(HarnessError) as info:
        load_tolerances(path)
    assert str(info.value).startswith(str(path)) and fragment in str(info.value) and "\n" not in str(info.value)


def test_direction() -> None:
    assert higher_is_better("mAP") and higher_is_better("nDCG@10") and not higher_is_better("rank_distance")


def test_named_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match=r"--tolerances: .* does not exist"):
        load_tolerances(tmp_path / "none.yaml", required=True)
