"""InfoNCE over in-batch (and optional hard) negatives, with duplicate-text false negatives masked."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def false_negative_mask(positives: list[str], candidates: list[str]) -> torch.Tensor:
    """mask[i, j] True where candidate j is the same text as query i's positive but not its own slot.

    Two ids can share a gold sentence, and a hard negative (another sentence of the paragraph)
    can be another question's gold sentence; such candidates are positives in disguise.
    """
    mask = torch.zeros(len(positives), len(candidates), dtype=torch.bool)
    for i, text in enumerate(positives):
        for j, other in enumerate(candidates):
            if j != i and other == text:
                mask[i, j] = True
    return mask


def info_nce(
    queries: torch.Tensor, candidates: torch.Tensor, temperature: float, mask: torch.Tensor | None = None
) -> torch.Tensor:
    """Mean cross-entropy of each query against all candidates; candidate i is query i's positive.

    `queries` (B, d) and `candidates` (B + n_neg, d) are L2-normalised, so logits are cosines / T.
    """
    logits = queries @ candidates.T / temperature
    if mask is not None and bool(mask.any()):
        logits = logits.masked_fill(mask.to(logits.device), float("-inf"))
    labels = torch.arange(queries.shape[0], device=queries.device)
    return F.cross_entropy(logits, labels)
