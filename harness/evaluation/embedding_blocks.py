"""Corpus embeddings stored on disk in fixed-size blocks, encoded by streaming the corpus, resumable per block.

Layout under `<embedding cache>/corpus/<key>/` (key = sha256 of model and corpus fingerprints and
the block size): `block-00000.npy` (float32 rows), `block-00000.ids.npy` (docids), and
`block-00000.json` (row count, sha256 of both files) written last, so a block counts as done only
when all three are there and agree. A block being encoded keeps a checkpoint every minute in
`block-00000.partial/` (harness.evaluation.checkpointed_encode), so a killed run loses at most about
a minute of encoding, however large the block; blocks are fixed by global passage order, so any
process can encode any of them (harness.cluster.corpus_encoding: Ray Data actors) into the same files.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.atomic import atomic_write_bytes
from harness.data.corpus import Corpus, duplicate_ids
from harness.errors import HarnessError
from harness.evaluation.checkpointed_encode import clear_checkpoints, encode_with_checkpoints
from harness.evaluation.progress import NullProgress, Progress
from harness.models.base import Encoder
from harness.paths import embedding_cache_dir

MANIFEST = "manifest.json"


def npy_bytes(array: np.ndarray) -> bytes:
    """The .npy file of an array, in memory (no pickles)."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


@dataclass(frozen=True)
class CorpusBlock:
    """One block of the corpus in global passage order: its index, first row, docids and texts."""

    index: int
    first_row: int
    ids: list[str]
    texts: list[str]


class CorpusEmbeddings:
    """The block store of one (model, corpus, block size).

    Encoding is in three steps that any process can take: `corpus_blocks` streams the corpus as blocks,
    `embed_block` encodes one (with checkpoints), `save_block` stores it; `close` writes the manifest once
    every block is there. `encode` takes them all in this process; harness.cluster.corpus_encoding spreads
    the middle one over Ray Data actors.
    """

    def __init__(self, encoder: Encoder | None, corpus: Corpus, block_passages: int, root: Path | None = None) -> None:
        self.encoder, self.corpus, self.block_passages = encoder, corpus, block_passages
        self.fingerprint = encoder.fingerprint if encoder is not None else ""
        self.root = root or embedding_cache_dir() / "corpus"
        self.folder = self._folder()

    @classmethod
    def of_fingerprint(
        cls, fingerprint: str, corpus: Corpus, block_passages: int, root: Path | None = None
    ) -> CorpusEmbeddings:
        """The store of a model known by its fingerprint (a driver that never loads the model)."""
        store = cls(None, corpus, block_passages, root)
        store.fingerprint = fingerprint
        store.folder = store._folder()
        return store

    def _folder(self) -> Path:
        key = hashlib.sha256(f"{self.fingerprint}\n{self.corpus.fingerprint}\n{self.block_passages}".encode())
        return self.root / key.hexdigest()[:2] / key.hexdigest()

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

    def corpus_blocks(self) -> Iterator[CorpusBlock]:
        """Every block of the corpus, streamed once; a corpus without passages is a one-line error."""
        ids: list[str] = []
        texts: list[str] = []
        block = row = 0
        for docid, text, _ in self.corpus.passages():
            ids.append(docid)
            texts.append(text)
            row += 1
            if len(ids) == self.block_passages:
                yield CorpusBlock(block, row - len(ids), ids, texts)
                block, ids, texts = block + 1, [], []
        if ids:
            yield CorpusBlock(block, row - len(ids), ids, texts)
        if row == 0:
            raise HarnessError(f"corpus {self.corpus.name}: no passages")

    def embed_block(
        self, encoder: Encoder, block: CorpusBlock, batch_size: int, on_batch: Callable[[int], None] | None = None
    ) -> tuple[np.ndarray, int]:
        """(embeddings of one block's texts, rows resumed from its checkpoints)."""
        return encode_with_checkpoints(
            encoder, block.texts, "passage", batch_size, self.checkpoint_dir(block.index), on_batch
        )

    def save_block(self, block: CorpusBlock, matrix: np.ndarray) -> None:
        """Store one encoded block (ids, embeddings, then the header that marks it done); drop its checkpoints."""
        emb_raw = npy_bytes(np.ascontiguousarray(matrix, dtype=np.float32))
        ids_raw = npy_bytes(np.array(block.ids, dtype=np.str_))
        emb, ids_path, header = self._paths(block.index)
        atomic_write_bytes(ids_path, ids_raw)
        atomic_write_bytes(emb, emb_raw)
        meta = {
            "block": block.index,
            "first_row": block.first_row,
            "rows": len(block.ids),
            "dim": int(matrix.shape[1]),
            "emb_bytes": len(emb_raw),
            "ids_bytes": len(ids_raw),
            "emb_sha256": hashlib.sha256(emb_raw).hexdigest(),
            "ids_sha256": hashlib.sha256(ids_raw).hexdigest(),
            "model_fingerprint": self.fingerprint,
            "corpus": self.corpus.name,
        }
        atomic_write_bytes(header, json.dumps(meta, indent=1).encode())
        clear_checkpoints(self.checkpoint_dir(block.index))

    def encode(self, batch_size: int = 64, progress: Progress | None = None, stats: dict | None = None) -> int:
        """Encode every block that is not done yet in this process, then close the store; blocks encoded.

        The corpus is streamed once; finished blocks are skipped without encoding.
        """
        if self.encoder is None:
            raise ValueError("a store made from a fingerprint has no encoder")
        progress = progress or NullProgress()
        stats = stats if stats is not None else {}
        handle = progress.start(f"encode corpus {self.corpus.name}", self.corpus.size() or 0)
        encoded = blocks = rows = 0
        for block in self.corpus_blocks():
            blocks, rows = block.index + 1, block.first_row + len(block.ids)
            if self.is_done(block.index):
                stats["cached_texts"] = stats.get("cached_texts", 0) + len(block.texts)
                progress.advance(handle, len(block.texts))
                continue
            start = time.perf_counter()
            matrix, resumed = self.embed_block(self.encoder, block, batch_size, lambda n: progress.advance(handle, n))
            self.save_block(block, matrix)
            stats["encoded_texts"] = stats.get("encoded_texts", 0) + len(block.texts) - resumed
            stats["cached_texts"] = stats.get("cached_texts", 0) + resumed
            stats["encode_seconds"] = stats.get("encode_seconds", 0.0) + time.perf_counter() - start
            encoded += 1
        progress.finish(handle)
        self.close(blocks, rows)
        return encoded

    def close(self, blocks: int, rows: int) -> None:
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
            self.folder / MANIFEST, json.dumps({"blocks": blocks, "rows": rows, "dim": self._header(0)["dim"]}).encode()
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
