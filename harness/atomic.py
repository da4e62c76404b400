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


@contextmanager
def staged_dir(dest: Path) -> Iterator[Path]:
    """A fresh temporary folder next to `dest`, renamed onto it when the block succeeds.

    `dest` must not exist yet (finished folders are immutable, e.g. keyed by a fingerprint); a
    failed or interrupted block leaves no trace.
    """
    import shutil

    tmp = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.part"
    try:
        tmp.mkdir(parents=True)
    except OSError as exc:
        raise HarnessError(f"{dest.parent}: cannot write ({exc.strerror or exc})") from None
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
