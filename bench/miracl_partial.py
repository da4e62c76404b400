"""Large-corpus path on real MIRACL passages: block encoding throughput, FAISS search time, memory.

Phases (each prints one JSON line and adds it to bench/out/miracl_partial.json):
  encode   encode the miracl-partial passages of some languages into a fresh block store with a model
  search   exact (IndexFlatIP, block by block) vs IVF / HNSW search of `--queries` x top-100 over
           `--rows` synthetic 384-d unit vectors (the MIRACL shape) and the real pool when encoded
  tokens   export the XLM-R token ids of every miracl-partial passage (for bench/gpu_encode_throughput.py)

    HARNESS_DATA_MIRROR=../shared/data .venv/bin/python bench/miracl_partial.py encode --model me5-small --langs sw,yo
    .venv/bin/python bench/miracl_partial.py search --rows 33000,1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import numpy as np

from harness.evaluation.embedding_blocks import CorpusEmbeddings
from harness.evaluation.faiss_search import build_index, exact_search, index_search, overlap_at_k
from harness.paths import model_cache_dir
from harness.tasks.corpus_loaders import load_corpus_task
from harness.tasks.search_spec import SearchSpec
from harness.tasks.task_registry import load_tasks

T = TypeVar("T")
OUT = Path(__file__).parent / "out" / "miracl_partial.json"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def record(entry: dict) -> None:
    print(json.dumps(entry), flush=True)
    OUT.parent.mkdir(exist_ok=True)
    runs = json.loads(OUT.read_text()) if OUT.is_file() else []
    OUT.write_text(json.dumps([*runs, entry], indent=1) + "\n")


def phase_encode(model_name: str, langs: list[str], block: int) -> None:
    from harness.models.factory import build_model
    from harness.models.model_spec import get_model_spec, load_models

    registry = load_models()
    encoder = build_model(model_name, get_model_spec(model_name, registry), models=registry)
    task = load_corpus_task(load_tasks()["miracl-partial"])
    with tempfile.TemporaryDirectory() as root:
        total, seconds, size = 0, 0.0, 0
        for lang in langs:
            store = CorpusEmbeddings(encoder, task.corpora[lang], block, root=Path(root))
            stats: dict = {}
            start = time.perf_counter()
            store.encode(batch_size=64, stats=stats)
            seconds += time.perf_counter() - start
            total += stats.get("encoded_texts", 0)
            size += sum(p.stat().st_size for p in store.folder.iterdir())
    record(
        {
            "phase": "encode",
            "model": model_name,
            "langs": langs,
            "passages": total,
            "seconds": round(seconds, 1),
            "passages_per_s": round(total / seconds, 1),
            "store_bytes_per_passage": round(size / total, 1),
            "peak_rss_mib": round(peak_rss_mib(), 1),
        }
    )


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def phase_search(rows: int, queries: int, dim: int, block_rows: int) -> None:
    rng = np.random.default_rng(0)
    # clustered unit vectors: retrieval embeddings are not uniform on the sphere
    centres = rng.standard_normal((256, dim)).astype(np.float32)
    corpus = centres[rng.integers(0, 256, rows)] + 0.7 * rng.standard_normal((rows, dim)).astype(np.float32)
    corpus /= np.linalg.norm(corpus, axis=1, keepdims=True)
    q = corpus[rng.integers(0, rows, queries)] + 0.3 * rng.standard_normal((queries, dim)).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)

    def blocks() -> Iterator[tuple[int, np.ndarray]]:
        return ((s, corpus[s : s + block_rows]) for s in range(0, rows, block_rows))

    (_, exact), t_exact = _timed(lambda: exact_search(q, blocks(), 100))
    entry = {
        "phase": "search",
        "rows": rows,
        "queries": queries,
        "dim": dim,
        "k": 100,
        "exact_seconds": round(t_exact, 2),
        "exact_ms_per_query": round(1000 * t_exact / queries, 2),
    }
    for spec in (
        SearchSpec(index="ivf", nlist=max(1, int(4 * rows**0.5)), nprobe=32),
        SearchSpec(index="hnsw", hnsw_m=32, ef_search=128),
    ):
        index, t_build = _timed(lambda spec=spec: build_index(spec, blocks, dim, rows))
        (_, approx), t_search = _timed(lambda index=index: index_search(index, q, 100))
        entry[spec.index] = {
            "build_seconds": round(t_build, 1),
            "search_seconds": round(t_search, 2),
            "overlap@100": round(float(overlap_at_k(approx, exact).mean()), 4),
            **(
                {"nlist": spec.nlist, "nprobe": spec.nprobe}
                if spec.index == "ivf"
                else {"M": spec.hnsw_m, "efSearch": spec.ef_search}
            ),
        }
        del index
    entry["peak_rss_mib"] = round(peak_rss_mib(), 1)
    record(entry)


def phase_tokens(path: Path) -> None:
    from tokenizers import Tokenizer

    files = sorted(model_cache_dir().glob("me5-small-torch-*/tokenizer.json"))
    if not files:
        sys.exit("no converted me5-small-torch tokenizer here: run `harness run --model me5-small-torch ...` once")
    tokenizer = Tokenizer.from_file(str(files[0]))
    tokenizer.enable_truncation(512)
    task = load_corpus_task(load_tasks()["miracl-partial"])
    texts = [f"passage: {text}" for corpus in task.corpora.values() for _, text, _ in corpus.passages()]
    encoded = tokenizer.encode_batch(texts)
    lengths = np.array([len(e.ids) for e in encoded])
    np.savez_compressed(
        path,
        ids=np.concatenate([np.array(e.ids, np.int32) for e in encoded]),
        offsets=np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
    )
    record(
        {
            "phase": "tokens",
            "passages": len(texts),
            "mean_tokens": round(float(lengths.mean()), 1),
            "p95_tokens": int(np.percentile(lengths, 95)),
            "truncated_at_512": int((lengths >= 512).sum()),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("phase", choices=["encode", "search", "tokens"])
    parser.add_argument("--model", default="me5-small")
    parser.add_argument("--langs", default="sw,yo")
    parser.add_argument("--block", type=int, default=8192)
    parser.add_argument("--rows", default="33000,1000000")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--block-rows", type=int, default=1 << 18)
    parser.add_argument("--tokens-out", default=str(OUT.parent / "miracl_partial_tokens.npz"))
    args = parser.parse_args()
    if args.phase == "encode":
        phase_encode(args.model, args.langs.split(","), args.block)
    elif args.phase == "search":
        for rows in (int(r) for r in args.rows.split(",")):
            phase_search(rows, args.queries, args.dim, args.block_rows)
    else:
        phase_tokens(Path(args.tokens_out))


if __name__ == "__main__":
    main()
