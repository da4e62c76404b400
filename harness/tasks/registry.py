"""Read and validate task YAML files; suggest close names for unknown ones."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from harness.errors import HarnessError
from harness.paths import tasks_dir
from harness.tasks.schema import TaskSpec

SpecT = TypeVar("SpecT", bound=BaseModel)


def read_yaml(path: Path) -> object:
    """Parse a YAML file, turning syntax errors into one-line errors."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise HarnessError(f"{path}{where}: malformed YAML ({problem})") from None
    except OSError as exc:
        raise HarnessError(f"{path}: cannot read ({exc.strerror})") from None


def validation_message(path: Path, exc: ValidationError) -> str:
    """The first schema violation as `file: field: message (got value)`."""
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or "(top level)"
    got = err.get("input")
    shown = "" if isinstance(got, dict | list) or got is None else f" (got {got!r})"
    extra = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return f"{path}: {field}: {err['msg']}{shown}{extra}"


def load_spec_file(path: Path, schema: type[SpecT]) -> SpecT:
    """Validate one named YAML declaration (task, training set) against its schema."""
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise HarnessError(f"{path}: expected a mapping at the top level")
    try:
        spec = schema.model_validate(raw)
    except ValidationError as exc:
        raise HarnessError(validation_message(path, exc)) from None
    name = getattr(spec, "name", None)
    if name != path.stem:
        raise HarnessError(f"{path}: name: {name!r} must match the file name {path.stem!r}")
    return spec


def load_task_file(path: Path) -> TaskSpec:
    """Validate one task file against the schema."""
    return load_spec_file(path, TaskSpec)


def load_tasks(folder: Path | None = None) -> dict[str, TaskSpec]:
    """Every task declared in a folder (default: `paths.tasks_dir()`), by name."""
    folder = folder or tasks_dir()
    if not folder.is_dir():
        raise HarnessError(f"{folder}: tasks folder not found")
    return {p.stem: load_task_file(p) for p in sorted(folder.glob("*.yaml"))}


def suggest(name: str, known: list[str]) -> str:
    """' (did you mean …?)' for close names, else ''."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    return f" (did you mean {', '.join(close)}?)" if close else ""


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
