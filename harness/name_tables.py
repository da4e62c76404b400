"""Console tables whose first column holds names users type (tasks, models): never cut or wrapped."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

UNLIMITED = 100_000  # measuring width for a table's natural (unwrapped) width
SQUEEZED_COLUMN = 4  # the narrowest a folded column is allowed to become before the table widens


def name_table(name_header: str, names: Iterable[str], *headers: str) -> Table:
    """A table whose first column (the names) never wraps; the other columns fold instead."""
    width = max([len(name_header), *(len(name) for name in names)])
    table = Table()
    table.add_column(name_header, no_wrap=True, min_width=width)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def print_name_table(console: Console, table: Table) -> None:
    """Print `table` so that its names stay whole.

    Not a terminal (a pipe, a file): every row on one line, at the table's natural width. A
    terminal: its width, widened only when even folded columns would leave no room for the names.
    """
    if not console.is_terminal:
        natural = Measurement.get(console, console.options.update_width(UNLIMITED), table).maximum
        width = max(natural, console.width)
    else:
        others = len(table.columns) - 1
        borders = len(table.columns) + 1
        floor = (table.columns[0].min_width or 0) + 2 * len(table.columns) + borders + SQUEEZED_COLUMN * others
        width = max(console.width, floor)
    if width == console.width:
        console.print(table)
        return
    # Console.print never renders wider than its console: a console of that width on the same stream
    wide = Console(
        file=console.file,
        width=width,
        force_terminal=console.is_terminal,
        color_system=console.color_system,
        no_color=console.no_color,
    )  # type: ignore[arg-type]
    wide.print(table)


def tasks_table() -> Table:
    """`harness list tasks`: declared tasks, their languages, settings and whether their data is here."""
    from harness.tasks.corpus_loaders import unavailable_reason
    from harness.tasks.task_registry import load_tasks

    specs = load_tasks()
    table = name_table("task", specs, "kind", "languages", "settings", "main score", "data", "licence")
    for spec in specs.values():
        here = "present" if unavailable_reason(spec) is None else "missing"
        languages, settings = " ".join(spec.languages), ",".join(spec.settings)
        table.add_row(spec.name, spec.kind, languages, settings, spec.main_score, here, spec.source.licence or "")
    return table


def models_table() -> Table:
    """`harness list models`: registered models and where their weights come from."""
    from harness.models.backends.backend_spec import default_backend
    from harness.models.model_spec import load_models, runs_offline

    models = load_models()
    table = name_table("model", models, "loader", "backend", "source", "description")
    offline = set(runs_offline(models))
    for name, spec in models.items():
        if spec.recipe is not None:
            recipe = spec.recipe
            sampler = recipe.sampler + (f" alpha={recipe.alpha}" if recipe.alpha is not None else "")
            hub_base = "" if name in offline else " (hub base)"
            source = f"train {recipe.base} on {recipe.train_set}, {sampler}{hub_base}"
        else:
            source = (spec.hub and f"{spec.hub}@{(spec.revision or '')[:10]}") or "bundled (offline)"
        table.add_row(name, spec.loader, spec.backend or default_backend(spec.loader), source, spec.description or "")
    return table
