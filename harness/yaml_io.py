"""YAML declarations read with one-line errors: parse, validate against a schema, suggest close names."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from harness.errors import HarnessError

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


def load_yaml_model(path: Path, schema: type[SpecT], empty_ok: bool = False) -> SpecT:
    """A YAML mapping validated against a pydantic schema; an empty file is the schema's defaults if `empty_ok`."""
    raw = read_yaml(path)
    if raw is None and empty_ok:
        return schema()
    if not isinstance(raw, dict):
        raise HarnessError(f"{path}: expected a mapping at the top level")
    try:
        return schema.model_validate(raw)
    except ValidationError as exc:
        raise HarnessError(validation_message(path, exc)) from None


def load_spec_file(path: Path, schema: type[SpecT]) -> SpecT:
    """Validate one named YAML declaration (task, training set) against its schema."""
    spec = load_yaml_model(path, schema)
    name = getattr(spec, "name", None)
    if name != path.stem:
        raise HarnessError(f"{path}: name: {name!r} must match the file name {path.stem!r}")
    return spec


def suggest(name: str, known: list[str]) -> str:
    """' (did you mean …?)' for close names, else ''."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    return f" (did you mean {', '.join(close)}?)" if close else ""
