"""Load a task's records from its verified source files, with an optional quick-run limit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeVar

from harness.data.checksum import sha256_json
from harness.data.corpus_records import CorpusTask
from harness.data.lareqa import load_lareqa
from harness.data.records import BitextLanguage, ParallelLanguage, RetrievalLanguage
from harness.data.source_files import locate
from harness.data.squad_paragraphs import load_squad_paragraphs
from harness.errors import HarnessError
from harness.tasks.corpus_loaders import corpus_task_fingerprint, load_corpus_task
from harness.tasks.kinds import KINDS
from harness.tasks.subset import restrict_parallel, select_question_ids
from harness.tasks.task_spec import TaskSpec

LOADERS = {"lareqa": load_lareqa, "squad-paragraphs": load_squad_paragraphs}
ShapeT = TypeVar("ShapeT", ParallelLanguage, RetrievalLanguage, BitextLanguage)
LanguageRecords = ParallelLanguage | RetrievalLanguage | BitextLanguage


@dataclass(frozen=True)
class TaskData:
    """Every language's records plus the fingerprint of the exact files they came from."""

    spec: TaskSpec
    languages: dict[str, LanguageRecords]
    dataset_fingerprint: str
    limit: int | None = None  # None also when a requested limit covers the whole task (a full run)
    corpus_task: CorpusTask | None = None  # corpus-retrieval kinds (MIRACL, AfriQA, NQ-Crosslingual)
    limit_note: str = ""  # why a requested limit was not applied

    @property
    def is_parallel(self) -> bool:
        """Parallel per-language records (a quick run selects question ids on them)."""
        return bool(self.languages) and all(isinstance(r, ParallelLanguage) for r in self.languages.values())

    def parallel(self) -> dict[str, ParallelLanguage]:
        """Per-language records of a parallel task (parallel-qa-retrieval)."""
        return {lang: _shaped(self, rec, ParallelLanguage) for lang, rec in self.languages.items()}

    def retrieval(self) -> dict[str, RetrievalLanguage]:
        """Per-language queries, corpus and qrels of a monolingual task."""
        return {lang: _shaped(self, rec, RetrievalLanguage) for lang, rec in self.languages.items()}

    def bitext(self) -> dict[str, BitextLanguage]:
        """Per-language sentence pairs of a bitext task."""
        return {lang: _shaped(self, rec, BitextLanguage) for lang, rec in self.languages.items()}

    def corpus(self) -> CorpusTask:
        """The corpus and query sets of a corpus task (corpus- and answer-retrieval)."""
        if self.corpus_task is None:
            raise HarnessError(f"task {self.spec.name}: kind {self.spec.kind} has no corpus")
        return self.corpus_task


def _shaped(data: TaskData, records: object, shape: type[ShapeT]) -> ShapeT:
    if not isinstance(records, shape):
        raise HarnessError(f"task {data.spec.name}: kind {data.spec.kind} data is not {shape.__name__}")
    return records


def dataset_fingerprint(spec: TaskSpec) -> str:
    """sha256 over the loader and each used file's declared (and verified) sha256."""
    if KINDS[spec.kind].corpus:
        return corpus_task_fingerprint(spec)
    files = {name: spec.source.files[name] for lang in spec.languages for name in spec.files_for(lang).values()}
    return sha256_json({"loader": spec.source.loader, "files": files})


def check_counts(spec: TaskSpec, lang: str, records: LanguageRecords, path: str) -> None:
    """Compare question / candidate counts with the ones the task declares."""
    if lang not in spec.expected_counts or not isinstance(records, ParallelLanguage):
        return
    expected = tuple(spec.expected_counts[lang])
    got = (len(records.questions), len(records.candidates))
    if got != expected:
        raise HarnessError(f"{path}: expected {expected[0]} questions / {expected[1]} candidates, got {got}")


def full_run_note(limit: int, size: int, what: str) -> str:
    return f"--limit {limit} covers all {size} {what}: evaluated as the full task"


def _limit_parallel(records: dict[str, ParallelLanguage], limit: int) -> tuple[dict, int | None, str]:
    keep = select_question_ids(records, limit)
    if keep is None:
        size = len({q for rec in records.values() for q in rec.question_ids})
        return records, None, full_run_note(limit, size, "question ids")
    chosen = set(keep)
    return {lang: restrict_parallel(rec, chosen) for lang, rec in records.items()}, limit, ""


def _limit_retrieval(records: dict[str, RetrievalLanguage], limit: int) -> tuple[dict, int | None, str]:
    size = max(len(rec.query_ids) for rec in records.values())
    if limit >= size:
        return records, None, full_run_note(limit, size, "queries of its largest language")
    kept = {
        lang: replace(
            rec,
            query_ids=rec.query_ids[:limit],
            queries=rec.queries[:limit],
            qrels={q: rec.qrels[q] for q in rec.query_ids[:limit]},
        )
        for lang, rec in records.items()
    }  # the corpus stays whole: it is small and shared by all queries
    return kept, limit, ""


def load_task_data(spec: TaskSpec, limit: int | None = None) -> TaskData:
    """Locate, verify and parse every language file of a task.

    `limit` makes a quick run: N question ids on parallel tasks (harness.tasks.subset), the first
    N queries per language otherwise. A limit that covers the whole task gives the full task
    (`TaskData.limit` None, `limit_note` says so), so a full run is never stored as a quick one.
    """
    if limit is not None and limit < 1:
        raise HarnessError(f"--limit: must be at least 1, got {limit}")
    if KINDS[spec.kind].corpus:
        task = load_corpus_task(spec)
        size = max(len(q.query_ids) for q in task.query_sets.values())
        if limit is not None and limit >= size:
            note = full_run_note(limit, size, "queries of its largest query set")
            return TaskData(spec, {}, dataset_fingerprint(spec), None, task, note)
        return TaskData(spec, {}, dataset_fingerprint(spec), limit, task.limited(limit) if limit else task)
    loader = LOADERS.get(spec.source.loader)
    if loader is None:
        raise HarnessError(f"task {spec.name}: source.loader: unknown loader {spec.source.loader!r}")
    languages: dict[str, LanguageRecords] = {}
    for lang in spec.languages:
        path = locate(spec.source, spec.files_for(lang)["data"])
        records = loader(path, lang)
        check_counts(spec, lang, records, str(path))
        languages[lang] = records
    note = ""
    if limit is not None:
        parallel = all(isinstance(r, ParallelLanguage) for r in languages.values())
        languages, limit, note = (_limit_parallel if parallel else _limit_retrieval)(languages, limit)
    return TaskData(spec, languages, dataset_fingerprint(spec), limit, limit_note=note)
