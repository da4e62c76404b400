"""Run planning and running: the models of a run resolved once, each evaluated on a list of tasks (a trained
recipe trained first, per seed), every result stored (finished ones are found and skipped)."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Unpack

from harness import __version__
from harness.errors import HarnessError
from harness.evaluation.progress import NullProgress, Progress
from harness.evaluation.scorers import make_pool_scorer
from harness.evaluation.task_kinds import task_kind
from harness.leakage.overlap import result_overlap
from harness.model_ref import ModelRef, ResolveOptions, resolve_model
from harness.models.base import Encoder, Model
from harness.models.model_spec import ModelSpec, load_models
from harness.models.references import is_reference
from harness.models.sweeps import expand_model_names
from harness.results.provenance import provenance
from harness.results.result_file import SCHEMA_VERSION
from harness.results.result_lock import result_lock
from harness.results.result_store import (
    ResultPaths,
    complete_summary,
    ensure_writable,
    result_paths,
    write_result,
)
from harness.results.seeds import aggregate_with_stored
from harness.results.summary import main_score, result_extras, summarize
from harness.tasks.corpus_loaders import unavailable_reason
from harness.tasks.subset import SELECTION_RULE
from harness.tasks.task_spec import TaskSpec
from harness.train.loop import TrainReporter
from harness.trained_runs import train_one


@dataclass(frozen=True)
class RunOptions:
    """How to run: where results go and how to encode."""

    results_dir: Path = Path("results")
    overwrite: bool = False
    batch_size: int = 64
    device: str | None = None
    limit: int | None = None
    seed: int | None = None  # the training seed of a trained model (results per seed)
    backend: str | None = None  # inference backend override (--backend); None: the model's declaration
    model_source: str | None = None  # a model without a declaration: where it came from (recorded in results)


@dataclass
class TaskOutcome:
    """What happened to one task: evaluated, already done, or not available here."""

    task: str
    status: str  # "evaluated" | "existing" | "skipped"
    reason: str = ""  # why skipped, or a note on how it ran (e.g. a limit that covered the whole task)
    summary: dict | None = None
    path: Path | None = None


def plan_tasks(tasks: list[TaskSpec], all_tasks: bool) -> tuple[list[TaskSpec], list[TaskOutcome]]:
    """Tasks to run and tasks skipped; a named task whose data is missing is an error."""
    runnable, skipped = [], []
    for spec in tasks:
        reason = unavailable_reason(spec)
        if reason is None:
            runnable.append(spec)
        elif all_tasks:
            skipped.append(TaskOutcome(spec.name, "skipped", reason))
        else:
            raise HarnessError(f"task {spec.name}: {reason}")
    return runnable, skipped


def reuse_identity(
    fingerprint: str, dataset_fingerprint: str, limit: int | None, seed: int | None = None, parallel: bool = False
) -> dict[str, object]:
    """Fields that must all match for a stored result to be reused (a quick run also names its subset rule:
    question ids on parallel data, the first queries otherwise)."""
    fields: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "harness": __version__,
        "model_fingerprint": fingerprint,
        "dataset_fingerprint": dataset_fingerprint,
        "limit": limit,
    }
    if limit is not None:
        fields["subset"] = SELECTION_RULE if parallel else "first-n-queries"
    if seed is not None:
        fields["seed"] = seed
    return fields


def stored_outcome(model_name: str, fingerprint: str, spec: TaskSpec, options: RunOptions) -> TaskOutcome | None:
    """The finished result of a model with this fingerprint on a task, if stored (nothing is loaded or trained)."""
    if options.overwrite:
        return None
    data = task_kind(spec).load(spec, options.limit)
    paths = result_paths(options.results_dir, model_name, spec.name, data.limit, options.seed)
    ident = reuse_identity(fingerprint, data.dataset_fingerprint, data.limit, options.seed, data.is_parallel)
    summary = complete_summary(paths, ident)
    return None if summary is None else TaskOutcome(spec.name, "existing", data.limit_note, summary, paths.summary)


def stored_outcomes(
    model_name: str, fingerprint: str, tasks: list[TaskSpec], options: RunOptions
) -> list[TaskOutcome] | None:
    """Every task's stored result of the model with this fingerprint, or None when any is missing (checked in
    order and stopping at the first missing one, so a model with nothing stored loads one task's data here)."""
    found = []
    for spec in tasks:
        outcome = stored_outcome(model_name, fingerprint, spec, options)
        if outcome is None:
            return None
        found.append(outcome)
    return found


def model_backend(model: Model) -> dict[str, object]:
    """The backend record of a result: name, precision, what the runtime reports (lexical models: native)."""
    return model.backend if isinstance(model, Encoder) else {"name": "native"}


def evaluate_task(
    model_name: str,
    model: Model,
    spec: TaskSpec,
    options: RunOptions,
    progress: Progress,
    zero_shot: bool = True,
    training: dict | None = None,
    position: str = "",
) -> TaskOutcome:
    """Load, score, summarise and store one task (or reuse a finished result); `position` is said once
    the data has loaded (e.g. 'task 2/4 · afriqa · model me5-small')."""
    started = time.perf_counter()
    data = task_kind(spec).load(spec, options.limit)
    loaded = time.perf_counter()
    if position:
        progress.stage(position)
    paths: ResultPaths = result_paths(options.results_dir, model_name, spec.name, data.limit, options.seed)
    ident = reuse_identity(model.fingerprint, data.dataset_fingerprint, data.limit, options.seed, data.is_parallel)
    stored = None if options.overwrite else complete_summary(paths, ident)
    if stored is not None:
        return TaskOutcome(spec.name, "existing", data.limit_note, stored, paths.summary)
    waiting = f"waiting: {model_name} on {spec.name} is being computed by {{}} (same results folder)"
    with result_lock(paths.summary, lambda holder: progress.stage(waiting.format(holder))) as waited:
        stored = None if options.overwrite else complete_summary(paths, ident)
        if stored is not None:  # another process finished it: reuse it
            note = "; ".join(filter(None, [data.limit_note, "computed by another process meanwhile" if waited else ""]))
            return TaskOutcome(spec.name, "existing", note, stored, paths.summary)
        scorer = make_pool_scorer(model, options.batch_size, progress)
        results = task_kind(spec).evaluate(data, scorer, progress)
        finished = time.perf_counter()
        encode_seconds = float(scorer.stats.get("encode_seconds", scorer.stats.get("index_seconds", 0.0)))
        seconds = {
            "load": loaded - started,
            "encode": encode_seconds,
            "score": finished - loaded - encode_seconds,
            "total": finished - started,
        }
        settings = summarize(spec, results)  # lists views without queries; only the others are stored per query
        backend = model_backend(model)
        results = [r for r in results if r.query_ids]
        summary = {
            **ident,
            "model": model_name,
            "task": spec.name,
            "task_kind": spec.kind,
            "zero_shot": zero_shot,
            "main_score": {"name": spec.main_score, "value": main_score(spec, settings)},
            "languages": spec.languages,
            "settings": settings,
            **result_extras(spec, settings, data),
            "cache": {k: v for k, v in scorer.stats.items() if not k.endswith("seconds")},
            "backend": backend,
            **({"model_source": options.model_source} if options.model_source else {}),
            "provenance": provenance(options.device, options.batch_size, seconds, options.seed, backend),
        }
        if training is not None:
            summary["training"] = training
            summary["training_overlap"] = result_overlap(training["train_set"], data)
        write_result(paths, summary, results)
        return TaskOutcome(spec.name, "evaluated", data.limit_note, summary, paths.summary)


def run_tasks(
    model_name: str,
    model: Model,
    tasks: list[TaskSpec],
    options: RunOptions,
    progress: Progress | None = None,
    training: dict | None = None,
) -> list[TaskOutcome]:
    """Evaluate a built model on runnable tasks, in order.

    For a trained model, `training` is its training.json: results on tasks built from its
    training data's source are marked `zero_shot: false`, and the recipe travels with them.
    """
    ensure_writable(options.results_dir)
    progress = progress or NullProgress()
    in_domain = set(training["train_set"]["source_tasks"]) if training else set()
    outcomes = []
    for number, spec in enumerate(tasks, 1):
        seed = "" if options.seed is None else f" · seed {options.seed}"
        position = f"task {number}/{len(tasks)} · {spec.name} · model {model_name}{seed}"
        outcomes.append(
            evaluate_task(model_name, model, spec, options, progress, spec.name not in in_domain, training, position)
        )
    return outcomes


def plan_models(
    models: str, registry: Mapping[str, ModelSpec] | None = None, **options: Unpack[ResolveOptions]
) -> list[ModelRef]:
    """Every model a `--model` value names (a sweep names all its members; a folder or `hf:` id names a model
    without a declaration), each resolved by `resolve_model` with `options` and checked before any runs."""
    registry = registry if registry is not None else load_models()
    names: list[str] = []
    for item in models.split(","):
        reference = is_reference(item.strip()) and item.strip() not in registry
        names += [item.strip()] if reference else expand_model_names(item, registry)
    refs = [resolve_model(name, registry, **options) for name in dict.fromkeys(names)]
    return list({ref.stored_as: ref for ref in refs}.values())


def run_model(
    ref: ModelRef,
    tasks: list[TaskSpec],
    options: RunOptions,
    progress: Progress | None = None,
    reporter_for: Callable[[str], TrainReporter] | None = None,
) -> list[TaskOutcome]:
    """Every task's result of one model. Stored results are found by the fingerprint before anything is built
    or trained; a trained recipe trains each missing seed, is evaluated per seed, then gets mean ± std over its
    seeds per task."""
    options = replace(options, device=ref.device, backend=ref.backend, model_source=ref.source)
    outcomes: list[TaskOutcome] = []
    for seed in ref.runs:
        seed_options = replace(options, seed=seed)
        stored = stored_outcomes(ref.stored_as, ref.fingerprint(seed), tasks, seed_options)
        if stored is not None:  # every result is there: nothing to train or load
            outcomes += stored
            continue
        if seed is not None:
            train_one(ref.trained(seed), None, reporter_for)
        model, training = ref.build(seed)
        outcomes += run_tasks(ref.stored_as, model, tasks, seed_options, progress, training)
    if ref.is_trained:
        for task in tasks:
            aggregate_task_seeds(options, ref, task.name, [o for o in outcomes if o.task == task.name], progress)
    return outcomes


def aggregate_task_seeds(
    options: RunOptions, ref: ModelRef, task: str, outcomes: list[TaskOutcome], progress: Progress | None = None
) -> None:
    """Mean ± std over the seeds of a trained model on one task: the seeds run and those stored before (made the
    same way: data, recipe, backend), with the limit as run (one that covered the whole task made full results)."""
    limits = {o.summary.get("limit") for o in outcomes if o.summary is not None}
    limit = limits.pop() if len(limits) == 1 else options.limit
    _, stale = aggregate_with_stored(options.results_dir, ref.stored_as, task, limit, list(ref.seeds or ()))
    if stale:
        (progress or NullProgress()).stage(
            f"{ref.stored_as}/{task}: stored seeds {stale} were made another way (data, recipe or backend); "
            "left out of the seed aggregate: rerun them"
        )
