"""The declared tasks (tasks/*.yaml) by name, and `--tasks` selection."""

from __future__ import annotations

from pathlib import Path

from harness.errors import HarnessError
from harness.paths import tasks_dir
from harness.tasks.task_spec import TaskSpec
from harness.yaml_io import load_spec_file, suggest


def load_task_file(path: Path) -> TaskSpec:
    """Validate one task file against the schema."""
    return load_spec_file(path, TaskSpec)


def load_tasks(folder: Path | None = None) -> dict[str, TaskSpec]:
    """Every task declared in a folder (default: `paths.tasks_dir()`), by name."""
    folder = folder or tasks_dir()
    if not folder.is_dir():
        raise HarnessError(f"{folder}: tasks folder not found")
    return {p.stem: load_task_file(p) for p in sorted(folder.glob("*.yaml"))}


def select_tasks(names: str, tasks: dict[str, TaskSpec]) -> list[TaskSpec]:
    """Resolve a comma-separated list of task names, or 'all' (every benchmark task; regression subsets run by name)."""
    if names.strip() == "all":
        return [spec for spec in tasks.values() if spec.purpose == "benchmark"]
    selected = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        if name not in tasks:
            raise HarnessError(f"unknown task {name!r}{suggest(name, list(tasks))}; known: {', '.join(tasks)}")
        selected.append(tasks[name])
    if not selected:
        raise HarnessError("--tasks: no task named")
    return selected
