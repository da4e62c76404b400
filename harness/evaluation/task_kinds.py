"""One object per task kind: its declaration (settings, metrics: harness/tasks/kinds.py), the loader of
its data and its evaluator. `harness run` reaches every kind through here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from harness.errors import HarnessError
from harness.evaluation.bitext import evaluate_bitext
from harness.evaluation.corpus_eval import evaluate_corpus
from harness.evaluation.parallel import evaluate_parallel
from harness.evaluation.progress import Progress
from harness.evaluation.qrels_eval import evaluate_qrels
from harness.evaluation.scorers import PoolScorer
from harness.evaluation.setting_result import SettingResult
from harness.tasks.data import TaskData
from harness.tasks.kinds import KINDS, KindDeclaration
from harness.tasks.load import load_task
from harness.tasks.task_spec import TaskSpec

Evaluator = Callable[[TaskData, PoolScorer, Progress], list[SettingResult]]


@dataclass(frozen=True)
class TaskKind:
    """A task kind: what it declares, how its data loads and how it is evaluated."""

    declaration: KindDeclaration
    evaluate: Evaluator
    load: Callable[[TaskSpec, int | None], TaskData] = load_task

    @property
    def name(self) -> str:
        return self.declaration.name

    @property
    def settings(self) -> tuple[str, ...]:
        return self.declaration.settings

    @property
    def metrics(self) -> set[str]:
        return self.declaration.metrics


TASK_KINDS: dict[str, TaskKind] = {
    kind.name: kind
    for kind in (
        TaskKind(KINDS["parallel-qa-retrieval"], evaluate_parallel),
        TaskKind(KINDS["monolingual-retrieval"], evaluate_qrels),
        TaskKind(KINDS["corpus-retrieval"], evaluate_corpus),
        TaskKind(KINDS["answer-retrieval"], evaluate_corpus),
        TaskKind(KINDS["language-pair-retrieval"], evaluate_qrels),
        TaskKind(KINDS["bitext-retrieval"], evaluate_bitext),
    )
}


def task_kind(spec: TaskSpec) -> TaskKind:
    """The kind object of a task."""
    try:
        return TASK_KINDS[spec.kind]
    except KeyError:
        raise HarnessError(f"task {spec.name}: kind {spec.kind!r} has no evaluator") from None
