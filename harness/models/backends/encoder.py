"""A sentence-transformers model run by any backend, batched by token length under a token budget."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from harness.errors import HarnessError
from harness.models.backends.backend_spec import DEFAULT_BACKEND, EXPORTS, BackendInfo, backend_info
from harness.models.backends.runners import Feeds, Runner
from harness.models.base import Encoder, TextKind
from harness.models.batching import token_budget_batches
from harness.models.identity import backend_fingerprint, version
from harness.models.loaders import load_callable

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from harness.models.model_spec import Prefixes

CALIBRATION_BATCH = 8
# (fingerprint of the calibration texts, the texts with their prefixes applied)
Calibration = tuple[str, list[str]]


class SentenceTransformerEncoder(Encoder):
    """A loaded SentenceTransformer and the backend running it; prefixes prepended, rows L2-normalised.

    The torch model (float32) stays available as `sentence_transformer` (what training fine-tunes);
    `fingerprint` names the weights, prefixes and, for any backend but torch fp32, the backend, its
    precision and the export (library versions and calibration texts included).
    """

    def __init__(
        self,
        name: str,
        model: SentenceTransformer,
        fingerprint: str,
        prefixes: Prefixes | None,
        backend: str = DEFAULT_BACKEND,
        calibration: Calibration | None = None,
        on_build: Callable[[str], None] | None = None,
    ) -> None:
        self.name = name
        self._model = model
        self._prefixes = (prefixes.query, prefixes.passage) if prefixes is not None else ("", "")
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.info: BackendInfo = backend_info(backend)
        self.token_budget = self.info.token_budget
        self._weights = fingerprint
        self._export: dict[str, object] | None = None
        self._runner: Runner = self._make_runner(calibration, on_build)
        # the device type matters: torch on a GPU runs autocast, on the cpu it casts the weights
        self._fingerprint = backend_fingerprint(
            fingerprint, backend, model.device.type, calibration[0] if calibration is not None else None
        )

    def _make_runner(self, calibration: Calibration | None, on_build: Callable[[str], None] | None) -> Runner:
        info = self.info
        make_runner = load_callable(info.runner)
        if info.export is None:
            return make_runner(self._model, None, info.precision)
        if str(self._model.device) != "cpu":
            raise HarnessError(f"model {self.name!r}: backend {info.name} runs on the cpu; leave out --device")
        if info.calibrated and calibration is None:
            raise HarnessError(f"model {self.name!r}: backend {info.name} needs calibration texts")
        from harness.models.backends.export import INFO_FILE, ensure_export

        batches = None
        if calibration is not None and info.calibrated:  # tokenised only if the export is built
            texts = calibration[1]
            batches = (calibration[0], lambda: [self.feeds(chunk) for chunk in _chunks(texts, CALIBRATION_BATCH)])
        folder = ensure_export(self._model, self._weights, info, batches, on_build)
        self._export = {"key": folder.name, **json.loads((folder / INFO_FILE).read_text())}
        return make_runner(self._model, folder / EXPORTS[info.export].graph, info.precision)

    @property
    def fingerprint(self) -> str:
        return self._fingerprint

    @property
    def sentence_transformer(self) -> SentenceTransformer:
        """The underlying torch model (what training fine-tunes; float32 unless a torch backend cast it)."""
        return self._model

    @property
    def backend(self) -> dict[str, object]:
        """Backend, precision, what its runtime reports, the export and the token budget (for provenance)."""
        record: dict[str, object] = {
            "name": self.info.name,
            "precision": self.info.precision,
            "runtime": f"{self.info.runtime} {version(self.info.runtime)}",
            "reported": self._runner.report(),
            "token_budget": self.token_budget,
        }
        if self._export is not None:
            record["export"] = {"key": self._export["key"], "calibration": self._export.get("calibration")}
        return record

    def _prefixed(self, texts: Sequence[str], kind: TextKind) -> list[str]:
        prefix = {"query": self._prefixes[0], "passage": self._prefixes[1]}.get(kind, "")
        return [prefix + text for text in texts]

    def token_lengths(self, texts: Sequence[str], kind: TextKind) -> list[int]:
        """Tokens per text after prefixing and truncation (what a batch pads to)."""
        tokenizer = self._model.tokenizer
        ids = tokenizer(self._prefixed(texts, kind), truncation=True, max_length=self._model.max_seq_length)
        return [len(row) for row in ids["input_ids"]]

    def plan(self, texts: Sequence[str], kind: TextKind, batch_size: int) -> list[np.ndarray]:
        """Whole set sorted by token length once, cut by the backend's token budget (at most batch_size texts)."""
        return token_budget_batches(self.token_lengths(texts, kind), self.token_budget, batch_size)

    def feeds(self, texts: Sequence[str]) -> Feeds:
        """Padded int64 input_ids and attention_mask of texts already prefixed."""
        batch = self._model.tokenizer(
            list(texts), padding=True, truncation=True, max_length=self._model.max_seq_length, return_tensors="np"
        )
        return {
            "input_ids": batch["input_ids"].astype(np.int64),
            "attention_mask": batch["attention_mask"].astype(np.int64),
        }

    def encode(self, texts: Sequence[str], kind: TextKind) -> np.ndarray:
        """L2-normalised float32 rows, shape (len(texts), dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = self._runner.run(self.feeds(self._prefixed(texts, kind)))
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        out = out / np.maximum(norms, 1e-12)
        return np.ascontiguousarray(out, dtype=np.float32).reshape(len(texts), self.dim)


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]
