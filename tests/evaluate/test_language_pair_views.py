"""mlqa-mteb's 49 views encode each question and paragraph once, and score each view on its own pool."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from trigram_encoder import TrigramEncoder

from harness.evaluation.embedding_cache import EmbeddingCache
from harness.evaluation.qrels_eval import evaluate_qrels
from harness.evaluation.scorers import DenseScorer
from harness.tasks.load import load_task
from harness.tasks.task_registry import load_tasks


class CountingEncoder(TrigramEncoder):
    def __init__(self) -> None:
        super().__init__()
        self.encoded: list[tuple[str, str]] = []

    def encode(self, texts, kind):
        self.encoded.extend((kind, t) for t in texts)
        return super().encode(texts, kind)


def test_each_text_encoded_once_and_views_scored_on_their_own_pool(with_mirror: Path, tmp_path: Path) -> None:
    spec = load_tasks()["mlqa-mteb"]
    data = load_task(spec, limit=30)
    encoder = CountingEncoder()
    scorer = DenseScorer(encoder, batch_size=64, cache=EmbeddingCache(tmp_path / "emb"))
    results = evaluate_qrels(data, scorer)
    assert len(results) == 49 and {r.setting for r in results} == {"mono", "cross"}
    views = data.retrieval()
    questions = {(v.lang, q) for v in views.values() for q in v.queries}
    paragraphs = {(v.corpus_lang, p) for v in views.values() for p in v.docs}
    # each language's texts once (a text that two languages share is encoded once per language)
    assert len([k for k, _ in encoder.encoded if k == "query"]) == len(questions)
    assert len([k for k, _ in encoder.encoded if k == "passage"]) == len(paragraphs)
    assert len(encoder.encoded) - len(set(encoder.encoded)) < 0.01 * len(encoder.encoded)
    # a view's ranking is over its own pool: rank the de-ar view by hand and compare nDCG@10's hits@1
    view = views["de-ar"]
    result = next(r for r in results if r.pair == "de-ar")
    q = encoder.encode(view.queries, "query")
    d = encoder.encode(view.docs, "passage")
    best = np.argmax(q @ d.T, axis=1)
    hits = [view.doc_ids[b] in view.qrels[qid] for b, qid in zip(best, view.query_ids, strict=True)]
    recall10 = result.values["R@10"]
    assert all(r == 1.0 for r, hit in zip(recall10, hits, strict=True) if hit)
