"""Write the site atomically: build in a temporary folder beside --out, then swap it in."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from harness.atomic import swap_dir
from harness.errors import HarnessError

MARKER = ".harness-site"


def _check_target(out_dir: Path) -> None:
    """Refuse to replace anything that is not an earlier site (or an empty folder)."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise HarnessError(f"--out: {out_dir} exists and is not a folder")
    try:
        empty = not any(out_dir.iterdir())
    except OSError as exc:
        raise HarnessError(f"--out: cannot read {out_dir} ({exc.strerror})") from None
    if not empty and not (out_dir / MARKER).is_file():
        raise HarnessError(
            f"--out: {out_dir} is not empty and was not written by harness render; choose another folder"
        )


def write_site(out_dir: Path, files: dict[str, str], static_dir: Path, static_name: str = "static") -> None:
    """Write `files` (relative path -> text) and a copy of `static_dir` as `out_dir`, all or nothing."""
    out_dir = out_dir.absolute()
    _check_target(out_dir)
    parent = out_dir.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".part", dir=parent))
    except OSError as exc:
        raise HarnessError(f"--out: cannot write in {parent} ({exc.strerror or exc})") from None
    try:
        os.chmod(tmp, 0o755)
        for relpath, text in files.items():
            target = tmp / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        shutil.copytree(static_dir, tmp / static_name, ignore=shutil.ignore_patterns("*.md", "*.map"))
        (tmp / MARKER).write_text("written by `harness render`; the folder is replaced as a whole on the next render\n")
        swap_dir(tmp, out_dir)
    except OSError as exc:
        raise HarnessError(f"--out: cannot write {out_dir} ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
