"""Training the seeds of trained recipes, in this process or on several ranks (`harness train`, `harness run`)."""

from __future__ import annotations

from collections.abc import Callable

from harness.model_ref import ModelRef
from harness.train.ddp_launch import launch_training
from harness.train.distributed import check_divisible
from harness.train.loop import TrainReporter
from harness.train.trained import TrainedModelRef, ensure_trained


def train_one(
    ref: TrainedModelRef, nproc: int | None = None, reporter_for: Callable[[str], TrainReporter] | None = None
) -> dict:
    """Train one seed unless it is trained, in this process or on `nproc` ranks (default: the recipe's
    `nproc`) through the torch launcher; its training.json."""
    processes = nproc or ref.recipe.params.nproc
    check_divisible(ref.recipe.params.batch_size, processes)  # a wrong --nproc is an error, trained or not
    if ref.is_trained():
        return ref.info()
    if processes > 1:
        return launch_training(ref, processes)
    return ensure_trained(ref, reporter_for(f"{ref.name} seed {ref.seed}") if reporter_for else None)


def train_seeds(
    ref: ModelRef, reporter_for: Callable[[str], TrainReporter] | None = None, nproc: int | None = None
) -> list[dict]:
    """Train every missing seed of a trained recipe (resuming interrupted ones); training.json of each."""
    return [train_one(ref.trained(seed), nproc, reporter_for) for seed in ref.seeds or ()]
