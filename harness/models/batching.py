"""Batches for an encoder: consecutive chunks, or length-sorted batches under a padded-token budget."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def fixed_batches(count: int, batch_size: int) -> list[np.ndarray]:
    """Consecutive chunks of `batch_size` rows (for encoders whose cost does not depend on padding)."""
    return [np.arange(start, min(start + batch_size, count)) for start in range(0, count, batch_size)]


def token_budget_batches(lengths: Sequence[int], budget: int, max_texts: int) -> list[np.ndarray]:
    """Rows sorted by token length (longest first, ties in input order), cut so that each batch's
    padded size (texts x its longest text) stays within `budget` tokens and `max_texts` texts.

    Sorting the whole set once, instead of per call, keeps padding close to nothing; longest first
    makes the largest batch the first one, so running out of memory shows at once. A text longer
    than the budget gets a batch of its own.
    """
    lengths = np.asarray(lengths, dtype=np.int64)
    order = np.lexsort((np.arange(len(lengths)), -lengths))
    batches, start = [], 0
    while start < len(order):
        longest = max(int(lengths[order[start]]), 1)
        size = max(1, min(max_texts, budget // longest, len(order) - start))
        batches.append(order[start : start + size])
        start += size
    return batches


def padding_factor(lengths: Sequence[int], batches: Sequence[np.ndarray]) -> float:
    """Padded tokens / real tokens of a batch plan (1.0: no padding)."""
    lengths = np.asarray(lengths, dtype=np.int64)
    real = int(lengths.sum())
    padded = sum(int(lengths[b].max()) * len(b) for b in batches if len(b))
    return padded / real if real else 1.0
