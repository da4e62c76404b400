"""Exact ranks of relevant items in a full ranking, without sorting the pool.

Written here rather than taken from ir-measures because LAReQA's mAP ranks the *whole* pool
(every candidate), where run-based tools only see a truncated top-k run.
"""

from __future__ import annotations

import numpy as np

NO_RELEVANT = -1


def relevant_ranks(scores: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """1-based ranks of each query's relevant items, sorted ascending per row (padding: +inf).

    scores: (n_queries, pool) similarity matrix. relevant: (n_queries, max_rel) pool indices,
    padded with NO_RELEVANT.

    A relevant item's rank is the number of candidates scoring *at least* as high as it
    (itself included): ties count against it, as in scikit-learn's average precision. The
    optimistic alternative (count only strictly higher scores) would hand a model that scores
    every candidate alike (a lexical model across scripts) a perfect rank.
    """
    n_queries, max_rel = relevant.shape
    ranks = np.full((n_queries, max_rel), np.inf)
    valid = relevant != NO_RELEVANT
    rows = np.arange(n_queries)
    for j in range(max_rel):
        has = valid[:, j]
        if not has.any():
            continue
        rel_scores = scores[rows[has], relevant[has, j]]
        ranks[has, j] = (scores[has] >= rel_scores[:, None]).sum(axis=1)
    ranks.sort(axis=1)
    return ranks


def pad_relevant(lists: list[list[int]]) -> np.ndarray:
    """Pack variable-length relevant index lists into a padded int64 matrix."""
    width = max((len(x) for x in lists), default=0) or 1
    out = np.full((len(lists), width), NO_RELEVANT, dtype=np.int64)
    for i, items in enumerate(lists):
        out[i, : len(items)] = items
    return out
