"""A named list of texts of one kind, de-duplicated for encoding."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from harness.data.checksum import sha256_texts
from harness.models.base import TextKind


@dataclass(frozen=True)
class TextSet:
    """Texts to encode as queries or passages; duplicates are encoded once."""

    key: str
    kind: TextKind
    texts: list[str] = field(repr=False)
    lang: str | None = None

    @cached_property
    def _dedup(self) -> tuple[list[str], np.ndarray]:
        first: dict[str, int] = {}
        inverse = np.empty(len(self.texts), dtype=np.int64)
        for i, text in enumerate(self.texts):
            inverse[i] = first.setdefault(text, len(first))
        return list(first), inverse

    @property
    def unique_texts(self) -> list[str]:
        """Distinct texts in first-seen order."""
        return self._dedup[0]

    @property
    def inverse(self) -> np.ndarray:
        """Row of `unique_texts` for each text: embeddings = unique_embeddings[inverse]."""
        return self._dedup[1]

    @cached_property
    def fingerprint(self) -> str:
        """sha256 of the distinct texts and their kind."""
        return sha256_texts([self.kind, *self.unique_texts])

    def __len__(self) -> int:
        return len(self.texts)
