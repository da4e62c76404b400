"""Rich progress bars and tables for the CLI (the engine only sees the Progress protocol)."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text

from harness.results.result_file import NOT_METRICS
from harness.run import TaskOutcome
from harness.vocabulary import split_main_score

LOG_EVERY_SECONDS = 30.0  # off a terminal (logs, CI), a phase prints its pace this often


class RateColumn(ProgressColumn):
    """Items per second of a phase (texts/s while encoding)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("" if speed is None else f"{speed:,.1f}/s")


def pace(done: float, total: float | None, elapsed: float) -> str:
    """'640/2,915 (22%), 10.3/s, ETA 3m40s' for log lines."""
    rate = done / elapsed if elapsed > 0 else 0.0
    share = f" ({done / total:.0%})" if total else ""
    eta = f", ETA {_duration((total - done) / rate)}" if total and rate > 0 else ""
    return f"{done:,.0f}/{total or 0:,.0f}{share}, {rate:,.1f}/s{eta}"


def _duration(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{secs:02d}s"


class RichPhases:
    """One progress bar per encoding / scoring phase (advancing per batch, with rate and ETA); off a
    terminal, a line per phase every LOG_EVERY_SECONDS and when it ends, since bars are not redrawn there."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._bars = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            RateColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._logged: dict[int, float] = {}

    def __enter__(self) -> RichPhases:
        self._bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.stop()

    def start(self, description: str, total: int) -> int:
        handle = int(self._bars.add_task(description, total=total))
        self._logged[handle] = time.monotonic()
        return handle

    def advance(self, handle: int, amount: int) -> None:
        self._bars.advance(handle, amount)  # type: ignore[arg-type]
        now = time.monotonic()
        if not self._console.is_terminal and now - self._logged.get(handle, now) >= LOG_EVERY_SECONDS:
            self._logged[handle] = now
            task = self._bars.tasks[handle]  # type: ignore[index]
            self._print(f"{task.description}: {pace(task.completed, task.total, task.elapsed or 0.0)}")

    def finish(self, handle: int) -> None:
        self._bars.update(handle, completed=self._bars.tasks[handle].total)  # type: ignore[arg-type]
        if not self._console.is_terminal:
            task = self._bars.tasks[handle]  # type: ignore[index]
            self._print(f"{task.description}: {task.total:,.0f} done in {task.elapsed or 0:.1f} s")

    def stage(self, text: str) -> None:
        self._print(text)

    def _print(self, text: str) -> None:
        self._console.print(text, markup=False, highlight=False, soft_wrap=True)


def _fmt(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, float) else "—"


def summary_table(model: str, outcomes: list[TaskOutcome]) -> Table:
    """Task x setting x macro-mean metrics, plus skipped tasks with their reason."""
    table = Table(title=f"{model}: macro means per setting")
    for column in ("task", "setting", "metrics", "status"):
        table.add_column(column)
    for outcome in outcomes:
        if outcome.summary is None:
            table.add_row(outcome.task, "—", outcome.reason, outcome.status)
            continue
        limit = outcome.summary.get("limit")
        status = outcome.status + (f" (limit {limit})" if limit else "")
        for setting, values in outcome.summary["settings"].items():
            metrics = "  ".join(f"{k} {_fmt(v)}" for k, v in values.items() if k not in NOT_METRICS)
            table.add_row(outcome.task, f"{setting} ({values['n_pairs']})", metrics, status)
    return table


def _main_metric(summary: dict) -> tuple[str, str]:
    return split_main_score(str(summary.get("main_score", {}).get("name", "/")))


def _view_count_notes(task: str, setting: str, entry: dict) -> list[str]:
    """Views without queries (never averaged) and views under the task's minimum of queries."""
    lines = []
    empty = entry.get("empty_views") or {}
    if empty:
        lines.append(
            f"{task}: {setting}: {len(empty)} view(s) without queries, not averaged "
            f"(macro over {entry.get('n_pairs')}): {', '.join(sorted(empty))}"
        )
    few = entry.get("few_queries") or []
    if few:
        lines.append(
            f"{task}: {setting}: {len(few)} view(s) with fewer than {entry.get('min_queries')} queries: "
            f"{', '.join(few)}"
        )
    return lines


def _backend_note(task: str, record: object) -> list[str]:
    """The backend, when it is not the default, with the precision its runtime reports."""
    if not isinstance(record, dict) or record.get("name") in (None, "torch", "native"):
        return []
    reported = record.get("reported") if isinstance(record.get("reported"), dict) else {}
    runtime = f", runtime reports {reported['reported_precision']}" if "reported_precision" in reported else ""
    return [f"{task}: backend {record['name']} ({record.get('precision')} matrix products{runtime})"]


def result_notes(outcomes: list[TaskOutcome]) -> list[str]:
    """One line each for what a table of means hides: the task's caveat, the low-resource breakdown of
    the main setting, the transfer gap and counted data warnings."""
    lines: list[str] = []
    for outcome in outcomes:
        summary = outcome.summary
        if not summary:
            continue
        task = outcome.task
        if outcome.reason:
            lines.append(f"{task}: {outcome.reason}")
        lines.extend(_backend_note(task, summary.get("backend")))
        for setting, entry in summary.get("settings", {}).items():
            lines.extend(_view_count_notes(task, setting, entry))
        if summary.get("caveat"):
            lines.append(f"{task}: CAVEAT {summary['caveat']}")
        setting, metric = _main_metric(summary)
        low = summary.get("low_resource", {}).get("settings", {}).get(setting)
        if low and metric:
            worst = low["worst"].get(metric)
            worst_text = ""
            if worst:  # named with its setting: 'worst cross pair zh-de', 'worst multi query language zh'
                view = "pair" if "-" in worst["pair"] else "query language"
                worst_text = f", worst {setting} {view} {worst['pair']} {_fmt(worst['value'])}"
            lines.append(
                f"{task}: {setting} {metric} low-resource pairs (class <= 3) {_fmt(low['low'].get(metric))} "
                f"over {low['low']['n_pairs']}, rest {_fmt(low['rest'].get(metric))} over {low['rest']['n_pairs']}"
                f"{worst_text}"
            )
        gap = summary.get("transfer_gap", {}).get(metric)
        if gap:
            per_pair = " ".join(f"{pair} {_signed(value, 3)}" for pair, value in gap["by_pair"].items())
            lines.append(
                f"{task}: transfer gap (translated - native) {metric} mean {_signed(gap['mean'], 4)}: {per_pair}"
            )
        for kind, counts in summary.get("warnings", {}).items():
            if kind == "reasons":
                continue
            total = sum(counts.values()) if isinstance(counts, dict) else counts
            lines.append(f"{task}: warning {kind.replace('_', ' ')}: {total} (per language in the result file)")
    return lines


class RichTrainReporter:
    """A training progress bar showing the last loss and validation loss; log lines when not on a terminal."""

    def __init__(self, console: Console, label: str) -> None:
        self._console, self._label = console, label
        self._bars = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[loss]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._task = None

    def begin(self, total: int, done: int) -> None:
        if done:
            self._console.print(f"{self._label}: resuming from step {done}", markup=False)
        self._bars.start()
        self._task = self._bars.add_task(f"train {self._label}", total=total, completed=done, loss="")

    def step(self, step: int, loss: float) -> None:
        self._bars.update(self._task, completed=step, loss=f"loss {loss:.4f}")  # type: ignore[arg-type]
        if step == self._bars.tasks[self._task].total:  # type: ignore[index]
            self._bars.stop()

    def validated(self, step: int, val_loss: float, best: bool) -> None:
        marker = " (best)" if best else ""
        self._console.print(
            f"{self._label}: step {step} validation loss {val_loss:.4f}{marker}", markup=False, highlight=False
        )


def _signed(value: float | None, digits: int) -> str:
    """'+0.123', or '—' for a value the result file holds as null."""
    return "—" if value is None else f"{value:+.{digits}f}"


def leakage_table(names: list[str]) -> tuple[Table, int, dict[str, str]]:
    """`harness leakage`: per training set, every task sharing text with it (or declared in-domain); the
    count of undeclared overlaps; the tasks that could not be measured here and why."""
    from harness.leakage.overlap import overlap_table, training_texts
    from harness.trainsets.training_registry import get_training_set

    table = Table(title="Training texts seen in evaluation tasks (normalised, ≥ 16 characters)")
    for column in ("training set", "task", "queries seen", "corpus seen", "declared"):
        table.add_column(column)
    undeclared, missing = 0, {}
    for name in names:
        data = get_training_set(name)
        rows, missing = overlap_table(training_texts(data))
        for row in rows:
            declared = row.task in data.source_tasks
            if row.any or declared:
                undeclared += row.any and not declared
                table.add_row(
                    name,
                    row.task,
                    f"{row.queries_seen}/{row.queries} ({row.share('queries'):.1%})",
                    f"{row.corpus_seen}/{row.corpus} ({row.share('corpus'):.1%})",
                    "in-domain" if declared else "NOT DECLARED",
                )
    return table, undeclared, missing


def print_outcomes(
    console: Console, stored_as: str, outcomes: list[TaskOutcome], skipped: list[TaskOutcome], seeds: dict | None = None
) -> None:
    """A model's results table, its notes, and where each result is (`seeds`: outcome id -> its seed)."""
    console.print(summary_table(stored_as, outcomes + skipped))
    for line in result_notes([o for o in outcomes if o.summary is not None]):
        console.print(line, markup=False, highlight=False, soft_wrap=True)
    for outcome in outcomes:
        seed = "" if seeds is None or seeds.get(id(outcome)) is None else f" (seed {seeds[id(outcome)]})"
        console.print(f"{outcome.status}: {outcome.path or outcome.reason}{seed}", markup=False)
