"""The query and corpus texts of an evaluation task, as hashes cached by the task's dataset fingerprint."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.atomic import atomic_write_bytes
from harness.data.records import BitextLanguage, ParallelLanguage, RetrievalLanguage
from harness.errors import HarnessError
from harness.leakage.text_hashes import MIN_CHARS, text_hashes
from harness.paths import cache_dir
from harness.tasks.data import TaskData, dataset_fingerprint
from harness.tasks.load import load_task
from harness.tasks.task_spec import TaskSpec

HASH_VERSION = 2  # bump when normalisation or what counts as a query / corpus text changes


@dataclass(frozen=True)
class TaskTexts:
    """Distinct normalised-text hashes of a task's queries and of its corpus."""

    task: str
    dataset_fingerprint: str
    queries: np.ndarray
    corpus: np.ndarray


def _texts(data: TaskData) -> tuple[list[str], list[str]]:
    """(queries, corpus): bitext sentences count as queries and their pivot translations as corpus."""
    queries: list[str] = []
    corpus: list[str] = []
    if data.corpus_task is not None:
        for query_set in data.corpus_task.query_sets.values():
            queries.extend(query_set.queries)
        for pool in data.corpus_task.corpora.values():
            corpus.extend(text for _, text, _ in pool.passages())
    for rec in data.languages.values():
        if isinstance(rec, ParallelLanguage):
            queries.extend(rec.questions)
            corpus.extend(rec.candidates)
        elif isinstance(rec, RetrievalLanguage):
            queries.extend(rec.queries)
            corpus.extend(rec.docs)
        elif isinstance(rec, BitextLanguage):
            queries.extend(rec.sentences)
            corpus.extend(rec.pivot)
    return queries, corpus


def _cache_path(fingerprint: str) -> Path:
    return cache_dir() / "leakage" / f"v{HASH_VERSION}-min{MIN_CHARS}-{fingerprint[:32]}.npz"


def task_texts(spec: TaskSpec) -> TaskTexts:
    """Hashes of a task's full data, cached by its dataset fingerprint (declared file digests, so a
    cached entry is found without reading the data); a HarnessError when its files are not here."""
    fingerprint = dataset_fingerprint(spec)
    path = _cache_path(fingerprint)
    if path.is_file():
        with np.load(path, allow_pickle=False) as saved:
            return TaskTexts(spec.name, fingerprint, saved["queries"], saved["corpus"])
    data = load_task(spec)
    for pool in data.corpus_task.corpora.values() if data.corpus_task else ():
        pool.check_present()
    found = data_texts(data)
    buffer = io.BytesIO()
    np.savez(buffer, queries=found.queries, corpus=found.corpus)
    atomic_write_bytes(path, buffer.getvalue())
    return found


def data_texts(data: TaskData) -> TaskTexts:
    """Hashes of exactly the loaded data (a quick run's subset too); not cached."""
    queries, corpus = _texts(data)
    return TaskTexts(data.spec.name, data.dataset_fingerprint, text_hashes(queries), text_hashes(corpus))


def available_task_texts(specs: list[TaskSpec]) -> tuple[list[TaskTexts], dict[str, str]]:
    """Hashes of every task whose data is here, and why each other task could not be read."""
    found, missing = [], {}
    for spec in specs:
        try:
            found.append(task_texts(spec))
        except HarnessError as exc:  # data not here (a hub corpus offline, a missing mirror file)
            missing[spec.name] = str(exc)
    return found, missing
