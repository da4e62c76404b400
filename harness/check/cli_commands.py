"""Bodies of `harness check` and `harness baseline update` (harness/cli.py registers them and owns the consoles)."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from harness.check.baseline import RECORD_FILE, update_baselines
from harness.check.compare import CheckOptions, check
from harness.check.report import summary_line, tables, write_reports
from harness.check.tolerances import TOLERANCES_FILE, load_tolerances


def check_command(
    out: Console,
    results: Path,
    baseline: Path,
    tolerances: Path | None,
    options: CheckOptions,
    json_path: Path | None,
    junit_path: Path | None,
) -> int:
    """Compare, print the table, notes and one-line summary, write reports; exit code 0 (pass) or 1."""
    if tolerances is None:
        spec = load_tolerances(baseline / TOLERANCES_FILE)
    else:
        spec = load_tolerances(tolerances, required=True)
    result = check(results, baseline, spec, options)
    for table in tables(result):
        out.print(table)
    for note in result.notes:
        out.print(f"note: {note}", markup=False, highlight=False)
    write_reports(result, json_path, junit_path)
    out.print(summary_line(result), markup=False, highlight=False, soft_wrap=True)
    return 1 if result.failed else 0


def baseline_update_command(
    out: Console,
    results: Path,
    baseline: Path,
    message: str,
    models: str | None,
    tasks: str | None,
) -> None:
    """Write the selected results as the new baselines and say which."""
    split = [[n.strip() for n in value.split(",") if n.strip()] if value else [] for value in (models, tasks)]
    written = update_baselines(results, baseline, message, *split)
    for relpath in written:
        out.print(f"baseline: {baseline / relpath}", markup=False, highlight=False)
    out.print(
        f"{len(written)} baseline(s) updated; reason and git sha recorded in {baseline / RECORD_FILE}",
        markup=False,
        highlight=False,
    )
