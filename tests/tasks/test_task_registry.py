"""Task YAML files: the shipped ones validate; broken ones fail with a one-line error naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness.errors import HarnessError
from harness.paths import REPO_ROOT
from harness.tasks.task_registry import load_task_file, load_tasks, select_tasks

SHIPPED = REPO_ROOT / "tasks" / "xquad-r.yaml"


def test_shipped_tasks_validate() -> None:
    tasks = load_tasks()
    assert {"xquad-r", "mlqa-r", "xquad-mteb"} <= set(tasks)
    assert len(tasks["xquad-r"].languages) == 11 and len(tasks["mlqa-r"].languages) == 7
    assert len(tasks["xquad-mteb"].languages) == 12


def _variant(tmp_path: Path, edit: dict) -> Path:
    raw = yaml.safe_load(SHIPPED.read_text())
    raw.update(edit)
    path = tmp_path / "xquad-r.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("edit", "field", "value"),
    [
        ({"settings": ["mono", "sideways"]}, "settings.1", "sideways"),
        ({"languages": []}, "languages", ""),
        ({"metrics": ["mAP", "nDCG@10"]}, "metrics", "nDCG@10"),
        ({"main_score": "multi/nDCG@10"}, "main_score", "multi/nDCG@10"),
        ({"colour": "blue"}, "colour", "blue"),
    ],
)
def test_schema_violation_names_file_field_and_value(tmp_path: Path, edit: dict, field: str, value: str) -> None:
    path = _variant(tmp_path, edit)
    with pytest.raises(HarnessError) as info:
        load_task_file(path)
    message = str(info.value)
    assert message.startswith(str(path)) and field in message and value in message and "\n" not in message


def test_missing_languages_field(tmp_path: Path) -> None:
    raw = yaml.safe_load(SHIPPED.read_text())
    del raw["languages"]
    path = tmp_path / "xquad-r.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(HarnessError, match=r"languages: Field required"):
        load_task_file(path)


def test_malformed_yaml_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("name: broken\nlanguages: [ar, de\nsettings: [mono]\n")
    with pytest.raises(HarnessError, match=r"broken.yaml:\d+:\d+: malformed YAML"):
        load_task_file(path)


def test_unknown_task_suggests_close_names() -> None:
    with pytest.raises(HarnessError, match=r"unknown task 'xquad-q' \(did you mean xquad-r"):
        select_tasks("xquad-q", load_tasks())


def test_all_selects_every_benchmark_task_but_no_regression_subset() -> None:
    tasks = load_tasks()
    selected = {spec.name for spec in select_tasks("all", tasks)}
    assert selected == {name for name, spec in tasks.items() if spec.purpose == "benchmark"}
    assert "xquad-r" in selected and "xquad-r-ci" not in selected
    assert [spec.name for spec in select_tasks("xquad-r-ci", tasks)] == ["xquad-r-ci"]
