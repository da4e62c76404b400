"""One job of a run, as any process (the driver or a Ray worker) executes it: train one seed, or build one
model and evaluate it on one task, storing the result through the atomic result store."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.evaluation.progress import NullProgress
from harness.model_ref import ModelRef
from harness.models.base import Model
from harness.run import RunOptions, TaskOutcome, run_tasks
from harness.tasks.task_registry import load_tasks
from harness.trained_runs import train_one


@dataclass(frozen=True)
class ModelJob:
    """A model as one job uses it: the resolved reference (it travels whole: a worker rereads no registry)
    and the training seed (trained recipes)."""

    ref: ModelRef
    seed: int | None

    @property
    def label(self) -> str:
        return self.ref.label(self.seed)


@dataclass(frozen=True)
class EvalJob:
    """One (model, task, seed) evaluation."""

    model: ModelJob
    task: str

    @property
    def label(self) -> str:
        return f"{self.model.label} on {self.task}"


def build_encoder(job: ModelJob, device: str | None) -> tuple[Model, dict | None]:
    """The model ready to encode, and the training.json of a trained seed (which must be trained)."""
    return job.ref.on(device).build(job.seed)


def train_job(job: ModelJob, device: str | None, nproc: int | None = None) -> dict:
    """Train one seed unless it is trained (resuming its checkpoint); its training.json."""
    if job.seed is None:
        raise ValueError(f"{job.ref.name} is not trained per seed")
    return train_one(job.ref.on(device).trained(job.seed), nproc)


def evaluate_job(job: EvalJob, options: RunOptions) -> TaskOutcome:
    """Build the model and evaluate it on one task (a stored result with the same identity is reused)."""
    model, training = build_encoder(job.model, options.device)
    spec = load_tasks()[job.task]
    seed_options = replace(options, seed=job.model.seed, backend=job.model.ref.backend)
    return run_tasks(job.model.ref.stored_as, model, [spec], seed_options, NullProgress(), training)[0]
