"""The Python API: `harness.evaluate(model, tasks)`, the same runs, store, cache and provenance as `harness run`.

    import harness
    results = harness.evaluate("me5-small", ["xquad-r-ci"], limit=10)
    print(results[0].task, results[0].main_score)

`model` is a declared name (a sweep names all its members), a folder or `hf:ORG/NAME[@REVISION]`, or any
object with a sentence-transformers-compatible `encode` (give it a `name`; its prefixes come from
`query_prefix` / `passage_prefix`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import HarnessError
from harness.evaluation.progress import NullProgress, Progress
from harness.models.model_spec import NAME_PATTERN, Prefixes
from harness.models.object_encoder import ObjectEncoder
from harness.results.reader import load_result
from harness.results.result_file import ResultFile
from harness.run import RunOptions, TaskOutcome, plan_models, plan_tasks, run_model, run_tasks
from harness.tasks.task_registry import load_tasks, select_tasks
from harness.tasks.task_spec import TaskSpec


@dataclass(frozen=True)
class TaskResult:
    """One model's stored result on one task: `status` is 'evaluated' (now) or 'existing' (reused)."""

    model: str
    task: str
    status: str
    path: Path
    result: ResultFile

    @property
    def main_score(self) -> float | None:
        """The task's headline number (its name: `main_score_name`)."""
        return self.result.main_score.value

    @property
    def main_score_name(self) -> str:
        return self.result.main_score.name


def evaluate(
    model: str | Any,
    tasks: str | Sequence[str] = "all",
    *,
    results_dir: str | Path = "results",
    limit: int | None = None,
    backend: str | None = None,
    device: str | None = None,
    batch_size: int = 64,
    overwrite: bool = False,
    seeds: int | None = None,
    name: str | None = None,
    query_prefix: str | None = None,
    passage_prefix: str | None = None,
    profile: str | None = None,
    progress: Progress | None = None,
) -> list[TaskResult]:
    """Evaluate a model on tasks (training a declared recipe first if needed); every result stored under
    `results_dir` with provenance, finished ones reused. Errors are `harness.errors.HarnessError`, one line."""
    specs = _tasks(tasks)
    options = RunOptions(Path(results_dir), overwrite, batch_size, device, limit)
    progress = progress or NullProgress()
    if isinstance(model, str):
        refs = plan_models(
            model,
            backend=backend,
            device=device,
            seeds=seeds,
            query_prefix=query_prefix,
            passage_prefix=passage_prefix,
            profile=profile,
        )
        return [_typed(ref.stored_as, o) for ref in refs for o in run_model(ref, specs, options, progress)]
    if backend is not None or seeds is not None:
        raise HarnessError("backend / seeds: only for a declared model, a folder or an hf: id (not a Python object)")
    if name is None or not NAME_PATTERN.match(name):
        raise HarnessError(
            f"name: a model object needs a results name of lowercase letters, digits, '.-_' (got {name!r})"
        )
    prefixes = Prefixes(query=query_prefix or "", passage=passage_prefix or "")
    encoder = ObjectEncoder(name, model, prefixes, batch_size)
    return [_typed(name, o) for o in run_tasks(name, encoder, specs, options, progress)]


def _tasks(tasks: str | Sequence[str]) -> list[TaskSpec]:
    """The runnable tasks named (a named task whose data is missing is an error; 'all' skips those)."""
    argument = tasks if isinstance(tasks, str) else ",".join(tasks)
    runnable, _ = plan_tasks(select_tasks(argument, load_tasks()), all_tasks=argument.strip() == "all")
    if not runnable:
        raise HarnessError(f"tasks {argument!r}: nothing to run (no task has its data here)")
    return runnable


def _typed(model: str, outcome: TaskOutcome) -> TaskResult:
    if outcome.path is None:
        raise HarnessError(f"{model} on {outcome.task}: {outcome.status}: {outcome.reason}")
    return TaskResult(model, outcome.task, outcome.status, outcome.path, load_result(outcome.path))
