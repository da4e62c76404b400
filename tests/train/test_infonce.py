"""InfoNCE against independent computations (numpy, torch cross_entropy on hand-built logits, sklearn log_loss)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import log_loss

from harness.train.infonce import false_negative_mask, info_nce


def _unit(rows: int, dim: int, seed: int) -> torch.Tensor:
    """Random L2-normalised float32 rows."""
    generator = torch.Generator().manual_seed(seed)
    return F.normalize(torch.randn(rows, dim, generator=generator), dim=1)


def _numpy_loss(
    queries: np.ndarray, candidates: np.ndarray, temperature: float, mask: np.ndarray | None = None
) -> float:
    """Mean of -log softmax(q_i . c_j / T)[i], masked entries removed from the row, in float64."""
    logits = queries.astype(np.float64) @ candidates.astype(np.float64).T / temperature
    losses = []
    for i, row in enumerate(logits):
        kept = row if mask is None else row[~mask[i]]
        own = row[i]
        top = kept.max()
        losses.append(-(own - top - np.log(np.exp(kept - top).sum())))
    return float(np.mean(losses))


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@pytest.mark.parametrize(("batch", "n_neg", "temperature"), [(4, 0, 1.0), (8, 0, 0.05), (5, 3, 0.1), (6, 6, 0.02)])
def test_info_nce_matches_three_independent_computations(batch: int, n_neg: int, temperature: float) -> None:
    """B x (B + n) logits: numpy log-softmax, torch cross_entropy (float64) and sklearn log_loss agree."""
    queries, candidates = _unit(batch, 16, 1), _unit(batch + n_neg, 16, 2)
    loss = info_nce(queries, candidates, temperature)
    q64, c64 = queries.double().numpy(), candidates.double().numpy()
    logits = q64 @ c64.T / temperature
    assert logits.shape == (batch, batch + n_neg)
    expected = _numpy_loss(q64, c64, temperature)
    torch_ref = F.cross_entropy(torch.from_numpy(logits), torch.arange(batch)).item()
    sklearn_ref = log_loss(np.arange(batch), _softmax(logits), labels=np.arange(batch + n_neg))
    assert torch_ref == pytest.approx(expected, rel=1e-10)
    assert sklearn_ref == pytest.approx(expected, rel=1e-8)
    assert loss.item() == pytest.approx(expected, rel=1e-5, abs=1e-5)
    assert loss.dim() == 0


def test_temperature_scales_the_logits() -> None:
    """Halving T doubles the logits: info_nce(q, c, T/2) == info_nce(2q, c, T); values differ across T."""
    queries, candidates = _unit(6, 8, 3), _unit(8, 8, 4)
    losses = {t: info_nce(queries, candidates, t).item() for t in (1.0, 0.1, 0.01)}
    for t, value in losses.items():
        assert value == pytest.approx(_numpy_loss(queries.numpy(), candidates.numpy(), t), rel=1e-4)
    assert info_nce(queries, candidates, 0.05).item() == pytest.approx(
        info_nce(2 * queries, candidates, 0.1).item(), rel=1e-5
    )
    assert len({round(v, 6) for v in losses.values()}) == 3


def test_perfect_alignment_gives_near_zero_loss_at_low_temperature() -> None:
    """Orthonormal candidates equal to the queries: loss = log(1 + (B - 1 + n) e^{-1/T}) exactly (float64)."""
    eye = torch.eye(6, dtype=torch.float64)
    loss = info_nce(eye[:4], eye, temperature=0.1)
    assert loss.item() == pytest.approx(float(np.log1p(5 * np.exp(-10.0))), rel=1e-9)


def test_false_negative_mask_marks_duplicates_but_never_the_own_positive() -> None:
    """Shared gold text masks the other query's slot; a hard negative equal to a positive is masked too."""
    positives = ["a", "b", "a", "c"]
    candidates = [*positives, "b", "x", "a"]
    mask = false_negative_mask(positives, candidates)
    expected = torch.zeros(4, 7, dtype=torch.bool)
    for i, j in [(0, 2), (0, 6), (1, 4), (2, 0), (2, 6)]:
        expected[i, j] = True
    assert mask.dtype == torch.bool and torch.equal(mask, expected)
    assert not mask.diagonal().any()


def test_false_negative_mask_of_distinct_texts_is_empty() -> None:
    """No duplicate text: nothing is masked."""
    assert not false_negative_mask(["a", "b"], ["a", "b", "c"]).any()


def test_masked_loss_equals_loss_over_the_unmasked_candidates() -> None:
    """Masked entries are dropped from each row's softmax (numpy reference) and change the loss."""
    positives = ["a", "b", "a", "c"]
    candidates_text = [*positives, "b", "x"]
    mask = false_negative_mask(positives, candidates_text)
    queries, candidates = _unit(4, 12, 5), _unit(6, 12, 6)
    masked = info_nce(queries, candidates, 0.1, mask)
    expected = _numpy_loss(queries.numpy(), candidates.numpy(), 0.1, mask.numpy())
    assert masked.item() == pytest.approx(expected, rel=1e-5)
    unmasked = info_nce(queries, candidates, 0.1)
    assert unmasked.item() > masked.item()  # removing competitors can only lower each row's loss
    assert info_nce(queries, candidates, 0.1, torch.zeros(4, 6, dtype=torch.bool)).item() == unmasked.item()


def test_masked_candidate_does_not_contribute() -> None:
    """A candidate masked for every query: zero gradient, and moving it leaves the loss unchanged."""
    positives = ["a", "a"]
    mask = false_negative_mask(positives, [*positives, "a", "z"])
    assert mask.tolist() == [[False, True, True, False], [True, False, True, False]]
    queries = _unit(2, 8, 7).requires_grad_(True)
    candidates = _unit(4, 8, 8).requires_grad_(True)
    loss = info_nce(queries, candidates, 0.05, mask)
    loss.backward()
    assert candidates.grad is not None and queries.grad is not None
    assert torch.equal(candidates.grad[2], torch.zeros(8))
    assert torch.isfinite(candidates.grad).all() and torch.isfinite(queries.grad).all()
    assert candidates.grad[3].abs().sum() > 0  # the true negative does contribute
    moved = candidates.detach().clone()
    moved[2] = _unit(1, 8, 9)[0]
    assert info_nce(queries.detach(), moved, 0.05, mask).item() == pytest.approx(loss.item(), rel=1e-6)


def test_gradients_are_finite_and_match_autograd_of_the_reference() -> None:
    """loss.backward gives finite gradients equal to those of torch cross_entropy on hand-built logits."""
    q = _unit(5, 10, 10).double().requires_grad_(True)
    c = _unit(7, 10, 11).double().requires_grad_(True)
    info_nce(q, c, 0.07).backward()
    q_ref = q.detach().clone().requires_grad_(True)
    c_ref = c.detach().clone().requires_grad_(True)
    F.cross_entropy(q_ref @ c_ref.T / 0.07, torch.arange(5)).backward()
    assert q.grad is not None and c.grad is not None and q_ref.grad is not None and c_ref.grad is not None
    assert torch.isfinite(q.grad).all() and torch.isfinite(c.grad).all()
    assert torch.allclose(q.grad, q_ref.grad) and torch.allclose(c.grad, c_ref.grad)
    assert q.grad.abs().sum() > 0
