"""Render a check: rich table, one-line summary, JSON and JUnit XML (so any CI shows it)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import asdict
from itertools import groupby
from pathlib import Path

from rich.table import Table
from rich.text import Text

from harness.atomic import atomic_write_text
from harness.check.compare import MACRO, CheckResult, Row, Status

STYLES = {
    Status.OK: "green",
    Status.OKISH: "green",
    Status.IMPROVED: "cyan",
    Status.FAIL: "bold red",
    Status.MISSING: "yellow",
    Status.NOT_COMPARABLE: "yellow",
}


def counts(result: CheckResult) -> dict[str, int]:
    """Rows per status (every status listed), plus 'failed'."""
    by_status = Counter(row.status for row in result.rows)
    return {**{status.value: by_status[status] for status in Status}, "failed": sum(r.failed for r in result.rows)}


def summary_line(result: CheckResult) -> str:
    """One line: verdict, failures, then every status count."""
    n = counts(result)
    verdict = "FAIL" if result.failed else "PASS"
    files = len({(row.model, row.result) for row in result.rows})
    parts = ", ".join(f"{n[status.value]} {status.value}" for status in Status)
    return (
        f"{verdict}: {n['failed']} failing of {len(result.rows)} checks in {files} result files "
        f"({parts}); results {result.results_dir} vs baseline {result.baseline_dir}"
    )


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.4f}"


def _delta(row: Row) -> str:
    return "" if row.delta is None else f"{row.delta:+.4f}"


def _where(row: Row) -> str:
    if row.setting == "*":
        return "*"
    return "macro" if row.pair == MACRO else row.pair


def shown(row: Row) -> bool:
    """Rows in the table: every macro mean and file-level row; per-pair rows only when not OK / OKish."""
    return row.pair == MACRO or row.status not in (Status.OK, Status.OKISH)


def tables(result: CheckResult) -> list[Table]:
    """A rich table per result file, of its shown rows (all rows are in the JSON and JUnit reports)."""
    out = []
    for (model, stem), group in groupby(result.rows, key=lambda r: (r.model, r.result)):
        rows = [row for row in group if shown(row)]
        table = Table(title=f"{model} / {stem}", title_justify="left")
        for column in ("setting", "pair", "metric", "baseline", "current", "Δ", "tol", "status"):
            table.add_column(column, justify="right" if column in ("baseline", "current", "Δ", "tol") else "left")
        if any(row.note for row in rows):
            table.add_column("note")
        for row in rows:
            tolerance = "" if row.tolerance is None else f"{row.tolerance:g}"
            allowed = not row.failed and row.status in (Status.MISSING, Status.NOT_COMPARABLE)
            status = Text(row.status.value + (" (allowed)" if allowed else ""), style=STYLES[row.status])
            cells = [
                row.setting,
                _where(row),
                row.metric,
                _number(row.baseline),
                _number(row.current),
                "" if row.status is Status.OK else _delta(row),
                tolerance,
                status,
            ]
            table.add_row(*cells, *([Text(row.note)] if len(table.columns) > len(cells) else []))
        out.append(table)
    return out


def to_json(result: CheckResult) -> dict:
    """Machine-readable report: verdict, counts, options, notes and every row."""
    rows = [{**asdict(row), "status": row.status.value, "delta": row.delta} for row in result.rows]
    return {
        "passed": not result.failed,
        "summary": summary_line(result),
        "counts": counts(result),
        "results": str(result.results_dir),
        "baseline": str(result.baseline_dir),
        "options": asdict(result.options),
        "notes": result.notes,
        "rows": rows,
    }


def _message(row: Row) -> str:
    if row.setting == "*":
        return f"{row.status.value}: {row.note}"
    change = f"{_number(row.baseline)} → {_number(row.current)} (Δ {_delta(row) or '—'}, tolerance {row.tolerance:g})"
    return f"{row.status.value}: {row.setting} {_where(row)} {row.metric} {change}" + (
        f"; {row.note}" if row.note else ""
    )


def to_junit(result: CheckResult) -> ET.Element:
    """JUnit XML: a testsuite per result file, a testcase per row; failing rows carry <failure>."""
    root = ET.Element("testsuites", name="harness check")
    for (model, stem), group in groupby(result.rows, key=lambda r: (r.model, r.result)):
        rows = list(group)
        suite = ET.SubElement(root, "testsuite", name=f"{model}/{stem}")
        for row in rows:
            name = "file" if row.setting == "*" else f"{row.setting} {_where(row)} {row.metric}"
            case = ET.SubElement(suite, "testcase", classname=f"{model}/{stem}", name=name, time="0")
            if row.failed:
                ET.SubElement(case, "failure", message=_message(row), type=row.status.value).text = _message(row)
            elif row.status in (Status.MISSING, Status.NOT_COMPARABLE):
                ET.SubElement(case, "skipped", message=_message(row))
            elif row.status is not Status.OK:
                ET.SubElement(case, "system-out").text = _message(row)
        _count(suite, rows)
    _count(root, result.rows)
    return root


def _count(element: ET.Element, rows: list[Row]) -> None:
    skipped = sum(not r.failed and r.status in (Status.MISSING, Status.NOT_COMPARABLE) for r in rows)
    element.set("tests", str(len(rows)))
    element.set("failures", str(sum(r.failed for r in rows)))
    element.set("errors", "0")
    element.set("skipped", str(skipped))
    element.set("time", "0")


def write_reports(result: CheckResult, json_path: Path | None, junit_path: Path | None) -> None:
    """Write the requested machine-readable reports atomically."""
    if json_path is not None:
        atomic_write_text(json_path, json.dumps(to_json(result), indent=1, ensure_ascii=False) + "\n")
    if junit_path is not None:
        tree = ET.ElementTree(to_junit(result))
        ET.indent(tree)
        text = ET.tostring(tree.getroot(), encoding="unicode", xml_declaration=False)
        atomic_write_text(junit_path, '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n")
