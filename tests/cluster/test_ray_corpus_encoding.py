"""Ray Data corpus encoding writes the block files the local path writes, byte for byte, and resumes either way."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from harness.cluster.corpus_encoding import encode_corpus_with_ray
from harness.cluster.jobs import ModelJob, build_encoder
from harness.data.corpus import Corpus, CorpusShard
from harness.evaluation.embedding_blocks import CorpusEmbeddings
from harness.model_ref import resolve_model
from harness.models.model_spec import load_models
from harness.tasks.corpus_loaders import load_corpus_task
from harness.tasks.task_registry import load_tasks

pytestmark = pytest.mark.slow
PASSAGES, BLOCK = 24, 10  # per language: blocks of 10, 10, 4 rows in yo, then sw's continue the numbering
MODEL = ModelJob(resolve_model("me5-small", load_models()), None)


def miracl_slice() -> Corpus:
    """The first passages of two real miracl-partial corpora (Yoruba and Swahili) as one corpus."""
    task = load_corpus_task(load_tasks()["miracl-partial"])
    shards = []
    for lang in ("yo", "sw"):
        (name,) = [n for n, corpus in task.corpora.items() if corpus.languages == [lang]]
        rows = list(itertools.islice(task.corpora[name].passages(), PASSAGES))
        ids, texts = tuple(r[0] for r in rows), tuple(r[1] for r in rows)
        shards.append(CorpusShard(f"miracl-partial-{lang}-head", lang, f"test slice {lang}", ids=ids, texts=texts))
    return Corpus("miracl-partial-yo-sw-head", tuple(shards))


def block_files(store: CorpusEmbeddings) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(store.folder.iterdir()) if path.is_file()}


def test_ray_data_blocks_are_the_local_blocks_byte_for_byte(
    ray_env: dict[str, str], isolated_cache: Path, tmp_path: Path
) -> None:
    import ray

    corpus = miracl_slice()
    encoder, _ = build_encoder(MODEL, None)
    local = CorpusEmbeddings(encoder, corpus, BLOCK, root=tmp_path / "local")
    assert local.encode(batch_size=4) == 5

    planned = MODEL.ref.fingerprint()
    assert planned == encoder.fingerprint
    remote = CorpusEmbeddings.of_fingerprint(planned, corpus, BLOCK, root=tmp_path / "ray")
    assert remote.folder.name == local.folder.name
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        resources = {"num_cpus": 1.0}
        first = CorpusEmbeddings.of_fingerprint(planned, corpus, BLOCK, root=tmp_path / "ray")
        blocks = list(first.corpus_blocks())
        first.save_block(blocks[1], local.block_embeddings(1))  # a corpus stopped midway: block 1 is there
        assert encode_corpus_with_ray(remote, MODEL, None, 4, resources, actors=2) == 4
    finally:
        ray.shutdown()
    files = block_files(remote)
    assert files.keys() == block_files(local).keys() and "manifest.json" in files and len(files) == 16
    assert files == block_files(local)
    assert CorpusEmbeddings(encoder, corpus, BLOCK, root=tmp_path / "ray").encode() == 0  # the local path reuses it
