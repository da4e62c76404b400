"""Raw SQuAD-format loader for paragraph retrieval (MTEB XQuADRetrieval protocol)."""

from __future__ import annotations

import json
from pathlib import Path

from harness.data.records import RetrievalLanguage
from harness.errors import HarnessError


def load_squad_paragraphs(path: Path, lang: str) -> RetrievalLanguage:
    """Queries = unique stripped questions, corpus = unique stripped paragraphs, one relevant each.

    A question text asked of several paragraphs is one query with all of them relevant, as in
    MTEB's builder, which keys queries by their text.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HarnessError(f"{path}: not valid JSON ({exc})") from None
    doc_index: dict[str, str] = {}
    query_index: dict[str, str] = {}
    qrels: dict[str, dict[str, int]] = {}
    try:
        for article in data["data"]:
            for paragraph in article["paragraphs"]:
                context = paragraph["context"].strip()
                doc_id = doc_index.setdefault(context, f"{lang}-p{len(doc_index)}")
                for qa in paragraph["qas"]:
                    question = qa["question"].strip()
                    qid = query_index.setdefault(question, f"{lang}-q{len(query_index)}")
                    qrels.setdefault(qid, {})[doc_id] = 1
    except (KeyError, TypeError) as exc:
        raise HarnessError(f"{path}: missing field {exc} in SQuAD data") from None
    if not query_index:
        raise HarnessError(f"{path}: no questions (empty query set)")
    return RetrievalLanguage(
        lang=lang,
        query_ids=list(query_index.values()),
        queries=list(query_index),
        doc_ids=list(doc_index.values()),
        docs=list(doc_index),
        qrels=qrels,
    )


def read_questions_with_context(path: Path) -> dict[str, tuple[str, str]]:
    """Question id -> (question, its paragraph), texts exactly as in the file, in file order.

    MLQA ids are shared by the translations of one question across languages (MTEB's
    MLQARetrieval pairs languages by them).
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HarnessError(f"{path}: not valid JSON ({exc})") from None
    out: dict[str, tuple[str, str]] = {}
    try:
        for article in data["data"]:
            for paragraph in article["paragraphs"]:
                for qa in paragraph["qas"]:
                    qid = str(qa["id"])
                    if qid in out:
                        raise HarnessError(f"{path}: duplicate question id {qid!r}")
                    out[qid] = (qa["question"], paragraph["context"])
    except (KeyError, TypeError) as exc:
        raise HarnessError(f"{path}: missing field {exc} in SQuAD data") from None
    if not out:
        raise HarnessError(f"{path}: no questions (empty query set)")
    return out
