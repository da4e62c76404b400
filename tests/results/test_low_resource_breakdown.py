"""Low-resource breakdown and transfer gap, from per-pair means: hand-computed cases and a stored result."""

from __future__ import annotations

import json

import pytest

from harness.data.resource_classes import ResourceTable
from harness.paths import REPO_ROOT
from harness.results.low_resource import low_resource_breakdown
from harness.results.summary import result_extras
from harness.results.transfer_gap import transfer_gap
from harness.tasks.task_registry import load_tasks
from harness.vocabulary import view_languages

TABLE = ResourceTable({"en": 5, "de": 5, "th": 3, "sw": 2}, low_resource_max_class=3)
SETTINGS = {
    "cross": {
        "mAP": 0.5,
        "n_pairs": 4,
        "by_pair": {
            "en-de": {"mAP": 0.8, "n_queries": 10},
            "de-en": {"mAP": 0.6, "n_queries": 10},
            "en-th": {"mAP": 0.4, "n_queries": 10},
            "th-en": {"mAP": 0.2, "n_queries": 10},
        },
    },
    "multi": {
        "mAP": 0.5,
        "rank_distance": 10.0,
        "n_pairs": 3,
        "by_lang": {
            "en": {"mAP": 0.7, "rank_distance": 4.0},
            "sw": {"mAP": 0.3, "rank_distance": 20.0},
            "xx": {"mAP": 0.1, "rank_distance": 1.0},
        },
    },
}


def test_pairs_touching_a_class_three_language_are_low_resource() -> None:
    out = low_resource_breakdown(SETTINGS, TABLE)
    cross = out["settings"]["cross"]
    assert cross["low_pairs"] == ["en-th", "th-en"]
    assert cross["low"] == {"n_pairs": 2, "mAP": pytest.approx(0.3)}
    assert cross["rest"] == {"n_pairs": 2, "mAP": pytest.approx(0.7)}
    assert cross["worst"] == {"mAP": {"pair": "th-en", "value": 0.2}}


def test_multi_views_use_the_query_language_and_unknown_languages_are_listed() -> None:
    out = low_resource_breakdown(SETTINGS, TABLE)
    multi = out["settings"]["multi"]
    assert multi["low_pairs"] == ["sw"] and multi["rest"]["n_pairs"] == 2
    assert multi["worst"]["rank_distance"] == {"pair": "sw", "value": 20.0}  # lower is better
    assert multi["worst"]["mAP"] == {"pair": "xx", "value": 0.1}
    assert out["unknown"] == ["xx"] and out["classes"]["xx"] is None and out["classes"]["th"] == 3


def test_view_languages() -> None:
    assert view_languages("zh_cn-en") == ["zh_cn", "en"] and view_languages("hau") == ["hau"]


def test_transfer_gap_is_translated_minus_native_per_pair() -> None:
    native = {"R@1": 0.3, "n_pairs": 2, "by_pair": {"hau-en": {"R@1": 0.2}, "fon-fr": {"R@1": 0.4}}}
    translated = {"R@1": 0.6, "n_pairs": 2, "by_pair": {"hau-en": {"R@1": 0.7}, "fon-fr": {"R@1": 0.5}}}
    gap = transfer_gap(native, translated)
    assert gap["R@1"]["by_pair"] == {"hau-en": pytest.approx(0.5), "fon-fr": pytest.approx(0.1)}
    assert gap["R@1"]["mean"] == pytest.approx(0.3)


def test_stored_xquad_r_result_resummarises_with_a_breakdown() -> None:
    path = REPO_ROOT / "results" / "me5-small" / "xquad-r.json"  # committed with the repository
    settings = json.loads(path.read_text())["settings"]
    extras = result_extras(load_tasks()["xquad-r"], settings)
    out = extras["low_resource"]
    assert set(extras) == {"low_resource"}
    assert out["unknown"] == [] and {lang for lang, c in out["classes"].items() if c <= 3} == {"el", "th"}
    cross = out["settings"]["cross"]
    assert cross["low"]["n_pairs"] == 38 and cross["rest"]["n_pairs"] == 72
    means = [v["mAP"] for v in settings["cross"]["by_pair"].values()]
    overall = (cross["low"]["mAP"] * 38 + cross["rest"]["mAP"] * 72) / 110
    assert overall == pytest.approx(sum(means) / len(means), abs=1e-5)
    assert cross["worst"]["mAP"]["value"] == min(means)
