"""Metrics over exact full-ranking ranks of the relevant items (LAReQA protocol).

Inputs are the sorted ranks from `ranking.relevant_ranks` (padding = +inf), where tied items
share the rank of the last of them. Each function returns one value per query.
"""

from __future__ import annotations

import numpy as np


def _counts(ranks: np.ndarray) -> np.ndarray:
    return np.isfinite(ranks).sum(axis=1)


def average_precision(ranks: np.ndarray) -> np.ndarray:
    """AP = mean over relevant items of (relevant items ranked at or above it / its rank).

    Equals scikit-learn's average_precision_score on the full pool, ties included.
    """
    finite = np.isfinite(ranks)
    hits = np.stack([(ranks <= ranks[:, [j]]).sum(axis=1) for j in range(ranks.shape[1])], axis=1)
    precision = np.where(finite, hits / np.where(finite, ranks, 1.0), 0.0)
    return precision.sum(axis=1) / np.maximum(_counts(ranks), 1)


def recall_at(ranks: np.ndarray, k: int) -> np.ndarray:
    """R@k as ir-measures defines it: share of the relevant items ranked in the top k."""
    return (ranks <= k).sum(axis=1) / np.maximum(_counts(ranks), 1)


def rank_distance(ranks: np.ndarray) -> np.ndarray:
    """Max rank minus min rank of a query's relevant items (0 when it has just one)."""
    finite = np.where(np.isfinite(ranks), ranks, np.nan)
    return np.nanmax(finite, axis=1) - np.nanmin(finite, axis=1)


FULL_RANK_METRICS = {
    "mAP": average_precision,
    "R@1": lambda r: recall_at(r, 1),
    "R@10": lambda r: recall_at(r, 10),
}
