"""Mean ± standard deviation over the seeds of a trained model: `<task>[.limitN].seeds.json`."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from harness.atomic import atomic_write_text
from harness.errors import HarnessError
from harness.results.low_resource import low_resource_breakdown
from harness.results.reader import SEEDS_SUFFIX, load_result
from harness.results.result_file import ResultFile
from harness.results.result_store import result_paths
from harness.results.transfer_gap import transfer_gap
from harness.vocabulary import CROSS, TRANSLATED


def seeds_path(results_dir: Path, model: str, task: str, limit: int | None) -> Path:
    """Where the seed aggregate of one (model, task, limit) goes."""
    stem = result_paths(results_dir, model, task, limit).summary.name.removesuffix(".json")
    return results_dir / model / f"{stem}{SEEDS_SUFFIX}"


def stored_seeds(results_dir: Path, model: str, task: str, limit: int | None) -> list[int]:
    """The seeds with a result file of (model, task, limit), from the file names."""
    stem = result_paths(results_dir, model, task, limit).summary.name.removesuffix(".json") + ".seed"
    tails = (p.name[len(stem) : -len(".json")] for p in (results_dir / model).glob(f"{stem}*.json"))
    return sorted(int(tail) for tail in tails if tail.isdigit())


def aggregate_with_stored(
    results_dir: Path, model: str, task: str, limit: int | None, seeds: list[int]
) -> tuple[Path, list[int]]:
    """The aggregate over `seeds` (just run) and every other stored seed of (model, task, limit) made the same
    way as seeds[0] (same data, training recipe and backend), so that running one more seed extends the
    aggregate instead of replacing it. Returns its path and the stored seeds left out (stale results)."""

    def identity(seed: int) -> tuple:
        path = result_paths(results_dir, model, task, limit, seed).summary
        result = load_result(path, f"seed {seed} result", required=("dataset_fingerprint",))
        backend = result.backend.name if result.backend else None
        return result.dataset_fingerprint, (result.training or {}).get("recipe"), backend

    reference = identity(seeds[0])
    others = [seed for seed in stored_seeds(results_dir, model, task, limit) if seed not in seeds]
    stale = [seed for seed in others if identity(seed) != reference]
    kept = sorted({*seeds, *(seed for seed in others if seed not in stale)})
    return aggregate_seeds(results_dir, model, task, limit, kept), stale


def _spread(values: list[float]) -> dict[str, object]:
    # Sample standard deviation (n - 1), 0 for a single seed.
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return {"mean": statistics.fmean(values), "std": std, "values": values}


def _seed_mean_settings(summaries: list[ResultFile]) -> dict[str, dict]:
    """Each setting as a summary entry of means over the seeds: macro means and every view's means."""
    out: dict[str, dict] = {}
    for setting, entry in summaries[0].settings.items():
        views = {
            view: {
                m: _mean([s.settings[setting].view_metrics().get(view, {}).get(m) for s in summaries]) for m in metrics
            }
            for view, metrics in entry.view_metrics().items()
        }
        macros = {m: _mean([s.settings[setting].macros().get(m) for s in summaries]) for m in entry.macros()}
        out[setting] = {**macros, "n_pairs": entry.n_pairs, ("by_lang" if entry.by_lang else "by_pair"): views}
    return out


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.fmean(present), 6) if len(present) == len(values) and present else None


def _training(summary: ResultFile) -> dict[str, object]:
    """How the seed's training ended: steps, best step, whether early stopping (not the step cap) ended it."""
    outcome = (summary.training or {}).get("outcome", {})
    params = (summary.training or {}).get("recipe", {}).get("params", {})
    return {
        "seed": summary.seed,
        "steps": outcome.get("steps"),
        "best_step": outcome.get("best_step"),
        "max_steps": params.get("max_steps"),
        "stopped_early": outcome.get("stopped_early"),
    }


def aggregate_seeds(results_dir: Path, model: str, task: str, limit: int | None, seeds: list[int]) -> Path:
    """Combine the per-seed results of one task into per-setting, per-metric mean ± std."""
    if not seeds or len(set(seeds)) != len(seeds):
        raise HarnessError(f"seeds: need distinct seeds, got {seeds}")
    summaries = [
        load_result(
            result_paths(results_dir, model, task, limit, seed).summary,
            f"seed {seed} result",
            required=("dataset_fingerprint",),
        )
        for seed in seeds
    ]
    first = summaries[0]
    for seed, summary in zip(seeds, summaries, strict=True):
        if summary.dataset_fingerprint != first.dataset_fingerprint:
            raise HarnessError(f"{model}/{task} seed {seed}: evaluated on other data than seed {seeds[0]}")
        if set(summary.settings) != set(first.settings):
            raise HarnessError(f"{model}/{task} seed {seed}: settings differ from seed {seeds[0]}")
    settings: dict[str, dict[str, object]] = {}
    for setting, entry in first.settings.items():
        settings[setting] = {
            metric: _spread([float(s.settings[setting].macros()[metric]) for s in summaries])  # type: ignore[arg-type]
            for metric, value in entry.macros().items()
            if value is not None
        }
    means = _seed_mean_settings(summaries)
    main_values = [s.main_score.value for s in summaries]
    aggregate = {
        "model": model,
        "task": task,
        "limit": limit,
        "seeds": seeds,
        "zero_shot": first.zero_shot,
        "dataset_fingerprint": first.dataset_fingerprint,
        "model_fingerprints": [s.model_fingerprint for s in summaries],
        "main_score": {"name": first.main_score.name, **_spread([float(v) for v in main_values if v is not None])},
        "settings": settings,
        # the breakdowns single results carry, of the per-view means over the seeds
        "low_resource": low_resource_breakdown(means),
        "training": [_training(s) for s in summaries],
    }
    if TRANSLATED in means and CROSS in means:
        aggregate["transfer_gap"] = transfer_gap(means[CROSS], means[TRANSLATED])
    path = seeds_path(results_dir, model, task, limit)
    atomic_write_text(path, json.dumps(aggregate, indent=1, sort_keys=True) + "\n")
    return path
