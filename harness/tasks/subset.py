"""Quick-run subsets (`--limit N`) of parallel tasks: N question ids, chosen so every view keeps queries.

Question ids differ across languages on some tasks (MLQA-R: an id exists in 2-4 of 7 languages), so
taking the first N questions *per language* leaves most cross pairs without a query. A limit picks
N question **ids** instead, by their language sets: a greedy pass takes, N times, the language set
that adds most to the views with the fewest queries so far (gain = sum over the single languages
and language pairs it covers of 1 / (1 + queries that view already has); ties go to the set that
appears first), then exchanges of one or two ids are made while they give the poorest language
pair more queries (then fewer pairs at that minimum, then the poorest language more). Within a
language set the ids that appear first are taken (languages in declared order, then file order).
On a task where every id exists in every language (XQuAD-R) there is one language set, so the
subset is simply the first N questions. Every language keeps those of the chosen ids it has; its
pool keeps every sentence of the paragraphs they ask about.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations, combinations_with_replacement

import numpy as np

from harness.data.records import ParallelLanguage

SELECTION_RULE = "ids-balanced-over-views-v1"  # recorded in limited results: a new rule is a new identity
MAX_EXCHANGES = 200  # improving exchanges tried after the greedy pass
MAX_GROUPS_FOR_PAIRS = 48  # two-for-two exchanges only while language sets are few (their number squares)


def question_id_order(records: dict[str, ParallelLanguage]) -> list[str]:
    """Every question id once, in order of first appearance (languages in the given order)."""
    return list(dict.fromkeys(q for rec in records.values() for q in rec.question_ids))


def _coverage(records: dict[str, ParallelLanguage], ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each id's language-set index, and which views (single languages, then pairs) each set covers."""
    langs = list(records)
    present = {lang: set(rec.question_ids) for lang, rec in records.items()}
    groups: dict[frozenset[str], int] = {}
    id_group = np.array([groups.setdefault(frozenset(x for x in langs if q in present[x]), len(groups)) for q in ids])
    views = [(x, x) for x in langs] + list(combinations(langs, 2))
    covers = np.array([[x in g and y in g for x, y in views] for g in groups], dtype=np.int64)
    return id_group, covers


def _rank(counts: np.ndarray, n_langs: int) -> np.ndarray:
    """Order of candidate count vectors, best first: most queries in the poorest pair view, fewest pair
    views at that minimum, most queries in the poorest language."""
    pairs = counts[:, n_langs:] if counts.shape[1] > n_langs else counts
    low = pairs.min(axis=1)
    at_low = (pairs == low[:, None]).sum(axis=1)
    poorest_lang = counts[:, :n_langs].min(axis=1)
    return np.lexsort((-poorest_lang, at_low, -low))


def _exchanges(chosen: np.ndarray, available: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Every way to give back `size` chosen ids and take `size` others, as group index arrays (out, in)."""
    groups = range(len(chosen))
    outs = [c for c in combinations_with_replacement(groups, size) if all(chosen[g] >= c.count(g) for g in c)]
    ins = [
        c for c in combinations_with_replacement(groups, size) if all(available[g] - chosen[g] >= c.count(g) for g in c)
    ]
    return np.array(outs, dtype=np.int64).reshape(-1, size), np.array(ins, dtype=np.int64).reshape(-1, size)


def _balance(chosen: np.ndarray, available: np.ndarray, covers: np.ndarray, n_langs: int) -> np.ndarray:
    """Improve per-group counts by exchanging one, then two ids at a time, while the poorest view gains."""
    for _ in range(MAX_EXCHANGES):
        current = chosen @ covers
        for size in (1, 2):
            if size == 2 and len(chosen) > MAX_GROUPS_FOR_PAIRS:
                break
            outs, ins = _exchanges(chosen, available, size)
            if not len(outs) or not len(ins):
                continue
            moved = current + covers[ins].sum(1)[None, :, :] - covers[outs].sum(1)[:, None, :]
            candidates = np.vstack([current[None, :], moved.reshape(-1, covers.shape[1])])
            best = int(_rank(candidates, n_langs)[0])
            if best > 0:  # row 0 is the current selection: only a strict improvement moves
                out, into = divmod(best - 1, len(ins))
                np.subtract.at(chosen, outs[out], 1)
                np.add.at(chosen, ins[into], 1)
                break
        else:
            return chosen
    return chosen


def select_question_ids(records: dict[str, ParallelLanguage], limit: int) -> list[str] | None:
    """The `limit` ids of a quick run, in first-appearance order; None when `limit` covers every id."""
    ids = question_id_order(records)
    if limit >= len(ids):
        return None
    id_group, covers = _coverage(records, ids)
    available = np.bincount(id_group, minlength=len(covers))
    counts = np.zeros(covers.shape[1])
    chosen = np.zeros(len(covers), dtype=np.int64)
    for _ in range(limit):  # greedy: the language set that adds most to the views with fewest queries
        gain = covers @ (1.0 / (1.0 + counts))
        gain[chosen >= available] = -np.inf
        best = int(np.argmax(gain))  # first maximum: the earliest language set among equals
        chosen[best] += 1
        counts += covers[best]
    chosen = _balance(chosen, available, covers, len(records))
    taken = np.zeros(len(covers), dtype=np.int64)
    keep = []
    for i, g in enumerate(id_group):  # within a language set, the ids that appear first
        if taken[g] < chosen[g]:
            taken[g] += 1
            keep.append(ids[i])
    return keep


def restrict_parallel(records: ParallelLanguage, keep: set[str]) -> ParallelLanguage:
    """The language's questions whose id is in `keep` (file order); pool = their paragraphs' sentences."""
    positions = [i for i, q in enumerate(records.question_ids) if q in keep]
    keep_ids = [records.question_ids[i] for i in positions]
    paragraphs = {records.candidate_paragraph[records.gold[q]] for q in keep_ids}
    kept = [i for i, p in enumerate(records.candidate_paragraph) if p in paragraphs]
    new_index = {old: new for new, old in enumerate(kept)}
    return replace(
        records,
        question_ids=keep_ids,
        questions=[records.questions[i] for i in positions],
        candidates=[records.candidates[i] for i in kept],
        candidate_paragraph=[records.candidate_paragraph[i] for i in kept],
        gold={q: new_index[records.gold[q]] for q in keep_ids},
    )
