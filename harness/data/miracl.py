"""MIRACL topics (`qid<TAB>text`) and qrels (TREC `qid Q0 docid rel`) into query sets with graded judgements."""

from __future__ import annotations

from pathlib import Path

from harness.data.corpus_records import Notes, QuerySet
from harness.errors import HarnessError


def _lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise HarnessError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise HarnessError(f"{path}: cannot read ({exc.strerror})") from None


def read_topics(path: Path) -> list[tuple[str, str]]:
    """(query id, text) per line; a line without a tab has empty text, a repeated id is an error."""
    topics: list[tuple[str, str]] = []
    seen: set[str] = set()
    for lineno, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        qid, _, text = line.partition("\t")
        qid = qid.strip()
        if qid in seen:
            raise HarnessError(f"{path}:{lineno}: duplicate query id {qid!r}")
        seen.add(qid)
        topics.append((qid, text.strip()))
    if not topics:
        raise HarnessError(f"{path}: no topics (empty query set)")
    return topics


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """qid -> {docid: grade} from TREC qrels lines."""
    qrels: dict[str, dict[str, int]] = {}
    for lineno, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit():
            raise HarnessError(f"{path}:{lineno}: expected 'qid Q0 docid grade', got {line.strip()[:60]!r}")
        qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def miracl_query_set(
    lang: str, topics_path: Path, qrels_path: Path, notes: Notes, pool_ids: set[str] | None = None
) -> QuerySet:
    """Queries with at least one relevant (grade > 0) judgement; skipped ones are counted in `notes`.

    With `pool_ids` (a partial corpus), judgements of passages outside the pool are dropped and
    only queries with a relevant passage inside it are kept.
    """
    topics = read_topics(topics_path)
    qrels = read_qrels(qrels_path)
    known = {qid for qid, _ in topics}
    notes.add("qrels_unknown_queries", lang, len(set(qrels) - known))
    ids, texts, judged = [], [], {}
    for qid, text in topics:
        if not text:
            notes.add("queries_empty_text", lang)
            continue
        grades = qrels.get(qid, {})
        if pool_ids is not None:
            inside = {d: g for d, g in grades.items() if d in pool_ids}
            notes.add("judgements_outside_pool", lang, len(grades) - len(inside))
            if not any(g > 0 for g in inside.values()):
                notes.add("queries_without_relevant_in_pool", lang)
                continue
            grades = inside
        elif not any(g > 0 for g in grades.values()):
            notes.add("queries_without_relevant", lang)
            continue
        ids.append(qid)
        texts.append(text)
        judged[qid] = grades
    if not ids:
        raise HarnessError(f"{topics_path}: no query with a relevant judgement{' in the pool' if pool_ids else ''}")
    return QuerySet(lang, lang, ids, texts, qrels=judged)
