"""Copy a source's files from a local folder (e.g. a carried-over mirror) into the data cache."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from harness.atomic import staged_file
from harness.data.checksum import sha256_file
from harness.data.fetch import is_present
from harness.data.sources import Source
from harness.errors import HarnessError
from harness.paths import data_cache_dir


@dataclass
class ImportReport:
    """What `import_mirror` did, as paths relative to the mirror / cache root."""

    copied: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already in the cache and verified
    missing: list[str] = field(default_factory=list)  # declared but not in the source folder


def import_file(src: Path, dest: Path, expected: str) -> None:
    """Copy `src` onto `dest` atomically, raising a one-line error if the copy's sha256 is not `expected`."""
    with staged_file(dest) as tmp:
        try:
            shutil.copyfile(src, tmp)
        except OSError as exc:
            raise HarnessError(f"{src}: cannot copy ({exc.strerror or exc})") from None
        actual = sha256_file(tmp)
        if actual != expected:
            raise HarnessError(f"{src}: sha256 mismatch (expected {expected[:12]}…, got {actual[:12]}…)")


def import_mirror(src_root: Path, sources: list[Source], dest_root: Path | None = None) -> ImportReport:
    """Import the declared files of `sources` found under `src_root` (laid out like the mirror).

    Each file is copied into `dest_root` (default: the data cache) and verified by sha256; files
    already there and verified are skipped. A file whose sha256 differs raises HarnessError and
    nothing is written for it (files imported before it stay, they are verified).
    """
    if not src_root.is_dir():
        what = "does not exist" if not src_root.exists() else "is not a directory"
        raise HarnessError(f"{src_root}: {what}; expected a folder laid out like the data mirror")
    root = dest_root if dest_root is not None else data_cache_dir()
    report = ImportReport()
    seen: set[str] = set()
    for source in sources:
        for name, expected in sorted(source.files.items()):
            relpath = source.relpath(name)
            if relpath in seen:  # two tasks sharing one source
                continue
            seen.add(relpath)
            src, dest = src_root / relpath, root / relpath
            if not src.is_file():
                report.missing.append(relpath)
            elif is_present(dest, expected):
                report.skipped.append(relpath)
            else:
                import_file(src, dest, expected)
                report.copied.append(relpath)
    return report
