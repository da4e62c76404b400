"""The MIRACL, AfriQA and NQ-Crosslingual task files: validation, selection, availability, fingerprints."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from harness.errors import HarnessError
from harness.paths import REPO_ROOT
from harness.tasks.corpus_loaders import unavailable_reason
from harness.tasks.data import dataset_fingerprint
from harness.tasks.task_registry import load_task_file, load_tasks, select_tasks


def test_new_tasks_validate_with_their_kinds_and_purposes() -> None:
    tasks = load_tasks()
    names = ("miracl", "miracl-partial", "afriqa", "nq-xling")
    kinds = {name: (tasks[name].kind, tasks[name].purpose) for name in names}
    assert kinds == {
        "miracl": ("corpus-retrieval", "benchmark"),
        "miracl-partial": ("corpus-retrieval", "diagnostic"),
        "afriqa": ("corpus-retrieval", "benchmark"),
        "nq-xling": ("answer-retrieval", "benchmark"),
    }
    assert len(tasks["miracl"].languages) == 18 and len(tasks["miracl-partial"].languages) == 17
    assert len(tasks["nq-xling"].languages) == 25 and "en" not in tasks["nq-xling"].languages
    assert tasks["afriqa"].files_for("fon")["data"].endswith("afriqa.fon.fr.test.json")


def test_all_leaves_out_the_diagnostic_partial_miracl() -> None:
    selected = {spec.name for spec in select_tasks("all", load_tasks())}
    assert {"miracl", "afriqa", "nq-xling"} <= selected and "miracl-partial" not in selected


def test_partial_miracl_says_it_is_not_comparable_everywhere() -> None:
    spec = load_tasks()["miracl-partial"]
    assert "not comparable to MIRACL dev" in spec.caveat and "NOT COMPARABLE TO MIRACL DEV" in spec.description


@pytest.mark.parametrize("task", ["xquad-r", "mlqa-r", "xquad-mteb"])
def test_existing_dataset_fingerprints_are_unchanged(task: str) -> None:
    stored = json.loads((REPO_ROOT / "results" / "bm25" / f"{task}.json").read_text())["dataset_fingerprint"]
    assert dataset_fingerprint(load_tasks()[task]) == stored


def test_offline_the_hub_tasks_are_unavailable_in_one_line(with_mirror: Path) -> None:
    tasks = load_tasks()
    assert unavailable_reason(tasks["afriqa"]) is None and unavailable_reason(tasks["miracl-partial"]) is None
    miracl = unavailable_reason(tasks["miracl"]) or ""
    assert "miracl/miracl-corpus@d921ec7e34: 222 of 222 shards not here" in miracl and "\n" not in miracl
    nq = unavailable_reason(tasks["nq-xling"]) or ""
    assert "mkqa/mkqa.jsonl.gz: no sha256 declared" in nq and "BeIR/nq is not pinned" in nq


def test_corpus_task_fingerprint_changes_with_the_index() -> None:
    spec = load_tasks()["miracl"]
    hnsw = spec.model_copy(update={"search": spec.search.model_copy(update={"index": "hnsw"})})
    bigger_blocks = spec.model_copy(update={"search": spec.search.model_copy(update={"block_passages": 7})})
    assert dataset_fingerprint(hnsw) != dataset_fingerprint(spec) == dataset_fingerprint(bigger_blocks)


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        ({"settings": ["multi"]}, "settings: ['multi'] not available for kind corpus-retrieval"),
        ({"metrics": ["mAP"]}, "metrics: ['mAP'] not available"),
        ({"language_files": {"qrels": "qrels.{lang}.{oops}"}}, "file patterns"),
        ({"language_files": {"extra": "extra.{lang}.tsv"}}, "no sha256 for 'extra.ar.tsv'"),
        (
            {"corpus": {"hub": "a/b", "revision": "main", "mirror": "m", "shard_pattern": "{lang}", "shards": {}}},
            "40-hex commit",
        ),
    ],
)
def test_schema_violations_name_the_field(tmp_path: Path, edit: dict, fragment: str) -> None:
    raw = yaml.safe_load((REPO_ROOT / "tasks" / "miracl.yaml").read_text())
    raw.update(edit)
    path = tmp_path / "miracl.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(HarnessError) as info:
        load_task_file(path)
    assert fragment in str(info.value) and "\n" not in str(info.value)
