"""Copy a source's files from a local folder (e.g. a carried-over mirror) into the data cache."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from harness.atomic import disk_full_reason, staged_file
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
            if disk_full_reason(exc) is not None:
                raise  # the destination's fault: staged_file names it and removes the partial copy
            raise HarnessError(f"{src}: cannot copy ({exc.strerror or exc})") from None
        actual = sha256_file(tmp)
        if actual != expected:
            raise HarnessError(f"{src}: sha256 mismatch (expected {expected[:12]}…, got {actual[:12]}…)")


def import_mirror(src_root: Path, sources: list[Source], dest_root: Path | None = None) -> ImportReport:
    """Import the declared files of `sources` found under `src_root` (laid out like the mirror).

    Each file is copied into `dest_root` (default: the data cache) and verified by sha256; files
    already there and verified are skipped. A file whose sha256 differs raises HarnessError and
    nothing is written for it (files imported before it stay, they are verified). A folder holding
    none of the declared files raises HarnessError (suggesting a folder nearby that does).
    """
    if not src_root.is_dir():
        what = "does not exist" if not src_root.exists() else "is not a directory"
        raise HarnessError(f"{src_root}: {what}; expected a folder laid out like the data mirror")
    root = dest_root if dest_root is not None else data_cache_dir()
    declared = declared_files(sources)
    if not any((src_root / relpath).is_file() for relpath in declared):
        raise HarnessError(none_found_message(src_root, list(declared)))
    report = ImportReport()
    for relpath, expected in declared.items():
        src, dest = src_root / relpath, root / relpath
        if not src.is_file():
            report.missing.append(relpath)
        elif is_present(dest, expected):
            report.skipped.append(relpath)
        else:
            import_file(src, dest, expected)
            report.copied.append(relpath)
    return report


def declared_files(sources: list[Source]) -> dict[str, str]:
    """Every declared file as relpath -> sha256, once each (tasks may share a source), in order."""
    declared: dict[str, str] = {}
    for source in sources:
        for name, expected in sorted(source.files.items()):
            declared.setdefault(source.relpath(name), expected)
    return declared


def none_found_message(src_root: Path, relpaths: list[str]) -> str:
    """One line for a folder holding none of the declared files, with a nearby folder that does."""
    near = nearby_mirror(src_root, relpaths)
    hint = f"; did you mean {near}?" if near is not None else ""
    example = f" (e.g. {relpaths[0]})" if relpaths else ""
    return (
        f"{src_root}: holds none of the {len(relpaths)} declared data files{example}; "
        f"expected a folder laid out like the data mirror{hint}"
    )


def nearby_mirror(src_root: Path, relpaths: list[str], depth: int = 2) -> Path | None:
    """The folder one or two levels below (or just above) `src_root` holding the most declared files."""
    tops = {relpath.split("/", 1)[0] for relpath in relpaths}
    candidates: list[Path] = []
    level = [src_root]
    for _ in range(depth):
        level = [child for folder in level for child in _subfolders(folder)]
        candidates += level
    absolute = Path(os.path.abspath(src_root))  # lexical: a folder reached through a link keeps its name
    if absolute.parent != absolute:
        candidates.append(absolute.parent)
    best, best_count = None, 0
    for folder in candidates:
        if not any((folder / top).is_dir() for top in tops):
            continue
        count = sum((folder / relpath).is_file() for relpath in relpaths)
        if count > best_count:
            best, best_count = folder, count
    return best


def _subfolders(folder: Path) -> list[Path]:
    try:
        return sorted(child for child in folder.iterdir() if child.is_dir())
    except OSError:
        return []
