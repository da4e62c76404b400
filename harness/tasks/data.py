"""Load a task's records from its verified source files, with an optional quick-run limit."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.data.checksum import sha256_json
from harness.data.corpus_records import CorpusTask
from harness.data.lareqa import load_lareqa
from harness.data.records import ParallelLanguage, RetrievalLanguage
from harness.data.squad_paragraphs import load_squad_paragraphs
from harness.data.store import locate
from harness.errors import HarnessError
from harness.tasks.corpus_loaders import CORPUS_KINDS, corpus_task_fingerprint, load_corpus_task
from harness.tasks.schema import TaskSpec

LOADERS = {"lareqa": load_lareqa, "squad-paragraphs": load_squad_paragraphs}


@dataclass(frozen=True)
class TaskData:
    """Every language's records plus the fingerprint of the exact files they came from."""

    spec: TaskSpec
    languages: dict[str, ParallelLanguage | RetrievalLanguage]
    dataset_fingerprint: str
    limit: int | None = None
    corpus_task: CorpusTask | None = None  # corpus-retrieval kinds (MIRACL, AfriQA, NQ-Crosslingual)


def dataset_fingerprint(spec: TaskSpec) -> str:
    """sha256 over the loader and each used file's declared (and verified) sha256."""
    if spec.kind in CORPUS_KINDS:
        return corpus_task_fingerprint(spec)
    files = {spec.source.file_for(lang): spec.source.files[spec.source.file_for(lang)] for lang in spec.languages}
    return sha256_json({"loader": spec.source.loader, "files": files})


def limit_parallel(records: ParallelLanguage, limit: int) -> ParallelLanguage:
    """First `limit` questions; candidates = sentences of the paragraphs those questions ask about."""
    keep_ids = records.question_ids[:limit]
    paragraphs = {records.candidate_paragraph[records.gold[q]] for q in keep_ids}
    kept = [i for i, p in enumerate(records.candidate_paragraph) if p in paragraphs]
    new_index = {old: new for new, old in enumerate(kept)}
    return replace(
        records,
        question_ids=keep_ids,
        questions=records.questions[:limit],
        candidates=[records.candidates[i] for i in kept],
        candidate_paragraph=[records.candidate_paragraph[i] for i in kept],
        gold={q: new_index[records.gold[q]] for q in keep_ids},
    )


def limit_retrieval(records: RetrievalLanguage, limit: int) -> RetrievalLanguage:
    """First `limit` queries; the corpus stays whole (it is small and shared by all queries)."""
    keep = records.query_ids[:limit]
    return replace(
        records,
        query_ids=keep,
        queries=records.queries[:limit],
        qrels={q: records.qrels[q] for q in keep},
    )


def check_counts(spec: TaskSpec, lang: str, records: ParallelLanguage | RetrievalLanguage, path: str) -> None:
    """Compare question / candidate counts with the ones the task declares."""
    if lang not in spec.expected_counts or not isinstance(records, ParallelLanguage):
        return
    expected = tuple(spec.expected_counts[lang])
    got = (len(records.questions), len(records.candidates))
    if got != expected:
        raise HarnessError(f"{path}: expected {expected[0]} questions / {expected[1]} candidates, got {got}")


def load_task_data(spec: TaskSpec, limit: int | None = None) -> TaskData:
    """Locate, verify and parse every language file of a task."""
    if limit is not None and limit < 1:
        raise HarnessError(f"--limit: must be at least 1, got {limit}")
    if spec.kind in CORPUS_KINDS:
        return TaskData(spec, {}, dataset_fingerprint(spec), limit, load_corpus_task(spec, limit))
    loader = LOADERS.get(spec.source.loader)
    if loader is None:
        raise HarnessError(f"task {spec.name}: source.loader: unknown loader {spec.source.loader!r}")
    languages: dict[str, ParallelLanguage | RetrievalLanguage] = {}
    for lang in spec.languages:
        path = locate(spec.source, spec.source.file_for(lang))
        records = loader(path, lang)
        check_counts(spec, lang, records, str(path))
        if limit is not None:
            is_parallel = isinstance(records, ParallelLanguage)
            records = limit_parallel(records, limit) if is_parallel else limit_retrieval(records, limit)
        languages[lang] = records
    return TaskData(spec, languages, dataset_fingerprint(spec), limit)
