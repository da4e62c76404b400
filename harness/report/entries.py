"""One leaderboard entry per (model, task, limit): a single run, or the mean over a trained model's seeds."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path

from harness.data.resource_classes import ResourceTable
from harness.models.backends.backend_spec import DEFAULT_BACKEND, NATIVE
from harness.results.result_file import NOT_METRICS, BackendRecord, ResultFile, SettingSummary
from harness.vocabulary import view_languages

COUNT_KEYS = NOT_METRICS  # per view: n_queries is a count, not a metric


@dataclass(frozen=True)
class Run:
    """One result file: the only run of a model, or one seed of a trained model."""

    summary_path: Path
    result: ResultFile

    @property
    def per_query_path(self) -> Path | None:
        """The per-query file beside the summary (its bare name: a result cannot point elsewhere)."""
        ref = self.result.per_query
        return None if ref is None else self.summary_path.parent / Path(ref.file).name


@dataclass
class SettingScores:
    """Macro means and per-view values of one setting (views: 'ar-de' pairs, or query languages for multi)."""

    macro: dict[str, float | None]
    detail: dict[str, dict[str, float | None]]
    n_queries: dict[str, int] = field(default_factory=dict)

    def metrics(self) -> list[str]:
        """Metrics present in the macro means or any view, in first-seen order."""
        seen = dict.fromkeys(self.macro)
        for values in self.detail.values():
            seen.update(dict.fromkeys(values))
        return list(seen)


@dataclass(frozen=True)
class Spread:
    """Mean ± sample standard deviation over seeds (0 for one seed), as harness/results/seeds.py computes it."""

    mean: float
    std: float
    values: tuple[float, ...]


@dataclass(frozen=True)
class GroupKey:
    """Results ranked together: one task at one limit (None: the full data)."""

    task: str
    limit: int | None

    @property
    def label(self) -> str:
        """'xquad-r' or 'xquad-r (limit 200)'."""
        return self.task if self.limit is None else f"{self.task} (limit {self.limit})"

    @property
    def stem(self) -> str:
        """File stem as the result files write it: 'xquad-r' or 'xquad-r.limit200'."""
        return self.task if self.limit is None else f"{self.task}.limit{self.limit}"


@dataclass
class Entry:
    """What the leaderboard shows for one model on one task at one limit."""

    model: str
    runs: list[Run]
    settings: dict[str, SettingScores]
    spread: dict[str, Spread]  # 'setting/metric' -> spread over seeds (trained models)

    @property
    def first(self) -> ResultFile:
        """The first run's summary (identity fields are equal across seeds)."""
        return self.runs[0].result

    @property
    def group(self) -> GroupKey:
        """(task, limit)."""
        return GroupKey(self.first.task, self.first.limit)

    @property
    def seeds(self) -> list[int]:
        """Training seeds of the runs ([] for an untrained model)."""
        return [r.result.seed for r in self.runs if r.result.seed is not None]

    @property
    def backend(self) -> BackendRecord | None:
        """The inference backend of the runs when it is not the default (torch fp32, or the model's own engine);
        None for the default and for older files, which recorded none (they were made with the default)."""
        record = self.first.backend
        return record if record is not None and record.name not in (NATIVE, DEFAULT_BACKEND) else None

    @property
    def zero_shot(self) -> bool:
        """False when any run is in-domain (trained on this task's data)."""
        return all(r.result.zero_shot for r in self.runs)

    @property
    def trained(self) -> bool:
        """A trained recipe's runs (they carry the training record)."""
        return any(r.result.training for r in self.runs)

    @property
    def overlap(self) -> dict[str, float] | None:
        """Largest measured share of the task's query and corpus texts seen in training over the runs;
        None for untrained models and for results written before overlap was measured."""
        records = [r.result.training_overlap for r in self.runs]
        if not self.trained or any(rec is None for rec in records):
            return None
        return {
            part: max(float(rec[part]["share"]) for rec in records)  # type: ignore[index]
            for part in ("queries", "corpus")
        }

    @property
    def main_name(self) -> str:
        """'multi/mAP'."""
        return self.first.main_score.name

    @property
    def main_setting(self) -> str:
        """'multi' of 'multi/mAP'."""
        return self.first.main_setting

    @property
    def main_metric(self) -> str:
        """'mAP' of 'multi/mAP'."""
        return self.first.main_metric

    @property
    def main_value(self) -> float | None:
        """The main score: the run's, or the mean over seeds."""
        values = [r.result.main_score.value for r in self.runs]
        return None if any(v is None for v in values) else statistics.fmean(values)  # type: ignore[arg-type]

    def value(self, setting: str, metric: str, view: str | None = None) -> float | None:
        """A macro mean (view None) or one view's value; None when absent."""
        scores = self.settings.get(setting)
        if scores is None:
            return None
        return scores.macro.get(metric) if view is None else scores.detail.get(view, {}).get(metric)


def _mean(values: list[float | None]) -> float | None:
    return None if not values or any(v is None for v in values) else statistics.fmean(values)  # type: ignore[arg-type]


def _spread(values: list[float]) -> Spread:
    std = statistics.stdev(values) if len(values) > 1 else 0.0
    return Spread(statistics.fmean(values), std, tuple(values))


def _setting_scores(summaries: list[SettingSummary]) -> SettingScores:
    first = summaries[0]
    macro = {m: _mean([s.macros().get(m) for s in summaries]) for m in first.macros()}
    details = [s.detail() for s in summaries]
    detail: dict[str, dict[str, float | None]] = {}
    counts: dict[str, int] = {}
    for view, values in details[0].items():
        detail[view] = {m: _mean([d.get(view, {}).get(m) for d in details]) for m in values if m not in COUNT_KEYS}
        if values.get("n_queries") is not None:
            counts[view] = int(values["n_queries"])  # type: ignore[arg-type]
    return SettingScores(macro, detail, counts)


def build_entry(runs: list[Run]) -> Entry:
    """Combine the runs of one (model, task, limit); callers check that the runs are comparable."""
    runs = sorted(runs, key=lambda r: -1 if r.result.seed is None else r.result.seed)
    results = [r.result for r in runs]
    settings = {name: _setting_scores([r.settings[name] for r in results]) for name in results[0].settings}
    spread: dict[str, Spread] = {}
    if results[0].seed is not None:
        for name, scores in settings.items():
            for metric in scores.macro:
                values = [r.settings[name].macros().get(metric) for r in results]
                if all(v is not None for v in values):
                    spread[f"{name}/{metric}"] = _spread(values)  # type: ignore[arg-type]
    return Entry(results[0].model, runs, settings, spread)


def comparable(runs: list[Run]) -> str | None:
    """Why the seeds of one entry cannot be combined, or None when they can."""
    first = runs[0].result
    for run in runs[1:]:
        other = run.result
        if other.dataset_fingerprint != first.dataset_fingerprint:
            return f"seed {other.seed} was evaluated on other data than seed {first.seed}"
        if (other.backend and other.backend.name) != (first.backend and first.backend.name):
            return f"seed {other.seed} was run with another backend than seed {first.seed}"
        if set(other.settings) != set(first.settings) or other.main_score.name != first.main_score.name:
            return f"seed {other.seed} has other settings or main score than seed {first.seed}"
    return None


def select_views(entry: Entry, setting: str, metric: str, which: str, table: ResourceTable) -> list[str]:
    """The entry's views of a setting that hold `metric`: all of them, or (which = 'low-resource') those whose
    query or corpus language has a low-resource class."""
    scores = entry.settings.get(setting)
    views = [v for v, values in scores.detail.items() if values.get(metric) is not None] if scores else []
    if which == "low-resource":
        views = [v for v in views if any(table.is_low_resource(lang) for lang in view_languages(v))]
    return views
