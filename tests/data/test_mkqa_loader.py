"""MKQA loader on the real 6-record sample: BGE-M3's filtering and the English answers used for matching."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from harness.data.corpus_records import Notes
from harness.data.mkqa import answer_strings, read_mkqa
from harness.errors import HarnessError

SAMPLE = Path("mkqa") / "test_mkqa_sample.jsonl.gz"
KEPT = ["36228854473990432", "-7449157003522518870", "7631360939705650347"]  # date, entity, entity


def test_sample_keeps_answerable_questions_and_counts_the_drops(mirror: Path) -> None:
    notes = Notes()
    sets = read_mkqa(mirror / SAMPLE, ["ar", "de", "zh_cn", "ja"], notes)
    langs = ("ar", "de", "zh_cn", "ja")
    assert {lang: qs.query_ids for lang, qs in sets.items()} == dict.fromkeys(langs, KEPT)
    assert notes.as_dict() == {"dropped_long_answer": {"all": 1}, "dropped_unanswerable": {"all": 2}}


def test_queries_are_the_languages_own_and_answers_are_english_with_aliases(mirror: Path) -> None:
    sets = read_mkqa(mirror / SAMPLE, ["de"], Notes())
    de = sets["de"]
    gladiator = de.queries[de.query_ids.index("7631360939705650347")]
    english = "who is the director of the film gladiator which was released in 2000"
    assert "Gladiator" in gladiator and gladiator != english
    assert de.answers["7631360939705650347"] == ["Ridley Scott", "Sir Ridley Scott"]
    assert "Hafthor Julius Bjornsson" in de.answers["-7449157003522518870"]
    assert de.answers["36228854473990432"][:2] == ["2017", "2017-05-18"]


def test_answer_strings_skip_empty_and_duplicate_texts() -> None:
    answers = [{"type": "entity", "text": "A", "aliases": ["A", " ", "B"]}, {"type": "entity", "text": None}]
    assert answer_strings(answers) == ["A", "B"]


def test_a_language_without_questions_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "mkqa.jsonl.gz"
    record = {
        "example_id": 1,
        "query": "q",
        "queries": {"de": "f"},
        "answers": {"en": [{"type": "entity", "text": "X", "aliases": []}]},
    }
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(record) + "\n")
    assert read_mkqa(path, ["de"], Notes())["de"].queries == ["f"]
    notes = Notes()
    with pytest.raises(HarnessError, match="no answerable question in language 'ar'"):
        read_mkqa(path, ["ar"], notes)
    assert notes.as_dict() == {"queries_empty_text": {"ar": 1}}


def test_malformed_record_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "mkqa.jsonl"
    path.write_text('{"example_id": 1}\n')
    with pytest.raises(HarnessError, match=r"mkqa.jsonl: record 1: needs example_id, queries and answers.en"):
        read_mkqa(path, ["de"], Notes())
