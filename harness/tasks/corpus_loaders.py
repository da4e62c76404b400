"""Build corpus-retrieval tasks (MIRACL, AfriQA, NQ-Crosslingual) from a task declaration's verified files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harness.data.afriqa import read_gold_passages
from harness.data.checksum import sha256_json
from harness.data.corpus import Corpus, CorpusShard, count_lines, memory_shard
from harness.data.corpus_records import CorpusTask, CorpusView, Notes, QuerySet
from harness.data.miracl import miracl_query_set
from harness.data.mkqa import read_mkqa
from harness.data.source_files import locate, missing_files, missing_message
from harness.errors import HarnessError
from harness.tasks.kinds import KINDS
from harness.tasks.task_spec import TaskSpec
from harness.vocabulary import CROSS, MONO, TRANSLATED


def task_files(spec: TaskSpec) -> list[str]:
    """Every per-language file a task declares, once each, in language order."""
    return list(dict.fromkeys(name for lang in spec.languages for name in spec.files_for(lang).values()))


def corpus_languages(spec: TaskSpec) -> list[str]:
    """Languages of the hub corpus a task uses: the task's own, or all of the corpus's (NQ is English)."""
    if spec.corpus is None:
        return []
    own = [lang for lang in spec.languages if lang in spec.corpus.shards]
    return own or list(spec.corpus.shards)


def unavailable_reason(spec: TaskSpec) -> str | None:
    """One line saying why a task cannot run here (files missing, unpinned or absent hub corpus), or None."""
    names = task_files(spec)
    reasons = []
    undeclared = [n for n in names if n not in spec.source.files]
    if undeclared and KINDS[spec.kind].corpus:
        reasons.append(f"{spec.source.relpath(undeclared[0])}: no sha256 declared (pin it in the task file)")
    missing = missing_files(spec.source, names)
    if missing:
        reasons.append(missing_message(spec.source, missing))
    if spec.corpus is not None:
        reason = spec.corpus.unavailable_reason(corpus_languages(spec))
        if reason:
            reasons.append(reason)
    return "; ".join(reasons) or None


def corpus_task_fingerprint(spec: TaskSpec) -> str:
    """sha256 over the loader, every declared file's sha256, the hub corpus and the search index."""
    corpus_keys = {"hub", "revision", "shard_pattern", "shards", "fields"}
    corpus = spec.corpus.model_dump(include=corpus_keys) if spec.corpus else None
    search = (
        None
        if spec.search.index == "flat"
        else spec.search.model_dump(include={"index", "nlist", "nprobe", "hnsw_m", "ef_search"})
    )
    return sha256_json(
        {
            "loader": spec.source.loader,
            "kind": spec.kind,
            "files": {name: spec.source.files.get(name) for name in task_files(spec)},
            "corpus": corpus,
            "qrels_scope": spec.qrels_scope,
            "search": search,
        }
    )


def _located(spec: TaskSpec, lang: str) -> dict[str, tuple[str, Path]]:
    """role -> (declared name, verified path) of one language's files."""
    return {role: (name, locate(spec.source, name)) for role, name in spec.files_for(lang).items()}


def _file_shard(spec: TaskSpec, lang: str, name: str, path: Path) -> CorpusShard:
    return CorpusShard(spec.source.relpath(name), lang, spec.source.files[name], path=path, rows=count_lines(path))


def load_miracl(spec: TaskSpec) -> CorpusTask:
    """MIRACL dev: per language, topics + qrels against that language's corpus (hub shards or a passage file)."""
    notes = Notes()
    query_sets, corpora, views = {}, {}, []
    for lang in spec.languages:
        files = _located(spec, lang)
        topics = files.get("topics", files["data"])[1]
        if "qrels" not in files:
            raise HarnessError(f"task {spec.name}: language_files needs a 'qrels' pattern")
        if spec.corpus is not None:
            corpus = Corpus(lang, tuple(spec.corpus.corpus_shards(lang)))
        else:
            name, path = files["data"]
            corpus = Corpus(lang, (_file_shard(spec, lang, name, path),))
        corpus.check_present()
        pool_ids = None
        if spec.qrels_scope == "pool":
            pool_list = [docid for docid, _, _ in corpus.passages()]
            pool_ids = set(pool_list)
            if len(pool_ids) != len(pool_list):
                raise HarnessError(f"corpus {lang} of task {spec.name}: duplicate passage ids")
        query_sets[lang] = miracl_query_set(lang, topics, files["qrels"][1], notes, pool_ids)
        corpora[lang] = corpus
        views.append(CorpusView(MONO, f"{lang}-{lang}", lang, lang))
    return CorpusTask(query_sets, corpora, views, "qrels", notes)


def load_afriqa(spec: TaskSpec) -> CorpusTask:
    """Every language's questions (and their translations) against one pool of all gold passages (en + fr)."""
    notes = Notes()
    passages: dict[str, dict[str, str]] = {}  # pivot -> text -> docid
    query_sets: dict[str, QuerySet] = {}
    views = []
    for lang in spec.languages:
        pivot = spec.pivot(lang)
        records = read_gold_passages(_located(spec, lang)["data"][1], lang, notes)
        pool = passages.setdefault(pivot, {})
        qrels = {}
        for record in records:
            docid = pool.setdefault(record.context, f"{pivot}-p{sum(len(p) for p in passages.values())}")
            qrels[record.qid] = {docid: 1}
        query_sets[lang] = QuerySet(lang, lang, [r.qid for r in records], [r.question for r in records], qrels=qrels)
        views.append(CorpusView(CROSS, f"{lang}-{pivot}", lang, "pool"))
        if TRANSLATED in spec.settings:
            kept = [r for r in records if r.translated]
            notes.add("translations_missing", lang, len(records) - len(kept))
            key = f"{lang}/translated"
            query_sets[key] = QuerySet(
                key,
                pivot,
                [r.qid for r in kept],
                [r.translated for r in kept],
                qrels={r.qid: qrels[r.qid] for r in kept},
            )
            views.append(CorpusView(TRANSLATED, f"{lang}-{pivot}", key, "pool"))
    shards = tuple(
        memory_shard(f"pool/{pivot}", pivot, list(texts.values()), list(texts)) for pivot, texts in passages.items()
    )
    return CorpusTask(query_sets, {"pool": Corpus("pool", shards)}, views, "qrels", notes)


def load_nq_xling(spec: TaskSpec) -> CorpusTask:
    """MKQA questions in each language against the English NQ passages, judged by answer matching."""
    if spec.corpus is None:
        raise HarnessError(f"task {spec.name}: needs a `corpus:` (the English NQ passages)")
    notes = Notes()
    path = _located(spec, spec.languages[0])["data"][1]
    query_sets = read_mkqa(path, spec.languages, notes)
    corpus_lang = corpus_languages(spec)[0]
    corpus = Corpus(corpus_lang, tuple(spec.corpus.corpus_shards(corpus_lang)))
    corpus.check_present()
    views = [CorpusView(CROSS, f"{lang}-{corpus_lang}", lang, corpus_lang) for lang in spec.languages]
    return CorpusTask(query_sets, {corpus_lang: corpus}, views, "answers", notes)


CORPUS_LOADERS: dict[str, Callable[[TaskSpec], CorpusTask]] = {
    "miracl": load_miracl,
    "afriqa": load_afriqa,
    "mkqa-nq": load_nq_xling,
}


def load_corpus_task(spec: TaskSpec) -> CorpusTask:
    """Load a corpus-retrieval task (a quick run then keeps the first N queries: `CorpusTask.limited`)."""
    loader = CORPUS_LOADERS.get(spec.source.loader)
    if loader is None:
        raise HarnessError(
            f"task {spec.name}: source.loader: unknown corpus loader {spec.source.loader!r} "
            f"(use {sorted(CORPUS_LOADERS)})"
        )
    return loader(spec)
