"""LAReQA loader (XQuAD-R, MLQA-R): SQuAD JSON with `sentences` and `sentence_breaks` per paragraph."""

from __future__ import annotations

import json
from pathlib import Path

from harness.data.records import ParallelLanguage
from harness.errors import HarnessError


def _field(obj: dict, key: str, path: Path, where: str) -> object:
    if not isinstance(obj, dict) or key not in obj:
        raise HarnessError(f"{path}: {where}: missing field {key!r}")
    return obj[key]


def gold_sentence(breaks: list[list[int]], answer_start: int) -> int | None:
    """Index of the sentence whose break span [start, end) contains the answer start.

    Spans are half-open: in languages written without spaces (zh) one span ends exactly where
    the next begins, and a closed interval would match both.
    """
    for index, (start, end) in enumerate(breaks):
        if start <= answer_start < end:
            return index
    return None


def load_lareqa(path: Path, lang: str) -> ParallelLanguage:
    """Read one language file: questions with ids, candidate sentences and each question's gold."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HarnessError(f"{path}: not valid JSON ({exc})") from None
    question_ids: list[str] = []
    questions: list[str] = []
    candidates: list[str] = []
    candidate_paragraph: list[int] = []
    gold: dict[str, int] = {}
    paragraph_index = 0
    for a, article in enumerate(_field(data, "data", path, "top level")):
        for p, paragraph in enumerate(_field(article, "paragraphs", path, f"data[{a}]")):
            where = f"data[{a}].paragraphs[{p}]"
            sentences = _field(paragraph, "sentences", path, where)
            breaks = _field(paragraph, "sentence_breaks", path, where)
            if len(sentences) != len(breaks):
                raise HarnessError(f"{path}: {where}: {len(sentences)} sentences but {len(breaks)} breaks")
            offset = len(candidates)
            candidates.extend(sentences)
            candidate_paragraph.extend([paragraph_index] * len(sentences))
            for q, qa in enumerate(_field(paragraph, "qas", path, where)):
                qwhere = f"{where}.qas[{q}]"
                qid = str(_field(qa, "id", path, qwhere))
                answers = _field(qa, "answers", path, qwhere)
                if not answers:
                    raise HarnessError(f"{path}: {qwhere}: question {qid} has no answer")
                start = _field(answers[0], "answer_start", path, f"{qwhere}.answers[0]")
                index = gold_sentence(breaks, int(start))
                if index is None:
                    raise HarnessError(f"{path}: {qwhere}: answer_start {start} is in no sentence")
                if qid in gold:
                    raise HarnessError(f"{path}: {qwhere}: duplicate question id {qid}")
                question_ids.append(qid)
                questions.append(str(_field(qa, "question", path, qwhere)))
                gold[qid] = offset + index
            paragraph_index += 1
    if not questions:
        raise HarnessError(f"{path}: no questions (empty query set)")
    return ParallelLanguage(lang, question_ids, questions, candidates, candidate_paragraph, gold)
