"""Tatoeba bitext as released with LASER: two line-aligned files per language pair with English.

One sentence per line, UTF-8, every line ended by a newline. Pair i is line i of both files;
its id is "<source code>:<line number>" (1-based), one id scheme for every bitext file. Texts keep
their characters except the line end (MTEB's copy keeps the newline; it does not change a
tokenised text, see docs/PARITY.md).
"""

from __future__ import annotations

from pathlib import Path

from harness.data.records import BitextLanguage
from harness.errors import HarnessError


def read_lines(path: Path) -> list[str]:
    """The lines of a LASER text file without their newline; a missing final newline is accepted."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise HarnessError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def load_tatoeba(
    sentences_path: Path, pivot_path: Path, lang: str, source_code: str, line_end: str = ""
) -> BitextLanguage:
    """Pairs of one language: each line of `sentences_path` with the same line of `pivot_path`;
    `line_end` is appended to every text (MTEB's copy of these files keeps each line's newline)."""
    sentences, pivot = read_lines(sentences_path), read_lines(pivot_path)
    if len(sentences) != len(pivot):
        raise HarnessError(
            f"{sentences_path}: {len(sentences)} lines but {pivot_path.name} has {len(pivot)}: not line-aligned"
        )
    if not sentences:
        raise HarnessError(f"{sentences_path}: no sentence pairs")
    ids = [f"{source_code}:{n}" for n in range(1, len(sentences) + 1)]
    if line_end:
        sentences, pivot = [s + line_end for s in sentences], [p + line_end for p in pivot]
    return BitextLanguage(lang, ids, sentences, pivot)
