"""A small deterministic encoder for engine tests: real arithmetic on character trigrams, no model."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np

from harness.models.base import Encoder, TextKind


class TrigramEncoder(Encoder):
    """Seeded random projection of hashed character-trigram counts, rows L2-normalised."""

    name = "test-trigram"
    dim = 24
    buckets = 256

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        self.projection = np.random.default_rng(seed).standard_normal((self.buckets, self.dim))

    @property
    def fingerprint(self) -> str:
        return f"test-trigram/seed={self.seed}/dim={self.dim}/buckets={self.buckets}"

    def encode(self, texts: Sequence[str], kind: TextKind) -> np.ndarray:
        counts = np.zeros((len(texts), self.buckets))
        for row, text in enumerate(texts):
            padded = f"  {'query: ' if kind == 'query' else ''}{text.lower()} "
            for i in range(len(padded) - 2):
                counts[row, zlib.crc32(padded[i : i + 3].encode()) % self.buckets] += 1
        vectors = counts @ self.projection
        return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
