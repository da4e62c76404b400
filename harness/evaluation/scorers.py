"""Score a query set against a pool, for dense encoders (cached embeddings) and lexical models."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

import numpy as np

from harness.evaluation.checkpointed_encode import clear_checkpoints, encode_with_checkpoints
from harness.evaluation.embedding_cache import EmbeddingCache
from harness.evaluation.progress import NullProgress, Progress
from harness.evaluation.textset import TextSet
from harness.models.base import Encoder, LexicalIndex, LexicalScorer, Model

MAX_BLOCK_CELLS = 1 << 24  # query block x pool cells per score matrix (64 MiB of float32)


def block_rows(pool_size: int) -> int:
    """Queries per score block, bounding memory whatever the pool size."""
    return max(1, MAX_BLOCK_CELLS // max(pool_size, 1))


class DenseScorer:
    """Encodes each distinct text once (disk cache + memory), scores by chunked matrix products."""

    def __init__(
        self,
        encoder: Encoder,
        batch_size: int = 64,
        cache: EmbeddingCache | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.encoder = encoder
        self.batch_size = batch_size
        self.cache = cache or EmbeddingCache.default()
        self.progress = progress or NullProgress()
        self._memory: dict[str, np.ndarray] = {}
        self._pools: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._rows: dict[tuple[str, str], np.ndarray] = {}  # (kind, text) -> its embedding, from sets already held
        self.stats = {"encoded_texts": 0, "cached_texts": 0, "encode_seconds": 0.0}

    def _unique_embeddings(self, textset: TextSet) -> np.ndarray:
        key = EmbeddingCache.key(self.encoder.fingerprint, textset.fingerprint)
        if key in self._memory:
            return self._memory[key]
        texts = textset.unique_texts
        if texts and all((textset.kind, t) in self._rows for t in texts):  # a subset of sets already encoded
            matrix = np.stack([self._rows[textset.kind, t] for t in texts])
            self._memory[key] = matrix
            return matrix
        matrix = self.cache.load(key, len(texts))
        if matrix is None:
            matrix = self._encode(texts, textset, key)
            self.cache.save(
                key,
                matrix,
                {"model_fingerprint": self.encoder.fingerprint, "textset": textset.key, "kind": textset.kind},
            )
            clear_checkpoints(self.cache.checkpoint_dir(key))
        else:
            self.stats["cached_texts"] += len(texts)
        self._memory[key] = matrix
        self._rows.update(((textset.kind, t), row) for t, row in zip(texts, matrix, strict=True))
        return matrix

    def _encode(self, texts: Sequence[str], textset: TextSet, key: str) -> np.ndarray:
        start = time.perf_counter()
        handle = self.progress.start(f"encode {textset.key}", len(texts))
        folder = self.cache.checkpoint_dir(key)
        matrix, resumed = encode_with_checkpoints(
            self.encoder, texts, textset.kind, self.batch_size, folder, lambda n: self.progress.advance(handle, n)
        )
        self.progress.finish(handle)
        self.stats["encoded_texts"] += len(texts) - resumed
        self.stats["cached_texts"] += resumed
        self.stats["encode_seconds"] += time.perf_counter() - start
        return matrix

    def prepare(self, textsets: Sequence[TextSet]) -> None:
        """Encode (or load) every text set up front, so scoring never waits on the encoder."""
        for textset in textsets:
            self._unique_embeddings(textset)

    def embeddings(self, textset: TextSet) -> np.ndarray:
        """One row per text of the set (duplicates share their row's values)."""
        return self._unique_embeddings(textset)[textset.inverse]

    def _pool(self, pool: Sequence[TextSet]) -> tuple[np.ndarray, np.ndarray]:
        """Distinct-text embeddings of a pool and each pool position's row in them (memoised per pool)."""
        key = tuple(part.fingerprint for part in pool)
        if key not in self._pools:
            distinct: dict[str, int] = {}
            rows: list[np.ndarray] = []
            columns: list[np.ndarray] = []
            for part in pool:
                unique = self._unique_embeddings(part)
                local = []
                for i, text in enumerate(part.unique_texts):
                    if text not in distinct:
                        distinct[text] = len(distinct)
                        rows.append(unique[i])
                    local.append(distinct[text])
                columns.append(np.asarray(local, dtype=np.int64)[part.inverse])
            matrix = np.stack(rows) if rows else np.zeros((0, self.encoder.dim), np.float32)
            self._pools[key] = (matrix, np.concatenate(columns) if columns else np.zeros(0, np.int64))
        return self._pools[key]

    def score_blocks(self, queries: TextSet, pool: Sequence[TextSet]) -> Iterator[tuple[int, np.ndarray]]:
        """(first query row, scores of a block of queries against the concatenated pool).

        Scores are computed against the pool's distinct texts and then spread to every position,
        so identical candidate texts get bit-identical scores (a matrix product may round the
        same vector differently at different column positions, which would break exact ties).
        """
        pool_matrix, column_index = self._pool(pool)
        query_matrix = self.embeddings(queries)
        step = block_rows(len(column_index))
        for start in range(0, len(query_matrix), step):
            # np.take keeps the block C-contiguous (fancy column indexing returns Fortran order)
            yield start, np.take(query_matrix[start : start + step] @ pool_matrix.T, column_index, axis=1)


class LexicalPoolScorer:
    """Builds one lexical index per pool (statistics such as IDF are the pool's own)."""

    def __init__(self, scorer: LexicalScorer, progress: Progress | None = None) -> None:
        self.scorer = scorer
        self.progress = progress or NullProgress()
        self._indexes: dict[tuple[str, ...], LexicalIndex] = {}
        self.stats = {"indexed_pools": 0, "index_seconds": 0.0}

    def prepare(self, textsets: Sequence[TextSet]) -> None:
        """Nothing to precompute: indexes are built per pool on first use."""

    def _index(self, pool: Sequence[TextSet]) -> LexicalIndex:
        key = tuple(part.key for part in pool)
        if key not in self._indexes:
            start = time.perf_counter()
            docs = [text for part in pool for text in part.texts]
            langs = [part.lang or "" for part in pool for _ in part.texts]
            self._indexes[key] = self.scorer.index(docs, langs)
            self.stats["indexed_pools"] += 1
            self.stats["index_seconds"] += time.perf_counter() - start
        return self._indexes[key]

    def score_blocks(self, queries: TextSet, pool: Sequence[TextSet]) -> Iterator[tuple[int, np.ndarray]]:
        index = self._index(pool)
        step = block_rows(sum(len(part) for part in pool))
        for start in range(0, len(queries), step):
            batch = queries.texts[start : start + step]
            yield start, np.asarray(index.scores(batch, queries.lang or ""), dtype=np.float32)


PoolScorer = DenseScorer | LexicalPoolScorer


def make_pool_scorer(model: Model, batch_size: int, progress: Progress | None = None) -> PoolScorer:
    """The scorer that fits a model: dense for encoders, per-pool indexes for lexical models."""
    if isinstance(model, LexicalScorer):
        return LexicalPoolScorer(model, progress)
    return DenseScorer(model, batch_size=batch_size, progress=progress)
