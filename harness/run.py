"""Evaluate one model on a list of tasks and store each result (skipping finished ones)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from harness import __version__
from harness.errors import HarnessError
from harness.evaluate.corpus_eval import evaluate_corpus
from harness.evaluate.parallel import evaluate_parallel
from harness.evaluate.progress import NullProgress, Progress
from harness.evaluate.qrels_eval import evaluate_qrels
from harness.evaluate.scorers import make_pool_scorer
from harness.models.base import Model
from harness.results.provenance import provenance
from harness.results.store import (
    SCHEMA_VERSION,
    ResultPaths,
    ensure_writable,
    is_complete,
    read_summary,
    result_paths,
    write_result,
)
from harness.results.summary import main_score, result_extras, summarize
from harness.tasks.corpus_loaders import unavailable_reason as task_unavailable_reason
from harness.tasks.data import load_task_data
from harness.tasks.schema import TaskSpec

EVALUATORS = {
    "parallel-qa-retrieval": evaluate_parallel,
    "monolingual-retrieval": evaluate_qrels,
    "corpus-retrieval": evaluate_corpus,
    "answer-retrieval": evaluate_corpus,
}


@dataclass(frozen=True)
class RunOptions:
    """How to run: where results go and how to encode."""

    results_dir: Path = Path("results")
    overwrite: bool = False
    batch_size: int = 64
    device: str | None = None
    limit: int | None = None
    seed: int | None = None  # the training seed of a trained model (results per seed)


@dataclass
class TaskOutcome:
    """What happened to one task: evaluated, already done, or not available here."""

    task: str
    status: str  # "evaluated" | "existing" | "skipped"
    reason: str = ""
    summary: dict | None = None
    path: Path | None = None


def unavailable_reason(spec: TaskSpec) -> str | None:
    """Why a task cannot run here (its data is missing, or its hub corpus absent or unpinned), or None."""
    return task_unavailable_reason(spec)


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


def identity(model: Model, dataset_fingerprint: str, limit: int | None, seed: int | None = None) -> dict[str, object]:
    """Fields that must all match for a stored result to be reused."""
    fields: dict[str, object] = {
        "schema_version": SCHEMA_VERSION,
        "harness": __version__,
        "model_fingerprint": model.fingerprint,
        "dataset_fingerprint": dataset_fingerprint,
        "limit": limit,
    }
    if seed is not None:
        fields["seed"] = seed
    return fields


def evaluate_task(
    model_name: str,
    model: Model,
    spec: TaskSpec,
    options: RunOptions,
    progress: Progress,
    zero_shot: bool = True,
    training: dict | None = None,
) -> TaskOutcome:
    """Load, score, summarise and store one task (or reuse a finished result)."""
    started = time.perf_counter()
    data = load_task_data(spec, options.limit)
    loaded = time.perf_counter()
    paths: ResultPaths = result_paths(options.results_dir, model_name, spec.name, options.limit, options.seed)
    ident = identity(model, data.dataset_fingerprint, options.limit, options.seed)
    if not options.overwrite and is_complete(paths, ident):
        return TaskOutcome(spec.name, "existing", summary=read_summary(paths.summary), path=paths.summary)
    scorer = make_pool_scorer(model, options.batch_size, progress)
    results = EVALUATORS[spec.kind](data, scorer, progress)
    finished = time.perf_counter()
    encode_seconds = float(scorer.stats.get("encode_seconds", scorer.stats.get("index_seconds", 0.0)))
    seconds = {
        "load": loaded - started,
        "encode": encode_seconds,
        "score": finished - loaded - encode_seconds,
        "total": finished - started,
    }
    settings = summarize(spec, results)
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
        "provenance": provenance(options.device, options.batch_size, seconds, seed=options.seed),
    }
    if training is not None:
        summary["training"] = training
    write_result(paths, summary, results)
    return TaskOutcome(spec.name, "evaluated", summary=summary, path=paths.summary)


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
    return [
        evaluate_task(model_name, model, spec, options, progress, spec.name not in in_domain, training)
        for spec in tasks
    ]
