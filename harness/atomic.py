"""Atomic file writes: a temp file beside the target, fsync, then rename over it.

Any failure inside a staged write (a full disk, a quota, an I/O error) removes the temporary file
or folder and becomes one HarnessError naming the destination, so nothing half-written is left.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.errors import HarnessError

DISK_FULL_ERRNOS = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded"}
# Writers outside Python (safetensors' Rust, torch's C++) report the OS error only in their message.
_DISK_FULL_TEXT = re.compile(
    rf"No space left on device|Disk quota exceeded|os error ({errno.ENOSPC}|{errno.EDQUOT})\b", re.IGNORECASE
)


def disk_full_reason(exc: BaseException) -> str | None:
    """'disk full' / 'disk quota exceeded' when `exc` (or what caused it) is one, else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in DISK_FULL_ERRNOS:
            return DISK_FULL_ERRNOS[current.errno]
        match = _DISK_FULL_TEXT.search(str(current))
        if match:
            quota = "quota" in match.group(0).lower() or match.group(1) == str(errno.EDQUOT)
            return DISK_FULL_ERRNOS[errno.EDQUOT if quota else errno.ENOSPC]
        current = current.__cause__ or current.__context__
    return None


def write_error(dest: Path, exc: BaseException) -> HarnessError:
    """The one-line error for a failed write of `dest` (nothing of it was kept)."""
    full = disk_full_reason(exc)
    if full is not None:
        return HarnessError(f"{dest}: cannot write ({full}); nothing was written: free space and rerun")
    text = str(exc).strip().splitlines()
    reason = (exc.strerror if isinstance(exc, OSError) else None) or (text[0] if text else type(exc).__name__)
    return HarnessError(f"{dest}: cannot write ({reason})")


def _stage_error(dest: Path, exc: BaseException) -> HarnessError | None:
    """The HarnessError a failure inside a staged block becomes, or None to let it through."""
    if isinstance(exc, OSError) or disk_full_reason(exc) is not None:
        return write_error(dest, exc)
    return None


@contextmanager
def staged_file(dest: Path) -> Iterator[Path]:
    """A fresh temporary file next to `dest`, synced and moved onto it when the block succeeds.

    On any exception (or interrupt) the temporary file is removed and `dest` is left untouched,
    so readers see the old file or the whole new one, never a part. An OSError (or a disk-full
    error of a non-Python writer) becomes a HarnessError naming `dest`.
    """
    tmp = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.part"
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp.open("xb").close()
    except OSError as exc:
        raise write_error(dest.parent, exc) from None
    try:
        yield tmp
        with tmp.open("rb") as handle:  # durable before it becomes visible
            os.fsync(handle.fileno())
        os.replace(tmp, dest)
    except Exception as exc:
        error = _stage_error(dest, exc)
        if error is None:
            raise
        raise error from None
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
    failed or interrupted block leaves no trace, and a write failure is a HarnessError naming `dest`.
    """
    tmp = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.part"
    try:
        tmp.mkdir(parents=True)
    except OSError as exc:
        raise write_error(dest.parent, exc) from None
    try:
        yield tmp
        os.replace(tmp, dest)
    except Exception as exc:
        error = _stage_error(dest, exc)
        if error is None:
            raise
        raise error from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def swap_dir(tmp: Path, dest: Path) -> None:
    """Replace the folder `dest` by the finished folder `tmp`; the old one stays in place until the new one is in."""
    if not dest.exists():
        os.replace(tmp, dest)
        return
    old = dest.parent / f".{dest.name}.{secrets.token_hex(4)}.old"
    os.replace(dest, old)
    try:
        os.replace(tmp, dest)
    except BaseException:
        os.replace(old, dest)
        raise
    shutil.rmtree(old, ignore_errors=True)
