"""DPR answer matching: hand-checked cases and a differential test against DPR's own code (transcribed)."""

from __future__ import annotations

import random
import unicodedata

import pytest
import regex

from harness.data.answer_match import AnswerMatcher, dpr_tokens, has_answer


class DprSimpleTokenizer:
    """Reference: DrQA/DPR `SimpleTokenizer` (dpr/utils/tokenizers.py), transcribed."""

    ALPHA_NUM = r"[\p{L}\p{N}\p{M}]+"
    NON_WS = r"[^\p{Z}\p{C}]"

    def __init__(self) -> None:
        self._regexp = regex.compile(
            f"({self.ALPHA_NUM})|({self.NON_WS})", flags=regex.IGNORECASE + regex.UNICODE + regex.MULTILINE
        )

    def words(self, text: str) -> list[str]:
        return [m.group().lower() for m in self._regexp.finditer(text)]


def dpr_has_answer(answers: list[str], text: str) -> bool:
    """Reference: DPR `has_answer(answers, text, tokenizer, match_type="string")` (dpr/data/qa_validation.py)."""
    tokenizer = DprSimpleTokenizer()
    text = tokenizer.words(unicodedata.normalize("NFD", text))
    for single_answer in answers:
        single_answer = tokenizer.words(unicodedata.normalize("NFD", single_answer))
        for i in range(0, len(text) - len(single_answer) + 1):
            if single_answer == text[i : i + len(single_answer)]:
                return True
    return False


CASES = [
    (["Ridley Scott"], "Gladiator (2000) was directed by Sir Ridley Scott.", True),
    (["ridley scott"], "RIDLEY SCOTT directed it", True),  # uncased
    (["Scott"], "Scotty beamed up", False),  # whole tokens only
    (["2017"], "released on 18 May 2017.", True),
    (["18 May 2017"], "released on 18 May, 2017", False),  # the comma is a token
    (["U.S."], "the U.S. army", True),
    (["U.S."], "the US army", False),
    (["Björnsson"], "Hafþór Júlíus Bjo\u0308rnsson", True),  # NFD: composed and decomposed agree
    (["Hafþór Júlíus Björnsson"], "Hafthor Julius Bjornsson", False),  # no accent folding in DPR
    (["Dave Edmunds", "Edmunds"], "a song by Edmunds", True),  # any alias
    (["東京"], "首都は東京です", False),  # CJK runs are one token: a sub-span is no match
]


@pytest.mark.parametrize(("answers", "passage", "expected"), CASES)
def test_hand_checked_cases(answers: list[str], passage: str, expected: bool) -> None:
    assert has_answer(answers, passage) is expected
    assert dpr_has_answer(answers, passage) is expected


def test_tokens_split_letters_digits_and_punctuation() -> None:
    assert dpr_tokens("Hello, World-2000's!") == ["hello", ",", "world", "-", "2000", "'", "s", "!"]


def test_agrees_with_dpr_reference_on_random_texts() -> None:
    rng = random.Random(3)
    vocab = ["the", "Scott", "ridley", "2017", "May", ",", ".", "U.S.", "Björn", "bjo\u0308rn", "東京", "-", "a"]
    for _ in range(2000):
        passage = " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 12)))
        answers = [" ".join(rng.choice(vocab) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 3))]
        assert has_answer(answers, passage) == dpr_has_answer(answers, passage), (answers, passage)


def test_empty_answers_never_match_unlike_dpr() -> None:
    assert dpr_has_answer(["  "], "anything") is True  # DPR's quirk: an empty token list matches everywhere
    assert has_answer(["  "], "anything") is False


def test_matcher_uses_each_querys_answers() -> None:
    matcher = AnswerMatcher({"q1": ["Ridley Scott"], "q2": ["Dave Edmunds", ""]})
    assert matcher.hits("q1", "by Ridley Scott") and not matcher.hits("q2", "by Ridley Scott")
    assert not matcher.hits("unknown", "by Ridley Scott")
