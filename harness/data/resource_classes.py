"""Resource class (Joshi et al., 2020, classes 0-5) of the language codes the harness evaluates.

The table and its provenance live in `resource_classes.yaml` beside this module; a code that is
not in it has no class (None), never a guessed one. Its codes (classified or `unclassified`) are
the language codes task files may use.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from harness.errors import HarnessError

TABLE = Path(__file__).with_name("resource_classes.yaml")
TAXONOMY = "Joshi et al. 2020, The State and Fate of Linguistic Diversity (ACL), classes 0-5"


@dataclass(frozen=True)
class ResourceTable:
    """Language code -> class, and the highest class counted as low-resource."""

    classes: dict[str, int]
    low_resource_max_class: int
    unclassified: frozenset[str] = frozenset()  # known codes without a class

    def is_known(self, code: str) -> bool:
        """True for a code the table lists, with a class or as unclassified."""
        return code in self.classes or code in self.unclassified

    def resource_class(self, code: str) -> int | None:
        """The code's class, or None when the table does not list it."""
        return self.classes.get(code)

    def is_low_resource(self, code: str) -> bool:
        """True for a listed code whose class is at most the low-resource threshold."""
        value = self.classes.get(code)
        return value is not None and value <= self.low_resource_max_class


def parse_table(raw: object, where: str) -> ResourceTable:
    """Validate the YAML table: every entry needs an integer class in 0..5."""
    if not isinstance(raw, dict) or not isinstance(raw.get("languages"), dict):
        raise HarnessError(f"{where}: expected a mapping with 'languages'")
    threshold = raw.get("low_resource_max_class")
    if not isinstance(threshold, int):
        raise HarnessError(f"{where}: low_resource_max_class must be an integer")
    classes = {}
    for code, entry in raw["languages"].items():
        value = entry.get("class") if isinstance(entry, dict) else None
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 5:
            raise HarnessError(f"{where}: languages.{code}.class must be an integer 0-5, got {value!r}")
        classes[str(code)] = value
    unclassified = raw.get("unclassified") or {}
    if not isinstance(unclassified, dict):
        raise HarnessError(f"{where}: unclassified must be a mapping of language codes")
    both = sorted(set(map(str, unclassified)) & set(classes))
    if both:
        raise HarnessError(f"{where}: unclassified: {both} also have a class in languages")
    return ResourceTable(classes, threshold, frozenset(map(str, unclassified)))


@cache
def resource_table() -> ResourceTable:
    """The shipped table (read once per process)."""
    try:
        raw = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HarnessError(f"{TABLE}: cannot read the resource-class table ({exc})") from None
    return parse_table(raw, str(TABLE))
