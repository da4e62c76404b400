"""Which languages count as low-resource: the repository's Joshi et al. (2020) class table, read safely.

The table (harness/data/resource_classes.yaml) is maintained elsewhere; when it is absent or
unreadable this returns None and the robustness page shows '—' for the low-resource columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from harness.errors import HarnessError


@dataclass(frozen=True)
class ResourceClasses:
    """Language code -> Joshi class (0-5), and the highest class counted as low-resource."""

    classes: dict[str, int]
    low_resource_max_class: int


def resource_classes() -> ResourceClasses | None:
    """The repository's table, or None when it is missing or broken."""
    try:
        from harness.data.resource_classes import resource_table
    except ImportError:
        return None
    try:
        table = resource_table()
    except HarnessError:
        return None
    return ResourceClasses(dict(table.classes), table.low_resource_max_class)


def low_resource(
    languages: Iterable[str], table: ResourceClasses | None, declared: Iterable[str] | None = None
) -> set[str]:
    """Low-resource languages among `languages`: the task's own list when it declares one, else by class."""
    languages = set(languages)
    if declared is not None:
        return languages & set(declared)
    if table is None:
        return set()
    return {lang for lang in languages if table.classes.get(lang, 99) <= table.low_resource_max_class}
