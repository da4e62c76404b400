"""One process at a time per result: a lock file beside it, so two runs never compute the same result.

`<model>/.<stem>.lock` holds an exclusive `flock` while a process computes `<stem>.json`; a second
process waits for it and then finds the result finished (and reuses it). The file is removed on
release; a waiter that wakes on a removed file takes the lock again on the current one. A killed
holder's lock is released by the kernel, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from harness.errors import HarnessError


def lock_path(summary: Path) -> Path:
    return summary.with_name(f".{summary.name.removesuffix('.json')}.lock")


def _holder(path: Path) -> str:
    try:
        return path.read_text().strip() or "another process"
    except OSError:
        return "another process"


@contextmanager
def result_lock(summary: Path, on_wait: Callable[[str], None] | None = None) -> Iterator[bool]:
    """Hold the lock of one result; yields True when another process held it first (so re-check the result)."""
    path = lock_path(summary)
    waited = False
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise HarnessError(f"{path}: cannot create the result lock ({exc.strerror or exc})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None and not waited:
                on_wait(_holder(path))
            waited = True
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            current = os.stat(path).st_ino
        except FileNotFoundError:
            current = None
        if current == os.fstat(fd).st_ino:
            break
        os.close(fd)  # the holder removed this file on release: lock the one that is there now
    try:
        try:
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}\n".encode())
        except OSError as exc:
            raise HarnessError(f"{path}: cannot write the result lock ({exc.strerror or exc})") from None
        yield waited
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)
