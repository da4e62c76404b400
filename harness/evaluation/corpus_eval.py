"""Corpus-retrieval evaluation (MIRACL, AfriQA, NQ-Crosslingual): top-100 runs per view, measures from ir-measures.

Each view searches one query set against one corpus. Judgements are qrels (graded, MIRACL /
AfriQA) or, for answer-retrieval, the retrieved passages that contain an answer string (DPR
matching), so `Success@k` is the share of queries with an answer in their top k. Everything that
is skipped or does not match is counted into the task's notes, which the result records.
"""

from __future__ import annotations

import numpy as np

from harness.data.answer_match import AnswerMatcher
from harness.data.corpus_records import CorpusTask, CorpusView, QuerySet
from harness.errors import HarnessError, LanguageUnsupportedError
from harness.evaluation.corpus_search import CorpusSearcher, Hits, make_searcher
from harness.evaluation.progress import NullProgress, Progress
from harness.evaluation.qrels_eval import RUN_DEPTH, per_query_measures
from harness.evaluation.scorers import PoolScorer
from harness.evaluation.setting_result import SettingResult
from harness.evaluation.textset import TextSet
from harness.metrics import ANN_OVERLAP, ir_measure_name
from harness.tasks.data import TaskData
from harness.tasks.task_spec import TaskSpec


def _run(query_ids: list[str], hits: Hits) -> dict[str, dict[str, float]]:
    run = {}
    for row, qid in enumerate(query_ids):
        valid = hits.rows[row] >= 0
        run[qid] = {str(d): float(s) for d, s in zip(hits.doc_ids[row][valid], hits.scores[row][valid], strict=True)}
    return run


def _measures(
    metrics: list[str], qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]], query_ids: list[str]
) -> dict[str, np.ndarray]:
    """Per-query values of every metric (queries without a relevant passage score 0)."""
    names = {m: ir_measure_name(m) for m in metrics}
    judged = {q: g for q, g in qrels.items() if any(v > 0 for v in g.values())}
    values = per_query_measures(list(names.values()), judged, run) if judged else {n: {} for n in names.values()}
    return {m: np.array([values[n].get(q, 0.0) for q in query_ids], dtype=np.float32) for m, n in names.items()}


def _answer_qrels(queries: QuerySet, hits: Hits, texts: dict[int, str]) -> dict[str, dict[str, int]]:
    """Retrieved passages that contain one of the query's answers count as relevant."""
    matcher = AnswerMatcher(queries.answers)
    qrels: dict[str, dict[str, int]] = {}
    for row, qid in enumerate(queries.query_ids):
        found = {
            str(d): 1
            for d, r in zip(hits.doc_ids[row], hits.rows[row], strict=True)
            if r >= 0 and matcher.hits(qid, texts[int(r)])
        }
        qrels[qid] = found
    return qrels


def _count_unjudged(task: CorpusTask, view: CorpusView, queries: QuerySet, searcher: CorpusSearcher) -> None:
    """Count judgements of passages the corpus does not hold (a warning: they can never be retrieved)."""
    judged = {d for g in queries.qrels.values() for d in g}
    present = searcher.present(task.corpora[view.corpus], judged)
    missing = sum(1 for g in queries.qrels.values() for d in g if d not in present)
    task.notes.add("judgements_not_in_corpus", view.pair, missing)


def search_view(spec: TaskSpec, task: CorpusTask, view: CorpusView, searcher: CorpusSearcher) -> Hits:
    """Top-100 of one view's queries in its corpus."""
    queries = task.query_sets[view.queries]
    textset = TextSet(f"{spec.name}/{queries.key}/queries", "query", queries.queries, queries.lang)
    return searcher.search(textset, task.corpora[view.corpus], RUN_DEPTH)


def score_view(
    spec: TaskSpec, task: CorpusTask, view: CorpusView, hits: Hits, searcher: CorpusSearcher, texts: dict[int, str]
) -> SettingResult:
    """One view's per-query metric values from its hits (`texts`: retrieved passages, answer judgement)."""
    queries = task.query_sets[view.queries]
    run = _run(queries.query_ids, hits)
    if task.judgement == "answers":
        qrels = _answer_qrels(queries, hits, texts)
    else:
        qrels = queries.qrels
        _count_unjudged(task, view, queries, searcher)
    result = SettingResult(view.setting, view.pair, list(queries.query_ids))
    result.values.update(_measures(list(spec.metrics), qrels, run, queries.query_ids))
    if hits.ann_overlap is not None:
        result.values[ANN_OVERLAP] = hits.ann_overlap
    return result


def evaluate_corpus(data: TaskData, scorer: PoolScorer, progress: Progress | None = None) -> list[SettingResult]:
    """Every view of a corpus-retrieval task; a view a lexical model cannot tokenise is skipped and counted.

    All views are searched first, so that answer matching reads each corpus's retrieved passages in
    one streaming pass (NQ: 2.7M passages) rather than once per query language.
    """
    progress = progress or NullProgress()
    task = data.corpus()
    searcher = make_searcher(scorer, data.spec.search)
    handle = progress.start(f"search {data.spec.name}", len(task.views))
    searched: list[tuple[CorpusView, Hits]] = []
    for view in task.views:
        try:
            searched.append((view, search_view(data.spec, task, view, searcher)))
        except LanguageUnsupportedError as exc:  # this model cannot read the view's language: counted, skipped
            task.notes.add("views_skipped", view.pair)
            task.notes.explain(view.pair, str(exc))
        progress.advance(handle, 1)
    progress.finish(handle)
    if not searched:
        raise HarnessError(f"task {data.spec.name}: no view could be evaluated ({task.notes.as_dict()})")
    texts: dict[str, dict[int, str]] = {}
    if task.judgement == "answers":
        for name in dict.fromkeys(view.corpus for view, _ in searched):
            rows = np.concatenate([hits.rows.ravel() for view, hits in searched if view.corpus == name])
            texts[name] = searcher.texts_at(task.corpora[name], rows)
    return [score_view(data.spec, task, view, hits, searcher, texts.get(view.corpus, {})) for view, hits in searched]
