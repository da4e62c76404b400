"""MIRACL topics/qrels and the partial pool on the real mirror; bad inputs fail in one line or are counted."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.data.corpus_records import Notes
from harness.data.miracl import miracl_query_set, read_qrels, read_topics
from harness.errors import HarnessError
from harness.tasks.corpus_loaders import load_corpus_task
from harness.tasks.task_registry import load_tasks

# dev topics per language (MANIFEST: 13,495 in all)
TOPICS = {
    "ar": 2896,
    "bn": 411,
    "de": 305,
    "en": 799,
    "es": 648,
    "fa": 632,
    "fi": 1271,
    "fr": 343,
    "hi": 350,
    "id": 960,
    "ja": 860,
    "ko": 213,
    "ru": 1252,
    "sw": 482,
    "te": 828,
    "th": 733,
    "yo": 119,
    "zh": 393,
}
# queries with a judged-relevant passage inside miracl/passages-partial
IN_POOL = {
    "ar": 55,
    "bn": 19,
    "de": 3,
    "en": 10,
    "es": 5,
    "fa": 13,
    "fi": 6,
    "fr": 6,
    "hi": 10,
    "id": 90,
    "ja": 7,
    "ko": 4,
    "ru": 14,
    "sw": 55,
    "te": 28,
    "yo": 3,
    "zh": 17,
}


def test_dev_topic_counts(mirror: Path) -> None:
    folder = mirror / "miracl" / "topics-qrels"
    counts = {lang: len(read_topics(folder / f"topics.miracl-v1.0-{lang}-dev.tsv")) for lang in TOPICS}
    assert counts == TOPICS and sum(counts.values()) == 13495


def test_every_dev_query_has_a_relevant_judgement(mirror: Path) -> None:
    folder = mirror / "miracl" / "topics-qrels"
    notes = Notes()
    topics, qrels = folder / "topics.miracl-v1.0-sw-dev.tsv", folder / "qrels.miracl-v1.0-sw-dev.tsv"
    qs = miracl_query_set("sw", topics, qrels, notes)
    assert len(qs.query_ids) == 482 and notes.as_dict() == {}
    assert all(any(g > 0 for g in qs.qrels[q].values()) for q in qs.query_ids)


def test_partial_pool_keeps_only_queries_judged_inside_it(with_mirror: Path) -> None:
    task = load_corpus_task(load_tasks()["miracl-partial"])
    assert {lang: len(qs.query_ids) for lang, qs in task.query_sets.items()} == IN_POOL
    assert sum(IN_POOL.values()) == 345
    for lang, qs in task.query_sets.items():
        pool = {docid for docid, _, _ in task.corpora[lang].passages()}
        assert all(set(g) <= pool for g in qs.qrels.values())
    notes = task.notes.as_dict()
    assert notes["queries_without_relevant_in_pool"]["sw"] == 482 - 55
    assert set(notes) == {"judgements_outside_pool", "queries_without_relevant_in_pool"}


def test_limit_keeps_the_first_queries_and_the_whole_pool(with_mirror: Path) -> None:
    task = load_corpus_task(load_tasks()["miracl-partial"]).limited(2)
    assert all(len(qs.query_ids) <= 2 for qs in task.query_sets.values())
    assert task.corpora["sw"].size() == 1926


def _files(tmp_path: Path, topics: str, qrels: str) -> tuple[Path, Path]:
    (tmp_path / "topics.tsv").write_text(topics, encoding="utf-8")
    (tmp_path / "qrels.tsv").write_text(qrels, encoding="utf-8")
    return tmp_path / "topics.tsv", tmp_path / "qrels.tsv"


def test_empty_topics_unknown_queries_and_unjudged_queries_are_counted(tmp_path: Path) -> None:
    topics, qrels = _files(tmp_path, "1\tgood\n2\t \n3\tnot judged relevant\n", "1 Q0 d1 1\n3 Q0 d2 0\n9 Q0 d3 1\n")
    notes = Notes()
    qs = miracl_query_set("xx", topics, qrels, notes)
    assert qs.query_ids == ["1"] and qs.qrels == {"1": {"d1": 1}}
    assert notes.as_dict() == {
        "qrels_unknown_queries": {"xx": 1},
        "queries_empty_text": {"xx": 1},
        "queries_without_relevant": {"xx": 1},
    }


def test_pool_restriction_drops_outside_judgements(tmp_path: Path) -> None:
    topics, qrels = _files(tmp_path, "1\tq1\n2\tq2\n", "1 Q0 in 1\n1 Q0 out 1\n2 Q0 out 1\n")
    notes = Notes()
    qs = miracl_query_set("xx", topics, qrels, notes, pool_ids={"in"})
    assert qs.qrels == {"1": {"in": 1}}
    assert notes.as_dict() == {"judgements_outside_pool": {"xx": 2}, "queries_without_relevant_in_pool": {"xx": 1}}


@pytest.mark.parametrize(
    ("topics", "qrels", "fragment"),
    [
        ("1\ta\n1\tb\n", "1 Q0 d 1\n", "topics.tsv:2: duplicate query id '1'"),
        ("1\ta\n", "1 Q0 d\n", "qrels.tsv:1: expected 'qid Q0 docid grade'"),
        ("1\ta\n", "1 Q0 d x\n", "qrels.tsv:1: expected 'qid Q0 docid grade'"),
        ("\n", "1 Q0 d 1\n", "topics.tsv: no topics"),
        ("1\ta\n", "1 Q0 d 0\n", "topics.tsv: no query with a relevant judgement"),
    ],
)
def test_bad_topics_and_qrels_are_one_line_errors(tmp_path: Path, topics: str, qrels: str, fragment: str) -> None:
    t, q = _files(tmp_path, topics, qrels)
    with pytest.raises(HarnessError) as info:
        miracl_query_set("xx", t, q, Notes())
    assert fragment in str(info.value) and "\n" not in str(info.value)


def test_read_qrels_keeps_grades(tmp_path: Path) -> None:
    _, q = _files(tmp_path, "", "1\tQ0\ta#1\t1\n1 Q0 a#2 0\n2 Q0 b 3\n")
    assert read_qrels(q) == {"1": {"a#1": 1, "a#2": 0}, "2": {"b": 3}}
