"""A computed result beside MTEB's published one for the same model: per view, and summarised."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from harness.errors import HarnessError
from harness.interop.mteb_published import PublishedResult
from harness.results.result_file import ResultFile
from harness.tasks.task_spec import TaskSpec

PARITY_TOLERANCE = 0.03  # a view further off than this is named with its reason in docs/PARITY.md


@dataclass(frozen=True)
class ParityRow:
    """One view: its MTEB subset, our value, the published one."""

    setting: str
    view: str
    subset: str
    ours: float
    published: float

    @property
    def delta(self) -> float:
        return self.ours - self.published


@dataclass(frozen=True)
class Parity:
    """Every mapped view of one task and metric, with the summary the docs quote."""

    task: str
    metric: str
    published: PublishedResult
    rows: list[ParityRow]
    unmatched: list[str]  # views of ours with no published subset, and published subsets we lack

    @property
    def mean_ours(self) -> float:
        return float(np.mean([r.ours for r in self.rows]))

    @property
    def mean_published(self) -> float:
        return float(np.mean([r.published for r in self.rows]))

    @property
    def mean_abs_delta(self) -> float:
        return float(np.mean([abs(r.delta) for r in self.rows]))

    @property
    def median_abs_delta(self) -> float:
        return float(np.median([abs(r.delta) for r in self.rows]))

    def off(self, tolerance: float = PARITY_TOLERANCE) -> list[ParityRow]:
        """Views further than `tolerance` from the published value, worst first."""
        return sorted((r for r in self.rows if abs(r.delta) > tolerance), key=lambda r: -abs(r.delta))


def parity(spec: TaskSpec, result: ResultFile, published: PublishedResult, metric: str | None = None) -> Parity:
    """Match every view of the mapped settings to its published subset (MTEB's main metric by default)."""
    if spec.mteb is None:
        raise HarnessError(f"task {spec.name} has no MTEB counterpart (no `mteb:` in its task file)")
    if published.task != spec.mteb.task:
        raise HarnessError(f"{published.path}: MTEB task {published.task}, but {spec.name} maps to {spec.mteb.task}")
    metric = metric or spec.mteb.main_metric
    if metric not in spec.mteb.metrics:
        raise HarnessError(f"--metric: {metric!r} has no MTEB key for {spec.name} (use {sorted(spec.mteb.metrics)})")
    key = spec.mteb.metrics[metric]
    subsets = published.subset_scores(spec.mteb.split)
    rows, unmatched, used = [], [], set()
    for setting in spec.mteb.settings:
        summary = result.settings.get(setting)
        for view, values in (summary.detail() if summary else {}).items():
            subset = spec.mteb_subset(view) or ""
            value = values.get(metric)
            if subset in subsets and key in subsets[subset] and value is not None:
                rows.append(ParityRow(setting, view, subset, float(value), subsets[subset][key]))
                used.add(subset)
            else:
                unmatched.append(f"{setting} {view} ({subset}): not published")
    unmatched += [f"{subset}: published, not computed" for subset in sorted(set(subsets) - used)]
    if not rows:
        raise HarnessError(f"{result.model} on {spec.name}: no view matches a subset of {published.path}")
    return Parity(spec.name, metric, published, rows, unmatched)
