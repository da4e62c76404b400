"""Encode a list of texts in batches, saving what is done every minute so a killed run resumes mid-way.

Every `checkpoint_seconds()` of encoding, the batches finished since the last checkpoint are written
as one chunk file `rows-<start>-<end>.npy` (atomically) into a folder of their own; a rerun loads
the chunks that continue each other from row 0 and encodes only the rest, with the same batch
boundaries, so the final matrix is the one an uninterrupted run computes. The caller stores the
finished matrix and then removes the folder. A kill -9 loses at most one checkpoint interval plus
one batch of work, whatever the size of the text list.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from harness.atomic import atomic_write_bytes
from harness.models.base import Encoder, TextKind

CHECKPOINT_ENV = "HARNESS_CHECKPOINT_SECONDS"
DEFAULT_CHECKPOINT_SECONDS = 60.0
_CHUNK = re.compile(r"rows-(\d{9})-(\d{9})\.npy")


def checkpoint_seconds() -> float:
    """Seconds of encoding between checkpoints (HARNESS_CHECKPOINT_SECONDS, default 60)."""
    raw = os.environ.get(CHECKPOINT_ENV)
    try:
        return float(raw) if raw else DEFAULT_CHECKPOINT_SECONDS
    except ValueError:
        return DEFAULT_CHECKPOINT_SECONDS


def _chunk_name(start: int, end: int) -> str:
    return f"rows-{start:09d}-{end:09d}.npy"


def resumed_rows(folder: Path, rows: int, dim: int) -> list[np.ndarray]:
    """The chunks that continue each other from row 0 (a damaged or foreign chunk ends the run of them)."""
    chunks: dict[int, tuple[int, Path]] = {}
    if folder.is_dir():
        for path in folder.iterdir():
            match = _CHUNK.fullmatch(path.name)
            if match:
                chunks[int(match.group(1))] = (int(match.group(2)), path)
    parts, done = [], 0
    while done in chunks:
        end, path = chunks[done]
        try:
            matrix = np.load(io.BytesIO(path.read_bytes()), allow_pickle=False)
        except (OSError, ValueError):
            break
        if end > rows or matrix.dtype != np.float32 or matrix.shape != (end - done, dim):
            break
        parts.append(matrix)
        done = end
    return parts


def encode_with_checkpoints(
    encoder: Encoder,
    texts: Sequence[str],
    kind: TextKind,
    batch_size: int,
    folder: Path,
    on_batch: Callable[[int], None] | None = None,
) -> tuple[np.ndarray, int]:
    """(embeddings of every text, how many rows were resumed from checkpoints); `on_batch(n)` per batch.

    Batches follow the encoder's plan (e.g. sorted by token length); chunks hold rows in plan
    order inside a subfolder named by the plan's digest, so a resume under another plan (other
    budget, other tokenizer) starts afresh instead of mixing orders.
    """
    batches = encoder.plan(texts, kind, batch_size)
    order = np.concatenate(batches) if batches else np.zeros(0, np.int64)
    sizes = np.asarray([len(rows) for rows in batches], np.int64)
    plan_digest = hashlib.sha256(np.asarray(order, np.int64).tobytes() + b"|" + sizes.tobytes()).hexdigest()
    folder = folder / f"plan-{plan_digest[:16]}"  # rows and batch boundaries: both must match to resume
    parts = resumed_rows(folder, len(texts), encoder.dim)
    resumed = sum(len(p) for p in parts)
    if on_batch is not None and resumed:
        on_batch(resumed)
    pending: list[np.ndarray] = []
    pending_start, last_save = resumed, time.monotonic()
    interval = checkpoint_seconds()
    end = 0
    for rows in batches:
        end += len(rows)
        if end <= resumed:
            continue
        batch = [texts[i] for i in rows]
        pending.append(np.asarray(encoder.encode(batch, kind), dtype=np.float32).reshape(len(batch), encoder.dim))
        if on_batch is not None:
            on_batch(len(batch))
        if time.monotonic() - last_save >= interval and end < len(texts):
            chunk = np.concatenate(pending)
            buffer = io.BytesIO()
            np.save(buffer, chunk, allow_pickle=False)
            atomic_write_bytes(folder / _chunk_name(pending_start, end), buffer.getvalue())
            parts.append(chunk)
            pending, pending_start, last_save = [], end, time.monotonic()
    parts.extend(pending)
    in_plan_order = np.concatenate(parts) if parts else np.zeros((0, encoder.dim), np.float32)
    matrix = np.empty_like(in_plan_order)
    matrix[order] = in_plan_order
    return matrix, resumed


def clear_checkpoints(folder: Path) -> None:
    """Remove a finished encoding's checkpoints."""
    shutil.rmtree(folder, ignore_errors=True)
