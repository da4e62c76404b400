"""AfriQA gold passages (JSON lines): native question, its human translation, the gold passage.

Records whose `context` is null or empty have no gold passage to retrieve: they are skipped and
counted (`records_without_gold_passage`), as the training loader skips them. Ids are
`<lang>:<AfriQA id>` with AfriQA's ISO 639-3 codes, as in training.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.data.corpus_records import Notes
from harness.errors import HarnessError


@dataclass(frozen=True)
class GoldRecord:
    """One question with its translation (may be empty) and its gold passage."""

    qid: str
    question: str
    translated: str
    context: str


def _text(record: dict, key: str, where: str) -> str:
    if key not in record:
        raise HarnessError(f"{where}: missing field {key!r}")
    value = record[key]
    if value is not None and not isinstance(value, str | int):
        raise HarnessError(f"{where}: field {key!r} must be a string, got {type(value).__name__}")
    return "" if value is None else str(value).strip()


def read_gold_passages(path: Path, lang: str, notes: Notes) -> list[GoldRecord]:
    """Records with a gold passage and a question; the others are counted in `notes`."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as exc:
        raise HarnessError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    records, seen = [], set()
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise HarnessError(f"{where}: not valid JSON ({exc.msg})") from None
        if not isinstance(raw, dict):
            raise HarnessError(f"{where}: expected a JSON object")
        qid = f"{lang}:{_text(raw, 'id', where)}"
        if qid in seen:
            raise HarnessError(f"{where}: duplicate question id {qid!r}")
        seen.add(qid)
        question, context = _text(raw, "question_lang", where), _text(raw, "context", where)
        if not context:
            notes.add("records_without_gold_passage", lang)
            continue
        if not question:
            notes.add("queries_empty_text", lang)
            continue
        records.append(GoldRecord(qid, question, _text(raw, "question_translated", where), context))
    if not records:
        raise HarnessError(f"{path}: no question with a gold passage (empty query set)")
    return records
