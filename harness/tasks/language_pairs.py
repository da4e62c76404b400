"""Load a language-pair retrieval task (MTEB MLQARetrieval): one view per (query language, corpus language).

View "y-x" holds the questions in y whose id also exists in x, against only the paragraphs of x
that those ids are asked of (each paragraph once, by text); the one relevant paragraph of a
question is the x paragraph of its id. Ids of one question are shared across languages.
"""

from __future__ import annotations

from harness.data.records import RetrievalLanguage
from harness.data.source_files import locate
from harness.data.squad_paragraphs import read_questions_with_context
from harness.errors import HarnessError
from harness.tasks.data import LanguageRecords, TaskData, dataset_fingerprint, full_run_note
from harness.tasks.task_spec import TaskSpec
from harness.vocabulary import CROSS, MONO


def language_pair_view(
    query_lang: str, corpus_lang: str, queries: dict[str, tuple[str, str]], corpus: dict[str, tuple[str, str]]
) -> RetrievalLanguage:
    """The questions of `queries` whose id is in `corpus`, against those ids' paragraphs of `corpus`."""
    paragraph_ids: dict[str, str] = {}
    for _question, paragraph in corpus.values():  # paragraph ids are stable across a corpus language's views
        paragraph_ids.setdefault(paragraph, f"{corpus_lang}-p{len(paragraph_ids)}")
    shared = [qid for qid in queries if qid in corpus]
    docs = list(dict.fromkeys(corpus[qid][1] for qid in shared))
    return RetrievalLanguage(
        lang=query_lang,
        query_ids=shared,
        queries=[queries[qid][0] for qid in shared],
        doc_ids=[paragraph_ids[d] for d in docs],
        docs=docs,
        qrels={qid: {paragraph_ids[corpus[qid][1]]: 1} for qid in shared},
        corpus_lang=corpus_lang,
    )


def load_language_pairs_task(spec: TaskSpec, limit: int | None = None) -> TaskData:
    """Every declared view; `limit` keeps the first N questions of each view (its corpus stays whole)."""
    if limit is not None and limit < 1:
        raise HarnessError(f"--limit: must be at least 1, got {limit}")
    if spec.source.loader != "squad-questions":
        raise HarnessError(f"task {spec.name}: source.loader: unknown language-pair loader {spec.source.loader!r}")
    by_lang = {
        lang: read_questions_with_context(locate(spec.source, spec.files_for(lang)["data"])) for lang in spec.languages
    }
    views: dict[str, LanguageRecords] = {}
    for y in spec.languages:
        for x in spec.languages:
            if (MONO if x == y else CROSS) not in spec.settings:
                continue
            view = language_pair_view(y, x, by_lang[y], by_lang[x])
            if not view.query_ids:
                raise HarnessError(f"task {spec.name}: no {y} question has an id in {x}: view {y}-{x} is empty")
            views[view.pair] = view
    note = ""
    if limit is not None:
        size = max(len(v.query_ids) for v in views.values())  # type: ignore[union-attr]
        if limit >= size:
            limit, note = None, full_run_note(limit, size, "questions of its largest view")
        else:
            views = {pair: _first(v, limit) for pair, v in views.items()}  # type: ignore[arg-type]
    return TaskData(spec, views, dataset_fingerprint(spec), limit, limit_note=note)


def _first(view: RetrievalLanguage, n: int) -> RetrievalLanguage:
    kept = view.query_ids[:n]
    return RetrievalLanguage(
        view.lang, kept, view.queries[:n], view.doc_ids, view.docs, {q: view.qrels[q] for q in kept}, view.corpus_lang
    )
