"""Language resource classes (Joshi et al., 2020: 0 = left-behind … 5 = winner) and who counts as low-resource.

The table itself is maintained elsewhere in the repository; this module only reads it and
returns {} when it is not there (the robustness page then shows '—' for low-resource columns).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import yaml

from harness.paths import REPO_ROOT

LOW_RESOURCE_MAX_CLASS = 2  # Joshi et al.: classes 0-2 ('left-behinds', 'scraping-bys', 'hopefuls')
TABLE_CANDIDATES = (
    REPO_ROOT / "harness" / "data" / "resource_classes.yaml",
    REPO_ROOT / "harness" / "data" / "resource_classes.yml",
    REPO_ROOT / "data" / "resource_classes.yaml",
)


def _classes_from(raw: object) -> dict[str, int]:
    """Accept {lang: class}, {lang: {class: n}}, {class: [langs]} or any of these under one top-level key."""
    if not isinstance(raw, dict):
        return {}
    out: dict[str, int] = {}
    for key, value in raw.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and isinstance(key, str):
            out[key] = value
        elif isinstance(value, dict) and isinstance(value.get("class"), int) and isinstance(key, str):
            out[key] = value["class"]
        elif isinstance(value, list) and str(key).lstrip("-").isdigit():
            out.update({str(lang): int(key) for lang in value})
    if not out and len(raw) <= 3:
        for value in raw.values():
            out.update(_classes_from(value))
    return out


def resource_classes(candidates: Iterable[Path] = TABLE_CANDIDATES) -> dict[str, int]:
    """{language: Joshi class} from the repository's table, or {} when there is none (or it is unreadable)."""
    for path in candidates:
        if path.is_file():
            try:
                return _classes_from(yaml.safe_load(path.read_text(encoding="utf-8")))
            except (OSError, yaml.YAMLError):
                return {}
    return {}


def low_resource(languages: Iterable[str], classes: dict[str, int], declared: Iterable[str] | None = None) -> set[str]:
    """Low-resource languages among `languages`: the task's own list when it declares one, else class ≤ 2."""
    languages = set(languages)
    if declared is not None:
        return languages & set(declared)
    return {lang for lang in languages if lang in classes and classes[lang] <= LOW_RESOURCE_MAX_CLASS}
