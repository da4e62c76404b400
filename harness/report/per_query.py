"""Per-query values of an entry's views, read lazily from the `.per_query.npz` files and checked by sha256."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import numpy as np

from harness.report.entries import Entry, Run
from harness.results.store import query_language


class PerQueryError(Exception):
    """A per-query file is missing, corrupt, or does not match its summary."""


@dataclass(frozen=True)
class View:
    """One view's per-query values (mean over seeds); query i has id `table[index[i]]`.

    `table` is the run's id table of the query language, shared by all views of that language.
    """

    table: np.ndarray
    index: np.ndarray
    values: np.ndarray

    @property
    def ids(self) -> np.ndarray:
        """Query ids in the order of `values`."""
        return self.table[self.index]

    def same_queries(self, other: View) -> bool:
        """True when both views hold the same queries in the same order."""
        same_table = self.table is other.table or np.array_equal(self.table, other.table)
        return same_table and np.array_equal(self.index, other.index)


ViewKey = tuple[str, str]  # (setting, view): ('cross', 'ar-de'), ('multi', 'ar')


def _read_run(run: Run, wanted: dict[str, str], views: dict[str, list[str]]) -> dict[ViewKey, View]:
    path = run.per_query_path
    ref = run.result.per_query
    if path is None or ref is None:
        raise PerQueryError(f"{run.summary_path}: names no per-query file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PerQueryError(f"{path}: cannot read ({exc.strerror})") from None
    if hashlib.sha256(raw).hexdigest() != ref.sha256:
        raise PerQueryError(f"{path}: does not match the checksum in {run.summary_path.name}")
    out: dict[ViewKey, View] = {}
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
            names = set(npz.files)
            tables: dict[str, np.ndarray] = {}
            for setting, metric in wanted.items():
                for view in views.get(setting, []):
                    prefix = f"{setting}/{view}"
                    lang = query_language(view)
                    keys = (f"{prefix}/{metric}", f"{prefix}/query_index", f"query_ids/{lang}")
                    if not all(k in names for k in keys):
                        continue
                    if lang not in tables:
                        tables[lang] = npz[keys[2]]
                    index = npz[keys[1]]
                    values = npz[keys[0]].astype(np.float64)
                    if index.shape != values.shape or (index.size and not 0 <= index.min() <= index.max() < len(tables[lang])):
                        raise PerQueryError(f"{path}: {prefix}: query index does not fit its values or id table")
                    out[(setting, view)] = View(tables[lang], index, values)
    except (ValueError, OSError, KeyError, IndexError) as exc:
        raise PerQueryError(f"{path}: unreadable per-query file ({exc})") from None
    return out


def load_views(entry: Entry, wanted: dict[str, str]) -> dict[ViewKey, View]:
    """{(setting, view): View} of metric `wanted[setting]` for every view the entry's summary lists.

    Several seeds are averaged per query (they are evaluated on the same queries); raises
    PerQueryError when a file is missing, fails its checksum, or seeds disagree on the queries.
    """
    views = {s: list(scores.detail) for s, scores in entry.settings.items() if s in wanted}
    per_run = [_read_run(run, wanted, views) for run in entry.runs]
    merged: dict[ViewKey, View] = {}
    for key, first in per_run[0].items():
        others = [r.get(key) for r in per_run[1:]]
        if any(o is None or not o.same_queries(first) for o in others):
            raise PerQueryError(f"{entry.model}/{entry.group.stem}: seeds differ in the queries of {key[0]}/{key[1]}")
        values = first.values if not others else np.mean([first.values, *(o.values for o in others)], axis=0)
        merged[key] = View(first.table, first.index, values)
    return merged


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
