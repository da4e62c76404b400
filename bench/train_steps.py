"""Training steps per second: the harness loop (harness.train.loop.train) vs a minimal plain-torch loop.

Both run in fresh subprocesses (for separate peak-memory figures), on the same model
(me5-small-torch), the same pre-drawn batches of the recipe's sampler and the same settings
(AdamW, linear warmup, clipping, frozen word embeddings, temperature). Variants alternate
(plain, harness, plain, harness, ...) so that drift on a shared machine hits both alike.
Steps/s counts steady-state steps only: from the end of step `--warmup` to the end of the last
one (the harness loop's validation and checkpoint at the very start and end fall outside).
`--recipe` picks the recipe (its batch size, sequence length and autocast unless `--float32`);
`--peak` also measures the float32 matrix-product peak on the training's shapes and reports the
share of it that the harness loop reaches (model FLOPs from the batches' padded tokens).

Usage: HARNESS_DATA_MIRROR=../shared/data .venv/bin/python bench/train_steps.py [--steps 20 --rounds 2]
       [--recipe me5-small-sweep-alpha0.5 --float32 --peak]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gemm_peak import gemm_gflops

RECIPE = "me5-small-hybrid"


def batches_and_model(steps: int, recipe: str = RECIPE, float32: bool = False) -> tuple[object, list, object, object]:
    from harness.models.factory import build_model
    from harness.models.model_spec import load_models
    from harness.train.samplers import make_sampler
    from harness.train.trained import TrainedModelRef

    models = load_models()
    ref = TrainedModelRef(recipe, models[recipe], 0, models)
    update = {"max_steps": steps, "eval_every": 10_000, "val_batches": 1} | ({"autocast": None} if float32 else {})
    params = ref.recipe.params.model_copy(update=update)
    sampler = make_sampler(ref.recipe.sampler, ref.data, params.batch_size, 0, ref.recipe.alpha)
    batches = [sampler.next_batch() for _ in range(steps + 1)]
    encoder = build_model("me5-small-torch", models["me5-small-torch"], models=models)
    return encoder.sentence_transformer, batches, params, ref.prefixes


class Replay:
    """A sampler that hands out pre-drawn batches (the harness loop's sampler interface)."""

    def __init__(self, batches: list) -> None:
        self.batches, self.index = batches, 0

    def next_batch(self) -> object:
        self.index += 1
        return self.batches[self.index - 1]

    def state(self) -> dict:
        return {"index": self.index}

    def set_state(self, state: dict) -> None:
        self.index = state["index"]


class Stamps:
    """Reporter recording the wall time at the end of every step."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def begin(self, total: int, done: int) -> None:
        return None

    def step(self, step: int, loss: float) -> None:
        self.times.append(time.perf_counter())

    def validated(self, step: int, val_loss: float, best: bool) -> None:
        return None


def run_harness(steps: int, recipe: str, float32: bool) -> list[float]:
    from harness.models.model_spec import Prefixes
    from harness.train.loop import train

    model, batches, params, prefixes = batches_and_model(steps, recipe, float32)
    stamps = Stamps()
    with tempfile.TemporaryDirectory() as work:
        train(
            model,
            Replay(batches[1:]),
            batches[:1],
            params,
            Prefixes(query=prefixes.query, passage=prefixes.passage),
            Path(work),
            seed=0,
            reporter=stamps,
        )
    return stamps.times


def run_plain(steps: int, recipe: str, float32: bool) -> list[float]:
    """The minimal loop: tokenizer -> BertModel -> mean pooling -> InfoNCE -> AdamW step (float32 only)."""
    import torch
    import torch.nn.functional as F
    from transformers import get_linear_schedule_with_warmup

    model, batches, params, prefixes = batches_and_model(steps, recipe, float32)
    torch.manual_seed(0)
    bert, tokenizer = model[0].auto_model, model.tokenizer
    bert.get_input_embeddings().weight.requires_grad_(False)
    trainable = [p for p in bert.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=params.lr, weight_decay=params.weight_decay)
    scheduler = get_linear_schedule_with_warmup(optimizer, params.warmup_steps, params.max_steps)
    bert.train()

    def embed(texts: list[str]) -> torch.Tensor:
        tokens = tokenizer(texts, padding=True, truncation=True, max_length=params.max_seq_length, return_tensors="pt")
        hidden = bert(**tokens).last_hidden_state
        mask = tokens["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return F.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)

    times = []
    for batch in batches[1:]:
        q = embed([prefixes.query + t for t in batch.queries])
        p = embed([prefixes.passage + t for t in batch.positives])
        loss = F.cross_entropy(q @ p.T / params.temperature, torch.arange(len(q)))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, params.max_grad_norm)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        times.append(time.perf_counter())
    return times


def step_gflop(steps: int, recipe: str, float32: bool) -> float:
    """Model FLOPs of one training step, from the batches' padded tokens: 6 x the non-embedding weights
    per token (forward and backward of every linear layer) plus 12 x L^2 x hidden per sequence and layer
    (the attention products, forward and backward); layer norms, softmax and the optimiser are not counted."""
    model, batches, params, prefixes = batches_and_model(steps, recipe, float32)
    bert, tokenizer = model[0].auto_model, model.tokenizer
    config = bert.config
    layers = [(name, p) for name, p in bert.named_parameters() if name.startswith("encoder.") and p.dim() == 2]
    linear = sum(p.numel() for _, p in layers)
    total = 0.0
    for batch in batches[1:]:
        for prefix, texts in ((prefixes.query, batch.queries), (prefixes.passage, batch.positives)):
            shape = tokenizer(
                [prefix + t for t in texts],
                padding=True,
                truncation=True,
                max_length=params.max_seq_length,
                return_tensors="pt",
            )["input_ids"].shape
            total += (
                6 * linear * shape[0] * shape[1]
                + 12 * config.num_hidden_layers * shape[0] * shape[1] ** 2 * config.hidden_size
            )
    return total / (len(batches) - 1) / 1e9


def child(variant: str, steps: int, warmup: int, recipe: str, float32: bool) -> None:
    if variant == "peak":
        shapes = {
            "2048x2048x2048": (2048, 2048, 2048),
            "4096x384x1536": (4096, 384, 1536),
            "4096x1536x384": (4096, 1536, 384),
        }
        rates = {name: gemm_gflops(*shape) for name, shape in shapes.items()}
        print(json.dumps({"variant": "peak", "gemm_gflops": rates, "step_gflop": step_gflop(steps, recipe, float32)}))
        return
    times = (run_harness if variant == "harness" else run_plain)(steps, recipe, float32)
    steady = times[warmup - 1 :]
    rate = (len(steady) - 1) / (steady[-1] - steady[0])
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"variant": variant, "steps_per_s": rate, "peak_mib": peak_mib}))


def run_child(args: argparse.Namespace, variant: str) -> dict:
    command = [sys.executable, __file__, "--child", variant, "--steps", str(args.steps), "--warmup", str(args.warmup)]
    command += ["--recipe", args.recipe] + (["--float32"] if args.float32 else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--recipe", default=RECIPE)
    parser.add_argument("--float32", action="store_true", help="train without the recipe's autocast")
    parser.add_argument("--peak", action="store_true", help="also measure the float32 GEMM peak and the share reached")
    parser.add_argument("--child", choices=["harness", "plain", "peak"])
    args = parser.parse_args()
    if args.child:
        child(args.child, args.steps, args.warmup, args.recipe, args.float32)
        return
    rows = []
    for _ in range(args.rounds):
        for variant in ("plain", "harness"):
            rows.append(run_child(args, variant))
            print(rows[-1], flush=True)
    mean = {v: sum(r["steps_per_s"] for r in rows if r["variant"] == v) / args.rounds for v in ("plain", "harness")}
    peak = {v: max(r["peak_mib"] for r in rows if r["variant"] == v) for v in ("plain", "harness")}
    print(f"plain {mean['plain']:.3f} steps/s, peak {peak['plain']:.0f} MiB")
    print(f"harness {mean['harness']:.3f} steps/s, peak {peak['harness']:.0f} MiB")
    print(f"ratio harness/plain = {mean['harness'] / mean['plain']:.3f}")
    if args.peak:
        measured = run_child(args, "peak")
        best = max(measured["gemm_gflops"].values())
        reached = measured["step_gflop"] * mean["harness"]
        print(f"float32 GEMM GFLOP/s {measured['gemm_gflops']}")
        share = reached / best
        print(f"harness: {measured['step_gflop']:.0f} GFLOP/step, {reached:.1f} GFLOP/s = {share:.0%} of the GEMM peak")


if __name__ == "__main__":
    main()
