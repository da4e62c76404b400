"""Result files of earlier harness versions still load (a committed copy, MTEB-style), newer formats are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.results.reader import load_result
from harness.results.result_file import SCHEMA_VERSION, dump_result

HISTORIC = Path(__file__).parent / "data" / "historic" / "bm25-afriqa.v1.json"


def test_a_first_round_file_loads_with_its_numbers() -> None:
    """bm25 on afriqa as written by the first release: format 1, no backend record."""
    result = load_result(HISTORIC)
    raw = json.loads(HISTORIC.read_text())
    assert result.schema_version == 1 and result.backend is None
    assert result.main_score.name == "cross/nDCG@10" and result.main_score.value == raw["main_score"]["value"]
    cross = result.settings["cross"]
    assert cross.macros()["nDCG@10"] == raw["settings"]["cross"]["nDCG@10"]
    assert cross.n_pairs == len(cross.view_metrics()) == 9
    assert result.transfer_gap is not None and result.low_resource is not None
    assert dump_result(result) == raw and list(dump_result(result)) == list(raw)  # same values, same key order


def test_a_newer_format_is_refused_in_one_line(tmp_path: Path) -> None:
    raw = json.loads(HISTORIC.read_text())
    path = tmp_path / "afriqa.json"
    path.write_text(json.dumps({**raw, "schema_version": SCHEMA_VERSION + 1}))
    with pytest.raises(HarnessError, match="format version 2 is newer than this harness reads") as caught:
        load_result(path)
    assert "\n" not in str(caught.value)
