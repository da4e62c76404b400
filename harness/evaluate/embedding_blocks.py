"""Corpus embeddings stored on disk in fixed-size blocks, encoded by streaming the corpus, resumable per block.

Layout under `<embedding cache>/corpus/<key>/` (key = sha256 of model and corpus fingerprints and
the block size): `block-00000.npy` (float32 rows), `block-00000.ids.npy` (docids), and
`block-00000.json` (row count, sha256 of both files) written last, so a block counts as done only
when all three are there and agree. A block being encoded keeps a checkpoint every minute in
`block-00000.partial/` (harness.evaluate.checkpointed_encode), so a killed run loses at most about
a minute of encoding, however large the block; blocks are fixed by global passage order, so any
machine can encode any subset of them (`part`) and the folders can be merged before searching.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.atomic import atomic_write_bytes
from harness.data.corpus import Corpus, duplicate_ids
from harness.errors import HarnessError
from harness.evaluate.checkpointed_encode import clear_checkpoints, encode_with_checkpoints
from harness.evaluate.progress import NullProgress, Progress
from harness.models.base import Encoder
from harness.paths import embedding_cache_dir

MANIFEST = "manifest.json"


def _npy_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


@dataclass(frozen=True)
class Part:
    """Encode only blocks with index % count == index_mod (spreading one corpus over machines)."""

    index: int
    count: int

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise HarnessError(f"encode part {self.index}/{self.count}: need 0 <= part < count")

    def owns(self, block: int) -> bool:
        return block % self.count == self.index


class CorpusEmbeddings:
    """The block store of one (model, corpus, block size)."""

    def __init__(self, encoder: Encoder, corpus: Corpus, block_passages: int, root: Path | None = None) -> None:
        self.encoder, self.corpus, self.block_passages = encoder, corpus, block_passages
        key = hashlib.sha256(f"{encoder.fingerprint}\n{corpus.fingerprint}\n{block_passages}".encode()).hexdigest()
        self.folder = (root or embedding_cache_dir() / "corpus") / key[:2] / key

    def _paths(self, block: int) -> tuple[Path, Path, Path]:
        stem = self.folder / f"block-{block:05d}"
        return stem.with_suffix(".npy"), Path(f"{stem}.ids.npy"), stem.with_suffix(".json")

    def checkpoint_dir(self, block: int) -> Path:
        """Checkpoints of a block being encoded (removed once the block is saved)."""
        return self.folder / f"block-{block:05d}.partial"

    def _header(self, block: int) -> dict | None:
        try:
            header = json.loads(self._paths(block)[2].read_text())
        except (OSError, ValueError):
            return None
        return header if isinstance(header, dict) else None

    def is_done(self, block: int) -> bool:
        """A header exists and both files have the sizes it records (checksums are checked on read)."""
        header = self._header(block)
        if header is None:
            return False
        emb, ids, _ = self._paths(block)
        try:
            return emb.stat().st_size == header["emb_bytes"] and ids.stat().st_size == header["ids_bytes"]
        except (OSError, KeyError):
            return False

    def _save(self, block: int, first_row: int, ids: list[str], matrix: np.ndarray) -> None:
        emb_raw = _npy_bytes(np.ascontiguousarray(matrix, dtype=np.float32))
        ids_raw = _npy_bytes(np.array(ids, dtype=np.str_))
        emb, ids_path, header = self._paths(block)
        atomic_write_bytes(ids_path, ids_raw)
        atomic_write_bytes(emb, emb_raw)
        meta = {
            "block": block,
            "first_row": first_row,
            "rows": len(ids),
            "dim": int(matrix.shape[1]),
            "emb_bytes": len(emb_raw),
            "ids_bytes": len(ids_raw),
            "emb_sha256": hashlib.sha256(emb_raw).hexdigest(),
            "ids_sha256": hashlib.sha256(ids_raw).hexdigest(),
            "model_fingerprint": self.encoder.fingerprint,
            "corpus": self.corpus.name,
        }
        atomic_write_bytes(header, json.dumps(meta, indent=1).encode())

    def encode(
        self,
        batch_size: int = 64,
        progress: Progress | None = None,
        stats: dict | None = None,
        part: Part | None = None,
    ) -> int:
        """Encode every block that is not done yet (of this `part`); returns the number of blocks encoded.

        The corpus is streamed once; finished blocks are skipped without encoding. Without `part`, a
        manifest with the block count and a duplicate-id check closes the store.
        """
        progress = progress or NullProgress()
        stats = stats if stats is not None else {}
        handle = progress.start(f"encode corpus {self.corpus.name}", self.corpus.size() or 0)
        encoded = block = row = 0
        ids: list[str] = []
        texts: list[str] = []

        def flush() -> None:
            nonlocal encoded
            if (part is None or part.owns(block)) and not self.is_done(block):
                start = time.perf_counter()
                checkpoints = self.checkpoint_dir(block)
                matrix, resumed = encode_with_checkpoints(
                    self.encoder, texts, "passage", batch_size, checkpoints, lambda n: progress.advance(handle, n)
                )
                self._save(block, row - len(ids), ids, matrix)
                clear_checkpoints(checkpoints)
                stats["encoded_texts"] = stats.get("encoded_texts", 0) + len(texts) - resumed
                stats["cached_texts"] = stats.get("cached_texts", 0) + resumed
                stats["encode_seconds"] = stats.get("encode_seconds", 0.0) + time.perf_counter() - start
                encoded += 1
            else:
                stats["cached_texts"] = stats.get("cached_texts", 0) + len(texts)
                progress.advance(handle, len(texts))

        for docid, text, _ in self.corpus.passages():
            ids.append(docid)
            texts.append(text)
            row += 1
            if len(ids) == self.block_passages:
                flush()
                block, ids, texts = block + 1, [], []
        if ids:
            flush()
            block += 1
        progress.finish(handle)
        if row == 0:
            raise HarnessError(f"corpus {self.corpus.name}: no passages")
        if part is None:
            self._close(block, row)
        return encoded

    def _close(self, blocks: int, rows: int) -> None:
        """Write the manifest once every block is there and the docids are unique."""
        manifest = self.manifest()
        if manifest is not None and manifest.get("blocks") == blocks:
            return
        missing = [b for b in range(blocks) if not self.is_done(b)]
        if missing:
            raise HarnessError(f"corpus {self.corpus.name}: embedding blocks {missing[:5]} missing in {self.folder}")
        ids = [str(i) for b in range(blocks) for i in self.block_ids(b)]
        dupes = duplicate_ids(ids)
        if dupes:
            raise HarnessError(f"corpus {self.corpus.name}: {len(dupes)} duplicate passage id(s), e.g. {dupes[:3]}")
        atomic_write_bytes(
            self.folder / MANIFEST, json.dumps({"blocks": blocks, "rows": rows, "dim": self.encoder.dim}).encode()
        )

    def manifest(self) -> dict | None:
        try:
            return json.loads((self.folder / MANIFEST).read_text())
        except (OSError, ValueError):
            return None

    def _read(self, path: Path, expected: str) -> np.ndarray:
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != expected:
            raise HarnessError(f"{path}: embedding block does not match its header (delete the folder to re-encode)")
        return np.load(io.BytesIO(raw), allow_pickle=False)

    def block_ids(self, block: int) -> np.ndarray:
        header = self._header(block)
        if header is None:
            raise HarnessError(f"{self.folder}: embedding block {block} missing")
        return self._read(self._paths(block)[1], header["ids_sha256"])

    def block_embeddings(self, block: int) -> np.ndarray:
        header = self._header(block)
        if header is None:
            raise HarnessError(f"{self.folder}: embedding block {block} missing")
        return self._read(self._paths(block)[0], header["emb_sha256"])

    def blocks(self) -> int:
        """Number of blocks of the finished store."""
        manifest = self.manifest()
        if manifest is None:
            raise HarnessError(f"corpus {self.corpus.name}: embeddings not finished in {self.folder}")
        return int(manifest["blocks"])

    def ids_at(self, rows: np.ndarray) -> np.ndarray:
        """Docids of global rows (any shape; -1 = no result gives '')."""
        flat = rows.ravel()
        out = np.full(flat.shape, "", dtype=object)
        for block in np.unique(flat[flat >= 0] // self.block_passages):
            ids = self.block_ids(int(block))
            mask = (flat >= 0) & (flat // self.block_passages == block)
            out[mask] = ids[flat[mask] - block * self.block_passages]
        return out.reshape(rows.shape)
