"""XQuAD-R with me5-small: encode-once evaluation vs the bare engine and vs per-pair re-encoding.

Phases, each in its own process so peak memory (ru_maxrss) is per phase:
  a  bare engine: encode every distinct question / candidate once, nothing else
  b  harness: full evaluation of all 132 settings from an empty embedding cache
  c  harness: the same rerun with a warm embedding cache
  d  per-pair baseline: every setting encodes its own queries and pool again, as per-subset
     evaluators do (same metrics code)
Usage: python bench/xquad_r_encode_once.py [--limit N] [--phases abcd] [--out FILE]
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

MODEL = "me5-small"
BATCH = 64


def _encoder():
    from harness.models.factory import build_model
    from harness.models.model_spec import get_model_spec, load_models

    return build_model(MODEL, get_model_spec(MODEL, load_models()))


def _data(limit: int | None):
    from harness.tasks.data import load_task_data
    from harness.tasks.task_registry import load_tasks

    return load_task_data(load_tasks()["xquad-r"], limit)


def _encode_all(encoder, texts: list[str], kind: str) -> None:
    for i in range(0, len(texts), BATCH):
        encoder.encode(texts[i : i + BATCH], kind)


def phase_a(limit: int | None) -> dict:
    data, encoder = _data(limit), _encoder()
    queries = list(dict.fromkeys(q for rec in data.languages.values() for q in rec.questions))
    passages = list(dict.fromkeys(c for rec in data.languages.values() for c in rec.candidates))
    start = time.perf_counter()
    _encode_all(encoder, queries, "query")
    _encode_all(encoder, passages, "passage")
    return {"seconds": time.perf_counter() - start, "texts": len(queries) + len(passages)}


def phase_harness(limit: int | None, results_dir: str) -> dict:
    from harness.run import RunOptions, run_tasks
    from harness.tasks.task_registry import load_tasks

    encoder = _encoder()
    start = time.perf_counter()
    options = RunOptions(results_dir=Path(results_dir), overwrite=True, batch_size=BATCH, limit=limit)
    outcome = run_tasks(MODEL, encoder, [load_tasks()["xquad-r"]], options)[0]
    seconds = time.perf_counter() - start
    views = sum(s["n_pairs"] for s in outcome.summary["settings"].values())
    return {"seconds": seconds, "views": views, "main_score": outcome.summary["main_score"]["value"]}


def phase_d(limit: int | None) -> dict:
    import numpy as np

    from harness.evaluation.full_rank_metrics import FULL_RANK_METRICS
    from harness.evaluation.relevant_ranks import pad_relevant, relevant_ranks

    data, encoder = _data(limit), _encoder()
    langs = data.spec.languages
    recs = data.languages

    def embed(texts: list[str], kind: str) -> np.ndarray:
        return np.concatenate([encoder.encode(texts[i : i + BATCH], kind) for i in range(0, len(texts), BATCH)])

    start, views, encoded, maps = time.perf_counter(), 0, 0, []
    for x in langs:
        for pool in [[y] for y in langs] + [list(langs)]:
            texts = [c for y in pool for c in recs[y].candidates]
            offsets = np.cumsum([0] + [len(recs[y].candidates) for y in pool])
            relevant = [
                [int(offsets[i] + recs[y].gold[q]) for i, y in enumerate(pool) if q in recs[y].gold]
                for q in recs[x].question_ids
            ]
            scores = embed(recs[x].questions, "query") @ embed(texts, "passage").T
            ranks = relevant_ranks(scores, pad_relevant(relevant))
            maps.append(float(FULL_RANK_METRICS["mAP"](ranks).mean()))
            views += 1
            encoded += len(recs[x].questions) + len(texts)
    return {"seconds": time.perf_counter() - start, "views": views, "texts_encoded": encoded}


def child(phase: str, limit: int | None, cache: str, results_dir: str) -> None:
    import os

    os.environ["HARNESS_CACHE_DIR"] = cache
    runners = {"a": lambda: phase_a(limit), "d": lambda: phase_d(limit)}
    result = runners.get(phase, lambda: phase_harness(limit, results_dir))()
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--phases", default="abc")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--cache", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--results", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.limit, args.cache, args.results)
        return
    work = Path(tempfile.mkdtemp(prefix="bench-xquad-r-"))
    cache, results = work / "cache", work / "results"
    report: dict[str, object] = {"limit": args.limit, "model": MODEL, "batch_size": BATCH}
    for phase in args.phases:  # b before c: c reuses the cache b filled
        cmd = [sys.executable, __file__, "--child", phase, "--cache", str(cache), "--results", str(results)]
        if args.limit:
            cmd += ["--limit", str(args.limit)]
        line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        report[phase] = json.loads(line)
        print(phase, report[phase], flush=True)
    seconds = {p: report[p]["seconds"] for p in args.phases}  # type: ignore[index]
    if "a" in seconds and "b" in seconds:
        report["b_over_a"] = seconds["b"] / seconds["a"]
    if "b" in seconds and "d" in seconds:
        report["d_over_b"] = seconds["d"] / seconds["b"]
    print(json.dumps(report, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n")


if __name__ == "__main__":
    main()
