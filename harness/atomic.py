"""Atomic file writes: a temp file beside the target, fsync, then rename over it."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.errors import HarnessError


@contextmanager
def staged_file(dest: Path) -> Iterator[Path]:
    """A fresh temporary file next to `dest`, synced and moved onto it when the block succeeds.

    On any exception (or interrupt) the temporary file is removed and `dest` is left untouched,
    so readers see the old file or the whole new one, never a part.
    """
    tmp = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.part"
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp.open("xb").close()
    except OSError as exc:
        raise HarnessError(f"{dest.parent}: cannot write ({exc.strerror or exc})") from None
    try:
        yield tmp
        with tmp.open("rb") as handle:  # durable before it becomes visible
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically."""
    with staged_file(path) as tmp:
        tmp.write_bytes(data)


def atomic_write_text(path: Path, text: str) -> None:
    """Text (UTF-8) version of atomic_write_bytes."""
    atomic_write_bytes(path, text.encode("utf-8"))
