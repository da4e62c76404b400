"""LAReQA loader on the real XQuAD-R / MLQA-R files: counts, gold sentences, id alignment."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.data.lareqa import gold_sentence, load_lareqa
from harness.errors import HarnessError
from harness.tasks.data import load_task_data
from harness.tasks.task_registry import load_tasks

TASKS = load_tasks()


@pytest.mark.parametrize("task", ["xquad-r", "mlqa-r"])
def test_full_size_counts_match_the_manifest(task: str, with_mirror: Path) -> None:
    data = load_task_data(TASKS[task])  # raises when any language's counts differ from expected_counts
    for lang, (questions, candidates) in TASKS[task].expected_counts.items():
        records = data.languages[lang]
        assert (len(records.questions), len(records.candidates)) == (questions, candidates)


def test_xquad_r_en_has_1190_questions_and_1180_candidates(with_mirror: Path) -> None:
    records = load_lareqa(with_mirror / "xquad-r" / "en.json", "en")
    assert len(records.questions) == 1190
    assert len(records.candidates) == 1180


def test_gold_sentence_contains_the_answer_text(with_mirror: Path) -> None:
    import json

    raw = json.loads((with_mirror / "xquad-r" / "en.json").read_text())
    answers = {qa["id"]: qa["answers"][0]["text"] for a in raw["data"] for p in a["paragraphs"] for qa in p["qas"]}
    records = load_lareqa(with_mirror / "xquad-r" / "en.json", "en")
    contained = sum(answers[q] in records.candidates[records.gold[q]] for q in records.question_ids)
    # an answer may straddle a sentence break; LAReQA keys the gold on the answer's start
    assert contained / len(records.question_ids) > 0.98


def test_xquad_r_question_ids_align_across_languages(with_mirror: Path) -> None:
    data = load_task_data(TASKS["xquad-r"])
    reference = set(data.languages["en"].question_ids)
    assert all(set(rec.question_ids) == reference for rec in data.languages.values())


def test_mlqa_r_questions_have_two_to_four_languages(with_mirror: Path) -> None:
    data = load_task_data(TASKS["mlqa-r"])
    counts: dict[str, int] = {}
    for rec in data.languages.values():
        for qid in rec.question_ids:
            counts[qid] = counts.get(qid, 0) + 1
    assert set(counts.values()) == {2, 3, 4}  # 2-4 relevant sentences per question, as documented
    assert len(counts) == len(data.languages["en"].question_ids)  # every id has an English version


def test_break_spans_are_half_open() -> None:
    # zh: one span ends exactly where the next begins; the shared offset belongs to the second
    breaks = [[0, 10], [10, 25]]
    assert gold_sentence(breaks, 9) == 0
    assert gold_sentence(breaks, 10) == 1
    assert gold_sentence(breaks, 25) is None


def test_limit_keeps_first_questions_and_their_paragraphs(with_mirror: Path) -> None:
    full = load_task_data(TASKS["xquad-r"]).languages["de"]
    small = load_task_data(TASKS["xquad-r"], limit=20).languages["de"]
    assert small.question_ids == full.question_ids[:20]
    assert len(small.candidates) < len(full.candidates)
    for qid in small.question_ids:  # the gold sentence is the same text after re-indexing
        assert small.candidates[small.gold[qid]] == full.candidates[full.gold[qid]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"data": [{"paragraphs": [{"context": "x", "qas": []}]}]}', "missing field 'sentences'"),
        ('{"data": []}', "empty query set"),
        ("{not json", "not valid JSON"),
    ],
)
def test_malformed_files_give_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "xx.json"
    path.write_text(content)
    with pytest.raises(HarnessError, match=message) as info:
        load_lareqa(path, "xx")
    assert str(path) in str(info.value) and "\n" not in str(info.value)
