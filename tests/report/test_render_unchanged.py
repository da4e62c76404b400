"""The committed first-round results render to the same numbers as before the code was reorganised.

`data/first_round_results.csv.gz` is `exports/results.csv` (every number the site shows, with its
CI, test and counts) as rendered from results/{bm25, me5-small, me5-small-hybrid, me5-small-torch,
me5-small-xx, me5-small-xy, usem-v3} by the harness of commit 59d8abe, before metrics, result files,
task kinds and model declarations got their single homes. Only its p columns were rewritten since, when the
tests against the baseline began to flip whole clusters (a question across its languages) instead of cells:
every other column is 59d8abe's, and of the 14 tests only bm25 on xquad-mteb moved (p 0.0008 -> 0.0003,
Holm-adjusted 0.0014 both times; the others stay at the resampling floor).

Every cell must be the same text, except that a number may differ within float32 precision (1e-7
relative): bootstrap bounds are means of float32 per-query scores whose last bits depend on the CPU's
vector width (an AVX2-only AMD EPYC gives 0.8165878676525168 where the Intel Xeon with AVX-512 that
rendered the snapshot gave 0.816587871559376; 2 of the 4,586 rows differ so).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from pathlib import Path

from .conftest import copy_first_round

SNAPSHOT = Path(__file__).parent / "data" / "first_round_results.csv.gz"


def test_first_round_results_render_the_same_numbers(tmp_path: Path) -> None:
    from harness.report.board import BoardOptions, build_board
    from harness.report.collect import collect
    from harness.report.metadata import hidden_tasks, load_registries
    from harness.report.site import render_board

    copy_first_round(tmp_path)  # without the results of tasks added since
    registries = load_registries()
    board = build_board(collect(tmp_path, hidden_tasks(registries)), registries, BoardOptions())
    rendered = render_board(board)["exports/results.csv"]
    expected = gzip.decompress(SNAPSHOT.read_bytes()).decode("utf-8")
    assert len(rendered.splitlines()) == len(expected.splitlines()) == 4586
    mismatched = [
        (i, ours, theirs)
        for i, (row, old) in enumerate(zip(_rows(rendered), _rows(expected), strict=True))
        for ours, theirs in zip(row, old, strict=True)
        if not _same_cell(ours, theirs)
    ]
    assert not mismatched, mismatched[:5]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _same_cell(ours: str, theirs: str) -> bool:
    if ours == theirs:
        return True
    try:
        return math.isclose(float(ours), float(theirs), rel_tol=1e-7, abs_tol=1e-12)
    except ValueError:
        return False
