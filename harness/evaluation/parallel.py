"""LAReQA-protocol evaluation: mono, cross and multi settings as views over one set of embeddings."""

from __future__ import annotations

import numpy as np

from harness.data.records import ParallelLanguage
from harness.evaluation.full_rank_metrics import FULL_RANK_METRICS, rank_distance
from harness.evaluation.progress import NullProgress, Progress
from harness.evaluation.relevant_ranks import pad_relevant, relevant_ranks
from harness.evaluation.scorers import PoolScorer
from harness.evaluation.setting_result import SettingResult
from harness.evaluation.textset import TextSet
from harness.metrics import OWN_LANGUAGE, OWN_LANGUAGE_K, RANK_DISTANCE
from harness.tasks.data import TaskData
from harness.vocabulary import CROSS, MONO, MULTI, query_language


def _views(langs: list[str], settings: list[str]) -> list[tuple[str, str, list[str]]]:
    """(setting, pair, pool languages) for every view, query language first."""
    views = []
    for x in langs:
        for y in langs:
            if (x == y and MONO in settings) or (x != y and CROSS in settings):
                views.append((MONO if x == y else CROSS, f"{x}-{y}", [y]))
        if MULTI in settings:
            views.append((MULTI, x, list(langs)))
    return views


def _relevant_in_pool(qid: str, pool: list[str], records: dict[str, ParallelLanguage]) -> list[int]:
    """Pool indices of a question's gold sentences, over the concatenated pool languages."""
    out, offset = [], 0
    for lang in pool:
        gold = records[lang].gold.get(qid)
        if gold is not None:
            out.append(offset + gold)
        offset += len(records[lang].candidates)
    return out


def own_language_share(scores: np.ndarray, pool_langs: np.ndarray, query_lang: str) -> np.ndarray:
    """Share of each query's top-10 candidates in its own language (language bias, multi setting).

    Candidates tied at the 10th score fill the remaining places in proportion to their languages
    (the expectation under random tie-breaking), so the value does not depend on pool order.
    """
    k = min(OWN_LANGUAGE_K, scores.shape[1])
    threshold = np.partition(scores, scores.shape[1] - k, axis=1)[:, [scores.shape[1] - k]]
    above, tied, own = scores > threshold, scores == threshold, pool_langs == query_lang
    places_left = k - above.sum(axis=1)
    tied_own = (tied & own).sum(axis=1) / tied.sum(axis=1)
    return ((above & own).sum(axis=1) + places_left * tied_own) / k


def evaluate_parallel(data: TaskData, scorer: PoolScorer, progress: Progress | None = None) -> list[SettingResult]:
    """Every view of a parallel task; queries without a gold sentence in a view's pool are skipped."""
    progress = progress or NullProgress()
    spec, records = data.spec, data.parallel()
    questions = {
        lang: TextSet(f"{spec.name}/{lang}/questions", "query", rec.questions, lang) for lang, rec in records.items()
    }
    candidates = {
        lang: TextSet(f"{spec.name}/{lang}/candidates", "passage", rec.candidates, lang)
        for lang, rec in records.items()
    }
    scorer.prepare([*questions.values(), *candidates.values()])
    views = _views(spec.languages, list(spec.settings))
    handle = progress.start(f"score {spec.name}", len(views))
    results = []
    for setting, pair, pool in views:
        query_lang = query_language(pair)
        rec = records[query_lang]
        relevant = [_relevant_in_pool(q, pool, records) for q in rec.question_ids]
        keep = np.array([bool(r) for r in relevant], dtype=bool)
        if not keep.any():  # never scored, never averaged: listed as empty in the summary
            where = "question" if not rec.question_ids else f"of its {len(rec.question_ids)} questions"
            reason = f"no {query_lang} {where} has a gold sentence in the {'+'.join(pool)} pool"
            results.append(SettingResult(setting, pair, [], empty_reason=reason))
            progress.advance(handle, 1)
            continue
        padded = pad_relevant(relevant)
        blocks, own_share = [], []
        pool_langs = np.concatenate([np.full(len(records[lang].candidates), lang) for lang in pool])
        for start, scores in scorer.score_blocks(questions[query_lang], [candidates[lang] for lang in pool]):
            blocks.append(relevant_ranks(scores, padded[start : start + len(scores)]))
            if setting == MULTI:
                own_share.append(own_language_share(scores, pool_langs, query_lang))
        ranks = np.concatenate(blocks)[keep]
        result = SettingResult(setting, pair, [q for q, k in zip(rec.question_ids, keep, strict=True) if k])
        for metric in spec.metrics:
            if metric in FULL_RANK_METRICS:
                result.values[metric] = FULL_RANK_METRICS[metric](ranks).astype(np.float32)
        if setting == MULTI and RANK_DISTANCE in spec.metrics:
            result.values[RANK_DISTANCE] = rank_distance(ranks).astype(np.float32)
        if setting == MULTI:
            result.values[OWN_LANGUAGE] = np.concatenate(own_share)[keep].astype(np.float32)
        results.append(result)
        progress.advance(handle, 1)
    progress.finish(handle)
    return results
