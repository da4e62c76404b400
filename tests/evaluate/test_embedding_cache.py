"""Embedding cache: exact round trip, and corrupt or mismatched files are detected (then recomputed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from harness.evaluation.embedding_cache import EmbeddingCache


@pytest.fixture
def cache(tmp_path: Path) -> EmbeddingCache:
    return EmbeddingCache(tmp_path)


def _matrix(rows: int = 5) -> np.ndarray:
    return np.random.default_rng(0).standard_normal((rows, 8)).astype(np.float32)


def test_round_trip_is_exact(cache: EmbeddingCache) -> None:
    key = EmbeddingCache.key("model", "texts")
    cache.save(key, _matrix(), {"kind": "query"})
    np.testing.assert_array_equal(cache.load(key, 5), _matrix())


def test_files_are_npy_and_json_never_pickle(cache: EmbeddingCache, tmp_path: Path) -> None:
    key = EmbeddingCache.key("model", "texts")
    cache.save(key, _matrix(), {})
    assert sorted(p.suffix for p in tmp_path.rglob("*") if p.is_file()) == [".json", ".npy"]


def test_key_depends_on_model_and_texts() -> None:
    keys = {EmbeddingCache.key(m, t) for m in ("a", "b") for t in ("x", "y")}
    assert len(keys) == 4


def test_flipped_byte_is_detected(cache: EmbeddingCache, tmp_path: Path) -> None:
    key = EmbeddingCache.key("model", "texts")
    cache.save(key, _matrix(), {})
    npy = next(tmp_path.rglob("*.npy"))
    raw = bytearray(npy.read_bytes())
    raw[-1] ^= 0xFF
    npy.write_bytes(bytes(raw))
    assert cache.load(key, 5) is None


def test_wrong_row_count_is_a_miss(cache: EmbeddingCache) -> None:
    key = EmbeddingCache.key("model", "texts")
    cache.save(key, _matrix(), {})
    assert cache.load(key, 6) is None


def test_missing_header_is_a_miss(cache: EmbeddingCache, tmp_path: Path) -> None:
    key = EmbeddingCache.key("model", "texts")
    cache.save(key, _matrix(), {})
    next(tmp_path.rglob("*.json")).unlink()
    assert cache.load(key, 5) is None


def test_dense_scorer_recomputes_a_corrupt_cache_entry(tmp_path: Path) -> None:
    from trigram_encoder import TrigramEncoder

    from harness.evaluation.scorers import DenseScorer
    from harness.evaluation.textset import TextSet

    texts = TextSet("t/en/passages", "passage", ["one text", "another text", "one text"], "en")
    first = DenseScorer(TrigramEncoder(), cache=EmbeddingCache(tmp_path))
    expected = first.embeddings(texts)
    assert first.stats["encoded_texts"] == 2  # the duplicate is encoded once
    npy = next(tmp_path.rglob("*.npy"))
    npy.write_bytes(npy.read_bytes()[:-4])  # truncated by a crash or a full disk
    second = DenseScorer(TrigramEncoder(), cache=EmbeddingCache(tmp_path))
    np.testing.assert_array_equal(second.embeddings(texts), expected)
    assert second.stats["encoded_texts"] == 2 and second.stats["cached_texts"] == 0
    third = DenseScorer(TrigramEncoder(), cache=EmbeddingCache(tmp_path))
    np.testing.assert_array_equal(third.embeddings(texts), expected)
    assert third.stats["encoded_texts"] == 0  # the rewritten entry is valid again
