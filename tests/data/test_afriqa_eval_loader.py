"""AfriQA test split as an evaluation task: counts from the real files, null contexts skipped and counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.data.afriqa import read_gold_passages
from harness.data.corpus_records import CorpusTask, Notes
from harness.errors import HarnessError
from harness.tasks.corpus_loaders import load_corpus_task
from harness.tasks.task_registry import load_tasks

# records in each test file, and records whose `context` is null (counted, not evaluated)
RECORDS = {"bem": 309, "fon": 386, "hau": 300, "ibo": 409, "kin": 347, "swa": 295, "twi": 486, "yor": 254, "zul": 325}
NULL_CONTEXT = {"bem": 1, "kin": 2, "yor": 1}


@pytest.fixture
def task(with_mirror: Path) -> CorpusTask:
    return load_corpus_task(load_tasks()["afriqa"])


def test_query_counts_are_records_minus_null_contexts(task: CorpusTask) -> None:
    for lang, n in RECORDS.items():
        assert len(task.query_sets[lang].query_ids) == n - NULL_CONTEXT.get(lang, 0)
        assert task.query_sets[f"{lang}/translated"].query_ids == task.query_sets[lang].query_ids
    assert task.notes.as_dict() == {"records_without_gold_passage": NULL_CONTEXT}


def test_one_shared_pool_with_one_relevant_passage_per_question(task: CorpusTask) -> None:
    assert list(task.corpora) == ["pool"]
    shards = task.corpora["pool"].shards
    assert [(s.name, s.lang) for s in shards] == [("pool/en", "en"), ("pool/fr", "fr")]
    pool_ids = {i for s in shards for i in s.ids}
    assert len(pool_ids) == 2915 == sum(len(s.ids) for s in shards)
    for lang in RECORDS:
        qrels = task.query_sets[lang].qrels
        assert all(len(g) == 1 and set(g) <= pool_ids for g in qrels.values())
    fon_docs = {d for g in task.query_sets["fon"].qrels.values() for d in g}
    assert all(d.startswith("fr-") for d in fon_docs)


def test_views_pair_native_and_translated_questions_with_the_pivot(task: CorpusTask) -> None:
    views = {(v.setting, v.pair, v.queries) for v in task.views}
    assert ("cross", "fon-fr", "fon") in views and ("translated", "fon-fr", "fon/translated") in views
    assert ("cross", "hau-en", "hau") in views and len(views) == 18
    assert task.query_sets["hau/translated"].lang == "en" and task.query_sets["fon/translated"].lang == "fr"


def test_ids_use_afriqa_codes_as_training_does(task: CorpusTask) -> None:
    assert task.query_sets["hau"].query_ids[0] == "hau:0"


def _write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "gold.json"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_duplicate_question_ids_are_an_error(tmp_path: Path) -> None:
    row = {"id": "1", "question_lang": "q", "question_translated": "t", "context": "c"}
    with pytest.raises(HarnessError, match=r"gold.json:2: duplicate question id 'hau:1'"):
        read_gold_passages(_write(tmp_path, [row, row]), "hau", Notes())


def test_empty_questions_and_missing_passages_are_counted(tmp_path: Path) -> None:
    rows = [
        {"id": "1", "question_lang": " ", "question_translated": "t", "context": "c"},
        {"id": "2", "question_lang": "q", "question_translated": "t", "context": None},
        {"id": "3", "question_lang": "q", "question_translated": None, "context": "c"},
    ]
    notes = Notes()
    records = read_gold_passages(_write(tmp_path, rows), "hau", notes)
    assert [r.qid for r in records] == ["hau:3"] and records[0].translated == ""
    assert notes.as_dict() == {"queries_empty_text": {"hau": 1}, "records_without_gold_passage": {"hau": 1}}
