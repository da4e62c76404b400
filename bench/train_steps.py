"""Training steps per second: the harness loop (harness.train.loop.train) vs a minimal plain-torch loop.

Both run in fresh subprocesses (for separate peak-memory figures), on the same model
(me5-small-torch), the same pre-drawn batches of the recipe's sampler and the same settings
(AdamW, linear warmup, clipping, frozen word embeddings, temperature). Variants alternate
(plain, harness, plain, harness, ...) so that drift on a shared machine hits both alike.
Steps/s counts steady-state steps only: from the end of step `--warmup` to the end of the last
one (the harness loop's validation and checkpoint at the very start and end fall outside).

Usage: HARNESS_DATA_MIRROR=../shared/data .venv/bin/python bench/train_steps.py [--steps 20 --rounds 2]
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

RECIPE = "me5-small-hybrid"


def batches_and_model(steps: int) -> tuple[object, list, object, object]:
    from harness.models.factory import build_model
    from harness.models.model_spec import load_models
    from harness.train.samplers import make_sampler
    from harness.train.trained import TrainedModelRef

    models = load_models()
    ref = TrainedModelRef(RECIPE, models[RECIPE], 0, models)
    params = ref.recipe.params.model_copy(update={"max_steps": steps, "eval_every": 10_000, "val_batches": 1})
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


def run_harness(steps: int) -> list[float]:
    from harness.models.model_spec import Prefixes
    from harness.train.loop import train

    model, batches, params, prefixes = batches_and_model(steps)
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


def run_plain(steps: int) -> list[float]:
    """The minimal loop: tokenizer -> BertModel -> mean pooling -> InfoNCE -> AdamW step."""
    import torch
    import torch.nn.functional as F
    from transformers import get_linear_schedule_with_warmup

    model, batches, params, prefixes = batches_and_model(steps)
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


def child(variant: str, steps: int, warmup: int) -> None:
    times = (run_harness if variant == "harness" else run_plain)(steps)
    steady = times[warmup - 1 :]
    rate = (len(steady) - 1) / (steady[-1] - steady[0])
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"variant": variant, "steps_per_s": rate, "peak_mib": peak_mib}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--child", choices=["harness", "plain"])
    args = parser.parse_args()
    if args.child:
        child(args.child, args.steps, args.warmup)
        return
    rows = []
    for _ in range(args.rounds):
        for variant in ("plain", "harness"):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    variant,
                    "--steps",
                    str(args.steps),
                    "--warmup",
                    str(args.warmup),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
            print(rows[-1], flush=True)
    mean = {v: sum(r["steps_per_s"] for r in rows if r["variant"] == v) / args.rounds for v in ("plain", "harness")}
    peak = {v: max(r["peak_mib"] for r in rows if r["variant"] == v) for v in ("plain", "harness")}
    print(f"plain {mean['plain']:.3f} steps/s, peak {peak['plain']:.0f} MiB")
    print(f"harness {mean['harness']:.3f} steps/s, peak {peak['harness']:.0f} MiB")
    print(f"ratio harness/plain = {mean['harness'] / mean['plain']:.3f}")


if __name__ == "__main__":
    main()
