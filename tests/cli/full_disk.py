"""Run the harness CLI with a full disk simulated for some paths (fault injection for the tests).

`python -m tests.cli.full_disk ARGS...` runs `harness ARGS...` with:
- HARNESS_TEST_FULL_WRITE: a glob; a file opened for writing whose path matches takes half of its
  first write, then that write and every later one fail as on a full disk;
- HARNESS_TEST_FULL_MKDIR: a glob; creating a matching folder fails the same way (naming it);
- HARNESS_TEST_FULL_ERRNO: ENOSPC (default) or EDQUOT.
"""

from __future__ import annotations

import builtins
import errno
import fnmatch
import io
import os
import sys
from typing import IO, Any

REAL_OPEN = builtins.open
REAL_MKDIR = os.mkdir
WRITE_MODES = set("wax+")


class FullDiskFile:
    """A file on a disk that fills up during the first write."""

    def __init__(self, handle: IO, code: int) -> None:
        self._handle, self._code, self._full = handle, code, False

    def write(self, data: Any) -> int:
        if not self._full:
            self._full = True
            self._handle.write(data[: len(data) // 2])  # what fitted before the disk filled up
            self._handle.flush()
        raise OSError(self._code, os.strerror(self._code))

    def fileno(self) -> int:
        # no fd: copy routines must go through write() (shutil's sendfile would bypass the fault)
        raise io.UnsupportedOperation("fileno")

    def __enter__(self) -> FullDiskFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def install(write_glob: str | None, mkdir_glob: str | None, code: int) -> None:
    """Patch open() and os.mkdir() for paths matching the globs."""

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = REAL_OPEN(file, mode, *args, **kwargs)
        matches = isinstance(file, str | os.PathLike) and fnmatch.fnmatch(os.fspath(file), write_glob or "")
        if write_glob and matches and WRITE_MODES & set(mode):
            return FullDiskFile(handle, code)
        return handle

    def fake_mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if mkdir_glob and fnmatch.fnmatch(os.fspath(path), mkdir_glob):
            raise OSError(code, os.strerror(code), os.fspath(path))
        REAL_MKDIR(path, *args, **kwargs)

    builtins.open = io.open = fake_open  # type: ignore[assignment]
    os.mkdir = fake_mkdir  # type: ignore[assignment]


if __name__ == "__main__":
    install(
        os.environ.get("HARNESS_TEST_FULL_WRITE"),
        os.environ.get("HARNESS_TEST_FULL_MKDIR"),
        getattr(errno, os.environ.get("HARNESS_TEST_FULL_ERRNO", "ENOSPC")),
    )
    from harness.cli import main

    sys.argv = ["harness", *sys.argv[1:]]
    main()
