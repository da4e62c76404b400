"""Exact ranks of relevant items in a full ranking, without sorting the pool.

Written here rather than taken from ir-measures because LAReQA's mAP ranks the *whole* pool
(every candidate), where run-based tools only see a truncated top-k run.
"""

from __future__ import annotations

import numpy as np

NO_RELEVANT = -1


def relevant_ranks(scores: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """1-based ranks of each query's relevant items, ties resolved in favour of relevant items.

    scores: (n_queries, pool) similarity matrix. relevant: (n_queries, max_rel) pool indices,
    padded with NO_RELEVANT. Returns float64 (n_queries, max_rel) ranks sorted ascending per row,
    with padding as +inf.

    A relevant item's rank is 1 + the number of candidates scoring *strictly* higher; relevant
    items tied with each other take consecutive ranks. Ties with non-relevant candidates thus
    count in the relevant item's favour (the optimistic convention), which only matters for
    exactly equal scores, e.g. duplicate candidate texts.
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
        ranks[has, j] = 1.0 + (scores[has] > rel_scores[:, None]).sum(axis=1)
    ranks.sort(axis=1)
    # consecutive ranks for relevant items tied with each other: r_k = max(r_k, r_{k-1} + 1)
    for j in range(1, max_rel):
        ranks[:, j] = np.maximum(ranks[:, j], ranks[:, j - 1] + 1)
    return ranks


def pad_relevant(lists: list[list[int]]) -> np.ndarray:
    """Pack variable-length relevant index lists into a padded int64 matrix."""
    width = max((len(x) for x in lists), default=0) or 1
    out = np.full((len(lists), width), NO_RELEVANT, dtype=np.int64)
    for i, items in enumerate(lists):
        out[i, : len(items)] = items
    return out
