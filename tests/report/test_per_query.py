"""Reading per-query files: the same arrays as harness.results.result_store, checksums enforced, seeds averaged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from synthetic_results import write_synthetic

from harness.report.collect import collect
from harness.report.per_query import PerQueryError, aligned, load_views
from harness.results.result_store import load_per_query, result_paths

from .conftest import SMALL


def test_views_equal_load_per_query(real_results: Path) -> None:
    entry = next(e for e in collect(real_results).entries if e.model == "me5-small" and e.group.task == "xquad-r")
    views = load_views(entry, {"mono": "mAP", "cross": "R@1", "multi": "rank_distance"}, with_ids={"multi"})
    arrays = load_per_query(result_paths(real_results, "me5-small", "xquad-r", None))
    assert len(views) == 132
    for (setting, view), got in views.items():
        metric = {"mono": "mAP", "cross": "R@1", "multi": "rank_distance"}[setting]
        assert np.array_equal(got.values, arrays[f"{setting}/{view}/{metric}"].astype(np.float64))
    multi = views[("multi", "de")]
    assert list(multi.ids) == [str(arrays["query_ids/de"][i]) for i in arrays["multi/de/query_index"]]


def test_corrupt_or_mismatched_per_query_files_raise(real_results: Path) -> None:
    entry = next(e for e in collect(real_results).entries if e.model == "bm25" and e.group.task == "xquad-mteb")
    path = real_results / "bm25" / "xquad-mteb.per_query.npz"
    raw = path.read_bytes()
    path.write_bytes(raw[:-10])
    with pytest.raises(PerQueryError, match="checksum"):
        load_views(entry, {"mono": "nDCG@10"})
    path.unlink()
    with pytest.raises(PerQueryError, match="cannot read"):
        load_views(entry, {"mono": "nDCG@10"})


def test_seeds_are_averaged_per_query(tmp_path: Path) -> None:
    for seed in (0, 1):
        write_synthetic(tmp_path, "trained", SMALL, seed=seed, quality=0.3 + 0.4 * seed)
    entry = collect(tmp_path).entries[0]
    views = load_views(entry, {"multi": "mAP"}, with_ids={"multi"})
    per_seed = [load_per_query(result_paths(tmp_path, "trained", SMALL.name, None, s))["multi/en/mAP"] for s in (0, 1)]
    assert np.allclose(views[("multi", "en")].values, np.mean(per_seed, axis=0))
    assert views[("multi", "en")].values.mean() == pytest.approx(entry.value("multi", "mAP", "en"), abs=1e-5)


def test_aligned_pairs_queries_by_id() -> None:
    from harness.report.per_query import View

    table = np.array(["a", "b", "c"])
    current = View(np.array([1.0, 2.0, 3.0]), table, np.array([0, 1, 2]))
    baseline = View(np.array([30.0, 10.0]), table, np.array([2, 0]))
    mine, theirs = aligned(current, baseline)
    assert list(mine) == [1.0, 3.0] and list(theirs) == [10.0, 30.0]
