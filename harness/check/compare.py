"""Compare results with baselines: one row per (model, task, setting, pair, metric), classified."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path

import numpy as np

from harness.check.inputs import Summary, baseline_files, load_summary, try_per_query
from harness.check.tolerances import Tolerances
from harness.errors import HarnessError
from harness.metrics import higher_is_better
from harness.results.result_store import view_query_ids
from harness.stats.clustered import clustered_sign_flip
from harness.stats.multiple_testing import holm
from harness.stats.randomization import ALPHA
from harness.tasks.cluster_key import ClusterKey, cluster_ids
from harness.vocabulary import query_language

IDENTICAL = 1e-6
MACRO = ""  # the `pair` of a setting-level (macro mean) row


class Status(StrEnum):
    """Outcome of one comparison."""

    OK = "OK"  # identical within 1e-6
    OKISH = "OKish"  # within the declared tolerance
    IMPROVED = "IMPROVED"  # better beyond tolerance: reported, never a failure
    FAIL = "FAIL"  # worse beyond tolerance
    MISSING = "MISSING"  # in the baseline, not in the results
    NOT_COMPARABLE = "NOT-COMPARABLE"  # different dataset, limit or backend: numbers not compared


@dataclass(frozen=True)
class CheckOptions:
    """Which non-numeric problems are tolerated."""

    allow_missing: bool = False
    allow_dataset_change: bool = False


@dataclass(frozen=True)
class Row:
    """One compared number (or one whole result file for MISSING / NOT-COMPARABLE, with setting '*')."""

    model: str
    result: str  # result file stem, e.g. 'xquad-r-ci.limit200'
    task: str
    setting: str
    pair: str  # MACRO for the setting's macro mean
    metric: str
    baseline: float | None
    current: float | None
    tolerance: float | None
    status: Status
    failed: bool
    note: str = ""
    p_value: float | None = None
    p_holm: float | None = None

    @property
    def delta(self) -> float | None:
        """current - baseline."""
        if self.baseline is None or self.current is None:
            return None
        return self.current - self.baseline


@dataclass
class CheckResult:
    """Every row of a check, plus notes about the compared files."""

    results_dir: Path
    baseline_dir: Path
    options: CheckOptions
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when any row counts as a failure."""
        return any(row.failed for row in self.rows)


def classify(baseline: float | None, current: float | None, tolerance: float, metric: str) -> Status:
    """OK / OKish / IMPROVED / FAIL / MISSING for one number, honouring the metric's direction."""
    if baseline is None:
        return Status.OK if current is None else Status.IMPROVED
    if current is None:
        return Status.MISSING
    delta = current - baseline
    if abs(delta) <= IDENTICAL + 1e-12:  # values are stored rounded to 6 decimals
        return Status.OK
    gain = delta if higher_is_better(metric) else -delta
    if gain > tolerance:
        return Status.IMPROVED
    return Status.OKISH if gain >= -tolerance - 1e-12 else Status.FAIL


def _failed(status: Status, options: CheckOptions) -> bool:
    if status is Status.MISSING:
        return not options.allow_missing
    if status is Status.NOT_COMPARABLE:
        return not options.allow_dataset_change
    return status is Status.FAIL


def _file_row(base: Summary, result: str, status: Status, note: str, options: CheckOptions) -> Row:
    return Row(base.model, result, base.task, "*", MACRO, "*", None, None, None, status, _failed(status, options), note)


def _changes(base: Summary, cur: Summary) -> list[str]:
    """What differs between the two files besides the numbers (explains a FAIL, is not one)."""
    notes = []
    for label, old, new in (
        ("model fingerprint", base.model_fingerprint, cur.model_fingerprint),
        ("harness version", base.harness, cur.harness),
    ):
        if old != new:
            notes.append(f"{label} changed ({str(old)[:12]} → {str(new)[:12]})")
    return notes


def compare_summaries(
    base: Summary, cur: Summary, result: str, tolerances: Tolerances, options: CheckOptions
) -> list[Row]:
    """Rows for every macro mean and every pair's mean present in the baseline."""
    if base.backend != cur.backend:
        note = (
            f"not comparable (backend changed: baseline {base.backend}, results {cur.backend}; "
            "a baseline holds for the backend it was made with)"
        )
        return [_file_row(base, result, Status.NOT_COMPARABLE, note, options)]
    if base.dataset_fingerprint != cur.dataset_fingerprint or base.limit != cur.limit:
        what = "dataset changed" if base.dataset_fingerprint != cur.dataset_fingerprint else "limit changed"
        note = (
            f"not comparable ({what}: baseline {base.dataset_fingerprint[:12]} limit {base.limit}, "
            f"results {cur.dataset_fingerprint[:12]} limit {cur.limit})"
        )
        return [_file_row(base, result, Status.NOT_COMPARABLE, note, options)]
    rows = []
    for setting, macro in base.macro.items():
        levels = [(MACRO, macro, cur.macro.get(setting, {}))]
        levels += [
            (pair, values, cur.pairs.get(setting, {}).get(pair, {}))
            for pair, values in base.pairs.get(setting, {}).items()
        ]
        for pair, base_values, cur_values in levels:
            for metric, old in base_values.items():
                new = cur_values.get(metric)
                tolerance = tolerances.for_metric(base.task, metric)
                status = classify(old, new, tolerance, metric)
                if status is Status.MISSING and metric in cur_values:
                    status = Status.FAIL  # present but undefined (NaN) where it used to be a number
                rows.append(
                    Row(
                        base.model,
                        result,
                        base.task,
                        setting,
                        pair,
                        metric,
                        old,
                        new,
                        tolerance,
                        status,
                        _failed(status, options),
                    )
                )
    return rows


def _view_values(arrays: dict[str, np.ndarray], setting: str, pair: str, metric: str) -> dict[str, float] | None:
    key = f"{setting}/{pair}/{metric}"
    if key not in arrays:
        return None
    return dict(zip(view_query_ids(arrays, setting, pair), arrays[key].tolist(), strict=True))


def _paired(
    base: dict[str, np.ndarray], cur: dict[str, np.ndarray], row: Row, pairs: list[str], key: ClusterKey
) -> float | None:
    """p-value of a row's change from the per-query values of its views, flipping whole clusters of the task
    (a question across its languages) (None without data)."""
    groups = []
    for pair in pairs:
        old = _view_values(base, row.setting, pair, row.metric)
        new = _view_values(cur, row.setting, pair, row.metric)
        if old is None or new is None:
            return None
        common = [q for q in old if q in new]
        ids = cluster_ids(key, query_language(pair), np.array(common, dtype=str))
        groups.append((np.array([new[q] for q in common]), np.array([old[q] for q in common]), ids))
    return clustered_sign_flip(groups) if groups else None


def _cluster_key(task: str) -> ClusterKey:
    """The task's declared cluster key; query ids alone for a task no longer declared."""
    from harness.tasks.task_registry import load_tasks

    spec = load_tasks().get(task)
    return spec.cluster_key if spec else "query-id"


def file_p_values(rows: list[Row], base: Summary, base_path: Path, current_path: Path) -> dict[int, float]:
    """Paired-test p-values of a file's FAIL and IMPROVED rows (by row index), where per-query data exists."""
    testable = (Status.FAIL, Status.IMPROVED)
    wanted = [i for i, row in enumerate(rows) if row.status in testable and row.current is not None]
    if not wanted:
        return {}
    base_arrays, cur_arrays = try_per_query(base_path), try_per_query(current_path)
    if base_arrays is None or cur_arrays is None:
        return {}
    p_values = {}
    for index in wanted:
        row = rows[index]
        pairs = list(base.pairs.get(row.setting, {})) if row.pair == MACRO else [row.pair]
        p_value = _paired(base_arrays, cur_arrays, row, pairs, _cluster_key(row.task))
        if p_value is not None:
            p_values[index] = p_value
    return p_values


def with_significance(rows: list[Row], p_values: dict[int, float]) -> list[Row]:
    """Rows with their p-values, Holm-corrected across every test of the check, and a note saying so."""
    adjusted = dict(zip(p_values, holm(list(p_values.values())), strict=True))
    out = list(rows)
    for index, p_value in p_values.items():
        verdict = "significant" if adjusted[index] < ALPHA else "not significant"
        note = f"{verdict} (clustered paired randomization p={p_value:.3g}, Holm {adjusted[index]:.3g})"
        out[index] = replace(
            rows[index], p_value=p_value, p_holm=adjusted[index], note="; ".join(filter(None, [rows[index].note, note]))
        )
    return out


def check(results_dir: Path, baseline_dir: Path, tolerances: Tolerances, options: CheckOptions) -> CheckResult:
    """Compare every baseline file with the result of the same name under `results_dir`."""
    if not results_dir.is_dir():
        raise HarnessError(f"--results: {results_dir} is not a folder")
    outcome = CheckResult(results_dir, baseline_dir, options)
    p_values: dict[int, float] = {}
    for path in baseline_files(baseline_dir):
        base = load_summary(path, "baseline")
        result = path.name[: -len(".json")]
        current_path = results_dir / path.parent.name / path.name
        if not current_path.is_file():
            note = f"no result {current_path}"
            outcome.rows.append(_file_row(base, result, Status.MISSING, note, options))
            continue
        cur = load_summary(current_path, "result")
        outcome.notes += [f"{base.model}/{result}: {note}" for note in _changes(base, cur)]
        rows = compare_summaries(base, cur, result, tolerances, options)
        offset = len(outcome.rows)
        p_values |= {offset + i: p for i, p in file_p_values(rows, base, path, current_path).items()}
        outcome.rows += rows
    outcome.rows = with_significance(outcome.rows, p_values)
    return outcome
