"""Per-query bitext metrics average to MTEB's scikit-learn weighted scores; top-1 takes the first of tied bests."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

from harness.evaluation.bitext_metrics import bitext_values, top1


@pytest.mark.parametrize("seed", range(6))
def test_means_equal_sklearn_weighted_scores(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 300))
    gold = np.arange(n)
    # a mix of correct predictions and collisions onto a few popular candidates
    predictions = np.where(rng.random(n) < rng.random(), gold, rng.integers(0, max(2, n // 7), n))
    values = bitext_values(predictions)
    expected = {
        "precision": precision_score(gold, predictions, zero_division=0, average="weighted"),
        "recall": recall_score(gold, predictions, zero_division=0, average="weighted"),
        "F1": f1_score(gold, predictions, zero_division=0, average="weighted"),
        "accuracy": accuracy_score(gold, predictions),
    }
    for metric, value in expected.items():
        assert values[metric].mean() == pytest.approx(value, abs=1e-12), metric
    assert values["error_rate"].mean() == pytest.approx(1 - expected["accuracy"], abs=1e-12)


def test_hand_computed_example() -> None:
    # queries 0 and 2 both pick candidate 0 (0 is right, 2 is wrong); query 1 is right alone
    values = bitext_values(np.array([0, 1, 0]))
    assert values["accuracy"].tolist() == [1, 1, 0]
    assert values["precision"].tolist() == [0.5, 1, 0]
    assert values["F1"].tolist() == pytest.approx([2 / 3, 1, 0])


def test_top1_takes_the_first_of_equal_best_scores() -> None:
    scores = np.array([[0.2, 0.9, 0.9], [0.5, 0.1, 0.4]], dtype=np.float32)
    best, tied = top1(scores)
    assert best.tolist() == [1, 0] and tied.tolist() == [True, False]
