"""Rich progress bars and tables for the CLI (the engine only sees the Progress protocol)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table

from harness.run import TaskOutcome


class RichPhases:
    """One progress bar per encoding / scoring phase; one log line per phase when not on a terminal."""

    def __init__(self, console: Console) -> None:
        self._console = console
        self._bars = RichProgress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )

    def __enter__(self) -> RichPhases:
        self._bars.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.stop()

    def start(self, description: str, total: int) -> int:
        return int(self._bars.add_task(description, total=total))

    def advance(self, handle: int, amount: int) -> None:
        self._bars.advance(handle, amount)  # type: ignore[arg-type]

    def finish(self, handle: int) -> None:
        self._bars.update(handle, completed=self._bars.tasks[handle].total)  # type: ignore[arg-type]
        if not self._console.is_terminal:  # logs and CI: bars are not redrawn there
            task = self._bars.tasks[handle]  # type: ignore[index]
            self._console.print(f"{task.description}: {task.total:g} done in {task.elapsed or 0:.1f} s",
                                markup=False, highlight=False)


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
            metrics = "  ".join(
                f"{k} {_fmt(v)}" for k, v in values.items() if k not in ("by_pair", "by_lang", "n_pairs")
            )
            table.add_row(outcome.task, f"{setting} ({values['n_pairs']})", metrics, status)
    return table


def _main_metric(summary: dict) -> tuple[str, str]:
    setting, _, metric = str(summary.get("main_score", {}).get("name", "/")).partition("/")
    return setting, metric


def result_notes(outcomes: list[TaskOutcome]) -> list[str]:
    """One line each for what a table of means hides: the task's caveat, the low-resource breakdown of
    the main setting, the transfer gap and counted data warnings."""
    lines: list[str] = []
    for outcome in outcomes:
        summary = outcome.summary
        if not summary:
            continue
        task = outcome.task
        if summary.get("caveat"):
            lines.append(f"{task}: CAVEAT {summary['caveat']}")
        setting, metric = _main_metric(summary)
        low = summary.get("low_resource", {}).get("settings", {}).get(setting)
        if low and metric:
            worst = low["worst"].get(metric)
            worst_text = f", worst pair {worst['pair']} {_fmt(worst['value'])}" if worst else ""
            lines.append(
                f"{task}: {setting} {metric} low-resource pairs (class <= 3) {_fmt(low['low'].get(metric))} "
                f"over {low['low']['n_pairs']}, rest {_fmt(low['rest'].get(metric))} over {low['rest']['n_pairs']}"
                f"{worst_text}"
            )
        gap = summary.get("transfer_gap", {}).get(metric)
        if gap:
            per_pair = " ".join(f"{pair} {value:+.3f}" for pair, value in gap["by_pair"].items())
            lines.append(f"{task}: transfer gap (translated - native) {metric} mean {gap['mean']:+.4f}: {per_pair}")
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
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("{task.fields[loss]}"), TimeElapsedColumn(), TimeRemainingColumn(),
            console=console, transient=False,
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
        self._console.print(f"{self._label}: step {step} validation loss {val_loss:.4f}{marker}",
                            markup=False, highlight=False)
