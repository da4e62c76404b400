"""Corpus tasks end to end: NQ-Crosslingual on the real MKQA sample, AfriQA and partial MIRACL through the CLI,
and the bad inputs (missing shard, duplicate passage ids) failing in one line."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from trigram_encoder import TrigramEncoder

from harness.errors import HarnessError
from harness.paths import REPO_ROOT
from harness.results.result_store import load_per_query, result_paths, view_query_ids
from harness.run import RunOptions, plan_tasks, run_tasks
from harness.tasks.corpus_loaders import load_corpus_task
from harness.tasks.task_registry import load_task_file, load_tasks

NQ_LANGS = ["ar", "de", "ja", "zh_cn"]
NQ_PASSAGES = [  # English passages: two questions of the sample have their answer here, one does not
    {"_id": "p1", "title": "Gladiator (2000 film)", "text": "Gladiator is a 2000 epic film directed by Ridley Scott."},
    {"_id": "p2", "title": "Help Me Help You", "text": "The single was released on 18 May 2017 by the band."},
    {"_id": "p3", "title": "Strongman", "text": "The World's Strongest Man contest is held every year."},
    {"_id": "p4", "title": "Nairobi", "text": "Nairobi is the capital of Kenya."},
]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _nq_task(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """nq-xling on the real 6-record MKQA sample and a 4-passage corpus, hub revision pinned to a test value."""
    raw = yaml.safe_load((REPO_ROOT / "tasks" / "nq-xling.yaml").read_text())
    raw["languages"] = NQ_LANGS
    raw["source"].update(
        file_pattern="test_mkqa_sample.jsonl.gz",
        files={"test_mkqa_sample.jsonl.gz": _sha(mirror / "mkqa" / "test_mkqa_sample.jsonl.gz")},
    )
    raw["corpus"]["revision"] = "0" * 40
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "nq-xling.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    corpus = tmp_path / "cache" / "data" / "beir-nq" / "corpus.jsonl.gz"
    corpus.parent.mkdir(parents=True)
    with gzip.open(corpus, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(p) + "\n" for p in NQ_PASSAGES)
    monkeypatch.setenv("HARNESS_TASKS_DIR", str(tasks))
    monkeypatch.setenv("HARNESS_CACHE_DIR", str(tmp_path / "cache"))
    return tasks


def test_nq_xling_on_the_mkqa_sample(tmp_path: Path, with_mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _nq_task(tmp_path, with_mirror, monkeypatch)
    spec = load_tasks()["nq-xling"]
    runnable, skipped = plan_tasks([spec], all_tasks=False)
    assert runnable == [spec] and skipped == []
    [outcome] = run_tasks("trigram", TrigramEncoder(), [spec], RunOptions(results_dir=tmp_path / "r"))
    summary = outcome.summary
    assert summary["settings"]["cross"]["n_pairs"] == 4
    for lang in NQ_LANGS:  # 4 passages: all are in every top 20; the strongman answer is in none
        assert summary["settings"]["cross"]["by_pair"][f"{lang}-en"]["Success@20"] == pytest.approx(2 / 3, abs=1e-6)
    assert summary["warnings"] == {"dropped_long_answer": {"all": 1}, "dropped_unanswerable": {"all": 2}}
    assert summary["low_resource"]["classes"] == {"ar": 5, "de": 5, "en": 5, "ja": 5, "zh_cn": 5}
    arrays = load_per_query(result_paths(tmp_path / "r", "trigram", "nq-xling", None))
    ids = view_query_ids(arrays, "cross", "de-en")
    hits = dict(zip(ids, arrays["cross/de-en/Success@20"].tolist(), strict=True))
    assert hits == {"36228854473990432": 1.0, "-7449157003522518870": 0.0, "7631360939705650347": 1.0}


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **env},
        cwd=REPO_ROOT,
        timeout=600,
    )


def test_afriqa_and_partial_miracl_with_bm25_through_the_cli(tmp_path: Path, mirror: Path) -> None:
    env = {"HARNESS_DATA_MIRROR": str(mirror), "HARNESS_CACHE_DIR": str(tmp_path / "cache")}
    proc = _cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "afriqa,miracl-partial",
        "--limit",
        "20",
        "--results-dir",
        str(tmp_path / "r"),
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    afriqa = json.loads(result_paths(tmp_path / "r", "bm25", "afriqa", 20).summary.read_text())
    assert set(afriqa["settings"]) == {"cross", "translated"} and afriqa["settings"]["cross"]["n_pairs"] == 9
    gap = afriqa["transfer_gap"]["nDCG@10"]
    native = afriqa["settings"]["cross"]["by_pair"]["hau-en"]["nDCG@10"]
    translated = afriqa["settings"]["translated"]["by_pair"]["hau-en"]["nDCG@10"]
    assert gap["by_pair"]["hau-en"] == pytest.approx(translated - native, abs=1e-5)
    assert afriqa["warnings"] == {"records_without_gold_passage": {"bem": 1, "kin": 2, "yor": 1}}
    assert afriqa["low_resource"]["settings"]["cross"]["low"]["n_pairs"] == 9
    partial = json.loads(result_paths(tmp_path / "r", "bm25", "miracl-partial", 20).summary.read_text())
    assert partial["caveat"].startswith("not comparable to MIRACL dev")
    assert partial["warnings"]["views_skipped"] == {"ja-ja": 1} and partial["settings"]["mono"]["n_pairs"] == 16
    assert partial["settings"]["mono"]["by_pair"]["sw-sw"]["n_queries"] == 20


def test_a_missing_corpus_shard_stops_a_named_task_in_one_line(tmp_path: Path, mirror: Path) -> None:
    raw = yaml.safe_load((REPO_ROOT / "tasks" / "miracl.yaml").read_text())
    raw["languages"] = ["yo"]
    raw["corpus"].update(shards={"yo": 2}, revision="0" * 40)
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "miracl.yaml").write_text(yaml.safe_dump(raw))
    shard = tmp_path / "cache" / "data" / "miracl-corpus" / "miracl-corpus-v1.0-yo" / "docs-0.jsonl.gz"
    shard.parent.mkdir(parents=True)
    with gzip.open(shard, "wt") as handle:
        handle.write(json.dumps({"docid": "1#0", "title": "", "text": "x"}) + "\n")
    env = {
        "HARNESS_DATA_MIRROR": str(mirror),
        "HARNESS_CACHE_DIR": str(tmp_path / "cache"),
        "HARNESS_TASKS_DIR": str(tasks),
    }
    proc = _cli("run", "--model", "bm25", "--tasks", "miracl", "--results-dir", str(tmp_path / "r"), env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "1 of 2 shards not here (e.g. miracl-corpus/miracl-corpus-v1.0-yo/docs-1.jsonl.gz)" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "r" / "bm25").exists()


def test_duplicate_passage_ids_in_a_pool_are_a_one_line_error(
    tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "mirror" / "miracl"
    (root / "passages-partial").mkdir(parents=True)
    shutil.copytree(mirror / "miracl" / "topics-qrels", root / "topics-qrels")
    rows = (mirror / "miracl" / "passages-partial" / "yo.jsonl").read_text(encoding="utf-8").splitlines()
    (root / "passages-partial" / "yo.jsonl").write_text("\n".join([*rows, rows[0]]) + "\n", encoding="utf-8")
    raw = yaml.safe_load((REPO_ROOT / "tasks" / "miracl-partial.yaml").read_text())
    raw["languages"] = ["yo"]
    raw["source"]["files"]["passages-partial/yo.jsonl"] = _sha(root / "passages-partial" / "yo.jsonl")
    path = tmp_path / "miracl-partial.yaml"
    path.write_text(yaml.safe_dump(raw))
    monkeypatch.setenv("HARNESS_DATA_MIRROR", str(tmp_path / "mirror"))
    with pytest.raises(HarnessError, match=r"^corpus yo of task miracl-partial: duplicate passage ids$"):
        load_corpus_task(load_task_file(path))
