"""Any object with a sentence-transformers-compatible `encode(texts, ...)` as an encoder (the Python API).

Its fingerprint names its weights when it is a torch module (sha256 over every parameter and buffer, in
name order) and otherwise what it computes: the sha256 of its embeddings of fixed probe texts, rounded to
4 decimals. Either way a stored result is reused only for the same model and prefixes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from harness.data.checksum import sha256_json
from harness.errors import HarnessError
from harness.models.base import Encoder, TextKind
from harness.models.model_spec import Prefixes

PROBES = (
    "query: how many people live in Nairobi?",
    "passage: Die Stadt hat etwa vier Millionen Einwohner.",
    "東京は日本の首都です。",
    "Ποια είναι η πρωτεύουσα της Ελλάδας;",
)


class ObjectEncoder(Encoder):
    """`model.encode(texts)` with prefixes by text kind; rows L2-normalised float32."""

    def __init__(self, name: str, model: Any, prefixes: Prefixes | None = None, batch_size: int = 64) -> None:
        if not callable(getattr(model, "encode", None)):
            raise HarnessError(f"model {name!r}: {type(model).__name__} has no encode(texts) method")
        self.name, self._model, self._batch_size = name, model, batch_size
        self._prefixes = prefixes or Prefixes()
        self.dim = int(self._encode(["dimension probe"]).shape[1])
        self._fingerprint: str | None = None

    def _encode(self, texts: list[str]) -> np.ndarray:
        try:
            out = self._model.encode(texts, batch_size=self._batch_size, show_progress_bar=False)
        except TypeError:  # an encode that takes the texts only
            out = self._model.encode(texts)
        if hasattr(out, "detach"):  # a torch tensor
            out = out.detach().float().cpu().numpy()
        rows = np.asarray(out, dtype=np.float32).reshape(len(texts), -1)
        return rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            self._fingerprint = sha256_json(
                {"loader": "object", "model": self._identity(), "prefixes": self._prefixes.model_dump()}
            )
        return self._fingerprint

    def _identity(self) -> dict[str, str]:
        state = getattr(self._model, "state_dict", None)
        if callable(state):
            digest = hashlib.sha256()
            for key, tensor in sorted(state().items()):
                digest.update(key.encode())
                tensor = tensor.detach().cpu().contiguous()
                try:
                    digest.update(tensor.numpy().tobytes())
                except TypeError:  # bfloat16 has no numpy type; float32 holds it exactly
                    digest.update(tensor.float().numpy().tobytes())
            return {"weights": digest.hexdigest()}
        probe = np.round(self._encode(list(PROBES)), 4)
        return {"probe": hashlib.sha256(probe.astype(np.float32).tobytes()).hexdigest()}

    def encode(self, texts: Sequence[str], kind: TextKind) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = {"query": self._prefixes.query, "passage": self._prefixes.passage}.get(kind, "")
        return np.ascontiguousarray(self._encode([prefix + text for text in texts]))
