"""A task language that is not a known language code is rejected, naming the code and the task file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness.data.resource_classes import resource_table
from harness.tasks.task_registry import load_tasks
from harness.trainsets.training_registry import load_training_sets

from .conftest import CliRunner, subset_task


@pytest.mark.parametrize("languages", [["en", "xx-bogus"], ["zz"], ["en", "EN"]])
@pytest.mark.parametrize("command", [["list", "tasks"], ["run", "--model", "bm25", "--tasks", "xquad-r"]])
def test_unknown_language_code_is_one_line_naming_code_and_file(
    cli: CliRunner, tmp_path: Path, languages: list[str], command: list[str]
) -> None:
    tasks = subset_task(tmp_path / "tasks", ["en"])
    raw = yaml.safe_load((tasks / "xquad-r.yaml").read_text())
    raw["languages"] = languages
    (tasks / "xquad-r.yaml").write_text(yaml.safe_dump(raw))
    results = tmp_path / "results"
    args = [*command, "--results-dir", str(results)] if command[0] == "run" else command
    proc = cli(*args, env={"HARNESS_TASKS_DIR": str(tasks)})
    assert proc.returncode == 2, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    bad = languages[-1]
    assert lines[0].startswith(f"error: {tasks / 'xquad-r.yaml'}: languages: ")
    assert f"{bad!r} is not a known language code" in lines[0] and "resource_classes.yaml" in lines[0]
    assert not results.exists()


def test_every_committed_task_and_training_language_is_known() -> None:
    table = resource_table()
    for spec in load_tasks().values():
        assert [code for code in spec.languages if not table.is_known(code)] == [], spec.name
    for spec in load_training_sets().values():
        codes = {spec.code(lang) for lang in spec.languages} | {spec.pivot(lang) for lang in spec.languages}
        assert sorted(code for code in codes if not table.is_known(code)) == [], spec.name


def test_known_but_unclassified_codes_have_no_class() -> None:
    table = resource_table()
    assert table.is_known("zh_hk") and table.resource_class("zh_hk") is None and not table.is_low_resource("zh_hk")
    assert not table.is_known("zz") and not table.is_known("xx-bogus")
