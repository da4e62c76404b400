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
    valid = relevant != NO_RELEVANT
    thresholds = np.take_along_axis(scores, np.where(valid, relevant, 0), axis=1)
    ranks = np.empty((n_queries, max_rel))
    for j in range(max_rel):
        ranks[:, j] = np.count_nonzero(scores >= thresholds[:, j : j + 1], axis=1)
    ranks[~valid] = np.inf
    ranks.sort(axis=1)
    return ranks


def pad_relevant(lists: list[list[int]]) -> np.ndarray:
    """Pack variable-length relevant index lists into a padded int64 matrix."""
    width = max((len(x) for x in lists), default=0) or 1
    out = np.full((len(lists), width), NO_RELEVANT, dtype=np.int64)
    for i, items in enumerate(lists):
        out[i, : len(items)] = items
    return out
