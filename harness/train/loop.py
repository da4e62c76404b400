"""Contrastive fine-tuning loop: InfoNCE, AdamW + linear warmup, clipping, validation, early stopping, resume.

The loop is written here rather than taken from sentence-transformers' trainer because the
batch composition (one language, or query and passage in different languages) is the object
of study: each step draws a whole batch from a sampler, which the trainer's per-example
dataset samplers cannot express.
"""

from __future__ import annotations

import contextlib
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import torch
import torch.nn.functional as F

from harness.models.model_spec import Prefixes
from harness.models.recipe import TrainParams
from harness.train import checkpoint
from harness.train.distributed import Ranks, gather_rows, slice_of
from harness.train.infonce import false_negative_mask, info_nce
from harness.train.samplers import Batch, Sampler


class TrainReporter(Protocol):
    """What the loop tells its caller (the CLI shows it as a progress bar with the loss)."""

    def begin(self, total: int, done: int) -> None: ...
    def step(self, step: int, loss: float) -> None: ...
    def validated(self, step: int, val_loss: float, best: bool) -> None: ...


class NullReporter:
    """Reports nothing."""

    def begin(self, total: int, done: int) -> None:
        return None

    def step(self, step: int, loss: float) -> None:
        return None

    def validated(self, step: int, val_loss: float, best: bool) -> None:
        return None


@dataclass
class TrainOutcome:
    """How a training run went (stored in the model folder and in result provenance)."""

    steps: int
    best_step: int
    best_val_loss: float
    stopped_early: bool
    seconds: float
    resumed_from: int
    history: list[dict[str, float]] = field(default_factory=list)


def embed(model: Any, texts: list[str], prefix: str, device: str, forward: Any = None) -> torch.Tensor:
    """L2-normalised sentence embeddings with gradients (sentence-transformers forward pass; `forward`: the
    module to call instead of `model`, e.g. its DistributedDataParallel wrapper)."""
    tokenize = getattr(model, "preprocess", None) or model.tokenize
    features = tokenize([prefix + text for text in texts])
    features = {k: v.to(device) if isinstance(v, torch.Tensor) else v for k, v in features.items()}
    return F.normalize((forward or model)(features)["sentence_embedding"], dim=-1)


def batch_loss(
    model: Any,
    batch: Batch,
    params: TrainParams,
    prefixes: Prefixes,
    device: str,
    ranks: Ranks | None = None,
    forward: Any = None,
) -> torch.Tensor:
    """InfoNCE of one batch: positives and hard negatives of all items are every query's candidates.

    Across several ranks each encodes its slice of the batch and the slices are gathered with
    gradient (harness.train.distributed), so every rank computes the loss of the whole batch.
    """
    ranks = ranks or Ranks()
    candidate_texts = batch.positives + batch.negatives
    mask = false_negative_mask(batch.positives, candidate_texts)
    if not ranks.distributed:
        queries = embed(model, batch.queries, prefixes.query, device, forward)
        candidates = embed(model, candidate_texts, prefixes.passage, device, forward)
    else:  # positives and negatives gathered apart, so the candidates keep the single-process order

        def gathered(texts: list[str], prefix: str) -> torch.Tensor:
            return gather_rows(embed(model, slice_of(texts, ranks), prefix, device, forward), len(texts), ranks)

        queries = gathered(batch.queries, prefixes.query)
        parts = [gathered(batch.positives, prefixes.passage)]
        if batch.negatives:
            parts.append(gathered(batch.negatives, prefixes.passage))
        candidates = torch.cat(parts)
    return info_nce(queries, candidates, params.temperature, mask)


def validation_loss(
    model: Any, batches: list[Batch], params: TrainParams, prefixes: Prefixes, device: str, ranks: Ranks | None = None
) -> float:
    """Mean loss over fixed held-out batches, in eval mode (no dropout), without gradients (the same value on
    every rank, so all of them stop at the same step)."""
    model.eval()
    with torch.no_grad(), autocast(params, device):
        losses = [float(batch_loss(model, b, params, prefixes, device, ranks)) for b in batches]
    model.train()
    return sum(losses) / len(losses)


def autocast(params: TrainParams, device: str) -> contextlib.AbstractContextManager:
    """torch autocast in the recipe's precision (weights, gradients and optimiser stay float32); off if unset."""
    if params.autocast is None:
        return contextlib.nullcontext()
    dtype = torch.bfloat16 if params.autocast == "bf16" else torch.float16
    return torch.autocast(device_type=torch.device(device).type, dtype=dtype)


def emulated_autocast(params: TrainParams, device: str) -> str | None:
    """A one-line warning when the recipe's bf16 autocast runs on a CPU without bfloat16 instructions, which
    torch emulates (about 90 s per me5-small step on an AVX2-only AMD EPYC, about 1 s with AMX); else None."""
    from harness.cpu_features import cpu_has_bf16

    if params.autocast != "bf16" or torch.device(device).type != "cpu" or cpu_has_bf16():
        return None
    return (
        "the recipe trains with autocast bf16, which this CPU (no avx512_bf16 or amx_bf16 in /proc/cpuinfo) "
        "emulates: expect each step to take tens of times longer than on a CPU with bfloat16 instructions"
    )


def set_dropout(model: Any, probability: float) -> None:
    """Every dropout layer of the model drops with `probability` (the recipe's `dropout`)."""
    for module in model.modules():
        if isinstance(module, torch.nn.Dropout):
            module.p = probability


def freeze_word_embeddings(model: Any) -> None:
    """Stop training the (250k-row) token embedding matrix."""
    for module in model.modules():
        getter = getattr(module, "get_input_embeddings", None)
        if callable(getter) and getter() is not None:
            getter().weight.requires_grad_(False)
            return


def data_parallel(model: Any, ranks: Ranks, device: str) -> Any:
    """The module a training step calls: `model` itself, or its DistributedDataParallel wrapper across ranks
    (static graph: a step calls it twice, queries then passages, and the base's pooler gets no gradient)."""
    if not ranks.distributed:
        return None
    from torch.nn.parallel import DistributedDataParallel

    ids = [torch.device(device).index] if torch.device(device).type == "cuda" else None
    return DistributedDataParallel(model, device_ids=ids, static_graph=True)


def train(
    model: Any,
    sampler: Sampler,
    val_batches: list[Batch],
    params: TrainParams,
    prefixes: Prefixes,
    work_dir: Path,
    seed: int,
    device: str = "cpu",
    reporter: TrainReporter | None = None,
    ranks: Ranks | None = None,
) -> TrainOutcome:
    """Train `model` in place (ending with its best-validation weights); resumes from `work_dir`.

    Across several ranks (an initialised process group) every rank runs this with the same sampler
    seed; rank 0 alone writes checkpoints and reports, and any number of ranks resumes them.
    """
    ranks = ranks or Ranks()
    reporter = (reporter or NullReporter()) if ranks.is_main else NullReporter()
    slow = emulated_autocast(params, device)
    if slow is not None and ranks.is_main:
        print(f"warning: {slow}", file=sys.stderr, flush=True)
    torch.manual_seed(seed)
    trainable, optimizer, scheduler = _setup(model, params, device)
    state = _resume(work_dir, model, optimizer, scheduler, sampler)
    resumed_from = state["step"]
    reporter.begin(params.max_steps, state["step"])
    model.train()
    forward = data_parallel(model, ranks, device)
    started = time.perf_counter() - state["seconds"]
    if not state["history"]:  # the untrained model is a candidate too: fine-tuning may only hurt
        _validate(model, val_batches, params, prefixes, device, state, None, work_dir, reporter, ranks)
    while state["step"] < params.max_steps and not state["stopped_early"]:
        with autocast(params, device):
            loss = batch_loss(model, sampler.next_batch(), params, prefixes, device, ranks, forward)
        loss.backward()
        train_loss = loss.detach().item()  # a plain float: no tensor that requires grad is converted
        torch.nn.utils.clip_grad_norm_(trainable, params.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        state["step"] += 1
        reporter.step(state["step"], train_loss)
        if state["step"] % params.eval_every == 0 or state["step"] == params.max_steps:
            _validate(model, val_batches, params, prefixes, device, state, train_loss, work_dir, reporter, ranks)
            state["seconds"] = time.perf_counter() - started
            if ranks.is_main:
                _save_checkpoint(work_dir, model, optimizer, scheduler, sampler, state)
    if ranks.distributed:  # rank 0 has written the best weights before any rank reads them
        torch.distributed.barrier()
    best = checkpoint.load(work_dir / checkpoint.BEST)
    if best is not None:
        checkpoint.load_trainable(model, best)
    return TrainOutcome(
        steps=state["step"],
        best_step=state["best_step"],
        best_val_loss=state["best_val"],
        stopped_early=state["stopped_early"],
        seconds=time.perf_counter() - started,
        resumed_from=resumed_from,
        history=state["history"],
    )


def _setup(model: Any, params: TrainParams, device: str) -> tuple[list[Any], Any, Any]:
    """The model on its device with its frozen parts and dropout set; its trainable parameters, AdamW and the
    linear warmup schedule."""
    from transformers import get_linear_schedule_with_warmup

    model.to(device)
    model.max_seq_length = params.max_seq_length
    if params.freeze_word_embeddings:
        freeze_word_embeddings(model)
    if params.dropout is not None:
        set_dropout(model, params.dropout)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=params.lr, weight_decay=params.weight_decay)
    return trainable, optimizer, get_linear_schedule_with_warmup(optimizer, params.warmup_steps, params.max_steps)


def _resume(work_dir: Path, model: Any, optimizer: Any, scheduler: Any, sampler: Sampler) -> dict[str, Any]:
    """The loop's state: fresh, or restored with the weights, optimizer, schedule, sampler and RNG of the last
    checkpoint in `work_dir`."""
    saved = checkpoint.load(work_dir / checkpoint.CHECKPOINT)
    if saved is None:
        return {
            "step": 0,
            "best_val": float("inf"),
            "best_step": 0,
            "bad_evals": 0,
            "history": [],
            "seconds": 0.0,
            "stopped_early": False,
        }
    checkpoint.load_trainable(model, saved["trainable"])
    optimizer.load_state_dict(saved["optimizer"])
    scheduler.load_state_dict(saved["scheduler"])
    sampler.set_state(saved["sampler"])
    torch.set_rng_state(saved["torch_rng"])
    return saved["state"]


def _save_checkpoint(
    work_dir: Path, model: Any, optimizer: Any, scheduler: Any, sampler: Sampler, state: dict[str, Any]
) -> None:
    """Everything `_resume` restores, written atomically."""
    checkpoint.save(
        work_dir / checkpoint.CHECKPOINT,
        {
            "trainable": checkpoint.trainable_state(model),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "sampler": sampler.state(),
            "torch_rng": torch.get_rng_state(),
            "state": state,
        },
    )


def _validate(
    model: Any,
    val_batches: list[Batch],
    params: TrainParams,
    prefixes: Prefixes,
    device: str,
    state: dict[str, Any],
    train_loss: float | None,
    work_dir: Path,
    reporter: TrainReporter,
    ranks: Ranks,
) -> None:
    """Validation loss; keep the best weights (rank 0 writes them); count evaluations without improvement."""
    val = validation_loss(model, val_batches, params, prefixes, device, ranks)
    eligible = params.min_best_step is None or state["step"] >= params.min_best_step
    improved = eligible and val < state["best_val"]
    state["history"].append({"step": state["step"], "train_loss": train_loss, "val_loss": val})
    if improved:
        state["best_val"], state["best_step"], state["bad_evals"] = val, state["step"], 0
        if ranks.is_main:
            checkpoint.save(work_dir / checkpoint.BEST, checkpoint.trainable_state(model))
    elif eligible:  # before the selection floor an evaluation is recorded, never counted
        state["bad_evals"] += 1
        state["stopped_early"] = state["bad_evals"] >= params.patience
    reporter.validated(state["step"], val, improved)
