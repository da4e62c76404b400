"""Corpus-retrieval evaluation on hand-made tasks: MRR / R@k / nDCG against exact ranks, answer hits, notes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from trigram_encoder import TrigramEncoder

from harness.data.corpus import Corpus, memory_shard
from harness.data.corpus_records import CorpusTask, CorpusView, QuerySet
from harness.evaluation.corpus_eval import evaluate_corpus
from harness.evaluation.scorers import DenseScorer, LexicalPoolScorer
from harness.models.factory import build_model
from harness.models.model_spec import load_models
from harness.tasks.data import TaskData
from harness.tasks.task_spec import TaskSpec

DOCS = {
    f"d{i}": text
    for i, text in enumerate(
        [
            "the river nile flows through egypt and sudan",
            "mount kilimanjaro is the highest mountain in africa",
            "lagos is the largest city of nigeria",
            "the sahara is a desert in north africa",
            "kigali is the capital of rwanda",
            "lake victoria borders uganda kenya and tanzania",
            "the zambezi river ends in the indian ocean",
            "accra is the capital city of ghana",
        ]
    )
}
QUERIES = {
    "q1": ("which river flows through egypt", "d0"),
    "q2": ("capital of rwanda", "d4"),
    "q3": ("largest city in nigeria", "d2"),
    "q4": ("desert of north africa", "d3"),
    "q5": ("where does the zambezi end", "d6"),
}


def _spec(
    kind: str = "corpus-retrieval",
    metrics: tuple[str, ...] = ("nDCG@10", "R@1", "R@10", "MRR@100"),
    index: str = "flat",
) -> TaskSpec:
    return TaskSpec.model_validate(
        {
            "name": "toy",
            "kind": kind,
            "description": "toy",
            "languages": ["en"],
            "source": {"loader": "miracl", "mirror": "toy"},
            "settings": ["cross"] if kind == "answer-retrieval" else ["mono"],
            "metrics": list(metrics),
            "main_score": f"{'cross' if kind == 'answer-retrieval' else 'mono'}/{metrics[0]}",
            "search": {"index": index, "block_passages": 3, "nlist": 1, "nprobe": 1},
        }
    )


def _task(query_lang: str = "en") -> CorpusTask:
    corpus = Corpus("en", (memory_shard("en", "en", list(DOCS), list(DOCS.values())),))
    queries = QuerySet(
        query_lang,
        query_lang,
        list(QUERIES),
        [q for q, _ in QUERIES.values()],
        qrels={qid: {doc: 1} for qid, (_, doc) in QUERIES.items()},
    )
    return CorpusTask({query_lang: queries}, {"en": corpus}, [CorpusView("mono", f"{query_lang}-en", query_lang, "en")])


def _exact_ranks(encoder: TrigramEncoder) -> dict[str, int]:
    """Reference: 1-based rank of each query's relevant passage from a full sort (no ties in this data)."""
    docs = encoder.encode(list(DOCS.values()), "passage")
    queries = encoder.encode([q for q, _ in QUERIES.values()], "query")
    order = np.argsort(-(queries @ docs.T), axis=1, kind="stable")
    names = list(DOCS)
    return {qid: [names[j] for j in order[i]].index(doc) + 1 for i, (qid, (_, doc)) in enumerate(QUERIES.items())}


def test_dense_metrics_equal_reference_values_from_exact_ranks() -> None:
    encoder = TrigramEncoder()
    spec = _spec()
    [result] = evaluate_corpus(TaskData(spec, {}, "fp", None, _task()), DenseScorer(encoder))
    ranks = _exact_ranks(encoder)
    expected = {
        "MRR@100": [1 / ranks[q] for q in QUERIES],
        "R@1": [float(ranks[q] == 1) for q in QUERIES],
        "R@10": [float(ranks[q] <= 10) for q in QUERIES],
        "nDCG@10": [1 / math.log2(ranks[q] + 1) if ranks[q] <= 10 else 0.0 for q in QUERIES],
    }
    assert result.query_ids == list(QUERIES) and result.pair == "en-en"
    for metric, values in expected.items():
        np.testing.assert_allclose(result.values[metric], values, rtol=1e-6, err_msg=metric)


def test_approximate_index_adds_its_overlap_with_the_exact_top_k() -> None:
    spec = _spec(index="hnsw")
    [result] = evaluate_corpus(TaskData(spec, {}, "fp", None, _task()), DenseScorer(TrigramEncoder()))
    assert result.values["ann_overlap@100"].tolist() == [1.0] * 5  # 8 passages: the graph finds them all


def test_lexical_model_scores_words_and_counts_unjudged_passages() -> None:
    task = _task()
    task.query_sets["en"].qrels["q1"]["not-in-corpus"] = 1
    bm25 = LexicalPoolScorer(build_model("bm25", load_models()["bm25"]))
    [result] = evaluate_corpus(TaskData(_spec(), {}, "fp", None, task), bm25)
    assert result.values["R@10"].tolist() == [0.5, 1.0, 1.0, 1.0, 1.0]  # q1 has two relevant, one retrievable
    assert task.notes.as_dict() == {"judgements_not_in_corpus": {"en-en": 1}}


def test_a_view_the_lexical_tokenizer_refuses_is_skipped_and_recorded() -> None:
    task = _task()
    ja = QuerySet("ja", "ja", ["j1"], ["ナイル川はどこ"], qrels={"j1": {"d0": 1}})
    task.query_sets["ja"] = ja
    task.views.append(CorpusView("mono", "ja-en", "ja", "en"))
    bm25 = LexicalPoolScorer(build_model("bm25", load_models()["bm25"]))
    results = evaluate_corpus(TaskData(_spec(), {}, "fp", None, task), bm25)
    assert [r.pair for r in results] == ["en-en"]
    notes = task.notes.as_dict()
    assert notes["views_skipped"] == {"ja-en": 1} and "no word segmenter" in notes["reasons"]["ja-en"]


@pytest.mark.parametrize("scorer", ["dense", "lexical"])
def test_answer_judgement_counts_queries_with_an_answer_in_the_top_k(scorer: str) -> None:
    spec = _spec("answer-retrieval", ("Success@5", "Success@20"))
    corpus = Corpus("en", (memory_shard("en", "en", list(DOCS), list(DOCS.values())),))
    queries = QuerySet(
        "de",
        "de",
        ["a", "b", "c"],
        ["Hauptstadt von Ruanda", "größte Stadt Nigerias", "Mond"],
        answers={"a": ["Kigali"], "b": ["Lagos"], "c": ["Tranquility Base"]},
    )
    task = CorpusTask({"de": queries}, {"en": corpus}, [CorpusView("cross", "de-en", "de", "en")], "answers")
    model = (
        DenseScorer(TrigramEncoder())
        if scorer == "dense"
        else LexicalPoolScorer(build_model("bm25", load_models()["bm25"]))
    )
    [result] = evaluate_corpus(TaskData(spec, {}, "fp", None, task), model)
    assert result.values["Success@20"].tolist() == [1.0, 1.0, 0.0]  # 8 passages: all retrieved; c has no answer
    assert set(result.values["Success@5"].tolist()) <= {0.0, 1.0}
