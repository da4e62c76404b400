"""On-disk embedding cache: one .npy matrix + a JSON header per (model, text set), never pickle."""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.atomic import atomic_write_bytes
from harness.paths import embedding_cache_dir


@dataclass(frozen=True)
class EmbeddingCache:
    """Embeddings keyed by sha256(model fingerprint, text-set fingerprint)."""

    root: Path

    @classmethod
    def default(cls) -> EmbeddingCache:
        return cls(embedding_cache_dir())

    @staticmethod
    def key(model_fingerprint: str, textset_fingerprint: str) -> str:
        return hashlib.sha256(f"{model_fingerprint}\n{textset_fingerprint}".encode()).hexdigest()

    def _paths(self, key: str) -> tuple[Path, Path]:
        folder = self.root / key[:2]
        return folder / f"{key}.npy", folder / f"{key}.json"

    def checkpoint_dir(self, key: str) -> Path:
        """Where an unfinished encoding of `key` keeps its checkpoints (harness.evaluation.checkpointed_encode)."""
        return self.root / "partial" / key

    def load(self, key: str, rows: int) -> np.ndarray | None:
        """The cached matrix, or None when absent, corrupt or not the expected shape."""
        matrix_path, header_path = self._paths(key)
        try:
            header = json.loads(header_path.read_text())
            raw = matrix_path.read_bytes()
        except (OSError, ValueError):
            return None
        if header.get("key") != key or hashlib.sha256(raw).hexdigest() != header.get("sha256"):
            return None
        try:
            matrix = np.load(io.BytesIO(raw), allow_pickle=False)
        except (OSError, ValueError):
            return None
        if matrix.dtype != np.float32 or matrix.ndim != 2 or matrix.shape[0] != rows:
            return None
        return matrix

    def save(self, key: str, matrix: np.ndarray, meta: dict[str, object]) -> None:
        """Write the matrix, then its header (the header's checksum makes the pair valid)."""
        matrix_path, header_path = self._paths(key)
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(matrix, dtype=np.float32), allow_pickle=False)
        raw = buffer.getvalue()
        atomic_write_bytes(matrix_path, raw)
        header = {"key": key, "sha256": hashlib.sha256(raw).hexdigest(), "shape": list(matrix.shape), **meta}
        atomic_write_bytes(header_path, json.dumps(header, indent=1).encode())
