"""The two kinds of retrieval model the evaluation engine knows: dense encoders and lexical scorers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Literal

import numpy as np

from harness.models.batching import fixed_batches

TextKind = Literal["query", "passage", "text"]  # "text": a symmetric task's sentence, encoded without a prefix


class Encoder(ABC):
    """A dense encoder: texts in, L2-normalised float32 rows out (cosine = dot product)."""

    name: str
    dim: int

    @property
    @abstractmethod
    def fingerprint(self) -> str:
        """Identifies the exact weights and text processing (prefixes) of this encoder."""

    @abstractmethod
    def encode(self, texts: Sequence[str], kind: TextKind) -> np.ndarray:
        """Encode one batch; the caller does batching and progress. Shape (len(texts), dim)."""

    def plan(self, texts: Sequence[str], kind: TextKind, batch_size: int) -> list[np.ndarray]:
        """The batches (row indices) to encode `texts` in: consecutive chunks unless the encoder knows better
        (the backend encoders sort by token length and cut by a token budget)."""
        return fixed_batches(len(texts), batch_size)

    @property
    def backend(self) -> dict[str, object]:
        """The inference backend and precision, as recorded in results (default: the model's own engine)."""
        return {"name": "native"}


class LexicalIndex(ABC):
    """A lexical index over one candidate pool."""

    @abstractmethod
    def scores(self, queries: Sequence[str], query_lang: str) -> np.ndarray:
        """Scores of every pooled document for each query, shape (len(queries), pool size)."""


class LexicalScorer(ABC):
    """A lexical model (e.g. BM25): indexes a pool, scores queries against it."""

    name: str

    @property
    @abstractmethod
    def fingerprint(self) -> str:
        """Identifies the scoring function, its parameters and tokenizers."""

    @abstractmethod
    def index(self, docs: Sequence[str], langs: Sequence[str]) -> LexicalIndex:
        """Index a pool whose i-th document is in language langs[i]."""


Model = Encoder | LexicalScorer
