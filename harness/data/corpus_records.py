"""Typed records of corpus-retrieval tasks: query sets, corpora, the views that pair them, counted notes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Literal

from harness.data.corpus import Corpus

Judgement = Literal["qrels", "answers"]


@dataclass(frozen=True)
class QuerySet:
    """Queries in one language with their judgements: graded qrels, or answer strings to match."""

    key: str  # e.g. "ar", or "hau/translated" (AfriQA's human translations of the hau questions)
    lang: str  # language of the query texts
    query_ids: list[str]
    queries: list[str]
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)
    answers: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.query_ids) != len(self.queries):
            raise ValueError("query_ids and queries differ in length")

    def head(self, limit: int) -> QuerySet:
        """The first `limit` queries (quick runs)."""
        keep = self.query_ids[:limit]
        return replace(
            self,
            query_ids=keep,
            queries=self.queries[:limit],
            qrels={q: self.qrels[q] for q in keep if q in self.qrels},
            answers={q: self.answers[q] for q in keep if q in self.answers},
        )


@dataclass(frozen=True)
class CorpusView:
    """One evaluated view: a query set searched against a corpus, reported as (setting, pair)."""

    setting: str
    pair: str  # query_lang-corpus_lang
    queries: str  # QuerySet key
    corpus: str  # Corpus name


class Notes:
    """Counted warnings: kind -> {where: count}; recorded in the result, never dropped silently."""

    def __init__(self) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(dict)
        self.reasons: dict[str, str] = {}

    def add(self, kind: str, where: str, count: int = 1) -> None:
        if count:
            self.counts[kind][where] = self.counts[kind].get(where, 0) + count

    def explain(self, where: str, reason: str) -> None:
        """Why something at `where` was skipped (one line)."""
        self.reasons[where] = reason

    def as_dict(self) -> dict[str, dict[str, int] | dict[str, str]]:
        out: dict[str, dict[str, int] | dict[str, str]] = {
            kind: dict(sorted(v.items())) for kind, v in sorted(self.counts.items()) if v
        }
        if self.reasons:
            out["reasons"] = dict(sorted(self.reasons.items()))
        return out


@dataclass
class CorpusTask:
    """Everything a corpus-retrieval evaluation needs; corpora are streamed, never held whole."""

    query_sets: dict[str, QuerySet]
    corpora: dict[str, Corpus]
    views: list[CorpusView]
    judgement: Judgement = "qrels"
    notes: Notes = field(default_factory=Notes)

    def limited(self, limit: int) -> CorpusTask:
        """First `limit` queries of every query set; corpora stay whole (the pool is the point)."""
        sets = {k: q.head(limit) for k, q in self.query_sets.items()}
        return CorpusTask(sets, self.corpora, self.views, self.judgement, self.notes)
