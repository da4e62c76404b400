"""Metrics over exact full-ranking ranks of the relevant items (LAReQA protocol).

Inputs are the sorted, tie-adjusted ranks from `ranking.relevant_ranks` (padding = +inf).
Each function returns one value per query.
"""

from __future__ import annotations

import numpy as np


def _counts(ranks: np.ndarray) -> np.ndarray:
    return np.isfinite(ranks).sum(axis=1)


def average_precision(ranks: np.ndarray) -> np.ndarray:
    """AP = mean over relevant items of (relevant items ranked at or above it / its rank)."""
    m = _counts(ranks)
    hits = np.arange(1, ranks.shape[1] + 1)[None, :]
    precision = np.where(np.isfinite(ranks), hits / np.where(np.isfinite(ranks), ranks, 1.0), 0.0)
    return precision.sum(axis=1) / np.maximum(m, 1)


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
