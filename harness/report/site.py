"""`harness render`: result files → a static site (jinja2 templates in leaderboard/, autoescaped)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from harness import __version__
from harness.data.resource_classes import resource_table
from harness.errors import HarnessError
from harness.paths import REPO_ROOT
from harness.report import exports
from harness.report.board import Board, BoardOptions, build_board
from harness.report.collect import collect
from harness.report.formatting import MISSING, fmt, fmt_floor, fmt_p, slug, sort_key
from harness.report.low_resource_board import LOW_RESOURCE_TASK, LowResourceBoard, build_low_resource_board
from harness.report.metadata import Registries, hidden_tasks, load_registries
from harness.report.output import write_site
from harness.report.pages import model_path, site_pages, task_path
from harness.report.published import Published, published_for_site
from harness.report.study import Study, build_study

LEADERBOARD_DIR = REPO_ROOT / "leaderboard"
CLAIMS_FILE = REPO_ROOT / "experiments" / "claims.yaml"


@dataclass(frozen=True)
class RenderReport:
    """What a render produced."""

    out_dir: Path
    pages: int
    entries: int
    warnings: list[str]
    skipped: int
    seconds: float


def without(mapping: dict, keys: list[str]) -> dict:
    """A mapping less some keys (templates show those elsewhere)."""
    return {k: v for k, v in mapping.items() if k not in keys}


def environment(templates: Path = LEADERBOARD_DIR / "templates") -> Environment:
    """Jinja2 with autoescaping on for every template, and the site's number formatting."""
    env = Environment(
        loader=FileSystemLoader(templates),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        fmt=fmt,
        fmt_p=fmt_p,
        fmt_floor=fmt_floor,
        sort_key=sort_key,
        slug=slug,
        model_path=model_path,
        task_path=task_path,
        without=without,
        MISSING=MISSING,
        version=__version__,
    )
    return env


def export_files(board: Board) -> dict[str, str]:
    """exports/: overview and per-task tables as Markdown and LaTeX, and all numbers as CSV."""
    files: dict[str, str] = {"exports/results.csv": exports.to_csv(board)}
    md, tex = [], []
    for limit in board.sections:
        what = "full data" if limit is None else f"first {limit} questions per language (quick run)"
        caption = f"Main score per task, {what}; † in-domain (not ranked)"
        table = exports.overview_table(board, limit)
        md.append(exports.to_markdown(table, caption))
        tex.append(exports.to_latex(table, caption))
    for group in board.diagnostic:
        caption = (
            f"Diagnostic, not ranked: {group.key.label} ({group.main_setting} {group.main_metric}). "
            f"CAVEAT: {group.task.caveat}"
        )
        table = exports.group_table(group)
        md.append(exports.to_markdown(table, caption))
        tex.append(exports.to_latex(table, caption))
    files["exports/leaderboard.md"] = "\n".join(md)
    files["exports/leaderboard.tex"] = "\n".join(tex)
    for group in board.groups:
        caption = f"{group.key.label}: macro means per setting; † in-domain"
        if group.task.caveat:
            caption += f". CAVEAT: {group.task.caveat}"
        table = exports.group_table(group)
        files[f"exports/{slug(group.key.stem)}.md"] = exports.to_markdown(table, caption)
        files[f"exports/{slug(group.key.stem)}.tex"] = exports.to_latex(table, caption)
    return files


def low_resource_board(computed: list, published: Published, registries: Registries) -> LowResourceBoard | None:
    """The Tatoeba board by Joshi class; None without its task, its class table or any result on it."""
    spec = registries.tasks.get(LOW_RESOURCE_TASK)
    try:
        table = resource_table()
    except HarnessError:
        return None
    if spec is None:
        return None
    return build_low_resource_board(computed, published, registries.models, table, spec.languages)


def render_board(
    board: Board,
    env: Environment | None = None,
    study: Study | None = None,
    published: Published | None = None,
    low_resource: LowResourceBoard | None = None,
) -> dict[str, str]:
    """Every page and export of the site as {relative path: text}."""
    env = env or environment()
    files = {}
    for page in site_pages(board, study, published or Published(), low_resource):
        template = env.get_template(page.template)
        files[page.path] = template.render(**page.context, root=page.root, title=page.title, page_path=page.path)
    files.update(export_files(board))
    return files


def render_site(
    results_dir: Path,
    out_dir: Path,
    options: BoardOptions | None = None,
    claims: Path | None = None,
    claims_required: bool = False,
    skip_invalid: bool = False,
) -> RenderReport:
    """Read results, compute the board (and the study of a claims file), render every page, write the site atomically.

    A claims file whose models have no results here adds a warning, not pages; with `claims_required`
    (a file named on the command line) it is an error. A malformed result or a corrupt per-query file is an
    error (the site would silently miss a model) unless `skip_invalid`, which leaves it out with a warning.
    """
    started = time.perf_counter()
    registries = load_registries()
    found = collect(results_dir, hidden_tasks(registries))
    published = published_for_site(results_dir, found.entries, registries.models)
    for warning in published.warnings:
        found.warn(warning)
    board = build_board(found, registries, options or BoardOptions())
    if board.invalid and not skip_invalid:
        more = f" (and {len(board.invalid) - 1} more invalid input(s))" if len(board.invalid) > 1 else ""
        raise HarnessError(f"{board.invalid[0]}{more}; nothing written: fix the results or pass --skip-invalid")
    study = None
    if claims is not None:
        try:
            study = build_study(claims, found.entries, registries.models)
        except HarnessError:
            if claims_required:  # named on the command line; the default claims file is for the study's results
                raise
    low_resource = low_resource_board(found.entries, published, registries)
    files = render_board(board, study=study, published=published, low_resource=low_resource)
    write_site(out_dir, files, LEADERBOARD_DIR / "static")
    pages = sum(1 for name in files if name.endswith(".html"))
    return RenderReport(
        out_dir, pages, len(found.entries), board.warnings, board.skipped, time.perf_counter() - started
    )
