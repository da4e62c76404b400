"""`--model a,b`: every listed model runs, each stored under its own name; one bad name stops all before any run."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import CliRunner


def test_comma_list_runs_each_model(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    results = tmp_path / "results"
    done = cli(
        "run",
        "--model",
        "bm25,me5-small",
        "--tasks",
        "xquad-r-ci",
        "--limit",
        "6",
        "--results-dir",
        str(results),
        env={"HARNESS_DATA_MIRROR": str(mirror)},
    )
    assert done.returncode == 0, done.stderr
    for model in ("bm25", "me5-small"):
        stored = json.loads((results / model / "xquad-r-ci.limit6.json").read_text())
        assert stored["model"] == model and stored["settings"]["mono"]["by_pair"]["en-en"]["n_queries"] > 0


def test_an_unknown_name_in_the_list_runs_nothing(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    results = tmp_path / "results"
    failed = cli(
        "run",
        "--model",
        "bm25,bm52",
        "--tasks",
        "xquad-r-ci",
        "--limit",
        "6",
        "--results-dir",
        str(results),
        env={"HARNESS_DATA_MIRROR": str(mirror)},
    )
    assert failed.returncode == 2 and "unknown model 'bm52'" in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1 and not results.exists()
