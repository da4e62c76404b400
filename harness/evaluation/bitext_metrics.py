"""Bitext-mining metrics per query from top-1 predictions (MTEB BitextMining, LASER error rate).

MTEB scores a language with scikit-learn's precision / recall / F1 averaged with
`average="weighted"` over the gold labels 0..n-1 (each gold label has support 1). That average
decomposes into one value per query, which is what the harness keeps so that CIs and paired tests
can resample queries: for query i with prediction p_i, let c = how many queries predicted i;
precision_i = [p_i = i] / c, recall_i = [p_i = i], F1_i = [p_i = i] · 2 / (1 + c). Their means are
exactly scikit-learn's weighted scores (tested against it).
"""

from __future__ import annotations

import numpy as np


def bitext_values(predictions: np.ndarray) -> dict[str, np.ndarray]:
    """accuracy, precision, recall, F1 and error_rate per query; query i's gold is position i."""
    n = len(predictions)
    correct = (predictions == np.arange(n)).astype(np.float64)
    predicted_count = np.bincount(predictions, minlength=n)[:n].astype(np.float64)
    precision = np.where(correct > 0, correct / np.maximum(predicted_count, 1.0), 0.0)
    return {
        "accuracy": correct,
        "precision": precision,
        "recall": correct,
        "F1": np.where(correct > 0, 2.0 / (1.0 + predicted_count), 0.0),
        "error_rate": 1.0 - correct,
    }


def top1(scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best column (the first of equal best scores) and whether that best is tied."""
    best = np.argmax(scores, axis=1)
    top = scores[np.arange(len(scores)), best]
    tied = (scores == top[:, None]).sum(axis=1) > 1
    return best, tied
