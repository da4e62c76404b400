"""Top-k search of a query set against a corpus: dense (stored blocks + FAISS) or lexical (in-memory index)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from harness.data.corpus import Corpus, duplicate_ids
from harness.errors import HarnessError
from harness.evaluation.embedding_blocks import CorpusEmbeddings
from harness.evaluation.faiss_search import build_index, exact_search, index_search, overlap_at_k
from harness.evaluation.qrels_eval import top_k
from harness.evaluation.scorers import DenseScorer, LexicalPoolScorer, PoolScorer
from harness.evaluation.textset import TextSet
from harness.tasks.search_spec import SearchSpec


@dataclass
class Hits:
    """Each query's top-k docids and scores (best first; '' pads when the corpus is smaller than k)."""

    doc_ids: np.ndarray  # (queries, k) object array of str
    scores: np.ndarray  # (queries, k) float32
    rows: np.ndarray  # (queries, k) global corpus rows, -1 for padding
    ann_overlap: np.ndarray | None = None  # approximate index: share of the exact top-k found


class DenseCorpusSearcher:
    """Encodes each corpus once into on-disk blocks (resumable), then searches them with FAISS."""

    def __init__(self, scorer: DenseScorer, spec: SearchSpec) -> None:
        self.scorer, self.spec = scorer, spec
        self._stores: dict[str, CorpusEmbeddings] = {}
        self._indexes: dict[str, object] = {}

    def store(self, corpus: Corpus) -> CorpusEmbeddings:
        """The corpus's finished block store (encoding what is missing first)."""
        if corpus.fingerprint not in self._stores:
            store = CorpusEmbeddings(self.scorer.encoder, corpus, self.spec.block_passages)
            store.encode(self.scorer.batch_size, self.scorer.progress, self.scorer.stats)
            self._stores[corpus.fingerprint] = store
        return self._stores[corpus.fingerprint]

    def _blocks(self, store: CorpusEmbeddings):
        group = max(1, self.spec.search_block_rows // store.block_passages)

        def blocks():
            count = store.blocks()
            for start in range(0, count, group):
                mats = [store.block_embeddings(b) for b in range(start, min(count, start + group))]
                yield start * store.block_passages, np.concatenate(mats)

        return blocks

    def search(self, queries: TextSet, corpus: Corpus, k: int) -> Hits:
        store = self.store(corpus)
        query_matrix = self.scorer.embeddings(queries)
        blocks = self._blocks(store)
        scores, rows = exact_search(query_matrix, blocks(), k)
        overlap = None
        if self.spec.index != "flat":
            if corpus.fingerprint not in self._indexes:
                manifest = store.manifest() or {}
                self._indexes[corpus.fingerprint] = build_index(
                    self.spec, blocks, int(manifest["dim"]), int(manifest["rows"])
                )
            exact_rows = rows
            scores, rows = index_search(self._indexes[corpus.fingerprint], query_matrix, k)
            overlap = overlap_at_k(rows, exact_rows)
        return Hits(store.ids_at(rows), scores, rows, overlap)

    def texts_at(self, corpus: Corpus, rows: np.ndarray) -> dict[int, str]:
        return corpus.texts_at(int(r) for r in np.unique(rows[rows >= 0]))

    def present(self, corpus: Corpus, doc_ids: set[str]) -> set[str]:
        """Which of these docids the corpus holds (one pass over the stored id blocks)."""
        store = self.store(corpus)
        found: set[str] = set()
        for block in range(store.blocks()):
            found.update(d for d in store.block_ids(block).tolist() if d in doc_ids)
        return found


class LexicalCorpusSearcher:
    """Holds a corpus's texts in memory (bounded) and scores them with the model's per-pool index."""

    def __init__(self, scorer: LexicalPoolScorer, spec: SearchSpec) -> None:
        self.scorer, self.spec = scorer, spec
        self._pools: dict[str, tuple[list[TextSet], np.ndarray, list[str]]] = {}

    def _pool(self, corpus: Corpus) -> tuple[list[TextSet], np.ndarray, list[str]]:
        if corpus.fingerprint not in self._pools:
            parts, ids, texts = [], [], []
            for shard in corpus.shards:
                shard_ids, shard_texts = [], []
                for docid, text in shard.passages():
                    shard_ids.append(docid)
                    shard_texts.append(text)
                    if len(ids) + len(shard_ids) > self.spec.max_lexical_passages:
                        raise HarnessError(
                            f"corpus {corpus.name}: more than {self.spec.max_lexical_passages} passages; lexical "
                            "models index corpora in memory (use a dense model and FAISS)"
                        )
                parts.append(
                    TextSet(f"corpus/{corpus.fingerprint[:16]}/{shard.name}", "passage", shard_texts, shard.lang)
                )
                ids.extend(shard_ids)
                texts.extend(shard_texts)
            dupes = duplicate_ids(ids)
            if dupes:
                raise HarnessError(f"corpus {corpus.name}: {len(dupes)} duplicate passage id(s), e.g. {dupes[:3]}")
            self._pools[corpus.fingerprint] = (parts, np.array(ids, dtype=object), texts)
        return self._pools[corpus.fingerprint]

    def search(self, queries: TextSet, corpus: Corpus, k: int) -> Hits:
        parts, ids, _ = self._pool(corpus)
        k_eff = min(k, len(ids))
        blocks_idx, blocks_val = [], []
        for _, scores in self.scorer.score_blocks(queries, parts):
            idx, vals = top_k(scores, k_eff)
            blocks_idx.append(idx)
            blocks_val.append(vals)
        rows = np.full((len(queries), k), -1, dtype=np.int64)
        scores_out = np.full((len(queries), k), -np.inf, dtype=np.float32)
        if blocks_idx:
            rows[:, :k_eff] = np.concatenate(blocks_idx)
            scores_out[:, :k_eff] = np.concatenate(blocks_val)
        doc_ids = np.where(rows >= 0, ids[np.maximum(rows, 0)], "")
        return Hits(doc_ids, scores_out, rows)

    def texts_at(self, corpus: Corpus, rows: np.ndarray) -> dict[int, str]:
        texts = self._pool(corpus)[2]
        return {int(r): texts[int(r)] for r in np.unique(rows[rows >= 0])}

    def present(self, corpus: Corpus, doc_ids: set[str]) -> set[str]:
        """Which of these docids the corpus holds."""
        return doc_ids & set(self._pool(corpus)[1].tolist())


CorpusSearcher = DenseCorpusSearcher | LexicalCorpusSearcher


def make_searcher(scorer: PoolScorer, spec: SearchSpec) -> CorpusSearcher:
    """The searcher that fits the scorer the run built for the model."""
    if isinstance(scorer, LexicalPoolScorer):
        return LexicalCorpusSearcher(scorer, spec)
    return DenseCorpusSearcher(scorer, spec)
