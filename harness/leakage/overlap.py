"""Measured overlap of a training or calibration text set with evaluation tasks, and the guard on it.

A training set may share text with an evaluation task only when it declares that task in-domain
(its `source_tasks`): `harness train` refuses any other overlap, and every result of a trained
model records the share of the task's queries and corpus texts seen in training.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from harness.errors import HarnessError
from harness.leakage.task_texts import TaskTexts, available_task_texts, data_texts
from harness.leakage.text_hashes import shared, text_hashes
from harness.tasks.data import TaskData
from harness.tasks.task_registry import load_tasks
from harness.trainsets.examples import TrainingSet
from harness.trainsets.training_registry import get_training_set


@dataclass(frozen=True)
class Overlap:
    """How many of a task's distinct query and corpus texts a text set contains."""

    task: str
    queries_seen: int
    queries: int
    corpus_seen: int
    corpus: int

    @property
    def any(self) -> bool:
        return bool(self.queries_seen or self.corpus_seen)

    def share(self, part: str) -> float:
        """Share of the task's distinct 'queries' or 'corpus' texts that were seen (0 for none)."""
        seen, total = (self.queries_seen, self.queries) if part == "queries" else (self.corpus_seen, self.corpus)
        return seen / total if total else 0.0

    def as_record(self, text_set: str, in_domain: bool) -> dict:
        """The `training_overlap` block of a result file."""
        return {
            "train_set": text_set,
            "declared_in_domain": in_domain,
            "queries": {"seen": self.queries_seen, "distinct": self.queries, "share": round(self.share("queries"), 6)},
            "corpus": {"seen": self.corpus_seen, "distinct": self.corpus, "share": round(self.share("corpus"), 6)},
        }


def training_texts(data: TrainingSet) -> np.ndarray:
    """Hashes of every text a training set holds: queries, passages and hard negatives."""
    texts = [t for ex in data.examples for t in (*ex.queries.values(), *ex.passages.values())]
    texts += [t for ex in data.examples for group in ex.hard_negatives.values() for t in group]
    return text_hashes(texts)


def measure(hashes: np.ndarray, task: TaskTexts) -> Overlap:
    """Overlap of a hash set with one task's queries and corpus."""
    return Overlap(
        task.task, shared(task.queries, hashes), len(task.queries), shared(task.corpus, hashes), len(task.corpus)
    )


def overlap_table(hashes: np.ndarray) -> tuple[list[Overlap], dict[str, str]]:
    """Overlap with every declared task whose data is here, and why the others were not measured."""
    found, missing = available_task_texts(list(load_tasks().values()))
    return [measure(hashes, task) for task in found], missing


def guard_training_set(data: TrainingSet, what: str = "training set") -> list[Overlap]:
    """Refuse (one line) a text set that shares text with a task it does not declare in-domain."""
    table, _ = overlap_table(training_texts(data))
    for row in table:
        if row.any and row.task not in data.source_tasks:
            raise HarnessError(
                f"{what} {data.name} shares text with evaluation task {row.task}: {row.queries_seen} of its "
                f"{row.queries} queries and {row.corpus_seen} of its {row.corpus} corpus texts (normalised); "
                f"declare {row.task} in source_tasks of training/{data.name}.yaml (in-domain) or remove the overlap"
            )
    return table


def guard_calibration(train_set: str, texts: list[str]) -> None:
    """Refuse calibration texts that any evaluation task holds (calibration never sees evaluation text)."""
    table, _ = overlap_table(text_hashes(texts))
    for row in table:
        if row.any:
            raise HarnessError(
                f"calibration texts of {train_set} share text with evaluation task {row.task}: {row.queries_seen} "
                f"queries and {row.corpus_seen} corpus texts; calibrate on a set no task uses"
            )


@lru_cache(maxsize=8)
def _training_hashes(name: str, fingerprint: str) -> np.ndarray:
    data = get_training_set(name)
    if data.fingerprint != fingerprint:
        raise HarnessError(
            f"training set {name}: its files changed since the model was trained (fingerprint "
            f"{fingerprint[:12]} then, {data.fingerprint[:12]} now): its overlap cannot be measured"
        )
    return training_texts(data)


def result_overlap(train_set: dict, task_data: TaskData) -> dict:
    """The `training_overlap` block of a trained model's result on the evaluated data; `train_set`
    is the training.json record of the set it was trained on (name, fingerprint, source_tasks)."""
    row = measure(_training_hashes(train_set["name"], train_set["fingerprint"]), data_texts(task_data))
    return row.as_record(train_set["name"], task_data.spec.name in train_set.get("source_tasks", ()))
