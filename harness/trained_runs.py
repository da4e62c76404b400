"""What `harness train` and `harness run` do for trained recipes: seeds, training, evaluation per seed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from harness.errors import HarnessError
from harness.evaluate.progress import Progress
from harness.models.backends.spec import variant_name
from harness.models.spec import ModelSpec, resolve_backend
from harness.results.seeds import aggregate_seeds
from harness.run import RunOptions, TaskOutcome, run_tasks, stored_outcomes
from harness.tasks.schema import TaskSpec
from harness.train.ddp_launch import launch_training
from harness.train.distributed import check_divisible
from harness.train.loop import TrainReporter
from harness.train.trained import TrainedModelRef, ensure_trained, recipe_of, trained_encoder


def resolve_seeds(name: str, spec: ModelSpec, seeds: int | None, seed: int | None) -> list[int] | None:
    """`--seeds N` -> 0..N-1, `--seed K` -> [K], else the recipe's seeds; None for untrained models."""
    if spec.recipe is None:
        if seeds is not None or seed is not None:
            flag = "--seeds" if seeds is not None else "--seed"
            raise HarnessError(f"{flag}: model {name!r} is not a trained recipe; seeds apply to training")
        return None
    if seeds is not None and seed is not None:
        raise HarnessError("--seeds and --seed: give one of them")
    if seeds is not None:
        return list(range(seeds))
    if seed is not None:
        return [seed]
    return list(recipe_of(name, spec).seeds)


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
    name: str,
    spec: ModelSpec,
    models: dict[str, ModelSpec],
    seeds: list[int],
    device: str | None,
    reporter_for: Callable[[str], TrainReporter] | None = None,
    nproc: int | None = None,
) -> list[dict]:
    """Train every missing seed (resuming interrupted ones); training.json of each."""
    return [train_one(TrainedModelRef(name, spec, seed, models, device), nproc, reporter_for) for seed in seeds]


def run_trained(
    name: str,
    spec: ModelSpec,
    models: dict[str, ModelSpec],
    seeds: list[int],
    tasks: list[TaskSpec],
    options: RunOptions,
    progress: Progress,
    reporter_for: Callable[[str], TrainReporter] | None = None,
) -> list[TaskOutcome]:
    """Train if needed, evaluate every seed, then write mean ± std over the seeds per task."""
    outcomes: list[TaskOutcome] = []
    backend = resolve_backend(name, spec, options.backend)
    stored_as = variant_name(name, backend, spec.loader)
    for seed in seeds:
        ref = TrainedModelRef(name, spec, seed, models, options.device)
        seed_options = replace(options, seed=seed)
        fingerprint = ref.fingerprint(backend)
        stored = stored_outcomes(stored_as, fingerprint, tasks, seed_options)
        if stored is not None:  # every result is there: nothing to train or load
            outcomes += stored
            continue
        info = train_one(ref, None, reporter_for)
        encoder = trained_encoder(ref, backend)
        outcomes += run_tasks(stored_as, encoder, tasks, seed_options, progress, training=info)
    for task in tasks:  # the limit as run: one that covered the whole task made full results
        limits = {o.summary.get("limit") for o in outcomes if o.task == task.name and o.summary is not None}
        aggregate_seeds(
            options.results_dir, stored_as, task.name, limits.pop() if len(limits) == 1 else options.limit, seeds
        )
    return outcomes
