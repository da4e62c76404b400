"""One job of a run, as any process (the driver or a Ray worker) executes it: train one seed, or build one
model and evaluate it on one task, storing the result through the atomic result store."""

from __future__ import annotations

from dataclasses import dataclass, replace

from harness.evaluate.progress import NullProgress
from harness.models.backends.spec import variant_name
from harness.models.base import Model
from harness.models.factory import build_model
from harness.models.spec import ModelSpec, get_model_spec, load_models
from harness.run import RunOptions, TaskOutcome, run_tasks
from harness.tasks.registry import load_tasks
from harness.train.trained import TrainedModelRef, trained_encoder
from harness.trained_runs import train_one


@dataclass(frozen=True)
class ModelJob:
    """A model as one run uses it: registry name, training seed (trained recipes) and resolved backend."""

    model: str
    seed: int | None
    backend: str

    @property
    def label(self) -> str:
        return self.model + ("" if self.seed is None else f" seed {self.seed}")


@dataclass(frozen=True)
class EvalJob:
    """One (model, task, seed) evaluation."""

    model: ModelJob
    task: str

    @property
    def label(self) -> str:
        return f"{self.model.label} on {self.task}"


def _spec(job: ModelJob) -> tuple[ModelSpec, dict[str, ModelSpec]]:
    registry = load_models()
    return get_model_spec(job.model, registry), registry


def trained_ref(job: ModelJob, device: str | None) -> TrainedModelRef:
    spec, registry = _spec(job)
    if job.seed is None:
        raise ValueError(f"{job.model} is not trained per seed")
    return TrainedModelRef(job.model, spec, job.seed, registry, device)


def stored_name(job: ModelJob) -> str:
    """The results folder of the model under its backend (MODEL@BACKEND for a non-default one)."""
    spec, _ = _spec(job)
    return variant_name(job.model, job.backend, spec.loader)


def build_encoder(job: ModelJob, device: str | None) -> tuple[Model, dict | None]:
    """The model ready to encode, and the training.json of a trained seed (which must be trained)."""
    spec, registry = _spec(job)
    if job.seed is None:
        return build_model(job.model, spec, device=device, models=registry, backend=job.backend), None
    ref = trained_ref(job, device)
    return trained_encoder(ref, job.backend), ref.info()


def train_job(job: ModelJob, device: str | None, nproc: int | None = None) -> dict:
    """Train one seed unless it is trained (resuming its checkpoint); its training.json."""
    return train_one(trained_ref(job, device), nproc)


def evaluate_job(job: EvalJob, options: RunOptions) -> TaskOutcome:
    """Build the model and evaluate it on one task (a stored result with the same identity is reused)."""
    model, training = build_encoder(job.model, options.device)
    spec = load_tasks()[job.task]
    seed_options = replace(options, seed=job.model.seed, backend=job.model.backend)
    return run_tasks(stored_name(job.model), model, [spec], seed_options, NullProgress(), training)[0]
