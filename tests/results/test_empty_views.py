"""A view without a query is listed as empty with its reason, never averaged; thin views are flagged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from trigram_encoder import TrigramEncoder

from harness.data.records import ParallelLanguage
from harness.data.sources import Source
from harness.evaluation.embedding_cache import EmbeddingCache
from harness.evaluation.parallel import evaluate_parallel
from harness.evaluation.scorers import DenseScorer
from harness.results.low_resource import low_resource_breakdown
from harness.results.summary import summarize
from harness.tasks.data import TaskData
from harness.tasks.task_spec import TaskSpec


def _language(code: str, ids: list[str]) -> ParallelLanguage:
    sentences = [f"{code} sentence about topic {q} number {i}" for i, q in enumerate(ids)]
    return ParallelLanguage(
        code,
        ids,
        [f"{code} question on topic {q}" for q in ids],
        sentences,
        list(range(len(ids))),
        {q: i for i, q in enumerate(ids)},
    )


def _spec(min_queries: int = 10) -> TaskSpec:
    return TaskSpec(
        name="disjoint",
        kind="parallel-qa-retrieval",
        description="ids disjoint between de and zh",
        languages=["en", "de", "zh"],
        source=Source(loader="lareqa", mirror="synthetic"),
        settings=["mono", "cross", "multi"],
        metrics=["mAP", "R@1", "rank_distance"],
        main_score="multi/mAP",
        min_queries=min_queries,
    )


def _summary(tmp_path: Path, min_queries: int = 10) -> dict:
    en = [f"q{i}" for i in range(24)]
    records = {"en": _language("en", en), "de": _language("de", en[:12]), "zh": _language("zh", en[12:15])}
    spec = _spec(min_queries)
    scorer = DenseScorer(TrigramEncoder(), cache=EmbeddingCache(tmp_path / "emb"))
    return summarize(spec, evaluate_parallel(TaskData(spec, records, "fp"), scorer))


def test_empty_views_are_listed_and_not_averaged(tmp_path: Path) -> None:
    cross = _summary(tmp_path)["cross"]
    assert sorted(cross["empty_views"]) == ["de-zh", "zh-de"]
    assert cross["empty_views"]["de-zh"] == "no de of its 12 questions has a gold sentence in the zh pool"
    assert cross["n_empty"] == 2 and cross["n_pairs"] == 4
    assert set(cross["by_pair"]) == {"en-de", "en-zh", "de-en", "zh-en"}
    expected = np.mean([cross["by_pair"][p]["mAP"] for p in cross["by_pair"]])
    assert abs(cross["mAP"] - expected) < 1e-6
    assert {p: v["n_queries"] for p, v in cross["by_pair"].items()} == {
        "en-de": 12,
        "en-zh": 3,
        "de-en": 12,
        "zh-en": 3,
    }


def test_views_under_the_minimum_are_flagged(tmp_path: Path) -> None:
    settings = _summary(tmp_path, min_queries=10)
    assert settings["cross"]["min_queries"] == 10
    assert settings["cross"]["few_queries"] == ["en-zh", "zh-en"]
    assert settings["mono"]["few_queries"] == ["zh-zh"]
    assert _summary(tmp_path, min_queries=3)["cross"]["few_queries"] == []


def test_low_resource_breakdown_counts_only_evaluated_views(tmp_path: Path) -> None:
    settings = _summary(tmp_path)
    breakdown = low_resource_breakdown(settings)["settings"]["cross"]
    assert breakdown["low"]["n_pairs"] + breakdown["rest"]["n_pairs"] == 4
    assert "n_empty" not in breakdown["low"] and "min_queries" not in breakdown["worst"]
