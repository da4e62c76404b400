"""MKQA (NQ questions in 26 languages) as query sets judged by answer matching (BGE-M3's NQ-Crosslingual).

Following BGE-M3: questions whose answer is unanswerable, binary (yes/no) or a long answer are
dropped; the rest are judged by their English answers and aliases, matched DPR-style
(`answer_match`) against English NQ passages. Drops are counted per answer type.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from harness.data.answer_match import dpr_tokens
from harness.data.corpus_records import Notes, QuerySet
from harness.errors import HarnessError

DROPPED_TYPES = ("unanswerable", "binary", "long_answer")
ANSWER_LANGUAGE = "en"


def _records(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            lines = handle.read().splitlines()
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise HarnessError(f"{path}: unreadable MKQA file ({exc})") from None
    records = []
    for lineno, line in enumerate(lines, start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise HarnessError(f"{path}:{lineno}: not valid JSON ({exc.msg})") from None
    return records


def answer_strings(answers: list[dict]) -> list[str]:
    """Answer texts and aliases, de-duplicated, without ones that have no tokens."""
    out = []
    for answer in answers:
        for text in [answer.get("text"), *(answer.get("aliases") or [])]:
            if isinstance(text, str) and dpr_tokens(text) and text not in out:
                out.append(text)
    return out


def read_mkqa(path: Path, langs: list[str], notes: Notes) -> dict[str, QuerySet]:
    """One query set per language over the kept questions (ids = NQ example ids)."""
    kept: list[tuple[str, dict, list[str]]] = []
    for index, record in enumerate(_records(path)):
        where = f"{path}: record {index + 1}"
        try:
            qid, queries, answers = str(record["example_id"]), record["queries"], record["answers"][ANSWER_LANGUAGE]
        except (KeyError, TypeError):
            raise HarnessError(f"{where}: needs example_id, queries and answers.{ANSWER_LANGUAGE}") from None
        types = {a.get("type") for a in answers if isinstance(a, dict)}
        dropped = next((t for t in DROPPED_TYPES if t in types), None)
        if dropped:
            notes.add(f"dropped_{dropped}", "all")
            continue
        strings = answer_strings(answers)
        if not strings:
            notes.add("dropped_no_answer_text", "all")
            continue
        kept.append((qid, queries, strings))
    sets = {}
    for lang in langs:
        ids, texts, answers = [], [], {}
        for qid, queries, strings in kept:
            text = queries.get(lang)
            if not isinstance(text, str) or not text.strip():
                notes.add("queries_empty_text", lang)
                continue
            ids.append(qid)
            texts.append(text.strip())
            answers[qid] = strings
        if not ids:
            raise HarnessError(f"{path}: no answerable question in language {lang!r}")
        sets[lang] = QuerySet(lang, lang, ids, texts, answers=answers)
    return sets
