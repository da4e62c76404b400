"""Commands between this project and MTEB: `harness parity`, `harness export mteb`, `harness import mteb`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

out = Console()
export_app = typer.Typer(no_args_is_help=True, help="Write results in another toolchain's format.")
import_app = typer.Typer(no_args_is_help=True, help="Read another toolchain's published results.")


def say(line: str) -> None:
    """One plain line on stdout (no markup: paths and names print as they are)."""
    out.print(line, markup=False, highlight=False, soft_wrap=True)


def parity(
    published: Annotated[
        Path, typer.Argument(help="An MTEB result file, or a model's folder of MTEB's results repository")
    ],
    model: Annotated[str, typer.Option(help="The model whose stored result is compared")],
    task: Annotated[str, typer.Option(help="A task with an MTEB counterpart (tatoeba, mlqa-mteb, xquad-mteb)")],
    results: Annotated[Path, typer.Option(help="Folder of result files")] = Path("results"),
    metric: Annotated[str | None, typer.Option(help="Metric to compare (default: MTEB's main score)")] = None,
    markdown: Annotated[Path | None, typer.Option(help="Also write the per-view table here (markdown)")] = None,
) -> None:
    """A stored full result beside MTEB's published one: per view, mean |Δ|, views off by more than 0.03."""
    from harness.interop.parity_command import parity_command

    parity_command(out, published, model, task, results, metric, markdown)


@export_app.command("mteb")
def export_mteb(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write, laid out like MTEB's results repository")],
    results: Annotated[Path, typer.Option(help="Folder of result files")] = Path("results"),
) -> None:
    """Full results of tasks with an MTEB counterpart (xquad-mteb, mlqa-mteb, tatoeba) in MTEB's format."""
    from harness.interop.mteb_export import export_command

    for line in export_command(results, out_dir):
        say(line)


@import_app.command("mteb")
def import_mteb(
    source: Annotated[Path, typer.Argument(help="A checkout of MTEB's results repository (or its results/ folder)")],
    results_dir: Annotated[Path, typer.Option(help="Results folder; entries go to its published/ folder")] = Path(
        "results"
    ),
) -> None:
    """Published MTEB results of tasks this project rebuilds (Tatoeba, XQuADRetrieval, MLQARetrieval) as
    leaderboard entries marked 'published (MTEB version, dataset revision)'."""
    from harness.interop.mteb_import import import_command

    import_command(source, results_dir, say)
