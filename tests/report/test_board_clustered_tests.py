"""The board's tests against the baseline flip whole clusters: the p of a row is the clustered sign-flip test
of its shared cells, grouped by the task's cluster key."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harness.report.board import BoardOptions, build_board
from harness.report.collect import collect
from harness.report.metadata import load_registries
from harness.report.per_query import aligned_cells, load_views
from harness.stats.clustered import cluster_contributions, clustered_sign_flip

from .conftest import copy_real


def test_board_p_values_are_clustered_sign_flips(tmp_path: Path) -> None:
    copy_real(tmp_path, [("me5-small", "xquad-r"), ("bm25", "xquad-r")])
    registries = load_registries()
    found = collect(tmp_path)
    board = build_board(found, registries, BoardOptions(baseline="me5-small"))
    row = next(r for g in board.groups for r in g.rows if r.entry.model == "bm25")
    entries = {e.model: e for e in found.entries}
    wanted = {"multi": "mAP"}
    mine, base = (load_views(entries[m], wanted, with_ids={"multi"}) for m in ("bm25", "me5-small"))
    cells = [aligned_cells(mine[k], base[k], "query-id", k[1]) for k in mine if k in base]
    assert row.entry.main_name == "multi/mAP"
    assert row.comparison is not None and row.comparison.p == clustered_sign_flip(cells)
    assert cluster_contributions(cells).size == 1190 < sum(c[0].size for c in cells) == 13090
    assert np.isclose(
        cluster_contributions(cells).sum(), row.entry.main_value - entries["me5-small"].main_value, atol=1e-5
    )
