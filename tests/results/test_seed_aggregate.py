"""Seed aggregates: per-setting, per-metric mean and sample std over per-seed summaries, checked with numpy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from harness.errors import HarnessError
from harness.results.result_store import result_paths
from harness.results.seeds import aggregate_seeds, aggregate_with_stored, seeds_path, stored_seeds

SEEDS = [0, 1, 2]
# seed -> setting -> metric -> value
VALUES = {
    0: {"mono": {"mAP": 0.61, "recall@10": 0.80}, "cross": {"mAP": 0.42, "recall@10": 0.55}},
    1: {"mono": {"mAP": 0.64, "recall@10": 0.78}, "cross": {"mAP": 0.47, "recall@10": 0.60}},
    2: {"mono": {"mAP": 0.59, "recall@10": 0.83}, "cross": {"mAP": 0.40, "recall@10": 0.51}},
}
MAIN = {0: 0.33, 1: 0.38, 2: 0.31}


def _write(results: Path, seed: int, limit: int | None = None, data: str = "data-fp") -> Path:
    """One per-seed summary with the fields aggregate_seeds reads (plus skipped per-pair detail)."""
    settings = {
        setting: {**metrics, "by_pair": {"ar-de": {"mAP": 0.1}, "de-ar": {"mAP": 0.2}}, "n_pairs": 2}
        for setting, metrics in VALUES[seed].items()
    }
    summary = {
        "model": "m",
        "task": "t",
        "settings": settings,
        "main_score": {"name": "multi/mAP", "value": MAIN[seed]},
        "dataset_fingerprint": data,
        "model_fingerprint": f"model-fp-{seed}",
        "zero_shot": False,
    }
    path = result_paths(results, "m", "t", limit, seed).summary
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(summary), encoding="utf-8")
    return path


def test_mean_and_std_match_numpy(tmp_path: Path) -> None:
    """Every numeric metric gets mean and sample std (ddof=1) equal to numpy's; per-pair detail is skipped."""
    for seed in SEEDS:
        _write(tmp_path, seed)
    path = aggregate_seeds(tmp_path, "m", "t", None, SEEDS)
    assert path == seeds_path(tmp_path, "m", "t", None) == tmp_path / "m" / "t.seeds.json"
    aggregate = json.loads(path.read_text(encoding="utf-8"))
    assert set(aggregate["settings"]) == {"mono", "cross"}
    for setting in ("mono", "cross"):
        assert set(aggregate["settings"][setting]) == {"mAP", "recall@10"}
        for metric in ("mAP", "recall@10"):
            values = np.array([VALUES[s][setting][metric] for s in SEEDS])
            spread = aggregate["settings"][setting][metric]
            assert spread["values"] == values.tolist()
            assert spread["mean"] == pytest.approx(np.mean(values), rel=1e-12)
            assert spread["std"] == pytest.approx(np.std(values, ddof=1), rel=1e-12)
    main = np.array([MAIN[s] for s in SEEDS])
    assert aggregate["main_score"]["name"] == "multi/mAP"
    assert aggregate["main_score"]["mean"] == pytest.approx(np.mean(main), rel=1e-12)
    assert aggregate["main_score"]["std"] == pytest.approx(np.std(main, ddof=1), rel=1e-12)
    assert aggregate["seeds"] == SEEDS and aggregate["model"] == "m" and aggregate["task"] == "t"
    assert aggregate["limit"] is None and aggregate["zero_shot"] is False
    assert aggregate["dataset_fingerprint"] == "data-fp"
    assert aggregate["model_fingerprints"] == ["model-fp-0", "model-fp-1", "model-fp-2"]


def test_single_seed_has_zero_std(tmp_path: Path) -> None:
    """One seed: mean is its value, std 0."""
    _write(tmp_path, 1)
    aggregate = json.loads(aggregate_seeds(tmp_path, "m", "t", None, [1]).read_text(encoding="utf-8"))
    assert aggregate["settings"]["mono"]["mAP"] == {"mean": 0.64, "std": 0.0, "values": [0.64]}
    assert aggregate["main_score"] == {"name": "multi/mAP", "mean": 0.38, "std": 0.0, "values": [0.38]}


def test_limit_runs_aggregate_into_their_own_file(tmp_path: Path) -> None:
    """Quick runs (--limit) read `.limitN.seedK.json` and write `.limitN.seeds.json`."""
    for seed in (0, 2):
        assert _write(tmp_path, seed, limit=5).name == f"t.limit5.seed{seed}.json"
    path = aggregate_seeds(tmp_path, "m", "t", 5, [0, 2])
    assert path == tmp_path / "m" / "t.limit5.seeds.json"
    spread = json.loads(path.read_text(encoding="utf-8"))["settings"]["cross"]["recall@10"]
    assert spread["mean"] == pytest.approx(np.mean([0.55, 0.51]))
    assert spread["std"] == pytest.approx(np.std([0.55, 0.51], ddof=1))


def test_missing_seed_names_its_path(tmp_path: Path) -> None:
    """A seed without a result file: one-line HarnessError naming the file and seed; nothing written."""
    for seed in (0, 1):
        _write(tmp_path, seed)
    missing = result_paths(tmp_path, "m", "t", None, 2).summary
    with pytest.raises(HarnessError) as excinfo:
        aggregate_seeds(tmp_path, "m", "t", None, SEEDS)
    message = str(excinfo.value)
    assert str(missing) in message and "seed 2" in message and "\n" not in message
    assert not seeds_path(tmp_path, "m", "t", None).exists()


def test_unreadable_seed_file_fails(tmp_path: Path) -> None:
    """A truncated summary is reported like a missing one."""
    _write(tmp_path, 0)
    broken = _write(tmp_path, 1)
    broken.write_text('{"settings": ', encoding="utf-8")
    with pytest.raises(HarnessError, match="seed 1"):
        aggregate_seeds(tmp_path, "m", "t", None, [0, 1])


def test_aggregate_carries_the_breakdowns_of_single_results(tmp_path: Path) -> None:
    """Low-resource block, worst pair and spread across pairs of the per-view seed means, and how training ended."""
    for seed in SEEDS:
        _write(tmp_path, seed)
    aggregate = json.loads(aggregate_seeds(tmp_path, "m", "t", None, SEEDS).read_text())
    cross = aggregate["low_resource"]["settings"]["cross"]
    assert cross["worst"]["mAP"] == {"pair": "ar-de", "value": 0.1}
    assert cross["spread"]["mAP"] == {
        "n_pairs": 2,
        "std": pytest.approx(np.std([0.1, 0.2], ddof=1), abs=1e-6),
        "min": {"pair": "ar-de", "value": 0.1},
        "max": {"pair": "de-ar", "value": 0.2},
    }
    assert [t["seed"] for t in aggregate["training"]] == [None, None, None]  # these summaries record no training


def test_one_more_seed_extends_the_stored_aggregate(tmp_path: Path) -> None:
    """Running seed 2 after seeds 0 and 1 were stored aggregates all three (not seed 2 alone); quick-run
    files (.limitN) and the aggregate itself are not seeds of the full task."""
    for seed in (0, 1):
        _write(tmp_path, seed)
    _write(tmp_path, 1, limit=5)
    aggregate_seeds(tmp_path, "m", "t", None, [0, 1])
    _write(tmp_path, 2)
    assert stored_seeds(tmp_path, "m", "t", None) == [0, 1, 2] and stored_seeds(tmp_path, "m", "t", 5) == [1]
    path, stale = aggregate_with_stored(tmp_path, "m", "t", None, [2])
    aggregate = json.loads(path.read_text(encoding="utf-8"))
    assert stale == [] and aggregate["seeds"] == SEEDS
    assert aggregate["main_score"]["mean"] == pytest.approx(np.mean(list(MAIN.values())), rel=1e-12)


def test_a_stored_seed_made_on_other_data_is_left_out_and_named(tmp_path: Path) -> None:
    _write(tmp_path, 0, data="old-data-fp")
    for seed in (1, 2):
        _write(tmp_path, seed)
    path, stale = aggregate_with_stored(tmp_path, "m", "t", None, [1, 2])
    aggregate = json.loads(path.read_text(encoding="utf-8"))
    assert stale == [0] and aggregate["seeds"] == [1, 2]
    assert aggregate["settings"]["cross"]["mAP"]["mean"] == pytest.approx(np.mean([0.47, 0.40]), rel=1e-12)
