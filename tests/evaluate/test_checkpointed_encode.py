"""Encoding resumes from its last checkpoint with the same numbers, whatever was interrupted."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from trigram_encoder import TrigramEncoder

from harness.evaluation.checkpointed_encode import (
    CHECKPOINT_ENV,
    clear_checkpoints,
    encode_with_checkpoints,
    resumed_rows,
)
from harness.models.base import TextKind
from harness.models.batching import token_budget_batches

TEXTS = [f"sentence number {i} about {'abcdefg'[i % 7]} things" for i in range(103)]


class Interrupted(Exception):
    pass


class StopsAfter(TrigramEncoder):
    """Trigram encoder that counts encoded texts and fails on its n-th batch (a kill mid-way)."""

    def __init__(self, fail_on_batch: int | None = None) -> None:
        super().__init__()
        self.fail_on_batch, self.batches, self.texts = fail_on_batch, 0, 0

    def encode(self, texts: Sequence[str], kind: TextKind) -> np.ndarray:
        self.batches += 1
        if self.batches == self.fail_on_batch:
            raise Interrupted
        self.texts += len(texts)
        return super().encode(texts, kind)


def _plan(folder: Path) -> Path:
    """The one plan folder an interrupted encoding left (chunks live under the plan's digest)."""
    [plan] = folder.glob("plan-*")
    return plan


class SortedPlan(StopsAfter):
    """Plans like the backend encoders: longest text first, at most `budget` characters per batch."""

    def __init__(self, fail_on_batch: int | None = None, budget: int = 200) -> None:
        super().__init__(fail_on_batch)
        self.budget = budget

    def plan(self, texts: Sequence[str], kind: TextKind, batch_size: int) -> list[np.ndarray]:
        return token_budget_batches([len(t) for t in texts], self.budget, batch_size)


def test_a_sorted_plan_resumes_and_returns_rows_in_input_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHECKPOINT_ENV, "0")
    texts = [text * (1 + i % 4) for i, text in enumerate(TEXTS)]  # lengths 1x..4x: the plan reorders them
    folder = tmp_path / "partial"
    with pytest.raises(Interrupted):
        encode_with_checkpoints(SortedPlan(fail_on_batch=6), texts, "passage", 10, folder)
    matrix, resumed = encode_with_checkpoints(SortedPlan(), texts, "passage", 10, folder)
    assert resumed > 0
    np.testing.assert_array_equal(matrix, TrigramEncoder().encode(texts, "passage"))
    # another plan (other budget) does not reuse the chunks of the first: it starts afresh
    with pytest.raises(Interrupted):
        encode_with_checkpoints(SortedPlan(fail_on_batch=3), texts, "passage", 10, tmp_path / "other")
    _, resumed_other = encode_with_checkpoints(SortedPlan(budget=500), texts, "passage", 10, tmp_path / "other")
    assert resumed_other == 0


def test_resume_encodes_only_what_was_not_checkpointed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHECKPOINT_ENV, "0")  # a checkpoint after every batch
    folder = tmp_path / "partial"
    with pytest.raises(Interrupted):
        encode_with_checkpoints(StopsAfter(fail_on_batch=5), TEXTS, "passage", 10, folder)
    assert sum(len(p) for p in resumed_rows(_plan(folder), len(TEXTS), TrigramEncoder.dim)) == 40
    resumed_encoder = StopsAfter()
    seen: list[int] = []
    matrix, resumed = encode_with_checkpoints(resumed_encoder, TEXTS, "passage", 10, folder, seen.append)
    assert resumed == 40 and resumed_encoder.texts == len(TEXTS) - 40
    assert seen[0] == 40 and sum(seen) == len(TEXTS)  # progress: resumed rows first, then per batch
    clean, _ = encode_with_checkpoints(TrigramEncoder(), TEXTS, "passage", 10, tmp_path / "clean")
    np.testing.assert_array_equal(matrix, clean)
    clear_checkpoints(folder)
    assert not folder.exists()


def test_damaged_chunk_ends_what_is_resumed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CHECKPOINT_ENV, "0")
    folder = tmp_path / "partial"
    with pytest.raises(Interrupted):
        encode_with_checkpoints(StopsAfter(fail_on_batch=4), TEXTS, "passage", 10, folder)
    chunks = sorted(_plan(folder).iterdir())
    assert [c.name for c in chunks][1] == "rows-000000010-000000020.npy"
    chunks[1].write_bytes(b"not an array")
    assert sum(len(p) for p in resumed_rows(_plan(folder), len(TEXTS), TrigramEncoder.dim)) == 10
    matrix, resumed = encode_with_checkpoints(TrigramEncoder(), TEXTS, "passage", 10, folder)
    assert resumed == 10
    np.testing.assert_array_equal(matrix, TrigramEncoder().encode(TEXTS, "passage"))


def test_default_interval_writes_no_chunk_for_fast_work(tmp_path: Path) -> None:
    folder = tmp_path / "partial"
    matrix, resumed = encode_with_checkpoints(TrigramEncoder(), TEXTS, "query", 16, folder)
    assert resumed == 0 and matrix.shape == (len(TEXTS), TrigramEncoder.dim)
    assert not folder.exists()
