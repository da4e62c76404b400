"""Every user mistake ends with one line on stderr, exit code 2, and nothing written."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from .conftest import CliRunner, subset_task


def _assert_user_error(proc, *fragments: str, results: Path | None = None) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in proc.stderr
    if results is not None:
        assert not results.exists() or not any(results.rglob("*.json"))


def test_unknown_task_suggests_close_names(cli: CliRunner, tmp_path: Path) -> None:
    proc = cli("run", "--model", "bm25", "--tasks", "xquad-q", "--results-dir", str(tmp_path / "r"))
    _assert_user_error(proc, "unknown task 'xquad-q'", "did you mean xquad-r", results=tmp_path / "r")


def test_unknown_model_suggests_close_names(cli: CliRunner, tmp_path: Path) -> None:
    proc = cli("run", "--model", "me5-smal", "--tasks", "xquad-r", "--results-dir", str(tmp_path / "r"))
    _assert_user_error(proc, "unknown model 'me5-smal'", "did you mean me5-small", results=tmp_path / "r")


def test_malformed_task_yaml(cli: CliRunner, tmp_path: Path) -> None:
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "broken.yaml").write_text("name: broken\nlanguages: [ar, de\n")
    proc = cli("list", "tasks", env={"HARNESS_TASKS_DIR": str(tasks)})
    _assert_user_error(proc, "broken.yaml:", "malformed YAML")


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [({"settings": ["mono", "sideways"]}, "settings.1"), ({"languages": None}, "languages")],
)
def test_schema_violation(cli: CliRunner, tmp_path: Path, edit: dict, fragment: str) -> None:
    tasks = subset_task(tmp_path / "tasks", ["en", "de"])
    raw = yaml.safe_load((tasks / "xquad-r.yaml").read_text())
    raw.update(edit)
    (tasks / "xquad-r.yaml").write_text(yaml.safe_dump(raw))
    proc = cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "xquad-r",
        "--results-dir",
        str(tmp_path / "r"),
        env={"HARNESS_TASKS_DIR": str(tasks)},
    )
    _assert_user_error(proc, "xquad-r.yaml", fragment, results=tmp_path / "r")


def test_missing_data_files_for_a_named_task(cli: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    proc = cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "xquad-r",
        "--results-dir",
        str(tmp_path / "r"),
        env={"HARNESS_DATA_MIRROR": str(empty)},
    )
    _assert_user_error(proc, "missing data files", "xquad-r/ar.json", "harness data fetch", results=tmp_path / "r")


def test_all_skips_tasks_without_data_and_says_why(cli: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    proc = cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "all",
        "--results-dir",
        str(tmp_path / "r"),
        env={"HARNESS_DATA_MIRROR": str(empty), "HARNESS_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert proc.returncode == 2, proc.stderr  # nothing ran (tests/cli/test_nothing_to_do.py)
    assert "skipping xquad-r: missing data files" in proc.stderr
    assert "skipping mlqa-r" in proc.stderr and "skipping xquad-mteb" in proc.stderr


def _fake_mirror(tmp_path: Path, mirror: Path, content: bytes | None = None) -> Path:
    """A mirror holding xquad-r/en.json, optionally with other content."""
    root = tmp_path / "mirror"
    (root / "xquad-r").mkdir(parents=True)
    target = root / "xquad-r" / "en.json"
    if content is None:
        shutil.copy(mirror / "xquad-r" / "en.json", target)
    else:
        target.write_bytes(content)
    return root


def test_checksum_mismatch(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    raw = bytearray((mirror / "xquad-r" / "en.json").read_bytes())
    raw[100] ^= 0x01
    root = _fake_mirror(tmp_path, mirror, bytes(raw))
    tasks = subset_task(tmp_path / "tasks", ["en"])
    proc = cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "xquad-r",
        "--results-dir",
        str(tmp_path / "r"),
        env={"HARNESS_TASKS_DIR": str(tasks), "HARNESS_DATA_MIRROR": str(root)},
    )
    _assert_user_error(proc, "en.json", "sha256 mismatch", results=tmp_path / "r")


def _declared_task(tmp_path: Path, content: bytes) -> tuple[Path, Path]:
    """A task whose only language file has this content, declared with its true sha256."""
    root = tmp_path / "mirror"
    (root / "xquad-r").mkdir(parents=True)
    (root / "xquad-r" / "en.json").write_bytes(content)
    tasks = subset_task(tmp_path / "tasks", ["en"])
    raw = yaml.safe_load((tasks / "xquad-r.yaml").read_text())
    raw["source"]["files"]["en.json"] = hashlib.sha256(content).hexdigest()
    raw["expected_counts"] = {}
    (tasks / "xquad-r.yaml").write_text(yaml.safe_dump(raw))
    return tasks, root


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"data": []}, "empty query set"),
        ({"data": [{"paragraphs": [{"context": "A b.", "sentences": ["A b."], "qas": []}]}]}, "sentence_breaks"),
        (
            {
                "data": [
                    {
                        "paragraphs": [
                            {
                                "context": "A b.",
                                "sentences": ["A b."],
                                "sentence_breaks": [[0, 4]],
                                "qas": [{"id": "q1", "answers": [{"answer_start": 0}]}],
                            }
                        ]
                    }
                ]
            },
            "'question'",
        ),
    ],
)
def test_bad_data_files(cli: CliRunner, tmp_path: Path, data: dict, fragment: str) -> None:
    tasks, root = _declared_task(tmp_path, json.dumps(data).encode())
    proc = cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "xquad-r",
        "--results-dir",
        str(tmp_path / "r"),
        env={"HARNESS_TASKS_DIR": str(tasks), "HARNESS_DATA_MIRROR": str(root)},
    )
    _assert_user_error(proc, "en.json", fragment, results=tmp_path / "r")


def test_unwritable_results_dir(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    tasks = subset_task(tmp_path / "tasks", ["en"])
    proc = cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "xquad-r",
        "--results-dir",
        str(blocker / "results"),
        env={"HARNESS_TASKS_DIR": str(tasks), "HARNESS_DATA_MIRROR": str(mirror)},
    )
    _assert_user_error(proc, "--results-dir", "not writable")


def test_limit_below_one_is_a_usage_error(cli: CliRunner) -> None:
    proc = cli("run", "--model", "bm25", "--tasks", "xquad-r", "--limit", "0")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_hub_model_offline_fails_in_one_line(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    tasks = subset_task(tmp_path / "tasks", ["en"])
    proc = cli(
        "run",
        "--model",
        "labse",
        "--tasks",
        "xquad-r",
        "--results-dir",
        str(tmp_path / "r"),
        env={"HARNESS_TASKS_DIR": str(tasks), "HARNESS_DATA_MIRROR": str(mirror), "HF_HUB_OFFLINE": "1"},
        timeout=120,
    )
    _assert_user_error(proc, "labse", "not reachable", "me5-small", results=tmp_path / "r")
