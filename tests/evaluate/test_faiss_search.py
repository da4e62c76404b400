"""FAISS search over blocks: exact top-k equals a brute-force sort; approximate indexes report their overlap."""

from __future__ import annotations

import numpy as np
import pytest

from harness.evaluation.faiss_search import build_index, exact_search, index_search, merge_top_k, overlap_at_k
from harness.tasks.search_spec import SearchSpec


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _blocks(matrix: np.ndarray, size: int) -> list[tuple[int, np.ndarray]]:
    return [(start, matrix[start : start + size]) for start in range(0, len(matrix), size)]


@pytest.mark.parametrize(("n", "block", "k"), [(500, 64, 10), (500, 500, 100), (37, 5, 100), (1000, 333, 1)])
def test_exact_search_equals_brute_force(n: int, block: int, k: int) -> None:
    rng = np.random.default_rng(n + block)
    corpus, queries = _unit(rng, n, 16), _unit(rng, 7, 16)
    scores, rows = exact_search(queries, _blocks(corpus, block), k)
    full = queries @ corpus.T
    expected = np.argsort(-full, axis=1, kind="stable")[:, : min(k, n)]
    np.testing.assert_array_equal(rows[:, : min(k, n)], expected)
    np.testing.assert_allclose(scores[:, : min(k, n)], np.take_along_axis(full, expected, axis=1), atol=1e-6)
    if k > n:
        assert (rows[:, n:] == -1).all() and np.isneginf(scores[:, n:]).all()


def test_ties_go_to_the_smaller_row_whatever_the_block_split() -> None:
    corpus = np.array([[1.0, 0.0]] * 6, dtype=np.float32)  # six identical passages
    query = np.array([[1.0, 0.0]], dtype=np.float32)
    for size in (1, 2, 4, 6):
        _, rows = exact_search(query, _blocks(corpus, size), 3)
        assert rows.tolist() == [[0, 1, 2]]


def test_merge_keeps_padding_last() -> None:
    scores, rows = merge_top_k(
        np.array([[0.5, -np.inf]]), np.array([[3, -1]]), np.array([[0.9, 0.1]]), np.array([[7, 8]]), 3
    )
    assert rows.tolist() == [[7, 3, 8]] and scores[0, 0] == pytest.approx(0.9)


def test_overlap_at_k_by_hand() -> None:
    approx = np.array([[1, 2, 3, 4], [5, 6, -1, -1]])
    exact = np.array([[4, 3, 9, 8], [5, 6, -1, -1]])
    assert overlap_at_k(approx, exact).tolist() == [0.5, 1.0]


@pytest.mark.parametrize(
    "spec", [SearchSpec(index="ivf", nlist=8, nprobe=8), SearchSpec(index="hnsw", hnsw_m=16, ef_search=400)]
)
def test_approximate_indexes_find_the_exact_top_k_when_tuned_exhaustive(spec: SearchSpec) -> None:
    rng = np.random.default_rng(1)
    corpus, queries = _unit(rng, 2000, 16), _unit(rng, 20, 16)
    blocks = _blocks(corpus, 300)
    _, exact = exact_search(queries, blocks, 10)
    index = build_index(spec, lambda: iter(blocks), 16, len(corpus))
    _, approx = index_search(index, queries, 10)
    overlap = overlap_at_k(approx, exact)
    assert overlap.mean() >= 0.98  # ivf visiting every list is exact; hnsw with a wide search nearly so


def test_ivf_with_few_probes_reports_lower_overlap() -> None:
    rng = np.random.default_rng(2)
    corpus, queries = _unit(rng, 4000, 32), _unit(rng, 30, 32)
    blocks = _blocks(corpus, 1000)
    _, exact = exact_search(queries, blocks, 10)
    index = build_index(SearchSpec(index="ivf", nlist=64, nprobe=1), lambda: iter(blocks), 32, len(corpus))
    _, approx = index_search(index, queries, 10)
    assert overlap_at_k(approx, exact).mean() < 0.9
