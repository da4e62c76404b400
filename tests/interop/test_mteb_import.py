"""`harness import mteb`: MTEB's published results (the mirror's copy of its results repository) become
entries of our tasks' views whose values equal what the `mteb` package itself reads from the same files;
malformed and unknown files cost one line each and are counted; nothing imported is exit code 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.interop.mteb_import import import_mteb
from harness.interop.published_entry import PUBLISHED_DIR, PublishedEntry
from harness.paths import REPO_ROOT
from harness.tasks.task_registry import load_tasks

E5 = "intfloat__multilingual-e5-small/fd1525a9fd15316a2d503bf26ab031a61d056e98"
LEGACY = "sentence-transformers__gtr-t5-xl/no_revision_available"  # written by MTEB 0.0.2: the old layout


def harness(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300
    )


@pytest.fixture(scope="module")
def imported(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    results = tmp_path_factory.mktemp("import") / "results"
    return results, import_mteb(mirror / "mteb-results", results, load_tasks())


def _stored(results: Path, folder: str, task: str) -> PublishedEntry:
    path = results / PUBLISHED_DIR / folder / f"{task}.json"
    return PublishedEntry.model_validate_json(path.read_text(encoding="utf-8"))


def test_every_mapped_file_of_the_mirror_is_imported(imported: tuple[Path, object]) -> None:
    results, report = imported
    assert len(report.written) == 578  # 580 task files (MANIFEST.md) less the two below
    assert len({e.model for e in report.written}) == 218
    counts = {t: sum(e.mteb_task == t for e in report.written) for t in ("Tatoeba", "MLQARetrieval", "XQuADRetrieval")}
    assert counts == {"Tatoeba": 204, "MLQARetrieval": 196, "XQuADRetrieval": 178}
    assert report.malformed == [] and report.unknown == []
    # two MLQARetrieval files hold only the test split; mlqa-mteb rebuilds the validation split
    assert len(report.unmapped) == 2 and all("no split 'validation'" in line for line in report.unmapped)
    assert len(list((results / PUBLISHED_DIR).glob("*/*/*.json"))) == 578


def test_values_equal_what_mteb_reads(imported: tuple[Path, object], mirror: Path) -> None:
    """Per subset, the stored value of every mapped metric is the mteb package's own reading of the file
    (the current layout, and the legacy one MTEB converts on load)."""
    from mteb import TaskResult

    results, _ = imported
    spec = load_tasks()["tatoeba"]
    for folder in (E5, LEGACY):
        theirs = TaskResult.from_disk(mirror / "mteb-results" / "results" / folder / "Tatoeba.json")
        ours = _stored(results, folder, "tatoeba")
        views = spec.mteb_views()
        rows = theirs.scores["test"]
        assert len(rows) == 112 == len(ours.views["cross"])
        for row in rows:
            setting, view = views[row["hf_subset"]]
            for metric, key in spec.mteb.metrics.items():
                assert ours.views[setting][view][metric] == pytest.approx(row[key], abs=1e-12)
        assert ours.mteb_mean == pytest.approx(sum(r["main_score"] for r in rows) / len(rows), abs=1e-12)
    e5 = _stored(results, E5, "tatoeba")
    assert e5.mark == "published (MTEB 1.36.32, dataset 69e8f12)"
    assert _stored(results, LEGACY, "tatoeba").mteb_version == "0.0.2"


def test_mlqa_subsets_map_corpus_first(imported: tuple[Path, object], mirror: Path) -> None:
    """MLQARetrieval's subset ara-deu is corpus ar, queries de: our cross view de-ar."""
    results, _ = imported
    raw = json.loads((mirror / "mteb-results" / "results" / E5 / "MLQARetrieval.json").read_text(encoding="utf-8"))
    subset = next(r for r in raw["scores"]["validation"] if r["hf_subset"] == "ara-deu")
    entry = _stored(results, E5, "mlqa-mteb")
    assert entry.views["cross"]["de-ar"]["nDCG@10"] == subset["ndcg_at_10"]
    assert len(entry.values()) == 49 and entry.unmatched == []


def test_training_data_declared_in_model_meta(imported: tuple[Path, object]) -> None:
    results, _ = imported
    tiny = next((results / PUBLISHED_DIR / "cointegrated__rubert-tiny").glob("*/tatoeba.json"))
    entry = PublishedEntry.model_validate_json(tiny.read_text(encoding="utf-8"))
    assert entry.training_declared and entry.trained_on_task  # its model_meta.json: {"Tatoeba": ["train"]}
    e5 = _stored(results, E5, "tatoeba")
    assert not e5.trained_on_task


def _copy_model(mirror: Path, folder: str, dest: Path) -> None:
    shutil.copytree(mirror / "mteb-results" / "results" / folder, dest / folder)


def test_bad_files_cost_one_line_each_and_are_counted(mirror: Path, tmp_path: Path) -> None:
    source = tmp_path / "checkout" / "results"
    _copy_model(mirror, E5, source)
    bad = source / "org__broken" / "abc"
    bad.mkdir(parents=True)
    (bad / "Tatoeba.json").write_text("{not json", encoding="utf-8")
    (bad / "XQuADRetrieval.json").write_text(json.dumps({"task_name": "XQuADRetrieval", "scores": []}), "utf-8")
    wrong_task = {"task_name": "Tatoeba", "scores": {"test": [{"hf_subset": "afr-eng", "f1": 0.5}]}}
    (bad / "MLQARetrieval.json").write_text(json.dumps(wrong_task), "utf-8")  # well-formed, another task
    (bad / "STS22.json").write_text("{}", encoding="utf-8")
    done = harness("import", "mteb", str(tmp_path / "checkout"), "--results-dir", str(tmp_path / "results"))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 5  # four skipped files, then the summary
    assert sum("org__broken/abc/" in line for line in lines[:4]) == 4
    assert lines[-1].startswith("imported 3 result(s) of 1 model(s) (MLQARetrieval 1, Tatoeba 1, XQuADRetrieval 1)")
    skipped = "2 malformed, 1 without the mapped split or subsets, 1 of a task with no harness counterpart"
    assert lines[-1].endswith(f"4 file(s) skipped ({skipped})")
    assert sorted(p.name for p in (tmp_path / "results" / PUBLISHED_DIR).rglob("*.json")) == [
        "mlqa-mteb.json",
        "tatoeba.json",
        "xquad-mteb.json",
    ]


def test_nothing_imported_is_an_error(tmp_path: Path) -> None:
    source = tmp_path / "results" / "org__model" / "rev"
    source.mkdir(parents=True)
    (source / "STS22.json").write_text("{}", encoding="utf-8")
    done = harness("import", "mteb", str(tmp_path), "--results-dir", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: nothing imported: imported 0 result(s) of 0 model(s)")
    assert "Traceback" not in done.stderr and not (tmp_path / "out").exists()
    missing = harness("import", "mteb", str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1 and "not a folder" in missing.stderr


def test_an_import_replaces_the_last_one_as_a_whole(mirror: Path, tmp_path: Path) -> None:
    source = tmp_path / "checkout"
    _copy_model(mirror, E5, source)
    results = tmp_path / "results"
    stale = results / PUBLISHED_DIR / "org__gone" / "rev" / "tatoeba.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("{}", encoding="utf-8")
    (results / "kept.txt").write_text("not ours to touch", encoding="utf-8")
    report = import_mteb(source, results, load_tasks())
    assert len(report.written) == 3 and not stale.exists()
    assert sorted(p.name for p in (results / PUBLISHED_DIR).rglob("*.json")) == [
        "mlqa-mteb.json",
        "tatoeba.json",
        "xquad-mteb.json",
    ]
    assert (results / "kept.txt").is_file() and [p.name for p in results.iterdir() if p.name.startswith(".")] == []
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the results folder should be", encoding="utf-8")
    done = harness("import", "mteb", str(source), "--results-dir", str(blocked))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "cannot write" in done.stderr, done.stderr
