"""Everything the pages show, computed once: groups, ranks, CIs, robustness, tests against a baseline."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from harness.errors import HarnessError
from harness.metrics import higher_is_better
from harness.report.collect import Collection
from harness.report.entries import Entry, GroupKey
from harness.report.low_resource_languages import ResourceClasses, low_resource, resource_classes
from harness.report.metadata import ModelInfo, Registries, TaskInfo, model_info, task_info
from harness.report.model_ranks import competition_ranks
from harness.report.per_query import CorruptPerQueryError, PerQueryError, View, ViewKey, aligned_cells, load_views
from harness.report.robustness import Robustness, robustness
from harness.stats import bootstrap
from harness.stats.batched_randomization import paired_tests
from harness.stats.clustered import cluster_contributions
from harness.stats.multiple_testing import holm_bounds
from harness.stats.randomization import ALPHA, N_RESAMPLES, PValue, resampling_floor
from harness.tasks.cluster_key import ClusterKey
from harness.vocabulary import SETTING_ORDER, view_languages


@dataclass(frozen=True)
class BoardOptions:
    """Choices made at render time."""

    baseline: str | None = None  # default: the first registered model with a result in the group
    ci_resamples: int = bootstrap.N_RESAMPLES
    test_resamples: int = N_RESAMPLES


@dataclass
class Comparison:
    """A paired randomization test of an entry's main score against the baseline's, on shared queries."""

    baseline: str
    delta: float | None
    p: float
    better: bool | None
    p_holm: float = 1.0
    floor: float | None = None  # 1/(B + 1) of a Monte Carlo test; None when every sign vector was enumerated
    holm_bound: bool = False  # p_holm is an upper bound: it was set by a p-value at the floor

    @property
    def at_floor(self) -> bool:
        """The raw p-value is the resampling floor 1/(B + 1): no sign flip reached the observed difference."""
        return PValue(self.p, self.floor).at_floor

    @property
    def marker(self) -> str:
        """'▲' significantly better than the baseline, '▼' worse (Holm-adjusted p < 0.05), else ''."""
        if self.p_holm >= ALPHA or self.better is None:
            return ""
        return "▲" if self.better else "▼"


@dataclass
class Row:
    """One entry with its computed numbers."""

    entry: Entry
    info: ModelInfo
    rank: int | None
    cis: dict[str, tuple[float, float]]
    ci_metrics: dict[str, str]
    robustness: Robustness
    comparison: Comparison | None = None
    is_baseline: bool = False


@dataclass
class GroupBoard:
    """One (task, limit): its rows, best first."""

    key: GroupKey
    task: TaskInfo
    rows: list[Row]
    baseline: str | None
    low_langs: tuple[str, ...]

    def row_of(self, model: str) -> Row | None:
        """The row of a model, None when it has no result here."""
        return next((row for row in self.rows if row.entry.model == model), None)

    @property
    def main_setting(self) -> str:
        """'multi' of 'multi/mAP'."""
        return self.rows[0].entry.main_setting

    @property
    def main_metric(self) -> str:
        """'mAP' of 'multi/mAP'."""
        return self.rows[0].entry.main_metric

    @property
    def pair_settings(self) -> list[str]:
        """The settings whose pairs the rows' robustness breakdowns use (cross, or mono for monolingual tasks)."""
        return sorted({row.robustness.pair_setting for row in self.rows if row.robustness.pair_setting})

    @cached_property
    def settings(self) -> list[str]:
        """Settings present in any row, in the task's order."""
        present = {s for row in self.rows for s in row.entry.settings}
        return [s for s in SETTING_ORDER if s in present] + sorted(present - set(SETTING_ORDER))

    @cached_property
    def languages(self) -> list[str]:
        """Languages of the task that appear in any row, in the task's order."""
        seen = {
            lang
            for row in self.rows
            for s in row.entry.settings.values()
            for v in s.detail
            for lang in view_languages(v)
        }
        ordered = [lang for lang in self.task.languages if lang in seen]
        return ordered + sorted(seen - set(ordered))


@dataclass
class Board:
    """All groups, and what was left out."""

    groups: list[GroupBoard]
    models: dict[str, ModelInfo]
    warnings: list[str]
    skipped: int
    hidden: int
    resource_table: ResourceClasses | None
    options: BoardOptions
    n_comparisons: int = 0
    sections: dict[int | None, list[GroupBoard]] = field(default_factory=dict)  # ranked overall, per limit
    diagnostic: list[GroupBoard] = field(default_factory=list)  # pipeline checks: shown apart with their caveat
    invalid: list[str] = field(default_factory=list)  # inputs left out or unreadable: malformed results, corrupt files

    @property
    def test_floor(self) -> float:
        """The smallest p-value the page's randomization tests can give: 1/(B + 1) for B sign flips."""
        return resampling_floor(self.options.test_resamples)


def headline_metrics(entry: Entry) -> dict[str, str]:
    """Per setting, the metric CIs are given for: the main score's metric when the setting has it."""
    metric = entry.main_metric
    out = {}
    for setting, scores in entry.settings.items():
        metrics = scores.metrics()
        if metrics:
            out[setting] = metric if metric in metrics else metrics[0]
    return out


def _training_languages(entry: Entry, info: ModelInfo, cache: dict[str, set[str] | None]) -> set[str] | None:
    """Languages a model was trained on: its training set's, or those its registry entry declares."""
    training = entry.first.training or {}
    train_set = training.get("train_set")
    name = train_set.get("name") if isinstance(train_set, dict) else None
    if isinstance(name, str):
        if name not in cache:
            from harness.trainsets.training_registry import get_training_spec

            try:
                spec = get_training_spec(name)
                cache[name] = {spec.code(lang) for lang in spec.languages}
            except HarnessError:
                cache[name] = None
        return cache[name]
    return set(info.languages) if info.languages else None


def choose_baseline(option: str | None, entries: list[Entry], registry_order: list[str]) -> str | None:
    """The model each group is tested against: the chosen one, else the first registered model present."""
    names = {e.model for e in entries}
    if option is not None:
        return option if option in names else None
    return next((n for n in registry_order if n in names), min(names) if names else None)


def _test_group(
    rows: list[Row], views: dict[str, dict[ViewKey, View]], baseline: str | None, resamples: int, key: ClusterKey
) -> None:
    """Paired tests of every row's main score against the baseline's (raw p-values; Holm comes later): signs flip
    per cluster of the task (a question across its languages), so n is the number of independent items."""
    base_views = views.get(baseline or "", {})
    comparisons, targets = [], []
    for row in rows:
        if row.entry.model == baseline:
            row.is_baseline = True
            continue
        mine = views.get(row.entry.model, {})
        cells = [aligned_cells(mine[k], base_views[k], key, k[1]) for k in mine if k in base_views]
        cells = [c for c in cells if c[0].size]
        if cells and baseline is not None:
            contributions = cluster_contributions(cells)
            comparisons.append([(contributions, np.zeros_like(contributions))])
            targets.append(row)
    base_row = next((r for r in rows if r.is_baseline), None)
    for row, p in zip(targets, paired_tests(comparisons, resamples), strict=True):
        mine, theirs = row.entry.main_value, base_row.entry.main_value if base_row else None
        delta = mine - theirs if mine is not None and theirs is not None else None
        metric = row.entry.main_metric
        better = None if not delta else (delta > 0) == higher_is_better(metric)
        row.comparison = Comparison(baseline or "", delta, p.value, better, floor=p.floor)


def _group_rows(
    entries: list[Entry],
    board_models: dict[str, ModelInfo],
    low: set[str],
    options: BoardOptions,
    warnings: list[str],
    cache: dict[str, set[str] | None],
    invalid: list[str],
) -> tuple[list[Row], dict]:
    ranks = competition_ranks(entries)
    rows, views_by_model = [], {}
    for entry in entries:
        info = board_models[entry.model]
        wanted = headline_metrics(entry)
        main_setting = entry.main_setting
        try:
            views = load_views(entry, wanted, with_ids={main_setting})
        except PerQueryError as exc:
            warnings.append(f"{exc}; no confidence intervals or tests for it")
            if isinstance(exc, CorruptPerQueryError):
                invalid.append(str(exc))
            views = {}
        cis = {}
        for setting in wanted:
            ci = bootstrap.macro_mean_ci([v.values for k, v in views.items() if k[0] == setting], options.ci_resamples)
            if ci is not None:
                cis[setting] = ci
        views_by_model[entry.model] = {k: v for k, v in views.items() if k[0] == main_setting}
        rob = robustness(entry, low, _training_languages(entry, info, cache))
        rows.append(Row(entry, info, ranks.get(entry.model), cis, wanted, rob))
    return rows, views_by_model


def _row_order(row: Row) -> tuple:
    value = row.entry.main_value
    sign = -1.0 if higher_is_better(row.entry.main_metric) else 1.0
    return (row.rank is None, row.rank or 0, value is None, sign * (value or 0.0), row.entry.model)


def build_board(found: Collection, registries: Registries, options: BoardOptions) -> Board:
    """Group, rank, bootstrap and test every entry; Holm's correction runs across all tests shown."""
    by_group: dict[GroupKey, list[Entry]] = defaultdict(list)
    by_model: dict[str, list[Entry]] = defaultdict(list)
    for entry in found.entries:
        by_group[entry.group].append(entry)
        by_model[entry.model].append(entry)
    if options.baseline is not None and options.baseline not in by_model:
        known = ", ".join(sorted(by_model)) or "none"
        raise HarnessError(f"--baseline: no result of model {options.baseline!r} (models with results: {known})")
    models = {name: model_info(name, entries, registries) for name, entries in sorted(by_model.items())}
    task_order = {name: i for i, name in enumerate(registries.tasks)}
    keys = sorted(by_group, key=lambda k: (k.limit is not None, k.limit or 0, task_order.get(k.task, 10**6), k.task))
    classes = resource_classes()
    warnings = [*registries.warnings, *found.warnings]
    cache: dict[str, set[str] | None] = {}
    invalid = list(found.invalid)
    groups = []
    for key in keys:
        entries = by_group[key]
        task = task_info(key.task, entries, registries)
        low = low_resource(task.languages, classes, task.low_resource)
        rows, views = _group_rows(entries, models, low, options, warnings, cache, invalid)
        baseline = choose_baseline(options.baseline, entries, list(registries.models))
        spec = registries.tasks.get(key.task)
        _test_group(rows, views, baseline, options.test_resamples, spec.cluster_key if spec else "query-id")
        rows.sort(key=_row_order)
        groups.append(GroupBoard(key, task, rows, baseline, tuple(sorted(low))))
    tests = [row.comparison for g in groups for row in g.rows if row.comparison is not None]
    adjusted = holm_bounds([PValue(c.p, c.floor) for c in tests])
    for comparison, (p_holm, bound) in zip(tests, adjusted, strict=True):
        comparison.p_holm, comparison.holm_bound = p_holm, bound
    sections: dict[int | None, list[GroupBoard]] = defaultdict(list)
    for group in groups:
        if not group.task.diagnostic:
            sections[group.key.limit].append(group)
    return Board(
        groups,
        models,
        warnings,
        found.skipped,
        found.hidden,
        classes,
        options,
        len(tests),
        dict(sections),
        [g for g in groups if g.task.diagnostic],
        invalid,
    )
