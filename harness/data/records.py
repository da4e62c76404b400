"""Typed records the loaders produce and the evaluators consume."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ParallelLanguage:
    """One language of a parallel QA retrieval task (LAReQA protocol).

    Candidates are every sentence of every paragraph, by position (duplicate texts stay
    distinct candidates); `gold[qid]` is the index of the question's answer sentence.
    """

    lang: str
    question_ids: list[str]
    questions: list[str]
    candidates: list[str]
    candidate_paragraph: list[int]
    gold: dict[str, int]

    def __post_init__(self) -> None:
        if len(self.question_ids) != len(self.questions):
            raise ValueError("question_ids and questions differ in length")
        if len(self.candidates) != len(self.candidate_paragraph):
            raise ValueError("candidates and candidate_paragraph differ in length")


@dataclass(frozen=True)
class RetrievalLanguage:
    """One view of a qrels-style retrieval task: queries, a corpus and graded judgements.

    `lang` is the query language; `corpus_lang` the corpus language when it differs (a
    cross-lingual view, e.g. MLQA questions in de against ar paragraphs).
    """

    lang: str
    query_ids: list[str]
    queries: list[str]
    doc_ids: list[str]
    docs: list[str]
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)
    corpus_lang: str = ""

    @property
    def pair(self) -> str:
        """The view's 'query_lang-corpus_lang'."""
        return f"{self.lang}-{self.corpus_lang or self.lang}"


@dataclass(frozen=True)
class BitextLanguage:
    """One language of a bitext task: line-aligned sentences and their pivot-language translations.

    Pair i is (`sentences[i]`, `pivot[i]`); `ids[i]` names it. Duplicate texts stay distinct
    positions (a duplicate pivot sentence is a tie that the protocol breaks by position).
    """

    lang: str
    ids: list[str]
    sentences: list[str]
    pivot: list[str]

    def __post_init__(self) -> None:
        if not len(self.ids) == len(self.sentences) == len(self.pivot):
            raise ValueError("ids, sentences and pivot differ in length")
