"""Paper-style tables as Markdown and LaTeX (booktabs), and the full data as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from harness.metrics import higher_is_better
from harness.report.board import Board, GroupBoard, Row
from harness.report.formatting import MISSING, fmt

IN_DOMAIN_MARK = "†"
_LATEX = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "†": r"\textsuperscript{\dag}",
}


def latex_escape(text: str) -> str:
    """Text safe inside a LaTeX tabular cell."""
    return "".join(_LATEX.get(ch, ch) for ch in " ".join(text.split()))


def markdown_escape(text: str) -> str:
    """Text safe inside a Markdown table cell (no pipes, no line breaks, no HTML)."""
    text = " ".join(text.split())
    for ch in "\\|<>`*_[]":
        text = text.replace(ch, "\\" + ch)
    return text


Table = tuple[list[str], list[list[str]], set[tuple[int, int]]]  # header, rows, bold cells


def overview_table(board: Board, limit: int | None) -> Table:
    """Models x tasks of one section: main scores, in-domain marked †, rank-1 cells bold."""
    groups = board.sections.get(limit, [])
    header = ["Model", *(f"{g.task.name} ({g.main_setting} {g.main_metric})" for g in groups)]
    models = sorted({row.entry.model for g in groups for row in g.rows})
    rows, bold = [], set()
    for i, model in enumerate(models):
        cells = [model]
        for j, group in enumerate(groups, start=1):
            row = next((r for r in group.rows if r.entry.model == model), None)
            if row is None:
                cells.append(MISSING)
                continue
            cells.append(fmt(row.entry.main_value, group.main_metric) + ("" if row.entry.zero_shot else IN_DOMAIN_MARK))
            if row.rank == 1:
                bold.add((i, j))
        rows.append(cells)
    return header, rows, bold


def group_table(group: GroupBoard) -> Table:
    """Models x (setting, metric) macro means of one task, paper style; best zero-shot value bold."""
    columns = [(s, m) for s in group.settings for m in _metrics(group, s)]
    header = ["Model", *(f"{s} {m}" for s, m in columns)]
    rows = []
    for row in group.rows:
        mark = "" if row.entry.zero_shot else IN_DOMAIN_MARK
        rows.append([row.entry.model + mark, *(fmt(row.entry.value(s, m), m) for s, m in columns)])
    bold = set()
    for j, (setting, metric) in enumerate(columns, start=1):
        scored = [(i, r.entry.value(setting, metric)) for i, r in enumerate(group.rows) if r.entry.zero_shot]
        scored = [(i, v) for i, v in scored if v is not None]
        if scored:
            pick = max if higher_is_better(metric) else min
            best = pick(v for _, v in scored)
            bold.update((i, j) for i, v in scored if v == best)
    return header, rows, bold


def _metrics(group: GroupBoard, setting: str) -> list[str]:
    seen: dict[str, None] = {}
    for row in group.rows:
        scores = row.entry.settings.get(setting)
        if scores is not None:
            seen.update(dict.fromkeys(m for m, v in scores.macro.items() if v is not None))
    return list(seen)


def to_markdown(table: Table, caption: str) -> str:
    """A GitHub-flavoured Markdown table with a caption line above it."""
    header, rows, bold = table
    lines = [
        f"**{markdown_escape(caption)}**",
        "",
        "| " + " | ".join(markdown_escape(h) for h in header) + " |",
        "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|",
    ]
    for i, cells in enumerate(rows):
        shown = [f"**{markdown_escape(c)}**" if (i, j) in bold else markdown_escape(c) for j, c in enumerate(cells)]
        lines.append("| " + " | ".join(shown) + " |")
    return "\n".join(lines) + "\n"


def to_latex(table: Table, caption: str) -> str:
    """A booktabs tabular inside a table environment (needs \\usepackage{booktabs})."""
    header, rows, bold = table
    spec = "l" + "r" * (len(header) - 1)
    out = [
        "\\begin{table}[t]",
        "\\centering",
        f"\\caption{{{latex_escape(caption)}}}",
        f"\\begin{{tabular}}{{{spec}}}",
        "\\toprule",
        " & ".join(latex_escape(h) for h in header) + " \\\\",
        "\\midrule",
    ]
    for i, cells in enumerate(rows):
        shown = [f"\\textbf{{{latex_escape(c)}}}" if (i, j) in bold else latex_escape(c) for j, c in enumerate(cells)]
        out.append(" & ".join(shown).replace(MISSING, "--") + " \\\\")
    out += ["\\bottomrule", "\\end{tabular}", "\\end{table}"]
    return "\n".join(out) + "\n"


CSV_COLUMNS = [
    "model",
    "family",
    "task",
    "limit",
    "seeds",
    "zero_shot",
    "setting",
    "view",
    "metric",
    "value",
    "std_over_seeds",
    "ci95_low",
    "ci95_high",
    "n_queries",
    "caveat",
    # the main score's row only: the paired test against the baseline (robustness page)
    "baseline",
    "delta_vs_baseline",
    "p",
    "p_at_floor",
    "p_holm",
    "p_holm_upper_bound",
    "test_resamples",
]


def _cell(value: object) -> object:
    """Numbers as they are; text that a spreadsheet would run as a formula gets a leading quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _test_cells(row: Row, resamples: int) -> list[object]:
    """The test columns of a main score's row: numbers stay numbers; the flags say which are floors or bounds.

    p_at_floor: the raw p is 1/(B + 1), the smallest a test with B = test_resamples sign flips gives;
    p_holm_upper_bound: the Holm-adjusted p was set by such a p-value, so the true one may be smaller.
    """
    c = row.comparison
    if c is None:
        return [None] * 7
    return [c.baseline, c.delta, c.p, c.at_floor, c.p_holm, c.holm_bound, resamples if c.floor is not None else None]


def to_csv(board: Board) -> str:
    """Every macro mean and every view's value of every entry, one row each (view empty for macro means)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for group in board.groups:
        for row in group.rows:
            writer.writerows([_cell(v) for v in cells] for cells in _csv_rows(board, group, row))
    return buffer.getvalue()


def _csv_rows(board: Board, group: GroupBoard, row: Row) -> Iterator[list[object]]:
    """One entry's rows: per setting, its macro means (with spread, CI and, for the main score, the tests),
    then every view's values (with its query count)."""
    entry, caveat = row.entry, group.task.caveat
    ident = [entry.model, row.info.family, group.key.task, group.key.limit, " ".join(map(str, entry.seeds))]
    ident.append(entry.zero_shot)
    for setting, scores in entry.settings.items():
        for metric, value in scores.macro.items():
            spread = entry.spread.get(f"{setting}/{metric}")
            ci = row.cis.get(setting) if row.ci_metrics.get(setting) == metric else None
            main = f"{setting}/{metric}" == entry.main_name
            tests = _test_cells(row, board.options.test_resamples) if main else [None] * 7
            std = spread.std if spread else None
            yield [*ident, setting, "", metric, value, std, *(ci or (None, None)), None, caveat, *tests]
        for view, values in scores.detail.items():
            for metric, value in values.items():
                n = scores.n_queries.get(view)
                yield [*ident, setting, view, metric, value, None, None, None, n, caveat, *[None] * 7]
