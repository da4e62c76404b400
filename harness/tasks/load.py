"""Load any task's data by its kind: the one entry point for evaluation and the leakage guard."""

from __future__ import annotations

from collections.abc import Callable

from harness.tasks.bitext import load_bitext_task
from harness.tasks.data import TaskData, load_task_data
from harness.tasks.language_pairs import load_language_pairs_task
from harness.tasks.task_spec import TaskSpec

Loader = Callable[[TaskSpec, int | None], TaskData]

LOADERS_BY_KIND: dict[str, Loader] = {
    "bitext-retrieval": load_bitext_task,
    "language-pair-retrieval": load_language_pairs_task,
}  # every other kind: per-language files or a corpus (harness.tasks.data.load_task_data)


def load_task(spec: TaskSpec, limit: int | None = None) -> TaskData:
    """A task's records (a quick run with `limit`)."""
    return LOADERS_BY_KIND.get(spec.kind, load_task_data)(spec, limit)
