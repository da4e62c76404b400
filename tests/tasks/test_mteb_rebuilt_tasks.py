"""tatoeba and mlqa-mteb rebuild MTEB's Tatoeba (test) and MLQARetrieval (validation) exactly.

The expected numbers are MTEB's own descriptive statistics of those datasets
(mteb/descriptive_stats/BitextMining/Tatoeba.json and Retrieval/MLQARetrieval.json, MTEB 2.1.17).
MTEB's Tatoeba texts are one character longer than the released lines (the line end), so its
character totals are ours plus one per text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.data.records import BitextLanguage, RetrievalLanguage
from harness.tasks.load import load_task
from harness.tasks.task_registry import load_tasks

# MTEB subset -> (queries, unique queries' characters, unique documents, documents' characters): validation
MLQA_ZHO = {
    "zho-ara": (188, 8337, 161, 38439),
    "zho-deu": (190, 10231, 164, 42166),
    "zho-eng": (504, 25276, 443, 109267),
    "zho-spa": (161, 8510, 148, 36942),
    "zho-hin": (189, 9838, 163, 38884),
    "zho-vie": (184, 9078, 168, 45078),
    "zho-zho": (504, 7759, 443, 109267),
}


@pytest.fixture(scope="module")
def tasks():
    return load_tasks()


def test_tatoeba_has_every_pair_of_mteb_tatoeba(with_mirror: Path, tasks) -> None:
    spec = tasks["tatoeba"]
    data = load_task(spec)
    records = data.bitext()
    assert len(records) == 112 and all(isinstance(r, BitextLanguage) for r in records.values())
    pairs = [(s, p) for r in records.values() for s, p in zip(r.sentences, r.pivot, strict=True)]
    assert len(pairs) == 88_877 and len(set(pairs)) == 88_840  # MTEB: num_samples, unique_pairs
    sentences = [s for s, _ in pairs]
    english = [p for _, p in pairs]
    assert sum(map(len, sentences)) + len(sentences) == 2_823_902  # MTEB sentence1 total_text_length
    assert sum(map(len, english)) + len(english) == 2_892_403  # MTEB sentence2 total_text_length
    assert len(set(sentences)) == 88_838 and len(set(english)) == 69_241  # MTEB unique_texts
    assert min(map(len, sentences)) + 1 == 3 and max(map(len, english)) + 1 == 661
    assert {spec.mteb_subset(f"{lang}-en") for lang in spec.languages} >= {"afr-eng", "cmn-eng", "swh-eng", "zsm-eng"}
    assert records["zh"].ids[0] == "cmn:1" and len(records["sw"].ids) == 390


def test_mlqa_mteb_views_match_mteb_subsets(with_mirror: Path, tasks) -> None:
    spec = tasks["mlqa-mteb"]
    views = load_task(spec).retrieval()
    assert len(views) == 49 and sum(v.lang == (v.corpus_lang or v.lang) for v in views.values()) == 7
    for subset, (n_queries, query_chars, n_docs, doc_chars) in MLQA_ZHO.items():
        query_lang = next(lang for lang in spec.languages if spec.mteb.codes[lang] == subset.split("-")[1])
        view = views[f"{query_lang}-zh"]
        assert isinstance(view, RetrievalLanguage) and spec.mteb_subset(view.pair) == subset
        assert (len(view.queries), sum(map(len, set(view.queries)))) == (n_queries, query_chars), subset
        assert (len(view.docs), sum(map(len, view.docs))) == (n_docs, doc_chars), subset
        assert all(len(view.qrels[q]) == 1 and next(iter(view.qrels[q])) in view.doc_ids for q in view.query_ids)
    total_queries = sum(len(views[f"{y}-zh"].queries) for y in spec.languages)
    assert total_queries == 1920  # MTEB: the zho subsets' queries together
