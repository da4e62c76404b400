"""Block-wise corpus encoding: resume after a kill, split over machines, integrity checks, duplicate ids."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from trigram_encoder import TrigramEncoder

from harness.data.corpus import Corpus, memory_shard
from harness.errors import HarnessError
from harness.evaluation.embedding_blocks import CorpusEmbeddings
from harness.models.base import TextKind


class CountingEncoder(TrigramEncoder):
    """Counts encoded texts; raises after `fail_after` encode calls (a simulated kill)."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__()
        self.calls, self.texts, self.fail_after = 0, 0, fail_after

    def encode(self, texts: Sequence[str], kind: TextKind) -> np.ndarray:
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt
        self.calls += 1
        self.texts += len(texts)
        return super().encode(texts, kind)


def _corpus(n: int = 23, dup: bool = False) -> Corpus:
    ids = [f"{i}#0" for i in range(n)]
    if dup:
        ids[-1] = ids[0]
    texts = [f"passage number {i} about topic {i % 5}" for i in range(n)]
    return Corpus("xx", (memory_shard("a", "en", ids[:10], texts[:10]), memory_shard("b", "en", ids[10:], texts[10:])))


def test_blocks_cover_the_corpus_in_row_order(tmp_path: Path) -> None:
    encoder = CountingEncoder()
    store = CorpusEmbeddings(encoder, _corpus(), block_passages=5, root=tmp_path)
    assert store.encode(batch_size=2) == 5 and store.blocks() == 5
    matrix = np.concatenate([store.block_embeddings(b) for b in range(5)])
    expected = TrigramEncoder().encode([t for _, t, _ in _corpus().passages()], "passage")
    np.testing.assert_allclose(matrix, expected, rtol=1e-6)
    assert store.ids_at(np.array([[0, 22, -1]])).tolist() == [["0#0", "22#0", ""]]
    assert CorpusEmbeddings(encoder, _corpus(), 5, root=tmp_path).encode() == 0  # all cached


def test_a_killed_run_resumes_from_the_last_finished_block(tmp_path: Path) -> None:
    killed = CountingEncoder(fail_after=5)  # batches of 2: blocks 0 and 1 finish, block 2 dies mid-way
    with pytest.raises(KeyboardInterrupt):
        CorpusEmbeddings(killed, _corpus(), 4, root=tmp_path).encode(batch_size=2)
    resumed = CountingEncoder()
    store = CorpusEmbeddings(resumed, _corpus(), 4, root=tmp_path)
    assert store.encode(batch_size=2) == 4  # blocks 2..5
    assert resumed.texts == 23 - 8
    fresh = CorpusEmbeddings(CountingEncoder(), _corpus(), 4, root=tmp_path / "fresh")
    fresh.encode()
    for b in range(store.blocks()):
        np.testing.assert_array_equal(store.block_embeddings(b), fresh.block_embeddings(b))


def test_blocks_embedded_by_other_encoders_in_any_order_close_into_the_same_store(tmp_path: Path) -> None:
    """What the Ray Data path does: blocks streamed here, embedded elsewhere, saved out of order."""
    first, second, final = CountingEncoder(), CountingEncoder(), CountingEncoder()
    store = CorpusEmbeddings.of_fingerprint(first.fingerprint, _corpus(), 5, root=tmp_path)
    blocks = list(store.corpus_blocks())
    assert [b.index for b in blocks] == [0, 1, 2, 3, 4] and [len(b.ids) for b in blocks] == [5, 5, 5, 5, 3]
    for block in reversed(blocks):
        encoder = first if block.index % 2 else second
        store.save_block(block, store.embed_block(encoder, block, batch_size=2)[0])
    assert store.manifest() is None
    store.close(len(blocks), 23)
    local = CorpusEmbeddings(final, _corpus(), 5, root=tmp_path)
    assert local.folder == store.folder and local.encode() == 0 and final.texts == 0 and local.blocks() == 5
    assert first.texts + second.texts == 23
    fresh = CorpusEmbeddings(CountingEncoder(), _corpus(), 5, root=tmp_path / "fresh")
    fresh.encode()
    for b in range(5):
        names = [f"block-{b:05d}{suffix}" for suffix in (".npy", ".ids.npy", ".json")]
        assert [(store.folder / n).read_bytes() for n in names] == [(fresh.folder / n).read_bytes() for n in names]


def test_a_corrupted_block_is_detected(tmp_path: Path) -> None:
    store = CorpusEmbeddings(CountingEncoder(), _corpus(), 10, root=tmp_path)
    store.encode()
    path = store.folder / "block-00001.npy"
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(HarnessError, match="does not match its header"):
        store.block_embeddings(1)


def test_a_truncated_block_is_re_encoded(tmp_path: Path) -> None:
    store = CorpusEmbeddings(CountingEncoder(), _corpus(), 10, root=tmp_path)
    store.encode()
    path = store.folder / "block-00002.npy"
    path.write_bytes(path.read_bytes()[:-8])
    assert not store.is_done(2)
    again = CountingEncoder()
    assert CorpusEmbeddings(again, _corpus(), 10, root=tmp_path).encode() == 1 and again.texts == 3


def test_duplicate_passage_ids_are_an_error(tmp_path: Path) -> None:
    with pytest.raises(HarnessError, match=r"corpus xx: 1 duplicate passage id\(s\), e.g. \['0#0'\]"):
        CorpusEmbeddings(CountingEncoder(), _corpus(dup=True), 8, root=tmp_path).encode()


def test_an_empty_corpus_is_an_error(tmp_path: Path) -> None:
    empty = Corpus("xx", (memory_shard("a", "en", [], []),))
    with pytest.raises(HarnessError, match="no passages"):
        CorpusEmbeddings(CountingEncoder(), empty, 8, root=tmp_path).encode()
