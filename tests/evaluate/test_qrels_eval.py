"""Qrels-style evaluation (MTEB protocol): top-k runs and ir-measures values on hand-made qrels and runs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from harness.evaluation.qrels_eval import per_query_measures, top_k

METRICS = ["nDCG@10", "AP@10", "R@10"]


@pytest.mark.parametrize(("seed", "shape", "k"), [(0, (5, 40), 10), (1, (3, 7), 7), (2, (4, 200), 100), (3, (2, 5), 9)])
def test_top_k_is_the_best_first_prefix_of_a_full_argsort(seed: int, shape: tuple[int, int], k: int) -> None:
    scores = np.random.default_rng(seed).random(shape)
    idx, vals = top_k(scores, k)
    expected = np.argsort(-scores, axis=1)[:, : min(k, shape[1])]
    np.testing.assert_array_equal(idx, expected)
    np.testing.assert_array_equal(vals, np.take_along_axis(scores, expected, axis=1))


def test_top_k_of_float32_scores_keeps_dtype() -> None:
    scores = np.array([[0.1, 0.7, 0.3]], dtype=np.float32)
    idx, vals = top_k(scores, 2)
    np.testing.assert_array_equal(idx, [[1, 2]])
    assert vals.dtype == np.float32


def run_of(ranked: list[str]) -> dict[str, float]:
    """A run ranking the docs in the given order (scores strictly decreasing)."""
    return {doc: float(len(ranked) - i) for i, doc in enumerate(ranked)}


QRELS = {
    "q_rank1": {"d1": 1},
    "q_rank3": {"d1": 1},
    "q_missing": {"d9": 1},
    "q_two": {"d1": 1, "d3": 1},
    "q_absent_from_run": {"d1": 1},
    "q_below_10": {"d1": 1},
}
RUN = {
    "q_rank1": run_of(["d1", "d2", "d3"]),
    "q_rank3": run_of(["d2", "d3", "d1", "d4"]),
    "q_missing": run_of(["d1", "d2", "d3"]),
    "q_two": run_of(["d1", "d2", "d3"]),
    "q_below_10": run_of([f"x{i}" for i in range(10)] + ["d1"]),
}
EXPECTED = {
    # relevant at rank 1
    "q_rank1": {"nDCG@10": 1.0, "AP@10": 1.0, "R@10": 1.0},
    # relevant at rank 3: DCG = 1/log2(4), ideal DCG = 1
    "q_rank3": {"nDCG@10": 1 / math.log2(4), "AP@10": 1 / 3, "R@10": 1.0},
    # the relevant doc is not retrieved
    "q_missing": {"nDCG@10": 0.0, "AP@10": 0.0, "R@10": 0.0},
    # relevant at ranks 1 and 3: DCG = 1 + 1/2, ideal = 1 + 1/log2(3); AP = (1/1 + 2/3) / 2
    "q_two": {"nDCG@10": 1.5 / (1 + 1 / math.log2(3)), "AP@10": (1 + 2 / 3) / 2, "R@10": 1.0},
    # the query has no run at all
    "q_absent_from_run": {"nDCG@10": 0.0, "AP@10": 0.0, "R@10": 0.0},
    # relevant at rank 11, outside the cut-off
    "q_below_10": {"nDCG@10": 0.0, "AP@10": 0.0, "R@10": 0.0},
}


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("qid", list(EXPECTED))
def test_per_query_measures_match_hand_computed_values(metric: str, qid: str) -> None:
    values = per_query_measures(METRICS, QRELS, RUN)
    assert values[metric][qid] == pytest.approx(EXPECTED[qid][metric], abs=1e-9)


def test_per_query_measures_returns_every_metric_and_every_qrels_query() -> None:
    values = per_query_measures(METRICS, QRELS, RUN)
    assert set(values) == set(METRICS)
    for metric in METRICS:
        assert set(values[metric]) == set(QRELS)


def test_graded_ndcg_uses_trec_eval_linear_gain() -> None:
    # grades 1 (rank 1) and 2 (rank 2), gain = grade as in trec_eval / MTEB (not 2^grade - 1):
    # DCG = 1 + 2/log2(3); ideal = 2 + 1/log2(3)
    qrels = {"q": {"a": 1, "b": 2}}
    run = {"q": run_of(["a", "b", "c"])}
    values = per_query_measures(["nDCG@10"], qrels, run)
    expected = (1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3))
    assert values["nDCG@10"]["q"] == pytest.approx(expected, abs=1e-9)
