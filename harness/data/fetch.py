"""Download a source's declared files from their pinned URLs into the data cache, verified by sha256."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from harness import __version__
from harness.atomic import disk_full_reason, staged_file
from harness.data.checksum import sha256_file
from harness.data.source_files import file_digest
from harness.data.sources import Source
from harness.errors import HarnessError
from harness.paths import data_cache_dir

CHUNK = 1 << 16
USER_AGENT = f"xling-harness/{__version__}"

Progress = Callable[[str, int, int], None]
"""Called as `progress(relpath, bytes_done, bytes_total)` while a file downloads; total is 0 when unknown."""


def is_present(path: Path, expected: str) -> bool:
    """Whether `path` is a file whose sha256 is `expected`."""
    return path.is_file() and file_digest(path) == expected


def _download(url: str, tmp: Path, timeout: float, on_chunk: Callable[[int, int], None]) -> None:
    """Stream `url` into `tmp`, raising HarnessError-ready messages (without the file prefix)."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response, tmp.open("wb") as out:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else 0
            done = 0
            while block := response.read(CHUNK):
                out.write(block)
                done += len(block)
                on_chunk(done, total)
    except urllib.error.HTTPError as exc:
        raise HarnessError(f"download from {url} failed: HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise HarnessError(f"download from {url} failed: {_reason(exc.reason)}") from None
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if disk_full_reason(exc) is not None:
            raise  # writing `tmp` failed: staged_file names the destination
        raise HarnessError(f"download from {url} failed: {_reason(exc)}") from None
    if total and done != total:
        raise HarnessError(f"download from {url} truncated: got {done} of {total} bytes")


def _reason(exc: object) -> str:
    """A short, one-line cause for a network error."""
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def fetch_file(source: Source, name: str, dest: Path, timeout: float, progress: Progress | None) -> None:
    """Download one declared file of `source` onto `dest`, atomically and verified."""
    url = source.url_for(name)
    relpath = source.relpath(name)
    if url is None:
        raise HarnessError(unfetchable_message(source))
    expected = source.files[name]

    def on_chunk(done: int, total: int) -> None:
        if progress is not None:
            progress(relpath, done, total)

    with staged_file(dest) as tmp:
        try:
            _download(url, tmp, timeout, on_chunk)
        except HarnessError as exc:
            raise HarnessError(f"{relpath}: {exc}") from None
        actual = sha256_file(tmp)
        if actual != expected:
            raise HarnessError(
                f"{relpath}: sha256 mismatch after download from {url}: expected {expected[:12]}…, got {actual[:12]}…"
            )


def unfetchable_message(source: Source) -> str:
    """One line saying a source has no download URL and where its files can be had instead."""
    where = f"get it from the Hugging Face hub dataset {source.hub!r}" if source.hub else "get the files"
    return (
        f"{source.mirror}: cannot be fetched (no download URL declared); {where} "
        f"and run `harness data import DIR`, or set a data mirror"
    )


def fetch_source(
    source: Source,
    names: list[str] | None = None,
    dest_root: Path | None = None,
    timeout: float = 30.0,
    progress: Progress | None = None,
) -> list[Path]:
    """Download the declared files of `source` that are missing from the data cache.

    `names` restricts the download to some declared files (default: all of them). Files already in
    `dest_root` (default: the data cache) with the right sha256 are skipped; a file there with a wrong
    sha256 is downloaded again. Returns the paths written by this call. Any failure raises a one-line
    HarnessError and leaves no partial file behind.
    """
    root = dest_root if dest_root is not None else data_cache_dir()
    wanted = sorted(source.files) if names is None else names
    unknown = [n for n in wanted if n not in source.files]
    if unknown:
        raise HarnessError(f"{source.mirror}: no file {unknown[0]!r} declared (declared: {sorted(source.files)})")
    todo = [n for n in wanted if not is_present(root / source.relpath(n), source.files[n])]
    if todo and source.url is None:
        raise HarnessError(unfetchable_message(source))
    written = []
    for name in todo:
        dest = root / source.relpath(name)
        fetch_file(source, name, dest, timeout, progress)
        written.append(dest)
    return written
