"""Passage corpora as ordered shards that are streamed, never loaded whole (MIRACL English: ~33M passages).

A shard is a JSON-lines file (optionally gzip) or an in-memory list; rows are numbered across the
corpus in shard order, which is what embedding blocks and search results refer to.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from harness.data.checksum import sha256_json, sha256_texts
from harness.errors import HarnessError

PASSAGE_FORMAT = "title+' '+text (title omitted when empty), stripped"


@dataclass(frozen=True)
class PassageFields:
    """JSON keys of a passage row: MIRACL writes docid/title/text, BEIR writes _id/title/text."""

    docid: str = "docid"
    title: str | None = "title"
    text: str = "text"


MIRACL_FIELDS = PassageFields()
BEIR_FIELDS = PassageFields(docid="_id")


def passage_text(title: str | None, text: str) -> str:
    """The text a model sees: title and body, as MTEB feeds MIRACL and BEIR passages."""
    title = (title or "").strip()
    return f"{title} {text.strip()}".strip() if title else text.strip()


@dataclass(frozen=True)
class CorpusShard:
    """One shard: a file (`path`) or in-memory passages (`ids`, `texts`), in one language."""

    name: str
    lang: str
    identity: str  # what pins the content: a declared sha256 or hub repo@revision:path
    path: Path | None = None
    fields: PassageFields = MIRACL_FIELDS
    ids: tuple[str, ...] = field(default=(), repr=False)
    texts: tuple[str, ...] = field(default=(), repr=False)
    rows: int | None = None  # passages in a file shard, when known (progress only)

    def size(self) -> int | None:
        """Passages in the shard when known without reading it."""
        return len(self.ids) if self.path is None else self.rows

    def passages(self) -> Iterator[tuple[str, str]]:
        """(docid, text) in file order; a malformed row is a one-line error naming file and line."""
        if self.path is None:
            yield from zip(self.ids, self.texts, strict=True)
            return
        yield from read_passages(self.path, self.fields)


def _open_text(path: Path):
    if not path.is_file():
        raise HarnessError(f"missing corpus shard: {path}")
    return gzip.open(path, "rt", encoding="utf-8") if path.suffix == ".gz" else path.open(encoding="utf-8")


def read_passages(path: Path, fields: PassageFields) -> Iterator[tuple[str, str]]:
    """Stream (docid, text) rows of a JSON-lines passage file."""
    try:
        with _open_text(path) as handle:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    docid, text = row[fields.docid], row[fields.text]
                    title = row.get(fields.title) if fields.title else None
                except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                    raise HarnessError(f"{path}:{lineno}: not a passage row ({type(exc).__name__}: {exc})") from None
                if not isinstance(docid, str | int) or not isinstance(text, str):
                    raise HarnessError(f"{path}:{lineno}: docid must be a string and text a string")
                yield str(docid), passage_text(title if isinstance(title, str) else None, text)
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise HarnessError(f"{path}: unreadable corpus shard ({exc})") from None


@dataclass(frozen=True)
class Corpus:
    """A named, ordered list of shards (possibly of several languages, e.g. AfriQA's en + fr pool)."""

    name: str
    shards: tuple[CorpusShard, ...]

    @property
    def fingerprint(self) -> str:
        """sha256 of the passage format and every shard's name, language and identity."""
        return sha256_json({"format": PASSAGE_FORMAT, "shards": [[s.name, s.lang, s.identity] for s in self.shards]})

    def size(self) -> int | None:
        """Passages in the corpus when every shard's size is known, else None."""
        sizes = [s.size() for s in self.shards]
        return None if any(n is None for n in sizes) else sum(n for n in sizes if n is not None)

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys(s.lang for s in self.shards))

    def check_present(self) -> None:
        """Fail in one line when a file shard is missing (before any encoding starts)."""
        for shard in self.shards:
            if shard.path is not None and not shard.path.is_file():
                raise HarnessError(f"corpus {self.name}: missing corpus shard {shard.name} ({shard.path})")

    def passages(self) -> Iterator[tuple[str, str, str]]:
        """(docid, text, language) over all shards, in row order."""
        for shard in self.shards:
            for docid, text in shard.passages():
                yield docid, text, shard.lang

    def texts_at(self, rows: Iterable[int]) -> dict[int, str]:
        """Texts of some global rows, in one streaming pass (for answer matching of retrieved passages)."""
        wanted = set(rows)
        out: dict[int, str] = {}
        if not wanted:
            return out
        last = max(wanted)
        for row, (_, text, _) in enumerate(self.passages()):
            if row in wanted:
                out[row] = text
            if row >= last:
                break
        return out


def count_lines(path: Path) -> int | None:
    """Non-empty lines of an uncompressed file (None for gzip or a missing file)."""
    if path.suffix == ".gz" or not path.is_file():
        return None
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.strip())


def memory_shard(name: str, lang: str, ids: list[str], texts: list[str]) -> CorpusShard:
    """An in-memory shard whose identity is the sha256 of its ids and texts."""
    return CorpusShard(name, lang, sha256_texts([*ids, "\0", *texts]), ids=tuple(ids), texts=tuple(texts))


def id_hashes(ids: Iterable[str]) -> np.ndarray:
    """64-bit hashes of ids (blake2b), for duplicate checks on tens of millions of ids."""
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "little") for i in ids), dtype=np.uint64
    )


def duplicate_ids(ids: list[str]) -> list[str]:
    """Ids that occur more than once (exact), found through their hashes."""
    hashes = id_hashes(ids)
    order = np.argsort(hashes, kind="stable")
    same = hashes[order][1:] == hashes[order][:-1]
    if not same.any():
        return []
    suspects = {ids[i] for pair in zip(order[1:][same], order[:-1][same], strict=True) for i in pair}
    seen: set[str] = set()
    dupes = []
    for docid in ids:
        if docid in suspects:
            if docid in seen and docid not in dupes:
                dupes.append(docid)
            seen.add(docid)
    return dupes
