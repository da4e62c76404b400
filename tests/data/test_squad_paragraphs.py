"""xquad-mteb loader on the real XQuAD files, against MTEB's published XQuADRetrieval statistics."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.data.squad_paragraphs import load_squad_paragraphs

# num_queries per language as published in MTEB's XQuADRetrieval metadata; 240 documents each
MTEB_QUERIES = {
    "ar": 1186,
    "de": 1181,
    "el": 1184,
    "en": 1185,
    "es": 1184,
    "hi": 1183,
    "ro": 1184,
    "ru": 1185,
    "th": 1180,
    "tr": 1184,
    "vi": 1182,
    "zh": 1181,
}


@pytest.mark.parametrize("lang", sorted(MTEB_QUERIES))
def test_counts_equal_mteb_statistics(lang: str, mirror: Path) -> None:
    records = load_squad_paragraphs(mirror / "xquad" / f"xquad.{lang}.json", lang)
    assert len(records.queries) == MTEB_QUERIES[lang]
    assert len(records.docs) == 240
    assert all(len(records.qrels[q]) >= 1 for q in records.query_ids)


def test_queries_and_docs_are_stripped_and_unique(mirror: Path) -> None:
    records = load_squad_paragraphs(mirror / "xquad" / "xquad.en.json", "en")
    assert len(set(records.queries)) == len(records.queries)
    assert all(q == q.strip() for q in records.queries)
    assert len(set(records.docs)) == len(records.docs)
