"""Command line: the only module that parses arguments and prints."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from harness.errors import HarnessError
from harness.interop.commands import export_app, import_app, parity
from harness.models.backends.backend_spec import backend_help

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Benchmark multilingual retrieval models.")
list_app = typer.Typer(no_args_is_help=True, help="List declared tasks or models.")
data_app = typer.Typer(no_args_is_help=True, help="Fetch, import and check task data.")
app.add_typer(list_app, name="list")
app.add_typer(data_app, name="data")
app.add_typer(export_app, name="export")
app.add_typer(import_app, name="import")
app.command()(parity)

out = Console()
err = Console(stderr=True)
CLAIMS_HELP = (
    "Claims file for the Claims and Research question pages "
    "(default: experiments/claims.yaml, when its models have results)"
)
MODEL_HELP = (
    "Model name(s) from models.yaml, comma-separated (a sweep names all its members), or a model without a "
    "declaration: a local sentence-transformers / transformers folder, or hf:ORG/NAME[@REVISION]"
)
PROFILE_HELP = (
    "Trained recipes: the training budget, 'cpu' (the recipe's params) or one it declares under profiles, "
    "e.g. 'paper' (batch 100, lr 3e-5; the default with --device cuda where declared)"
)
PREFIX_HELP = "A model given by path or hf: id: text prepended to {} (default: the model's own prompts)"
RECIPE_HELP = "Trained recipe(s) from models.yaml, comma-separated; a sweep names all its members"
LIMIT_HELP = (
    "Quick run: N question ids (parallel tasks) or the first N queries per query set; "
    "at or above the task's size it is the full run"
)


@app.command()
def run(
    model: Annotated[str, typer.Option("--model", "-m", help=MODEL_HELP)],
    tasks: Annotated[str, typer.Option("--tasks", "-t", help="Comma-separated task names, or 'all'")] = "all",
    results_dir: Annotated[Path, typer.Option(help="Where result files go")] = Path("results"),
    overwrite: Annotated[bool, typer.Option(help="Recompute results that already exist")] = False,
    batch_size: Annotated[int, typer.Option(min=1, help="Texts per encoder call")] = 64,
    device: Annotated[str | None, typer.Option(help="torch device for torch models, e.g. cuda")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help=LIMIT_HELP)] = None,
    seeds: Annotated[int | None, typer.Option(min=1, help="Trained recipes: seeds 0..N-1")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="Trained recipes: this seed only")] = None,
    backend: Annotated[str | None, typer.Option(help=backend_help())] = None,
    executor: Annotated[str, typer.Option(help="local (this process) or ray (a Ray task per job)")] = "local",
    ray_address: Annotated[
        str | None, typer.Option(help="Ray cluster to use (default: RAY_ADDRESS, else one started for the run)")
    ] = None,
    gpus_per_worker: Annotated[
        float | None, typer.Option(min=0, help="--executor ray: GPUs per job (default: the model's resources)")
    ] = None,
    query_prefix: Annotated[str | None, typer.Option(help=PREFIX_HELP.format("queries"))] = None,
    passage_prefix: Annotated[str | None, typer.Option(help=PREFIX_HELP.format("passages"))] = None,
    profile: Annotated[str | None, typer.Option(help=PROFILE_HELP)] = None,
) -> None:
    """Evaluate a model on tasks (training a recipe first if needed) and store results with provenance."""
    from harness.console import RichPhases, RichTrainReporter, print_outcomes
    from harness.run import RunOptions, plan_models, plan_tasks, run_model
    from harness.tasks.task_registry import load_tasks, select_tasks

    if executor not in ("local", "ray"):
        raise HarnessError(f"--executor {executor}: expected local or ray")
    if gpus_per_worker and executor != "ray":
        raise HarnessError("--gpus-per-worker: only with --executor ray (locally, use --device cuda)")
    refs = plan_models(  # every model is checked before any runs
        model,
        backend=backend,
        device=device,
        seeds=seeds,
        seed=seed,
        check_device=not gpus_per_worker,
        query_prefix=query_prefix,
        passage_prefix=passage_prefix,
        profile=profile,
    )
    runnable, skipped = plan_tasks(select_tasks(tasks, load_tasks()), all_tasks=tasks.strip() == "all")
    for outcome in skipped:
        err.print(f"skipping {outcome.task}: {outcome.reason}")
    if not runnable:
        raise HarnessError(
            f"--tasks {tasks}: nothing to run, {len(skipped)} task(s) skipped (reasons above); get "
            "data with `harness data fetch` or `harness data import DIR`, or set HARNESS_DATA_MIRROR"
        )
    options = RunOptions(results_dir, overwrite, batch_size, device, limit)
    if executor == "ray":
        run_with_ray(refs, runnable, skipped, options, ray_address, gpus_per_worker)
        return
    for ref in refs:
        with RichPhases(err) as phases:
            outcomes = run_model(ref, runnable, options, phases, lambda label: RichTrainReporter(err, label))
        print_outcomes(out, ref.stored_as, outcomes, skipped)


def run_with_ray(
    refs: list, runnable: list, skipped: list, options: object, address: str | None, gpus: float | None
) -> None:
    """`harness run --executor ray`: send the jobs, print each model's table and where the jobs ran."""
    from harness.cluster.connection import ray_cluster, require_ray
    from harness.cluster.executor import run_on_ray
    from harness.console import print_outcomes

    require_ray()
    with ray_cluster(address) as ray:
        err.print(f"Ray: {int(ray.cluster_resources().get('CPU', 0))} CPUs on {len(ray.nodes())} node(s)")
        outcome = run_on_ray(refs, runnable, options, gpus, lambda line: err.print(line, markup=False))
    for ref in refs:
        mine = [j for j in outcome.jobs if j.job.model.ref.name == ref.name]
        seeds = {id(j.outcome): j.job.model.seed for j in mine}
        print_outcomes(out, ref.stored_as, [j.outcome for j in mine], skipped, seeds)
    nodes = outcome.nodes()
    if nodes:
        out.print("jobs per Ray node: " + ", ".join(f"{node[:12]} {n}" for node, n in sorted(nodes.items())))
    failed = outcome.failed()
    if failed:
        raise HarnessError(
            f"{len(failed)} of {len(outcome.jobs)} job(s) failed: "
            + "; ".join(f"{j.job.label}: {j.outcome.reason}" for j in failed)
        )


@app.command()
def train(
    model: Annotated[str, typer.Option("--model", "-m", help=RECIPE_HELP)],
    seeds: Annotated[int | None, typer.Option(min=1, help="Seeds 0..N-1 (default: the recipe's seeds)")] = None,
    seed: Annotated[int | None, typer.Option(min=0, help="This seed only")] = None,
    device: Annotated[str | None, typer.Option(help="torch device, e.g. cuda")] = None,
    nproc: Annotated[
        int | None,
        typer.Option(min=1, help="Data-parallel processes on this machine (torch DDP; default: the recipe's nproc)"),
    ] = None,
    profile: Annotated[str | None, typer.Option(help=PROFILE_HELP)] = None,
) -> None:
    """Train a recipe (each missing seed; an interrupted run resumes from its last checkpoint)."""
    from harness.console import RichTrainReporter
    from harness.run import plan_models
    from harness.trained_runs import train_seeds

    refs = plan_models(model, device=device, seeds=seeds, seed=seed, profile=profile)
    for ref in refs:
        if not ref.is_trained:
            raise HarnessError(
                f"model {ref.name!r} is not a trained recipe (loader {ref.spec.loader!r}); nothing to train"
            )
    for ref in refs:
        for info in train_seeds(ref, lambda label: RichTrainReporter(err, label), nproc):
            outcome = info["outcome"]
            out.print(
                f"{ref.name} seed {info['seed']}: {outcome['steps']} steps, best step {outcome['best_step']} "
                f"(validation loss {outcome['best_val_loss']:.4f}), {outcome['seconds'] / 60:.1f} min, "
                f"key {info['key'][:16]}"
            )


@list_app.command("tasks")
def list_tasks() -> None:
    """Declared tasks, their languages, settings and whether their data is here."""
    from harness.name_tables import print_name_table, tasks_table

    print_name_table(out, tasks_table())


@list_app.command("models")
def list_models() -> None:
    """Registered models and where their weights come from."""
    from harness.name_tables import models_table, print_name_table

    print_name_table(out, models_table())


@data_app.command("status")
def data_status() -> None:
    """Every declared file: where it is (mirror / cache / missing) and whether its sha256 matches."""
    from harness.data.source_files import file_status
    from harness.tasks.task_registry import load_tasks

    table = Table("task", "file", "location", "sha256")
    for spec in load_tasks().values():
        for name in sorted(spec.source.files):
            status = file_status(spec.source, name)
            table.add_row(spec.name, status.relpath, status.location, status.detail)
    out.print(table)


@data_app.command("fetch")
def data_fetch(
    tasks: Annotated[str, typer.Argument(help="Comma-separated task names, or 'all'")] = "all",
    timeout: Annotated[float, typer.Option(help="Seconds per connection attempt")] = 30.0,
) -> None:
    """Download missing files from their original (pinned) locations into the data cache."""
    from harness.data.fetch import fetch_source
    from harness.tasks.task_registry import load_tasks, select_tasks

    for spec in select_tasks(tasks, load_tasks()):
        written = fetch_source(spec.source, timeout=timeout)
        out.print(f"{spec.name}: {len(written)} file(s) downloaded, all files verified")


@data_app.command("import")
def data_import(directory: Annotated[Path, typer.Argument(help="A mirror laid out like the data cache")]) -> None:
    """Copy a local mirror's files (verified by sha256) into the data cache, for air-gapped machines."""
    from harness.data.importer import import_mirror
    from harness.tasks.task_registry import load_tasks

    report = import_mirror(directory, [spec.source for spec in load_tasks().values()])
    out.print(
        f"imported {len(report.copied)}, already present {len(report.skipped)}, "
        f"not in {directory}: {len(report.missing)}"
    )
    for relpath in report.missing:
        out.print(f"  missing: {relpath}")


baseline_app = typer.Typer(no_args_is_help=True, help="Manage the committed regression baselines.")
app.add_typer(baseline_app, name="baseline")


@app.command()
def check(
    results: Annotated[Path, typer.Option(help="Folder of current results")] = Path("results"),
    baseline: Annotated[Path, typer.Option(help="Folder of committed baselines")] = Path("baselines"),
    tolerances: Annotated[Path | None, typer.Option(help="Tolerances YAML (default: BASELINE/tolerances.yaml)")] = None,
    allow_missing: Annotated[bool, typer.Option(help="A baseline without a result is not a failure")] = False,
    allow_dataset_change: Annotated[bool, typer.Option(help="A changed dataset fingerprint is not a failure")] = False,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write a JSON report here")] = None,
    junit_path: Annotated[Path | None, typer.Option("--junit", help="Write a JUnit XML report here")] = None,
) -> None:
    """Compare results with baselines: OK / OKish / IMPROVED / FAIL; exit code 1 on any failure."""
    from harness.check.cli_commands import check_command
    from harness.check.compare import CheckOptions

    options = CheckOptions(allow_missing=allow_missing, allow_dataset_change=allow_dataset_change)
    raise typer.Exit(check_command(out, results, baseline, tolerances, options, json_path, junit_path))


@baseline_app.command("update")
def baseline_update(
    message: Annotated[str, typer.Option("--message", "-m", help="Why the baselines change (recorded)")],
    results: Annotated[Path, typer.Option(help="Folder of results to adopt")] = Path("results"),
    baseline: Annotated[Path, typer.Option(help="Folder of baselines to write")] = Path("baselines"),
    model: Annotated[str | None, typer.Option(help="Comma-separated models (default: all)")] = None,
    task: Annotated[str | None, typer.Option(help="Comma-separated tasks (default: all)")] = None,
) -> None:
    """Write current results as the new baselines (explicit, never automatic), with message and git sha."""
    from harness.check.cli_commands import baseline_update_command

    baseline_update_command(out, results, baseline, message, model, task)


@app.command()
def render(
    results: Annotated[Path, typer.Option(help="Folder of result files")] = Path("results"),
    out_dir: Annotated[Path, typer.Option("--out", help="Where the site goes (replaced as a whole)")] = Path("site"),
    baseline: Annotated[
        str | None, typer.Option(help="Model to test every other against (default: first in models.yaml)")
    ] = None,
    claims: Annotated[Path | None, typer.Option(help=CLAIMS_HELP)] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option("--skip-invalid", help="Leave malformed or corrupt results out with a warning (else: exit 2)"),
    ] = False,
) -> None:
    """Build the static leaderboard site (works from file:// and any static host, no network)."""
    from harness.report.board import BoardOptions
    from harness.report.site import CLAIMS_FILE, render_site

    if claims is not None and not claims.is_file():
        raise HarnessError(f"--claims: {claims} does not exist")
    report = render_site(
        results, out_dir, BoardOptions(baseline=baseline), claims or CLAIMS_FILE, claims is not None, skip_invalid
    )
    for line in report.warnings:
        err.print(f"warning: {line}", markup=False, highlight=False, soft_wrap=True)
    out.print(
        f"{report.out_dir}/index.html: {report.pages} pages, {report.entries} results, "
        f"{report.skipped} file(s) skipped, {report.seconds:.1f} s",
        markup=False,
        highlight=False,
    )


@app.command()
def leakage(
    train_set: Annotated[
        str | None, typer.Option("--train-set", help="Comma-separated training sets (default: every declared one)")
    ] = None,
    record: Annotated[
        Path | None, typer.Option(help="Add the measured overlap to this folder's results of trained models lacking it")
    ] = None,
) -> None:
    """Measured text overlap of every training set with every evaluation task whose data is here.

    Exit code 1 when a training set shares text with a task it does not declare in-domain (source_tasks).
    """
    if record is not None:
        from harness.results.overlap_record import record_missing_overlaps

        updated, skipped = record_missing_overlaps(record)
        for line in skipped:
            err.print(f"skipped: {line}", markup=False, highlight=False, soft_wrap=True)
        out.print(f"{record}: training overlap recorded in {len(updated)} result file(s)", markup=False)
        raise typer.Exit(0 if updated or not skipped else 2)

    from harness.console import leakage_table
    from harness.trainsets.training_registry import load_training_sets

    names = train_set.split(",") if train_set else list(load_training_sets())
    table, undeclared, missing = leakage_table(names)
    out.print(table)
    for task, why in missing.items():
        out.print(f"not measured: {task}: {why}", markup=False, highlight=False, soft_wrap=True)
    verdict = f"{undeclared} undeclared overlap(s)" if undeclared else "no undeclared overlap"
    out.print(f"{len(names)} training set(s): {verdict}", markup=False, highlight=False)
    raise typer.Exit(1 if undeclared else 0)


INTERRUPTED = 130  # typer turns Ctrl-C (KeyboardInterrupt) inside a command into this exit code


def _disk_full_line(exc: BaseException) -> str | None:
    """'error: FILE: cannot write (disk full) …' when `exc` is a full disk or quota, else None."""
    from harness.atomic import disk_full_reason

    reason = disk_full_reason(exc)
    if reason is None:
        return None
    filename = getattr(exc, "filename", None)
    where = f"{filename}: " if filename else ""
    return f"error: {where}cannot write ({reason}); free space and rerun"


def main() -> None:
    """Entry point: user errors become one line on stderr and exit code 2; Ctrl-C exits 130."""
    try:
        code = app(standalone_mode=False)
    except HarnessError as exc:
        err.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(2)
    except KeyboardInterrupt:
        code = INTERRUPTED
    except Exception as exc:
        line = _disk_full_line(exc)
        if line is not None:  # last resort: a write outside the staged (atomic) ones
            err.print(line, markup=False, highlight=False, soft_wrap=True)
            sys.exit(2)
        # usage errors of the command-line parser (typer bundles its own click): it prints them
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(exc.exit_code)
        raise
    if code == INTERRUPTED:
        err.print("interrupted: finished results are kept; rerun to resume", markup=False, highlight=False)
        sys.exit(INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
