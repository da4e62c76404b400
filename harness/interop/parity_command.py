"""Body of `harness parity`: a stored result against MTEB's published one, as a table and a summary."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from harness.errors import HarnessError
from harness.interop.mteb_published import read_published
from harness.interop.parity import PARITY_TOLERANCE, Parity, parity
from harness.results.reader import load_result
from harness.results.result_store import result_paths
from harness.tasks.task_registry import load_tasks, select_tasks


def published_file(path: Path, mteb_task: str) -> Path:
    """`path` itself, or `{path}/{Task}.json` (a model's revision folder), or the one revision under it."""
    if path.is_file():
        return path
    direct = path / f"{mteb_task}.json"
    if direct.is_file():
        return direct
    found = sorted(path.glob(f"*/{mteb_task}.json"))
    if len(found) == 1:
        return found[0]
    where = "no" if not found else f"{len(found)} revisions with a"
    raise HarnessError(f"{path}: {where} {mteb_task}.json (give the file itself)")


def summary_lines(found: Parity) -> list[str]:
    """The lines the docs quote: counts, means, mean |Δ| and the views off by more than the tolerance."""
    pub = found.published
    lines = [
        f"{found.task} {found.metric} vs MTEB {pub.task} ({pub.model}@{pub.revision[:12]}, mteb {pub.mteb_version}, "
        f"dataset {pub.dataset_revision[:12]}): {len(found.rows)} views",
        f"mean ours {found.mean_ours:.4f}, published {found.mean_published:.4f}, "
        f"difference of means {found.mean_ours - found.mean_published:+.4f}, "
        f"mean |Δ| {found.mean_abs_delta:.4f}, median |Δ| {found.median_abs_delta:.4f}",
    ]
    off = found.off()
    lines.append(
        f"{len(off)} view(s) off by more than {PARITY_TOLERANCE}"
        + (": " + ", ".join(f"{r.view} {r.delta:+.4f}" for r in off) if off else "")
    )
    lines += [f"unmatched: {u}" for u in found.unmatched]
    return lines


def markdown_table(found: Parity) -> str:
    """Per view: MTEB subset, ours, published, Δ (|Δ| > tolerance in bold)."""
    rows = ["| view | MTEB subset | ours | published | Δ |", "|---|---|---:|---:|---:|"]
    for r in found.rows:
        delta = f"{r.delta:+.4f}"
        rows.append(
            f"| {r.view} | {r.subset} | {r.ours:.4f} | {r.published:.4f} | "
            f"{f'**{delta}**' if abs(r.delta) > PARITY_TOLERANCE else delta} |"
        )
    return "\n".join(rows) + "\n"


def parity_command(
    out: Console, published: Path, model: str, task: str, results: Path, metric: str | None, markdown: Path | None
) -> Parity:
    """Print the per-view table and the summary; write the markdown table when asked."""
    spec = select_tasks(task, load_tasks())[0]
    if spec.mteb is None:
        raise HarnessError(f"task {spec.name} has no MTEB counterpart (no `mteb:` in its task file)")
    paths = result_paths(results, model, spec.name, None)
    if not paths.summary.is_file():
        raise HarnessError(f"{paths.summary}: no full result of {model} on {spec.name} (run it first)")
    found = parity(spec, load_result(paths.summary), read_published(published_file(published, spec.mteb.task)), metric)
    table = Table(title=f"{model} on {spec.name}: {found.metric} vs MTEB {found.published.task}")
    for column in ("view", "MTEB subset", "ours", "published", "Δ"):
        table.add_column(column, justify="left" if column in ("view", "MTEB subset") else "right")
    for r in found.rows:
        style = "bold red" if abs(r.delta) > PARITY_TOLERANCE else ""
        table.add_row(r.view, r.subset, f"{r.ours:.4f}", f"{r.published:.4f}", f"{r.delta:+.4f}", style=style)
    out.print(table)
    for line in summary_lines(found):
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    if markdown is not None:
        from harness.atomic import atomic_write_text

        atomic_write_text(markdown, markdown_table(found))
    return found
