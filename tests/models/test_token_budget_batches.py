"""Length-sorted batches under a padded-token budget."""

from __future__ import annotations

import numpy as np

from harness.models.batching import fixed_batches, padding_factor, token_budget_batches


def test_batches_cover_every_row_once_longest_first_within_the_budget() -> None:
    rng = np.random.default_rng(0)
    lengths = rng.integers(3, 120, size=500).tolist()
    batches = token_budget_batches(lengths, budget=1000, max_texts=64)
    order = np.concatenate(batches)
    assert sorted(order.tolist()) == list(range(500))
    assert [lengths[i] for i in order] == sorted(lengths, reverse=True)
    for batch in batches:
        assert len(batch) <= 64
        assert len(batch) * max(lengths[i] for i in batch) <= 1000
    assert padding_factor(lengths, batches) < 1.1
    assert padding_factor(lengths, fixed_batches(500, 64)) > 1.5  # unsorted chunks pad far more


def test_ties_keep_input_order_and_a_text_over_the_budget_gets_its_own_batch() -> None:
    batches = token_budget_batches([5, 900, 5, 5], budget=100, max_texts=2)
    assert [b.tolist() for b in batches] == [[1], [0, 2], [3]]
    assert token_budget_batches([], budget=100, max_texts=8) == []
