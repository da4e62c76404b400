"""DPR-style answer matching: is an answer string (or alias) a token sequence of a passage?

Follows DPR's `has_answer(..., match_type="string")` (facebookresearch/DPR,
dpr/data/qa_validation.py) with its `SimpleTokenizer` (from DrQA): both texts are NFD-normalised,
split into tokens that are runs of letters / digits / marks or single other non-space characters,
lower-cased, and the answer must occur as a contiguous token subsequence of the passage. This is
the hit definition BGE-M3 uses for MKQA ("NQ-Crosslingual") Recall@k.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import regex

ALPHA_NUM = r"[\p{L}\p{N}\p{M}]+"
NON_WS = r"[^\p{Z}\p{C}]"
_TOKEN = regex.compile(f"({ALPHA_NUM})|({NON_WS})", flags=regex.IGNORECASE | regex.UNICODE | regex.MULTILINE)


def dpr_tokens(text: str) -> list[str]:
    """NFD-normalised, lower-cased DPR/DrQA SimpleTokenizer tokens."""
    return [m.group().lower() for m in _TOKEN.finditer(unicodedata.normalize("NFD", text))]


def contains_tokens(passage: Sequence[str], answer: Sequence[str]) -> bool:
    """True when `answer` is a non-empty contiguous subsequence of `passage`."""
    n = len(answer)
    if n == 0:  # DPR would match an empty answer everywhere; answers without tokens never match here
        return False
    first = answer[0]
    return any(passage[i] == first and list(passage[i : i + n]) == list(answer) for i in range(len(passage) - n + 1))


def has_answer(answers: Iterable[str], passage: str) -> bool:
    """Whether the passage contains any of the answer strings, after DPR normalisation."""
    tokens = dpr_tokens(passage)
    return any(contains_tokens(tokens, dpr_tokens(answer)) for answer in answers)


class AnswerMatcher:
    """Pre-tokenised answers of each query, matched against passages (tokenised once per call)."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self._answers = {q: [t for t in (dpr_tokens(a) for a in alist) if t] for q, alist in answers.items()}

    def hits(self, query_id: str, passage: str) -> bool:
        tokens = dpr_tokens(passage)
        return any(contains_tokens(tokens, answer) for answer in self._answers.get(query_id, []))
