"""Qrels-style retrieval (MTEB protocol): top-k runs per language, measures from ir-measures."""

from __future__ import annotations

import ir_measures
import numpy as np

from harness.data.records import RetrievalLanguage
from harness.evaluation.progress import NullProgress, Progress
from harness.evaluation.scorers import PoolScorer
from harness.evaluation.setting_result import SettingResult
from harness.evaluation.textset import TextSet
from harness.metrics import ir_measure_name, require_depth, run_depth
from harness.tasks.data import TaskData
from harness.vocabulary import CROSS, MONO

RUN_DEPTH = run_depth()  # 100: the deepest @k of the metrics computed from runs (harness.metrics)


def top_k(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and scores of each row's k best columns, best first (no full sort)."""
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(part_scores, order, axis=1)


def per_query_measures(
    metrics: list[str], qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]
) -> dict[str, dict[str, float]]:
    """metric name -> {query id: value}, computed by ir-measures (queries absent from the run score 0); every
    cutoff must fit the RUN_DEPTH runs are cut at."""
    require_depth(metrics, RUN_DEPTH)
    measures = {name: ir_measures.parse_measure(ir_measure_name(name)) for name in metrics}
    by_measure: dict[str, dict[str, float]] = {name: dict.fromkeys(qrels, 0.0) for name in metrics}
    names = {str(m): name for name, m in measures.items()}
    for row in ir_measures.iter_calc(list(measures.values()), qrels, run):
        by_measure[names[str(row.measure)]][row.query_id] = float(row.value)
    return by_measure


def _language_sets(spec_name: str, records: dict[str, RetrievalLanguage]) -> list[TextSet]:
    """Every query language's questions and every corpus language's documents, each text once.

    Prepared before the views, so a dense scorer encodes each text once however many views
    share it (the views' own sets are then assembled from these embeddings).
    """
    queries: dict[str, dict[str, None]] = {}
    docs: dict[str, dict[str, None]] = {}
    for rec in records.values():
        queries.setdefault(rec.lang, {}).update(dict.fromkeys(rec.queries))
        docs.setdefault(rec.corpus_lang or rec.lang, {}).update(dict.fromkeys(rec.docs))
    return [TextSet(f"{spec_name}/{lang}/queries", "query", list(t), lang) for lang, t in queries.items()] + [
        TextSet(f"{spec_name}/{lang}/corpus", "passage", list(t), lang) for lang, t in docs.items()
    ]


def evaluate_qrels(data: TaskData, scorer: PoolScorer, progress: Progress | None = None) -> list[SettingResult]:
    """One view per record: 'mono' for a language's queries against its own corpus, else 'cross'."""
    progress = progress or NullProgress()
    spec = data.spec
    records = data.retrieval()
    scorer.prepare(_language_sets(spec.name, records))
    handle = progress.start(f"score {spec.name}", len(records))
    results = []
    for rec in records.values():
        corpus_lang = rec.corpus_lang or rec.lang
        queries = TextSet(f"{spec.name}/{rec.pair}/queries", "query", rec.queries, rec.lang)
        corpus = TextSet(f"{spec.name}/{rec.pair}/corpus", "passage", rec.docs, corpus_lang)
        run: dict[str, dict[str, float]] = {}
        for start, scores in scorer.score_blocks(queries, [corpus]):
            idx, vals = top_k(scores, RUN_DEPTH)
            for row in range(len(scores)):
                run[rec.query_ids[start + row]] = {
                    rec.doc_ids[d]: float(v) for d, v in zip(idx[row], vals[row], strict=True)
                }
        qrels = {q: rec.qrels[q] for q in rec.query_ids}
        values = per_query_measures(list(spec.metrics), qrels, run)
        setting = MONO if corpus_lang == rec.lang else CROSS
        result = SettingResult(setting, rec.pair, list(rec.query_ids))
        for metric, by_query in values.items():
            result.values[metric] = np.array([by_query[q] for q in rec.query_ids], dtype=np.float32)
        results.append(result)
        progress.advance(handle, 1)
    progress.finish(handle)
    return results
