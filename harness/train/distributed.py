"""Data-parallel training across processes: which slice of the global batch a rank encodes, and gathering.

Every rank draws the same global batch from an identically seeded sampler (so hybrid's X-X-mono or
X-Y coin is thrown once per global batch), encodes a contiguous slice of its queries, positives and
hard negatives, and gathers every slice *with gradient* (sentence-transformers' all_gather_with_grad),
so the InfoNCE loss of every rank is the loss of the whole global batch. Its backward sums each
slice's gradient over the ranks, and DistributedDataParallel averages parameter gradients over the
ranks, which together give exactly the single-process gradient of the global batch.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass

import torch

from harness.errors import HarnessError

PAD_TEXT = ""  # pads a short list of hard negatives to a multiple of the world size; dropped after gathering


@dataclass(frozen=True)
class Ranks:
    """This process's place among the data-parallel processes (one process: rank 0 of 1)."""

    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """The rank that writes checkpoints, the finished model and progress."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world > 1


def current_ranks() -> Ranks:
    """The ranks of an initialised process group (as set up by the torch launcher), else one process."""
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return Ranks()
    return Ranks(dist.get_rank(), dist.get_world_size(), int(os.environ.get("LOCAL_RANK", "0")))


def check_divisible(batch_size: int, world: int) -> None:
    """Every rank encodes the same number of pairs (all_gather needs equal shapes)."""
    if batch_size % world:
        raise HarnessError(
            f"batch_size {batch_size} is not divisible by nproc {world}: every rank needs an equal slice"
        )


def slice_of(texts: list[str], ranks: Ranks) -> list[str]:
    """This rank's contiguous slice, the list padded with empty texts to a multiple of the world size."""
    per_rank = -(-len(texts) // ranks.world)
    padded = texts + [PAD_TEXT] * (per_rank * ranks.world - len(texts))
    return padded[ranks.rank * per_rank : (ranks.rank + 1) * per_rank]


def gather_rows(local: torch.Tensor, rows: int, ranks: Ranks) -> torch.Tensor:
    """Every rank's slice in rank order, with gradient flowing back to each slice, trimmed to `rows`."""
    from sentence_transformers.util import all_gather_with_grad

    with warnings.catch_warnings():  # it calls torch.distributed.nn.all_gather, which torch 2.13 marks deprecated
        warnings.simplefilter("ignore", FutureWarning)
        return all_gather_with_grad(local)[:rows]
