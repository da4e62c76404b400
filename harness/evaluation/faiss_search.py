"""Top-k inner-product search with FAISS over corpus embeddings read block by block.

`exact_search` is the default: an `IndexFlatIP` per block of rows, merged into one top-k, so
memory is one block plus the queries' top-k whatever the corpus size. `ivf` and `hnsw` build one
approximate index over all rows (it must fit in memory); `overlap_at_k` measures how much of the
exact top-k they find.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import faiss
import numpy as np

from harness.tasks.search_spec import SearchSpec

Blocks = Callable[[], Iterator[tuple[int, np.ndarray]]]
"""Returns a fresh iterator of (first global row, float32 matrix) over the corpus, in row order."""

IVF_MIN_POINTS_PER_LIST = 39  # FAISS warns below this many training points per list


def merge_top_k(
    scores: np.ndarray, rows: np.ndarray, new_scores: np.ndarray, new_rows: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Best k of two candidate lists per query; ties go to the smaller row (deterministic)."""
    all_scores = np.concatenate([scores, new_scores], axis=1)
    all_rows = np.concatenate([rows, new_rows], axis=1)
    invalid = all_rows < 0
    keys_score = np.where(invalid, np.inf, -all_scores)  # ascending sort: best first, padding last
    keys_row = np.where(invalid, np.iinfo(np.int64).max, all_rows)
    order = np.lexsort((keys_row, keys_score), axis=1)[:, :k]
    return np.take_along_axis(all_scores, order, axis=1), np.take_along_axis(all_rows, order, axis=1)


def _empty(n_queries: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((n_queries, k), -np.inf, dtype=np.float32), np.full((n_queries, k), -1, dtype=np.int64)


def exact_search(
    queries: np.ndarray, blocks: Iterable[tuple[int, np.ndarray]], k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top-k by inner product over all blocks: (scores, global rows), best first, -1 where fewer."""
    queries = np.ascontiguousarray(queries, dtype=np.float32)
    scores, rows = _empty(len(queries), k)
    for first_row, matrix in blocks:
        if len(matrix) == 0:
            continue
        index = faiss.IndexFlatIP(matrix.shape[1])
        index.add(np.ascontiguousarray(matrix, dtype=np.float32))
        found_scores, found = index.search(queries, min(k, len(matrix)))
        found = np.where(found >= 0, found.astype(np.int64) + first_row, -1)
        scores, rows = merge_top_k(scores, rows, found_scores, found, k)
    return scores, rows


def _sample(blocks: Blocks, wanted: int, total: int) -> np.ndarray:
    """An evenly spread training sample of `wanted` rows (IVF)."""
    step = max(1, total // wanted)
    parts = [matrix[(-first) % step :: step] for first, matrix in blocks()]
    return np.ascontiguousarray(np.concatenate(parts)[:wanted], dtype=np.float32)


def build_index(spec: SearchSpec, blocks: Blocks, dim: int, total: int) -> faiss.Index:
    """An IVF-Flat or HNSW-Flat inner-product index over every row (all in memory)."""
    if spec.index == "hnsw":
        index = faiss.IndexHNSWFlat(dim, spec.hnsw_m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = spec.ef_search
    elif spec.index == "ivf":
        nlist = max(1, min(spec.nlist, total // IVF_MIN_POINTS_PER_LIST))
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(_sample(blocks, min(total, nlist * 64), total))
        index.nprobe = min(spec.nprobe, nlist)
    else:
        raise ValueError(f"not an approximate index: {spec.index}")
    for _, matrix in blocks():
        index.add(np.ascontiguousarray(matrix, dtype=np.float32))
    return index


def index_search(index: faiss.Index, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k of an approximate index, in the same layout as exact_search."""
    scores, rows = index.search(np.ascontiguousarray(queries, dtype=np.float32), k)
    rows = rows.astype(np.int64)
    return np.where(rows >= 0, scores, -np.inf).astype(np.float32), rows


def overlap_at_k(approx_rows: np.ndarray, exact_rows: np.ndarray) -> np.ndarray:
    """Per query: share of the exact top-k rows that the approximate top-k also returns."""
    out = np.zeros(len(exact_rows), dtype=np.float32)
    for i, (approx, exact) in enumerate(zip(approx_rows, exact_rows, strict=True)):
        wanted = exact[exact >= 0]
        out[i] = len(np.intersect1d(approx[approx >= 0], wanted)) / len(wanted) if len(wanted) else 1.0
    return out
