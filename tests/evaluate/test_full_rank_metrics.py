"""Full-ranking metrics (LAReQA protocol) against scikit-learn, ir-measures and hand-computed values."""

from __future__ import annotations

import ir_measures
import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from harness.evaluation.full_rank_metrics import FULL_RANK_METRICS, average_precision, rank_distance, recall_at
from harness.evaluation.relevant_ranks import NO_RELEVANT, pad_relevant, relevant_ranks

SEEDS = [0, 1, 2, 3]


def random_task(seed: int, n_queries: int = 12, tied: bool = False) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """(scores, y_true, relevant lists): one pool of 50-3000 candidates, 1-11 relevant items per query."""
    rng = np.random.default_rng(seed)
    pool = int(rng.integers(50, 3001))
    scores = rng.integers(0, 5, size=(n_queries, pool)).astype(np.float64) if tied else rng.random((n_queries, pool))
    y_true = np.zeros((n_queries, pool), dtype=np.int64)
    relevant = []
    for q in range(n_queries):
        items = rng.choice(pool, size=int(rng.integers(1, 12)), replace=False)
        y_true[q, items] = 1
        relevant.append([int(i) for i in items])
    return scores, y_true, relevant


@pytest.mark.parametrize("seed", SEEDS)
def test_average_precision_equals_sklearn_on_continuous_scores(seed: int) -> None:
    scores, y_true, relevant = random_task(seed)
    ap = average_precision(relevant_ranks(scores, pad_relevant(relevant)))
    expected = [average_precision_score(y_true[q], scores[q]) for q in range(len(scores))]
    np.testing.assert_allclose(ap, expected, rtol=0, atol=1e-9)
    np.testing.assert_allclose(FULL_RANK_METRICS["mAP"](relevant_ranks(scores, pad_relevant(relevant))), ap)


@pytest.mark.parametrize("seed", SEEDS)
def test_average_precision_with_ties_equals_sklearn(seed: int) -> None:
    """Documented convention: a tied candidate counts against the relevant item (rank = number of candidates
    scoring at least as high), which is exactly sklearn's grouping of tied scores into one threshold."""
    scores, y_true, relevant = random_task(seed, tied=True)
    ap = average_precision(relevant_ranks(scores, pad_relevant(relevant)))
    expected = [average_precision_score(y_true[q], scores[q]) for q in range(len(scores))]
    np.testing.assert_allclose(ap, expected, rtol=0, atol=1e-9)


def test_tie_between_relevant_and_non_relevant_counts_against_the_relevant_item() -> None:
    # candidate 0 (non-relevant) and candidate 1 (relevant) tie on top; candidate 2 is below
    scores = np.array([[0.9, 0.9, 0.1]])
    ranks = relevant_ranks(scores, pad_relevant([[1]]))
    np.testing.assert_array_equal(ranks, [[2.0]])
    np.testing.assert_allclose(average_precision(ranks), [0.5])
    np.testing.assert_allclose(recall_at(ranks, 1), [0.0])
    assert average_precision_score([0, 1, 0], scores[0]) == pytest.approx(0.5)


def test_relevant_items_tied_with_each_other_share_the_last_rank_of_their_group() -> None:
    # candidate 2 (non-relevant) above; relevant 0 and 1 tie at 0.5 -> both rank 3; AP = (2/3 + 2/3) / 2
    scores = np.array([[0.5, 0.5, 0.8, 0.1]])
    ranks = relevant_ranks(scores, pad_relevant([[0, 1]]))
    np.testing.assert_array_equal(ranks, [[3.0, 3.0]])
    np.testing.assert_allclose(average_precision(ranks), [2 / 3])
    assert average_precision_score([1, 1, 0, 0], scores[0]) == pytest.approx(2 / 3)
    np.testing.assert_array_equal(rank_distance(ranks), [0.0])


def test_three_way_tie_with_relevant_items_and_a_later_relevant_one() -> None:
    # relevant 0, 1 and non-relevant 2 tie on top -> ranks 3, 3; relevant 3 is last -> rank 5
    scores = np.array([[0.7, 0.7, 0.7, 0.2, 0.3]])
    ranks = relevant_ranks(scores, pad_relevant([[3, 1, 0]]))
    np.testing.assert_array_equal(ranks, [[3.0, 3.0, 5.0]])
    np.testing.assert_allclose(average_precision(ranks), [(2 / 3 + 2 / 3 + 3 / 5) / 3])
    assert average_precision_score([1, 1, 0, 1, 0], scores[0]) == pytest.approx((2 / 3 + 2 / 3 + 3 / 5) / 3)
    np.testing.assert_array_equal(recall_at(ranks, 3), [2 / 3])
    np.testing.assert_array_equal(rank_distance(ranks), [2.0])


@pytest.mark.parametrize("n_relevant", [1, 3])
def test_constant_scores_give_chance_level_not_a_perfect_rank(n_relevant: int) -> None:
    # a model scoring every candidate alike (e.g. lexical across scripts) gets AP = prevalence, R@1 = 0
    scores = np.zeros((1, 10))
    ranks = relevant_ranks(scores, pad_relevant([list(range(n_relevant))]))
    np.testing.assert_array_equal(ranks, [[10.0] * n_relevant])
    np.testing.assert_allclose(average_precision(ranks), [n_relevant / 10])
    np.testing.assert_array_equal(recall_at(ranks, 1), [0.0])
    np.testing.assert_array_equal(recall_at(ranks, 10), [1.0])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("k", [1, 10])
def test_recall_at_k_equals_ir_measures(seed: int, k: int) -> None:
    scores, _, relevant = random_task(seed)
    ranks = relevant_ranks(scores, pad_relevant(relevant))
    recall = recall_at(ranks, k)
    np.testing.assert_allclose(FULL_RANK_METRICS[f"R@{k}"](ranks), recall)
    qrels = {f"q{q}": {f"d{d}": 1 for d in relevant[q]} for q in range(len(scores))}
    run = {f"q{q}": {f"d{d}": float(s) for d, s in enumerate(scores[q])} for q in range(len(scores))}
    expected = {
        row.query_id: row.value for row in ir_measures.iter_calc([ir_measures.parse_measure(f"R@{k}")], qrels, run)
    }
    assert len(expected) == len(scores)
    np.testing.assert_allclose(recall, [expected[f"q{q}"] for q in range(len(scores))], rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("relevant_at", "expected"),
    [([2, 5, 9], 7.0), ([4], 0.0), ([1, 2], 1.0), ([10, 3], 7.0)],
)
def test_rank_distance_is_max_minus_min_rank_of_relevant_items(relevant_at: list[int], expected: float) -> None:
    # pool of 12 with scores descending by position, so candidate i sits at rank i + 1
    scores = np.linspace(1.0, 0.0, 12)[None, :]
    ranks = relevant_ranks(scores, pad_relevant([[r - 1 for r in relevant_at]]))
    np.testing.assert_array_equal(ranks[0], sorted(relevant_at))
    np.testing.assert_array_equal(rank_distance(ranks), [expected])


def test_rank_distance_per_query_ignores_padding() -> None:
    scores = np.tile(np.linspace(1.0, 0.0, 12), (3, 1))
    ranks = relevant_ranks(scores, pad_relevant([[1, 4, 8], [0], [11, 2]]))
    np.testing.assert_array_equal(rank_distance(ranks), [7.0, 0.0, 9.0])


@pytest.mark.parametrize(
    ("lists", "expected"),
    [
        ([[3, 1], [0], []], [[3, 1], [0, NO_RELEVANT], [NO_RELEVANT, NO_RELEVANT]]),
        ([[5]], [[5]]),
        ([[], []], [[NO_RELEVANT], [NO_RELEVANT]]),
    ],
)
def test_pad_relevant_pads_to_longest_list(lists: list[list[int]], expected: list[list[int]]) -> None:
    padded = pad_relevant(lists)
    assert padded.dtype == np.int64
    np.testing.assert_array_equal(padded, expected)


def test_pad_relevant_of_no_lists_has_one_column() -> None:
    assert pad_relevant([]).shape == (0, 1)


def test_rows_without_relevant_items_get_inf_ranks_and_zero_ap_and_recall() -> None:
    scores = np.array([[0.1, 0.9, 0.5], [0.3, 0.2, 0.1]])
    ranks = relevant_ranks(scores, pad_relevant([[2, 1], []]))
    np.testing.assert_array_equal(ranks, [[1.0, 2.0], [np.inf, np.inf]])
    np.testing.assert_array_equal(average_precision(ranks), [1.0, 0.0])
    np.testing.assert_array_equal(recall_at(ranks, 1), [0.5, 0.0])
    np.testing.assert_array_equal(recall_at(ranks, 10), [1.0, 0.0])


def test_ranks_are_sorted_ascending_whatever_the_order_of_relevant_indices() -> None:
    scores = np.array([[0.2, 0.4, 0.6, 0.8]])
    ranks = relevant_ranks(scores, pad_relevant([[0, 3, 1]]))
    np.testing.assert_array_equal(ranks, [[1.0, 3.0, 4.0]])
