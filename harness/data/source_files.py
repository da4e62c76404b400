"""Find a source's files in the mirror or the data cache, verified by sha256."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.data.checksum import sha256_file
from harness.data.sources import Source
from harness.errors import DataMissingError, HarnessError
from harness.paths import MIRROR_ENV, data_cache_dir, mirror_dir

_verified: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """sha256 of a file, remembered per (path, size, mtime) for this process."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _verified:
        _verified[key] = sha256_file(path)
    return _verified[key]


def candidate_paths(source: Source, name: str) -> list[Path]:
    """Places a file may be, in order of preference: the mirror, then the data cache."""
    roots = [root for root in (mirror_dir(), data_cache_dir()) if root is not None]
    return [root / source.relpath(name) for root in roots]


def verify(path: Path, expected: str) -> None:
    """Raise a one-line error when a file's sha256 differs from the declared one."""
    actual = file_digest(path)
    if actual != expected:
        raise HarnessError(f"{path}: sha256 mismatch (expected {expected[:12]}…, got {actual[:12]}…)")


def locate(source: Source, name: str) -> Path:
    """Path of one verified file of a source."""
    if name not in source.files:
        raise HarnessError(f"{source.mirror}: no file {name!r} declared (declared: {sorted(source.files)})")
    for path in candidate_paths(source, name):
        if path.is_file():
            verify(path, source.files[name])
            return path
    raise DataMissingError(missing_message(source, [name]))


def missing_files(source: Source, names: list[str] | None = None) -> list[str]:
    """Declared files that are neither in the mirror nor in the cache."""
    wanted = names if names is not None else sorted(source.files)
    return [n for n in wanted if not any(p.is_file() for p in candidate_paths(source, n))]


def missing_message(source: Source, names: list[str]) -> str:
    """One line telling which files are missing and how to get them."""
    shown = ", ".join(source.relpath(n) for n in names[:3]) + (" …" if len(names) > 3 else "")
    return f"missing data files: {shown} (set {MIRROR_ENV}, run `harness data import DIR`, or `harness data fetch`)"


@dataclass(frozen=True)
class FileStatus:
    """Presence and integrity of one declared file."""

    relpath: str
    location: str  # "mirror", "cache" or "missing"
    ok: bool
    detail: str


def file_status(source: Source, name: str) -> FileStatus:
    """Where a declared file is and whether its sha256 matches."""
    labels = ["mirror", "cache"] if mirror_dir() is not None else ["cache"]
    for label, path in zip(labels, candidate_paths(source, name), strict=True):
        if path.is_file():
            actual = file_digest(path)
            ok = actual == source.files[name]
            return FileStatus(source.relpath(name), label, ok, "verified" if ok else f"sha256 {actual[:12]}…")
    return FileStatus(source.relpath(name), "missing", False, "not present")
