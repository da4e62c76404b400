"""Schema of a training recipe (models.yaml `recipe:`): base model, training data, sampler, hyperparameters."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

SamplerName = Literal["xx-mono", "xy", "hybrid"]
Autocast = Literal["bf16", "fp16"]


class TrainParams(BaseModel):
    """Optimisation settings. Defaults are sized for a 2-core CPU (the paper: batch 100, lr 3e-5)."""

    model_config = ConfigDict(extra="forbid")

    batch_size: int = Field(default=16, ge=2, description="query-passage pairs per batch")
    max_steps: int = Field(default=150, ge=1)
    lr: float = Field(default=3e-5, gt=0)
    weight_decay: float = Field(default=0.01, ge=0)
    warmup_steps: int = Field(default=15, ge=0)
    max_grad_norm: float = Field(default=1.0, gt=0)
    temperature: float = Field(default=0.01, gt=0, description="InfoNCE temperature (E5 uses 0.01)")
    hard_negatives: bool = Field(default=False, description="add one other sentence of the gold paragraph")
    freeze_word_embeddings: bool = Field(default=True, description="keeps AdamW state small on CPU")
    max_seq_length: int = Field(default=128, ge=8, le=512)
    val_fraction: float = Field(default=0.1, gt=0, lt=1, description="share of ids held out for validation")
    val_batches: int = Field(default=8, ge=1)
    eval_every: int = Field(default=25, ge=1, description="steps between validation + checkpoint")
    patience: int = Field(default=3, ge=1, description="evaluations without improvement before stopping")
    autocast: Autocast | None = Field(
        default=None,
        description="mixed precision of the forward passes "
        "(bf16 on CPUs and GPUs, fp16 on GPUs); None: float32 throughout",
    )
    dropout: float | None = Field(
        default=None, ge=0, lt=1, description="dropout probability of every dropout layer; None: the base model's own"
    )
    min_best_step: int | None = Field(
        default=None,
        ge=1,
        description="the earliest step whose weights may be kept as best and at which early stopping may end "
        "the run: at least warmup_steps + patience x eval_every, so that neither the untrained model nor a "
        "checkpoint inside the warmup or the patience window after it can win; None: every evaluation counts",
    )
    nproc: int = Field(
        default=1,
        ge=1,
        description="data-parallel processes (torch DDP on one machine; `harness train --nproc` overrides); "
        "the global batch stays batch_size, so the trained model does not depend on it",
    )

    @model_validator(mode="after")
    def _selection_floor(self) -> TrainParams:
        if self.min_best_step is None:
            return self
        floor = self.warmup_steps + self.patience * self.eval_every
        if self.min_best_step < floor:
            raise ValueError(
                f"min_best_step: {self.min_best_step} is inside warmup + patience window "
                f"({self.warmup_steps} + {self.patience} x {self.eval_every} = {floor})"
            )
        if self.min_best_step >= self.max_steps:
            raise ValueError(
                f"min_best_step: {self.min_best_step} leaves no evaluation before max_steps {self.max_steps}"
            )
        return self


CPU_PROFILE = "cpu"  # the declared params: sized for the 2-core CPU
PAPER_PROFILE = "paper"  # the default on a GPU (--device cuda) when a recipe declares it


class Recipe(BaseModel):
    """How a fine-tuned model is made from a registered base model."""

    model_config = ConfigDict(extra="forbid")

    base: str = Field(description="a registered model name (sentence-transformers compatible)")
    train_set: str = Field(default="mlqa-r", description="a training set in training/")
    sampler: SamplerName
    alpha: float | None = Field(default=None, description="probability of an X-X-mono batch (hybrid only)")
    seeds: list[int] = Field(default_factory=lambda: [0], min_length=1, description="seeds run by default")
    params: TrainParams = Field(default_factory=TrainParams)
    profiles: dict[str, TrainParams] = Field(
        default_factory=dict,
        description="named alternatives to params chosen with --profile (e.g. paper: the paper's GPU budget); "
        f"{CPU_PROFILE!r} names params itself",
    )

    @model_validator(mode="after")
    def _alpha(self) -> Recipe:
        if self.sampler == "hybrid":
            if self.alpha is None:
                raise ValueError("alpha: the hybrid sampler needs alpha (probability of an X-X-mono batch)")
            if not 0.0 <= self.alpha <= 1.0:
                raise ValueError(f"alpha: must lie in [0, 1], got {self.alpha}")
        elif self.alpha is not None:
            raise ValueError(f"alpha: only the hybrid sampler takes alpha (sampler is {self.sampler!r})")
        if CPU_PROFILE in self.profiles:
            raise ValueError(f"profiles: {CPU_PROFILE!r} is the recipe's own params; name the others")
        return self

    def with_profile(self, profile: str) -> Recipe:
        """The recipe trained with a profile's params (`cpu`: its own params)."""
        if profile == CPU_PROFILE:
            return self
        if profile not in self.profiles:
            known = ", ".join([CPU_PROFILE, *self.profiles])
            raise ValueError(f"no profile {profile!r} (profiles: {known})")
        return self.model_copy(update={"params": self.profiles[profile], "profiles": {}})
