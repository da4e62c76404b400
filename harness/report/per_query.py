"""Per-query values of an entry's views, read lazily from the `.per_query.npz` files and checked by sha256.

Only the arrays a page needs are read (one metric per setting; query ids only where tests pair
queries), straight from the zip members: a 132-view XQuAD-R file costs milliseconds.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from harness.errors import HarnessError
from harness.report.entries import Entry, Run
from harness.results.reader import read_per_query
from harness.tasks.cluster_key import ClusterKey, cluster_ids
from harness.vocabulary import query_language


class PerQueryError(Exception):
    """A per-query file is missing, corrupt, or does not match its summary."""


class CorruptPerQueryError(PerQueryError):
    """A per-query file that a summary names is missing, unreadable, or fails its checksum: damage, not a choice."""


@dataclass(frozen=True)
class View:
    """One view's per-query values (mean over seeds); query i has id `table[index[i]]` when ids were read.

    `table` is the run's id table of the query language, shared by all views of that language.
    """

    values: np.ndarray
    table: np.ndarray | None = None
    index: np.ndarray | None = None

    @property
    def ids(self) -> np.ndarray:
        """Query ids in the order of `values`."""
        if self.table is None or self.index is None:
            raise PerQueryError("query ids of this view were not read")
        return self.table[self.index]

    def same_queries(self, other: View) -> bool:
        """True when both views hold the same queries in the same order (by length when ids were not read)."""
        if self.table is None or other.table is None or self.index is None or other.index is None:
            return self.values.shape == other.values.shape
        same_table = self.table is other.table or np.array_equal(self.table, other.table)
        return same_table and np.array_equal(self.index, other.index)


ViewKey = tuple[str, str]  # (setting, view): ('cross', 'ar-de'), ('multi', 'ar')

# The header np.savez writes for a 1-d array; anything else goes through numpy's own parser.
_HEADER = re.compile(
    r"\{'descr': '(?P<descr>[<|>]?(?:[fiu][1248]|U\d{1,5}))', 'fortran_order': False, "
    r"'shape': \((?P<n>\d+),\), \}\s*"
)


Members = dict[str, tuple[int, int, int]]  # name -> (offset of the data, compressed size, compression method)


def _members(raw: bytes) -> Members:
    """Where each member's bytes lie in the zip (the central directory, read once)."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        infos = archive.infolist()
    out = {}
    for info in infos:
        start = info.header_offset
        if raw[start : start + 4] != b"PK\x03\x04":
            raise ValueError(f"member {info.filename!r}: bad local header")
        name_length, extra_length = struct.unpack("<HH", raw[start + 26 : start + 30])
        out[info.filename.removesuffix(".npy")] = (
            start + 30 + name_length + extra_length,
            info.compress_size,
            info.compress_type,
        )
    return out


def _member(raw: bytes, members: Members, name: str) -> np.ndarray:
    """One array, inflated straight from the zip bytes (the file's sha256 already vouches for them)."""
    start, size, method = members[name]
    if method == zipfile.ZIP_DEFLATED:
        data = zlib.decompress(raw[start : start + size], -15)
    elif method == zipfile.ZIP_STORED:
        data = raw[start : start + size]
    else:
        raise ValueError(f"member {name!r}: unsupported compression {method}")
    if data[:8] == b"\x93NUMPY\x01\x00":
        length = int.from_bytes(data[8:10], "little")
        match = _HEADER.fullmatch(data[10 : 10 + length].decode("latin1"))
        if match:
            return np.frombuffer(data, np.dtype(match["descr"]), int(match["n"]), offset=10 + length)
    return np.lib.format.read_array(io.BytesIO(data), allow_pickle=False)


def _read_run(
    run: Run, wanted: dict[str, str], views: dict[str, list[str]], with_ids: Collection[str]
) -> dict[ViewKey, View]:
    path = run.per_query_path
    ref = run.result.per_query
    if path is None or ref is None:
        raise PerQueryError(f"{run.summary_path}: names no per-query file")
    try:
        raw = read_per_query(run.summary_path, ref.sha256, ref.file)
    except HarnessError as exc:
        raise CorruptPerQueryError(str(exc)) from None
    out: dict[ViewKey, View] = {}
    try:
        members = _members(raw)
        tables: dict[str, np.ndarray] = {}
        for setting, metric in wanted.items():
            for view in views.get(setting, []):
                prefix, lang = f"{setting}/{view}", query_language(view)
                if f"{prefix}/{metric}" not in members:
                    continue
                values = _member(raw, members, f"{prefix}/{metric}").astype(np.float64)
                if setting not in with_ids:
                    out[(setting, view)] = View(values)
                    continue
                if f"{prefix}/query_index" not in members or f"query_ids/{lang}" not in members:
                    continue
                if lang not in tables:
                    tables[lang] = _member(raw, members, f"query_ids/{lang}")
                index = _member(raw, members, f"{prefix}/query_index")
                fits = not index.size or 0 <= index.min() <= index.max() < len(tables[lang])
                if index.shape != values.shape or not fits:
                    raise CorruptPerQueryError(f"{path}: {prefix}: query index does not fit its values or id table")
                out[(setting, view)] = View(values, tables[lang], index)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile, zlib.error, struct.error) as exc:
        raise CorruptPerQueryError(f"{path}: unreadable per-query file ({exc})") from None
    return out


def load_views(entry: Entry, wanted: dict[str, str], with_ids: Collection[str] = ()) -> dict[ViewKey, View]:
    """{(setting, view): View} of metric `wanted[setting]` for every view the entry's summary lists.

    Query ids are read for the settings in `with_ids` (paired tests need them). Several seeds
    are averaged per query (they are evaluated on the same queries); raises PerQueryError when a
    file is missing, fails its checksum, or seeds disagree on the queries.
    """
    per_run = load_run_views(entry, wanted, with_ids)
    merged: dict[ViewKey, View] = {}
    for key, first in per_run[0].items():
        others = [r.get(key) for r in per_run[1:]]
        if any(o is None or not o.same_queries(first) for o in others):
            raise PerQueryError(f"{entry.model}/{entry.group.stem}: seeds differ in the queries of {key[0]}/{key[1]}")
        values = first.values if not others else np.mean([first.values, *(o.values for o in others)], axis=0)
        merged[key] = View(values, first.table, first.index)
    return merged


def load_run_views(entry: Entry, wanted: dict[str, str], with_ids: Collection[str] = ()) -> list[dict[ViewKey, View]]:
    """Like `load_views`, one mapping per seed run (in the entry's run order), nothing averaged."""
    views = {s: list(scores.detail) for s, scores in entry.settings.items() if s in wanted}
    return [_read_run(run, wanted, views, with_ids) for run in entry.runs]


def aligned_cells(
    current: View, baseline: View, key: ClusterKey, view: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`aligned` plus each common query's cluster (the task's independent item; ids must have been read)."""
    x, y = aligned(current, baseline)
    if current.same_queries(baseline):
        ids = current.ids
    else:
        common = set(baseline.ids.tolist())
        ids = np.array([q for q in current.ids.tolist() if q in common])
    return x, y, cluster_ids(key, query_language(view), ids)


def aligned(current: View, baseline: View) -> tuple[np.ndarray, np.ndarray]:
    """Both views' values on their common queries, in the same order (paired tests)."""
    if current.same_queries(baseline):
        return current.values, baseline.values
    position = {qid: i for i, qid in enumerate(baseline.ids.tolist())}
    pairs = [(i, position[q]) for i, q in enumerate(current.ids.tolist()) if q in position]
    if not pairs:
        return np.zeros(0), np.zeros(0)
    mine, theirs = (np.array(p) for p in zip(*pairs, strict=True))
    return current.values[mine], baseline.values[theirs]
