"""Corpus embeddings with Ray Data, into the block store the local path writes (the same files, byte for byte).

One read task streams the corpus as blocks (harness.evaluation.embedding_blocks: fixed by global passage
order and block size) and passes on those not done yet; `map_batches` hands each block to an encoder
actor (a callable class holding the model, one per CPU or GPU slot), which embeds it exactly as the local
path does (same batch plan, same minute checkpoints); the driver saves each block as it arrives and
writes the manifest at the end. A corpus stopped midway resumes on either path.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import numpy as np

from harness.cluster.jobs import ModelJob, build_encoder
from harness.cluster.threads import use_assigned_cpus
from harness.errors import HarnessError
from harness.evaluation.embedding_blocks import CorpusBlock, CorpusEmbeddings, npy_bytes


def _from_npy(raw: bytes) -> np.ndarray:
    return np.load(io.BytesIO(raw), allow_pickle=False)


class BlockReader:
    """The read step: one row per block, with its texts when it still has to be encoded."""

    def __init__(self, store: CorpusEmbeddings) -> None:
        self.store = store

    def __call__(self, _: dict) -> Iterator[dict]:
        for block in self.store.corpus_blocks():
            done = self.store.is_done(block.index)
            yield {
                "block": block.index,
                "first_row": block.first_row,
                "rows": len(block.ids),
                "done": done,
                "ids": b"" if done else npy_bytes(np.array(block.ids, dtype=np.str_)),
                "texts": [] if done else block.texts,
            }


class BlockEncoder:
    """The encode step: an actor holding the model; embeds every pending block of its batch."""

    def __init__(self, model: ModelJob, device: str | None, store: CorpusEmbeddings, batch_size: int) -> None:
        use_assigned_cpus()
        self.encoder, _ = build_encoder(model, device)
        if self.encoder.fingerprint != store.fingerprint:
            raise HarnessError(f"{model.label}: the worker's model is not the one the driver planned for")
        self.store, self.batch_size = store, batch_size

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        embeddings = []
        for index, done, texts in zip(batch["block"], batch["done"], batch["texts"], strict=True):
            if done:
                embeddings.append(b"")
                continue
            block = CorpusBlock(int(index), 0, [], [str(t) for t in texts])
            embeddings.append(npy_bytes(self.store.embed_block(self.encoder, block, self.batch_size)[0]))
        kept = {k: batch[k] for k in ("block", "first_row", "rows", "done", "ids")}
        return {**kept, "embeddings": np.array(embeddings, dtype=object)}


def encode_corpus_with_ray(
    store: CorpusEmbeddings,
    model: ModelJob,
    device: str | None,
    batch_size: int,
    resources: dict[str, float],
    actors: int | None = None,
    report: Callable[[str], None] = lambda line: None,
) -> int:
    """Encode the store's missing blocks on the cluster and close it; the number of blocks encoded.

    `resources` are one actor's (num_cpus, num_gpus, memory); `actors` defaults to as many as the
    cluster holds. The read task takes no CPU, so a cluster of one-CPU nodes cannot deadlock on it.
    """
    import ray
    import ray.data

    if store.manifest() is not None:
        return 0
    if actors is None:
        total = ray.cluster_resources()
        slots = total.get("GPU", 0) / resources["num_gpus"] if resources.get("num_gpus") else None
        actors = max(1, int(slots if slots is not None else total.get("CPU", 1) // resources["num_cpus"]))
    context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    context.target_max_block_size = 1  # every corpus block its own Ray block, so idle actors take the next one
    blocks = ray.data.from_items([{"corpus": store.corpus.name}]).flat_map(BlockReader(store), num_cpus=0)
    encoded = blocks.map_batches(
        BlockEncoder,
        fn_constructor_args=(model, device, store, batch_size),
        batch_size=1,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=actors),
        **resources,
    )
    count = rows = saved = 0
    for row in encoded.iter_rows():
        count, rows = max(count, int(row["block"]) + 1), rows + int(row["rows"])
        if row["done"]:
            continue
        ids = [str(i) for i in _from_npy(row["ids"])]
        store.save_block(CorpusBlock(int(row["block"]), int(row["first_row"]), ids, []), _from_npy(row["embeddings"]))
        saved += 1
        report(f"corpus {store.corpus.name}: block {int(row['block'])} encoded ({len(ids)} passages)")
    store.close(count, rows)
    return saved
