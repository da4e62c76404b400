"""Training state on disk: the last checkpoint (to resume after a kill) and the best weights so far."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from harness.atomic import staged_file

CHECKPOINT = "checkpoint.pt"
BEST = "best.pt"


def trainable_state(model: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Copies of the parameters being trained (frozen ones never change, so they are not saved)."""
    return {name: p.detach().clone() for name, p in model.named_parameters() if p.requires_grad}


def load_trainable(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Put saved trainable parameters back into `model`."""
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, value in state.items():
            params[name].copy_(value)


def save(path: Path, payload: dict[str, Any]) -> None:
    """torch.save through a temporary file: a kill leaves the previous file intact.

    A Python file object, not a path: torch's own writer would hide a full disk's OSError.
    """
    with staged_file(path) as tmp, tmp.open("wb") as handle:
        torch.save(payload, handle)


def load(path: Path) -> dict[str, Any] | None:
    """A saved payload, or None when there is none."""
    if not path.is_file():
        return None
    return torch.load(path, map_location="cpu", weights_only=False)
