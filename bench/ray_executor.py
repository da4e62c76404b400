"""Ray on this machine: executor overhead against the in-process executor, Ray Data encoding against the local path.

Phases (a Ray cluster on 127.0.0.1 is started first and not timed; rounds alternate the order):
  overhead  `harness run --model bm25,me5-small --tasks xquad-r-ci [--limit N]` wall time, in-process vs
            `--executor ray` on the running cluster; a fresh results folder and cache every run, so
            both encode everything; me5-small declares every core (`resources: {cpus: N}`), so its
            job has the threads the in-process run has
  encode    passages/s of one corpus (the first N passages of miracl-partial sw) into the block store:
            `CorpusEmbeddings.encode` in this process vs `encode_corpus_with_ray` with actors of
            --actor-cpus CPUs each (as many as the cluster holds)
Usage: HARNESS_DATA_MIRROR=../shared/data python bench/ray_executor.py PHASE [--rounds N] [--limit N|full]
       [--passages N] [--block N]
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SESSION = Path(tempfile.mkdtemp(prefix="ray-bench-", dir="/tmp"))
os.environ.update(  # before Ray is imported: it reads its auth settings once
    {
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(16),
        "RAY_TMPDIR": str(SESSION),
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        "RAY_USAGE_STATS_ENABLED": "0",
    }
)
REPO = Path(__file__).resolve().parent.parent
RUN = ["run", "--model", "bm25,me5-small", "--tasks", "xquad-r-ci"]


LIMIT = ["--limit", "30"]
MODELS = SESSION / "models.yaml"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def models_file(folder: Path) -> Path:
    """models.yaml with me5-small declaring every core per job (its threads under Ray), as a user would."""
    import yaml

    registry = yaml.safe_load((REPO / "models.yaml").read_text())
    registry["me5-small"]["resources"] = {"cpus": os.cpu_count()}
    path = folder / "models.yaml"
    path.write_text(yaml.safe_dump(registry))
    return path


def harness_run(extra: list[str], scratch: Path) -> float:
    """Wall seconds of one `harness run` in a fresh process (imports and model loading included)."""
    env = {**os.environ, "HARNESS_CACHE_DIR": str(scratch / "cache"), "HARNESS_MODELS_FILE": str(MODELS)}
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "harness.cli", *RUN, "--results-dir", str(scratch / "results"), *extra, *LIMIT],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return seconds


def overhead(address: str, rounds: int) -> dict:
    models_file(SESSION)
    times: dict[str, list[float]] = {"in-process": [], "ray": []}
    for round_ in range(rounds):
        order = ["in-process", "ray"] if round_ % 2 == 0 else ["ray", "in-process"]
        for name in order:
            scratch = Path(tempfile.mkdtemp(prefix="bench-", dir=SESSION))
            extra = [] if name == "in-process" else ["--executor", "ray", "--ray-address", address]
            times[name].append(harness_run(extra, scratch))
            shutil.rmtree(scratch)
    best = {name: min(values) for name, values in times.items()}
    return {"seconds": times, "best": best, "ratio_ray_over_in_process": best["ray"] / best["in-process"]}


def encode(address: str, rounds: int, passages: int, block: int, actor_cpus: int) -> dict:
    import ray

    from harness.cluster.corpus_encoding import encode_corpus_with_ray
    from harness.cluster.jobs import ModelJob, build_encoder
    from harness.data.corpus import Corpus, CorpusShard
    from harness.evaluation.embedding_blocks import CorpusEmbeddings
    from harness.model_ref import resolve_model
    from harness.models.model_spec import load_models
    from harness.tasks.corpus_loaders import load_corpus_task
    from harness.tasks.task_registry import load_tasks

    task = load_corpus_task(load_tasks()["miracl-partial"])
    (name,) = [n for n, c in task.corpora.items() if c.languages == ["sw"]]
    rows = list(itertools.islice(task.corpora[name].passages(), passages))
    shard = CorpusShard("sw-head", "sw", "bench", ids=tuple(r[0] for r in rows), texts=tuple(r[1] for r in rows))
    corpus = Corpus("miracl-partial-sw-head", (shard,))
    model = ModelJob(resolve_model("me5-small", load_models()), None)
    encoder, _ = build_encoder(model, None)
    ray.init(address=address, log_to_driver=False)
    actors = int(ray.cluster_resources()["CPU"]) // actor_cpus
    rates: dict[str, list[float]] = {"in-process": [], "ray-data": []}
    for round_ in range(rounds):
        for name in ["in-process", "ray-data"] if round_ % 2 == 0 else ["ray-data", "in-process"]:
            root = Path(tempfile.mkdtemp(prefix="blocks-", dir=SESSION))
            started = time.perf_counter()
            if name == "in-process":
                CorpusEmbeddings(encoder, corpus, block, root=root).encode(batch_size=64)
            else:
                store = CorpusEmbeddings.of_fingerprint(encoder.fingerprint, corpus, block, root=root)
                encode_corpus_with_ray(store, model, None, 64, {"num_cpus": float(actor_cpus)}, actors=actors)
            rates[name].append(passages / (time.perf_counter() - started))
            shutil.rmtree(root)
    ray.shutdown()
    best = {name: max(values) for name, values in rates.items()}
    return {
        "passages": passages,
        "block": block,
        "actors": actors,
        "cpus_per_actor": actor_cpus,
        "passages_per_s": rates,
        "best": best,
        "ratio_ray_over_in_process": best["ray-data"] / best["in-process"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("phase", choices=["overhead", "encode"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--limit", default="30", help="overhead: the run's --limit, or 'full'")
    parser.add_argument("--passages", type=int, default=256)
    parser.add_argument("--block", type=int, default=32)
    parser.add_argument("--actor-cpus", type=int, default=1, help="encode: CPUs (threads) of each encoder actor")
    args = parser.parse_args()
    LIMIT[:] = [] if args.limit == "full" else ["--limit", args.limit]
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": os.cpu_count(), "include_dashboard": False})
    try:
        before = load()
        if args.phase == "overhead":
            result = overhead(cluster.address, args.rounds)
        else:
            result = encode(cluster.address, args.rounds, args.passages, args.block, args.actor_cpus)
        print(json.dumps({"phase": args.phase, "cpus": os.cpu_count(), "before": before, "after": load(), **result}))
    finally:
        cluster.shutdown()
        shutil.rmtree(SESSION, ignore_errors=True)


if __name__ == "__main__":
    main()
