"""Passage-encoding throughput of the multilingual-E5 architectures on a GPU, for sizing full MIRACL runs.

Runs on a machine with torch + transformers and a CUDA device (no harness import needed there).
Input: real XLM-R token ids of the miracl-partial passages (`--tokens`, written on a machine with
the harness by `bench/miracl_partial.py --export-tokens`), so lengths and padding are MIRACL's.
The weights are random: throughput depends on the architecture, not on the weight values.
Padding and pinning happen once before timing (`host_padding_seconds`); the timed loop is the
GPU side: copies, encoder, pooling, normalisation, copy back.

    python3 bench/gpu_encode_throughput.py --tokens bench/out/miracl_partial_tokens.npz --out out.json
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch
from transformers import BertConfig, BertModel

ARCHS = {  # multilingual-e5-{small,base,large}: BERT / XLM-R encoders over a 250k vocabulary
    "me5-small": {"hidden_size": 384, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 1536},
    "me5-base": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072},
    "me5-large": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16, "intermediate_size": 4096},
}


def batches(lengths: np.ndarray, batch: int) -> list[np.ndarray]:
    """Passage indices grouped by length (sorted), as a length-bucketing encoder would feed them."""
    order = np.argsort(lengths, kind="stable")
    return [order[i : i + batch] for i in range(0, len(order), batch)]


def padded_batches(ids: np.ndarray, offsets: np.ndarray, batch: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """Length-sorted, padded (token, mask) batches in pinned host memory (the CPU side, built once)."""
    lengths = np.diff(offsets)
    out = []
    for group in batches(lengths, batch):
        width = int(lengths[group].max())
        tokens = np.ones((len(group), width), dtype=np.int64)  # pad id 1 (XLM-R)
        mask = np.arange(width)[None, :] < lengths[group][:, None]
        for row, i in enumerate(group):
            tokens[row, : lengths[i]] = ids[offsets[i] : offsets[i + 1]]
        out.append((torch.from_numpy(tokens).pin_memory(), torch.from_numpy(mask.astype(np.int64)).pin_memory()))
    return out


def encode_all(model: BertModel, prepared: list[tuple[torch.Tensor, torch.Tensor]], device: str) -> float:
    """Seconds for host-to-device copies, the encoder, mean pooling, L2 norm and copy back, synchronised."""
    torch.cuda.synchronize()
    start = time.perf_counter()
    with torch.inference_mode():
        for tokens, mask in prepared:
            t, m = tokens.to(device, non_blocking=True), mask.to(device, non_blocking=True)
            hidden = model(input_ids=t, attention_mask=m).last_hidden_state
            pooled = (hidden * m.unsqueeze(-1)).sum(1) / m.sum(1, keepdim=True)
            torch.nn.functional.normalize(pooled.float(), dim=-1).cpu()
    torch.cuda.synchronize()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--archs", default=",".join(ARCHS))
    args = parser.parse_args()
    data = np.load(args.tokens)
    ids, offsets = data["ids"], data["offsets"]
    device = "cuda"
    report = {
        "device": torch.cuda.get_device_name(0),
        "torch": torch.__version__,
        "passages": len(offsets) - 1,
        "mean_tokens": float(np.diff(offsets).mean()),
        "batch": args.batch,
        "dtype": "bfloat16",
        "runs": {},
    }
    start = time.perf_counter()
    prepared = padded_batches(ids, offsets, args.batch)
    report["host_padding_seconds"] = round(time.perf_counter() - start, 3)
    for name in args.archs.split(","):
        config = BertConfig(
            vocab_size=250037, max_position_embeddings=512, pad_token_id=1, attn_implementation="sdpa", **ARCHS[name]
        )
        model = BertModel(config, add_pooling_layer=False).to(device, dtype=torch.bfloat16).eval()
        encode_all(model, prepared[:4], device)  # warm-up
        seconds = encode_all(model, prepared, device)
        report["runs"][name] = {"seconds": round(seconds, 3), "passages_per_s": round((len(offsets) - 1) / seconds, 1)}
        print(name, report["runs"][name], flush=True)
        del model
        torch.cuda.empty_cache()
    with open(args.out, "w") as handle:
        json.dump(report, handle, indent=1)


if __name__ == "__main__":
    main()
