"""Inference backends of me5-small-torch on this machine: speed, share of the GEMM peak, retrieval fidelity.

Phases (each measurement in its own process, back to back; the backend order is reversed every round):
  gemm    GEMM peak per precision on the cores given (torch 2048x2048: fp32, bf16; torch._int_mm int8)
  speed   texts/s on 1,000 real XQuAD-R texts (short) and 200 MIRACL passages (long): every backend on
          the harness path (whole set sorted by token length once, batches by token budget), and torch
          fp32 through sentence-transformers `encode` (batch 32: the path used before backends)
  budget  short-text and passage texts/s per token budget, per backend (which budget is the default)
  xquad   full xquad-r (all 132 settings) through the harness per backend: macro mAP per setting and
          the largest |delta| vs torch fp32
Usage: python bench/backends.py PHASE [--rounds N] [--backends a,b] [--out FILE]
Achieved FLOP/s count only useful work: every layer's matrix products and attention over real
(unpadded) tokens, 2 FLOP per multiply-add.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gemm_peak import gemm_gflops

from harness.models.backends.backend_spec import BACKENDS as DECLARED_BACKENDS

MODEL = "me5-small-torch"
BACKENDS = [name for name, info in DECLARED_BACKENDS.items() if not info.gpu_only]  # every CPU backend
ST_ENCODE = "st-encode"  # torch fp32 through sentence-transformers encode, batch 32
SHORT, LONG = 1000, 200
BUDGETS = [1024, 2048, 4096, 8192, 16384]
GEMM_DTYPES = {"fp32": "float32", "bf16": "bfloat16", "int8": "int8"}  # precision name: the peak's operand type


def _texts() -> dict[str, list[tuple[str, str]]]:
    """(kind, text): 500 questions and 500 candidate sentences of 10 XQuAD-R languages; 200 MIRACL passages."""
    from harness.tasks.data import load_task_data
    from harness.tasks.task_registry import load_tasks

    data = load_task_data(load_tasks()["xquad-r"], 200)  # 200 question ids: enough paragraphs for 50 candidates
    langs = [lang for lang in data.languages if lang != "ro"][:10]
    short = [("query", q) for lang in langs for q in data.languages[lang].questions[:50]]
    short += [("passage", c) for lang in langs for c in data.languages[lang].candidates[:50]]
    miracl = load_task_data(load_tasks()["miracl-partial"], None).corpus_task
    assert miracl is not None
    long = []
    for corpus in miracl.corpora.values():  # the first passages of each language's corpus, in turn
        for _, text, _ in itertools.islice(corpus.passages(), LONG // len(miracl.corpora) + 1):
            long.append(("passage", text))
    return {"short": short[:SHORT], "long": long[:LONG]}


def _encoder(backend: str):
    from harness.models.factory import build_model
    from harness.models.model_spec import load_models

    name = "torch" if backend == ST_ENCODE else backend
    return build_model(MODEL, load_models()[MODEL], backend=name)


def _useful_flops(encoder, lengths: list[int]) -> float:
    config = encoder.sentence_transformer[0].auto_model.config
    d, ffn, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    per_layer = [2 * n * (4 * d * d + 2 * d * ffn) + 4 * n * n * d for n in lengths]
    return float(layers * sum(per_layer))


def _run_set(encoder, items: list[tuple[str, str]], budget: int | None, st_encode: bool) -> dict:
    import numpy as np

    from harness.models.batching import padding_factor

    by_kind: dict[str, list[str]] = {}
    for kind, text in items:
        by_kind.setdefault(kind, []).append(text)
    lengths = [n for kind, texts in by_kind.items() for n in encoder.token_lengths(texts, kind)]
    if budget is not None:
        encoder.token_budget = budget
    start = time.perf_counter()
    plans = []
    for kind, texts in by_kind.items():
        if st_encode:
            prefix = "query: " if kind == "query" else "passage: "
            encoder.sentence_transformer.encode([prefix + t for t in texts], batch_size=32, normalize_embeddings=True)
            continue
        plan = encoder.plan(texts, kind, 256)
        plans.append((encoder.token_lengths(texts, kind), plan))
        for rows in plan:
            encoder.encode([texts[i] for i in rows], kind)
    seconds = time.perf_counter() - start
    pad = [padding_factor(lens, plan) for lens, plan in plans]
    return {
        "texts": len(items),
        "seconds": seconds,
        "texts_per_s": len(items) / seconds,
        "tokens": int(np.sum(lengths)),
        "gflops": _useful_flops(encoder, lengths) / seconds / 1e9,
        "padding": float(np.mean(pad)) if pad else None,
    }


def child_speed(backend: str, budget: int | None) -> dict:
    texts = _texts()
    encoder = _encoder(backend)
    warm = texts["short"][:64]
    _run_set(encoder, warm, budget, backend == ST_ENCODE)
    return {
        "backend": backend,
        "budget": budget or encoder.token_budget,
        **{name: _run_set(encoder, items, budget, backend == ST_ENCODE) for name, items in texts.items()},
    }


def child_gemm() -> dict:
    import torch

    rates = {name: gemm_gflops(2048, 2048, 2048, dtype) for name, dtype in GEMM_DTYPES.items()}
    return {"threads": torch.get_num_threads(), **rates}


def child_xquad(backend: str, results: str) -> dict:
    from harness.run import RunOptions, run_tasks
    from harness.tasks.task_registry import load_tasks

    encoder = _encoder(backend)
    start = time.perf_counter()
    [outcome] = run_tasks(
        f"{MODEL}@{backend}", encoder, [load_tasks()["xquad-r"]], RunOptions(results_dir=Path(results), backend=backend)
    )
    summary = json.loads(outcome.path.read_text())
    return {
        "backend": backend,
        "seconds": time.perf_counter() - start,
        "encoded": summary["cache"]["encoded_texts"],
        "mAP": {s: v["mAP"] for s, v in summary["settings"].items()},
        "settings": {
            s: {p: v["mAP"] for p, v in values.get("by_pair", values.get("by_lang", {})).items()}
            for s, values in summary["settings"].items()
        },
    }


def _child(*args: str) -> dict:
    """One measurement in a fresh process; the converted model and the exports are shared by all of them."""
    env = {**os.environ, "HARNESS_CACHE_DIR": os.environ["BENCH_CACHE_DIR"]}
    done = subprocess.run([sys.executable, __file__, "--child", *args], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("phase", choices=["gemm", "speed", "budget", "xquad"])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    ns = parser.parse_args()
    if ns.child:
        phase, rest = ns.phase, ns.args
        result = (
            child_gemm()
            if phase == "gemm"
            else child_speed(rest[0], int(rest[1]) or None)
            if phase in ("speed", "budget")
            else child_xquad(rest[0], rest[1])
        )
        print(json.dumps(result))
        return
    backends = ns.backends.split(",")
    if "BENCH_CACHE_DIR" not in os.environ:
        os.environ["BENCH_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-backends-")
    load = {"load_before": os.getloadavg()}
    rows: list[dict] = []
    if ns.phase == "gemm":
        rows = [_child("gemm") for _ in range(ns.rounds)]
    elif ns.phase == "speed":
        for round_ in range(ns.rounds):
            order = [ST_ENCODE, *backends] if round_ % 2 == 0 else [*reversed(backends), ST_ENCODE]
            for backend in order:
                rows.append({"round": round_, **_child("speed", backend, "0")})
                print(json.dumps(rows[-1]), flush=True)
    elif ns.phase == "budget":
        for backend in backends:
            for budget in BUDGETS:
                rows.append(_child("budget", backend, str(budget)))
                print(json.dumps(rows[-1]), flush=True)
    else:
        with tempfile.TemporaryDirectory() as results:
            for backend in ["torch", *[b for b in backends if b != "torch"]]:
                rows.append(_child("xquad", backend, results))
                print(json.dumps({k: v for k, v in rows[-1].items() if k != "settings"}), flush=True)
        reference = rows[0]["settings"]
        for row in rows:
            deltas = [abs(row["settings"][s][p] - reference[s][p]) for s in reference for p in reference[s]]
            row["max_abs_delta_view"] = max(deltas)
            row["max_abs_delta_macro"] = max(abs(row["mAP"][s] - rows[0]["mAP"][s]) for s in row["mAP"])
    load["load_after"] = os.getloadavg()
    report = {"phase": ns.phase, **load, "cpu_count": os.cpu_count(), "rows": rows}
    text = json.dumps(report, indent=1)
    if ns.out:
        ns.out.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
