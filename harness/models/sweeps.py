"""Sweeps in models.yaml: one trained-recipe declaration expanded over the values of one recipe field.

```yaml
me5-small-sweep:
  loader: trained
  recipe: {base: me5-small-torch, sampler: hybrid, ...}   # no alpha: the sweep supplies it
  sweep: {alpha: [0, 0.25, 0.5, 0.75, 1]}
```
declares the models `me5-small-sweep-alpha0`, `me5-small-sweep-alpha0.25`, ... (each a full
declaration with its own trained-model key); `--model me5-small-sweep` names all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from harness.errors import HarnessError

SWEEP_KEY = "sweep"
MEMBER_KEY = "sweep_of"  # set on every expanded member: (group, field, value)
SWEEPABLE = ("alpha",)  # recipe fields a sweep may vary


def member_name(group: str, field: str, value: float) -> str:
    """`<group>-<field><value>`, e.g. me5-small-sweep-alpha0.25."""
    return f"{group}-{field}{value:g}"


def expand_sweeps(path: Path, raw: dict[str, object]) -> dict[str, object]:
    """The registry's raw mapping with every sweep declaration replaced by its members, in file order."""
    expanded: dict[str, object] = {}
    for name, entry in raw.items():
        if isinstance(entry, dict) and MEMBER_KEY in entry:
            raise HarnessError(f"{path}: {name}: {MEMBER_KEY}: is set by a sweep, not written by hand")
        if not isinstance(entry, dict) or SWEEP_KEY not in entry:
            expanded[name] = entry
            continue
        for member, declaration in _members(path, name, entry).items():
            if member in raw or member in expanded:
                raise HarnessError(f"{path}: {name}: sweep member {member!r} is also declared")
            expanded[member] = declaration
    return expanded


def _members(path: Path, group: str, entry: dict) -> dict[str, dict]:
    sweep, recipe = entry[SWEEP_KEY], entry.get("recipe")
    where = f"{path}: {group}: {SWEEP_KEY}"
    if not isinstance(recipe, dict):
        raise HarnessError(f"{where}: only a trained recipe (with recipe:) can be swept")
    if not isinstance(sweep, dict) or len(sweep) != 1:
        raise HarnessError(f"{where}: expected one field and its values, e.g. {{alpha: [0, 0.5, 1]}}")
    ((field, values),) = sweep.items()
    if field not in SWEEPABLE:
        raise HarnessError(f"{where}: {field!r} cannot be swept; sweepable: {', '.join(SWEEPABLE)}")
    if field in recipe:
        raise HarnessError(f"{where}: recipe.{field} is set too; the sweep supplies it")
    if not isinstance(values, list) or len(values) < 2 or not all(_number(v) for v in values):
        raise HarnessError(f"{where}: {field}: expected a list of at least two numbers, got {values!r}")
    if len(set(values)) != len(values):
        raise HarnessError(f"{where}: {field}: values repeat in {values!r}")
    members = {}
    for value in values:
        declaration = {k: v for k, v in entry.items() if k != SWEEP_KEY}
        declaration["recipe"] = {**recipe, field: value}
        declaration["description"] = f"{entry.get('description', group)} ({field} = {value:g})"
        declaration[MEMBER_KEY] = {"group": group, "field": field, "value": value}
        members[member_name(group, field, value)] = declaration
    return members


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def sweep_groups(models: Mapping[str, object]) -> dict[str, list[str]]:
    """Each sweep's members in declaration order (models: name -> ModelSpec)."""
    groups: dict[str, list[str]] = {}
    for name, spec in models.items():
        member = getattr(spec, MEMBER_KEY, None)
        if member is not None:
            groups.setdefault(member.group, []).append(name)
    return groups


def expand_model_names(argument: str, models: Mapping[str, object]) -> list[str]:
    """`--model a,b,sweep`: the names in order, each sweep replaced by its members, no repeats."""
    groups = sweep_groups(models)
    names: list[str] = []
    for item in (part.strip() for part in argument.split(",")):
        if not item:
            raise HarnessError(f"--model {argument!r}: empty name in the list")
        for name in groups.get(item, [item]):
            if name not in names:
                names.append(name)
    return names
