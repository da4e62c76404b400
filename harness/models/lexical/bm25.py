"""BM25 (bm25s) over a pool that may mix languages: each text is tokenized with its own language's tokenizer."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from harness.models.base import LexicalIndex, LexicalScorer
from harness.models.identity import bm25_fingerprint
from harness.models.lexical.tokenize import tokenize
from harness.models.model_spec import Bm25Params, ModelSpec

if TYPE_CHECKING:
    import scipy.sparse as sp

QUERY_CHUNK = 512


def tokenize_pool(docs: Sequence[str], langs: Sequence[str]) -> list[list[str]]:
    """Tokens of every document, each with the tokenizer of its language (one batch per language)."""
    if len(docs) != len(langs):
        raise ValueError(f"{len(docs)} documents but {len(langs)} languages")
    tokens: list[list[str]] = [[] for _ in docs]
    for lang in dict.fromkeys(langs):
        positions = [i for i, doc_lang in enumerate(langs) if doc_lang == lang]
        for i, words in zip(positions, tokenize([docs[i] for i in positions], lang), strict=True):
            tokens[i] = words
    return tokens


class Bm25Index(LexicalIndex):
    """A bm25s index; scores all documents at once through its term-document score matrix."""

    def __init__(self, doc_tokens: list[list[str]], params: Bm25Params) -> None:
        import bm25s
        import scipy.sparse as sp

        self.size = len(doc_tokens)
        self.retriever: bm25s.BM25 | None = None
        self._term_doc: sp.csr_matrix | None = None
        self._vocab: dict[str, int] = {}
        if not any(doc_tokens):
            return
        self.retriever = bm25s.BM25(k1=params.k1, b=params.b, method=params.method, delta=params.delta)
        self.retriever.index(doc_tokens, show_progress=False)
        matrix = self.retriever.scores
        n_terms = len(matrix["indptr"]) - 1
        doc_term = sp.csc_matrix((matrix["data"], matrix["indices"], matrix["indptr"]), shape=(self.size, n_terms))
        self._term_doc = doc_term.T.tocsr()
        self._vocab = {t: i for t, i in self.retriever.vocab_dict.items() if i < n_terms}

    def scores(self, queries: Sequence[str], query_lang: str) -> np.ndarray:
        """BM25 score of every pooled document for each query, shape (len(queries), pool size)."""
        return self.scores_for_tokens(tokenize(list(queries), query_lang))

    def scores_for_tokens(self, query_tokens: Sequence[Sequence[str]]) -> np.ndarray:
        """Scores for already tokenized queries; a repeated query term counts once per occurrence."""
        out = np.zeros((len(query_tokens), self.size), dtype=np.float32)
        if self._term_doc is None or self.retriever is None:
            return out
        nonoccurrence = self.retriever.nonoccurrence_array  # only bm25l / bm25+ have one
        for start in range(0, len(query_tokens), QUERY_CHUNK):
            chunk = query_tokens[start : start + QUERY_CHUNK]
            counts = self._query_matrix(chunk)
            block = (counts @ self._term_doc).toarray()
            if nonoccurrence is not None:
                block += (counts @ nonoccurrence)[:, None]
            out[start : start + len(chunk)] = block
        return out

    def _query_matrix(self, query_tokens: Sequence[Sequence[str]]) -> sp.csr_matrix:
        """Sparse (queries x terms) matrix of query term counts; unknown terms are dropped."""
        import scipy.sparse as sp

        rows, cols = [], []
        for row, tokens in enumerate(query_tokens):
            for token in tokens:
                col = self._vocab.get(token)
                if col is not None:
                    rows.append(row)
                    cols.append(col)
        data = np.ones(len(rows), dtype=np.float32)
        shape = (len(query_tokens), self._term_doc.shape[0])
        return sp.csr_matrix((data, (rows, cols)), shape=shape, dtype=np.float32)


class Bm25Scorer(LexicalScorer):
    """The `bm25` baseline: bm25s scoring with per-language tokenizers."""

    def __init__(self, name: str, params: Bm25Params) -> None:
        self.name = name
        self.params = params

    @cached_property
    def fingerprint(self) -> str:
        """bm25s version, scoring parameters and the tokenizer table (harness.models.identity)."""
        return bm25_fingerprint(self.params)

    def index(self, docs: Sequence[str], langs: Sequence[str]) -> Bm25Index:
        """Index a pool whose i-th document is in language langs[i]."""
        return Bm25Index(tokenize_pool(docs, langs), self.params)


def build(name: str, spec: ModelSpec, device: str | None, backend: str) -> Bm25Scorer:
    """The loader's builder (harness/models/loaders.py)."""
    return Bm25Scorer(name, spec.params or Bm25Params())
