"""Mean ± standard deviation over the seeds of a trained model: `<task>[.limitN].seeds.json`."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from harness.atomic import atomic_write_text
from harness.errors import HarnessError
from harness.results.setting_keys import NOT_METRICS
from harness.results.store import read_summary, result_paths


def seeds_path(results_dir: Path, model: str, task: str, limit: int | None) -> Path:
    """Where the seed aggregate of one (model, task, limit) goes."""
    stem = result_paths(results_dir, model, task, limit).summary.name.removesuffix(".json")
    return results_dir / model / f"{stem}.seeds.json"


def _spread(values: list[float]) -> dict[str, object]:
    # Sample standard deviation (n - 1), 0 for a single seed.
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return {"mean": statistics.fmean(values), "std": std, "values": values}


def aggregate_seeds(results_dir: Path, model: str, task: str, limit: int | None, seeds: list[int]) -> Path:
    """Combine the per-seed results of one task into per-setting, per-metric mean ± std."""
    summaries = []
    for seed in seeds:
        path = result_paths(results_dir, model, task, limit, seed).summary
        summary = read_summary(path)
        if summary is None:
            raise HarnessError(f"{path}: missing or unreadable result of seed {seed}")
        summaries.append(summary)
    if not summaries or len(set(seeds)) != len(seeds):
        raise HarnessError(f"seeds: need distinct seeds, got {seeds}")
    first = summaries[0]
    for seed, summary in zip(seeds, summaries, strict=True):
        if summary.get("dataset_fingerprint") != first.get("dataset_fingerprint"):
            raise HarnessError(f"{model}/{task} seed {seed}: evaluated on other data than seed {seeds[0]}")
        if set(summary.get("settings", {})) != set(first["settings"]):
            raise HarnessError(f"{model}/{task} seed {seed}: settings differ from seed {seeds[0]}")
    settings: dict[str, dict[str, object]] = {}
    for setting, metrics in first["settings"].items():
        settings[setting] = {
            metric: _spread([float(s["settings"][setting][metric]) for s in summaries])
            for metric, value in metrics.items()
            if metric not in NOT_METRICS and isinstance(value, int | float)
        }
    aggregate = {
        "model": model,
        "task": task,
        "limit": limit,
        "seeds": seeds,
        "zero_shot": first.get("zero_shot", True),
        "dataset_fingerprint": first["dataset_fingerprint"],
        "model_fingerprints": [s["model_fingerprint"] for s in summaries],
        "main_score": {"name": first["main_score"]["name"],
                       **_spread([float(s["main_score"]["value"]) for s in summaries])},
        "settings": settings,
    }
    path = seeds_path(results_dir, model, task, limit)
    atomic_write_text(path, json.dumps(aggregate, indent=1, sort_keys=True) + "\n")
    return path
