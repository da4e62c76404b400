"""Robustness breakdowns, resource classes, unseen languages and ranks on small hand-made entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.report.entries import Entry, Run, SettingScores
from harness.report.low_resource_languages import ResourceClasses, low_resource, resource_classes
from harness.report.model_ranks import competition_ranks
from harness.report.robustness import robustness
from harness.results.result_file import ResultFile


def _entry(model: str, main: float | None, zero_shot: bool = True, cross: dict | None = None) -> Entry:
    result = ResultFile.model_validate(
        {
            "model": model,
            "task": "t",
            "zero_shot": zero_shot,
            "main_score": {"name": "cross/mAP", "value": main},
            "settings": {"cross": {"mAP": main}},
        }
    )
    cross = cross or {"en-de": 0.8, "de-en": 0.7, "en-sw": 0.3, "sw-en": 0.2}
    settings = {
        "mono": SettingScores({"mAP": 0.9}, {"en-en": {"mAP": 0.95}, "sw-sw": {"mAP": 0.85}}),
        "cross": SettingScores({"mAP": main}, {p: {"mAP": v} for p, v in cross.items()}),
    }
    return Entry(model, [Run(Path(f"{model}.json"), result)], settings, {})


def test_low_resource_unseen_worst_and_gap() -> None:
    rob = robustness(_entry("m", 0.5), low_langs={"sw"}, training_langs={"en", "de"})
    assert rob.pair_setting == "cross" and rob.low_langs == ("sw",)
    assert rob.low == pytest.approx(0.25) and rob.rest == pytest.approx(0.75)
    assert rob.unseen_langs == ("sw",) and rob.unseen == pytest.approx(0.25) and rob.seen == pytest.approx(0.75)
    assert (rob.worst_pair, rob.worst) == ("sw-en", 0.2)
    assert rob.gap == pytest.approx(0.5 - 0.9)


def test_unknown_training_languages_and_no_low_resource_language() -> None:
    rob = robustness(_entry("m", 0.5), low_langs=set(), training_langs=None)
    assert rob.low is None and rob.rest is None and rob.unseen_langs is None
    rob = robustness(_entry("m", 0.5), low_langs=set(), training_langs={"en", "de", "sw"})
    assert rob.unseen_langs == () and rob.unseen is None and rob.seen == pytest.approx(0.5)


def test_low_resource_from_the_repository_table(monkeypatch: pytest.MonkeyPatch) -> None:
    table = resource_classes()
    assert table is not None and table.classes["en"] == 5
    low = low_resource(["en", "sw", "xx"], ResourceClasses({"en": 5, "sw": 2}, 3))
    assert low == {"sw"}
    assert low_resource(["en", "sw"], None) == set()
    assert low_resource(["en", "sw"], table, declared=["en"]) == {"en"}

    import harness.data.resource_classes as shipped

    def broken() -> None:
        raise HarnessError("unreadable")

    monkeypatch.setattr(shipped, "resource_table", broken)
    assert resource_classes() is None


def test_ranks_skip_in_domain_and_share_ties() -> None:
    entries = [
        _entry("a", 0.5),
        _entry("b", 0.7),
        _entry("c", 0.5),
        _entry("d", 0.9, zero_shot=False),
        _entry("e", None),
    ]
    assert competition_ranks(entries) == {"b": 1, "a": 2, "c": 2}
