"""Read every result file under a folder; malformed or schema-invalid files become one-line warnings."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection as Names
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from harness.errors import HarnessError
from harness.report.entries import Entry, Run, build_entry, comparable
from harness.results.reader import SEEDS_SUFFIX, read_json_object
from harness.results.result_file import ResultFile, SeedsFile
from harness.yaml_io import validation_message


@dataclass
class Collection:
    """The entries to show, and what was left out."""

    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: int = 0  # result files left out (malformed, invalid, inconsistent)
    hidden: int = 0  # results of regression tasks, never shown
    invalid: list[str] = field(default_factory=list)  # one line per skipped input (render refuses them by default)

    def warn(self, message: str, files: int = 1) -> None:
        """Record one skipped input as a single line."""
        line = " ".join(message.split())[:400]
        self.warnings.append(line)
        self.invalid.append(line)
        self.skipped += files


def _read_json(path: Path, found: Collection) -> dict | None:
    try:
        return read_json_object(path)
    except HarnessError as exc:
        found.warn(f"{exc}, skipped")
        return None


def _validate(path: Path, data: dict, schema: type, found: Collection) -> object | None:
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        found.warn(f"{validation_message(path, exc)}; skipped")
        return None


def _check_seeds(
    key: tuple, runs: list[Run], aggregates: dict[tuple, tuple[Path, SeedsFile]], found: Collection
) -> None:
    aggregate = aggregates.get(key)
    if aggregate is None:
        return
    path, seeds = aggregate
    present = sorted(r.result.seed for r in runs if r.result.seed is not None)
    if sorted(seeds.seeds) != present:
        found.warnings.append(f"{path}: lists seeds {sorted(seeds.seeds)}, result files exist for {present}")


def collect(results_dir: Path, hidden_tasks: Names[str] = ()) -> Collection:
    """Entries of every `<model>/<task>[.limitN][.seedK].json` under `results_dir`."""
    if not results_dir.is_dir():
        raise HarnessError(f"--results: {results_dir} is not a folder")
    found = Collection()
    grouped: dict[tuple, list[Run]] = defaultdict(list)
    aggregates: dict[tuple, tuple[Path, SeedsFile]] = {}
    for path in sorted(results_dir.glob("*/*.json")):
        data = _read_json(path, found)
        if data is None:
            continue
        schema = SeedsFile if path.name.endswith(SEEDS_SUFFIX) else ResultFile
        parsed = _validate(path, data, schema, found)
        if isinstance(parsed, SeedsFile):
            aggregates[(parsed.model, parsed.task, parsed.limit)] = (path, parsed)
        elif isinstance(parsed, ResultFile):
            if parsed.task in hidden_tasks:
                found.hidden += 1
                continue
            grouped[(parsed.model, parsed.task, parsed.limit)].append(Run(path, parsed))
    for key, runs in sorted(grouped.items(), key=lambda item: tuple(str(k) for k in item[0])):
        runs = _one_run_per_seed(runs, found)
        problem = comparable(runs)
        if problem:
            found.warn(f"{runs[0].summary_path.parent}: {key[1]}: {problem}; skipped", files=len(runs))
            continue
        _check_seeds(key, runs, aggregates, found)
        found.entries.append(build_entry(runs))
    return found


def _one_run_per_seed(runs: list[Run], found: Collection) -> list[Run]:
    """Drop duplicates of a seed, and a seedless file beside per-seed files, with a warning each."""
    seeded = any(r.result.seed is not None for r in runs)
    kept: dict[int | None, Run] = {}
    for run in runs:
        seed = run.result.seed
        if (seeded and seed is None) or seed in kept:
            what = "a seedless result beside per-seed results" if seed is None else f"a second result of seed {seed}"
            found.warn(f"{run.summary_path}: {what}; skipped")
            continue
        kept[seed] = run
    return list(kept.values())
