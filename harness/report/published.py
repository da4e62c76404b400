"""Published MTEB results on the board: read from `<results>/published/`, matched to computed models.

A computed model is "the same model and revision" as a published one when its declaration names that hub
id and revision (`hub` + `revision`, or `published_as`), or it was run as `hf:ORG/NAME@COMMIT`. Then a
parity badge gives our mean minus the published mean over the views both have (MTEB's main metric).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from harness.errors import HarnessError
from harness.interop.published_entry import PUBLISHED_DIR, PublishedEntry
from harness.models.backends.backend_spec import registered_name
from harness.report.entries import Entry
from harness.results.reader import read_json_object
from harness.yaml_io import validation_message

COMPUTED_FAMILY = "computed here"  # family of a computed model with no published counterpart in its lineage


@dataclass(frozen=True)
class ParityBadge:
    """A computed model beside the published result of the same model and revision."""

    computed: str
    published: str  # ORG/NAME@revision
    n_views: int
    ours: float
    theirs: float

    @property
    def delta(self) -> float:
        return self.ours - self.theirs

    @property
    def delta_label(self) -> str:
        """'Δ +0.0009'; 'Δ 0.0000' (no sign) when it rounds to zero."""
        return "Δ 0.0000" if abs(self.delta) < 5e-5 else f"Δ {self.delta:+.4f}"


@dataclass
class Published:
    """Every published entry that was read, what could not be read, and the parity badges."""

    entries: list[PublishedEntry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    badges: dict[tuple[str, str, str], list[ParityBadge]] = field(default_factory=dict)  # (model, revision, task)

    def of_task(self, task: str) -> list[PublishedEntry]:
        """The task's published entries, best MTEB mean first."""
        return sorted((e for e in self.entries if e.task == task), key=lambda e: -e.mteb_mean)

    def badges_of(self, entry: PublishedEntry) -> list[ParityBadge]:
        return self.badges.get((entry.model, entry.revision, entry.task), [])

    def badges_for_computed(self, model: str, task: str) -> list[ParityBadge]:
        """Badges of a computed model on a task (its row shows them too)."""
        return [b for (_, _, t), found in self.badges.items() if t == task for b in found if b.computed == model]


def read_published_entries(results_dir: Path) -> Published:
    """Every `published/<org>__<name>/<revision>/<task>.json`; an unreadable or invalid one is a warning line."""
    found = Published()
    for path in sorted((results_dir / PUBLISHED_DIR).glob("*/*/*.json")):
        try:
            found.entries.append(PublishedEntry.model_validate(read_json_object(path)))
        except HarnessError as exc:
            found.warnings.append(f"{exc}, skipped")
        except ValidationError as exc:
            found.warnings.append(f"{validation_message(path, exc)}; skipped")
    return found


def hub_identity(entry: Entry, models: dict) -> tuple[str, str] | None:
    """(hub id, revision) of a computed entry's model: an `hf:` run's, else its declaration's."""
    source = entry.first.model_source or ""
    if source.startswith("hf:") and "@" in source:
        name, revision = source[3:].split("@", 1)
        return name, revision
    spec = models.get(registered_name(entry.model))
    return None if spec is None else spec.hub_identity()


def family(entry: Entry, models: dict) -> str:
    """The organisation of the hub model a computed model is, or is trained from (through recipe bases)."""
    identity = hub_identity(entry, models)
    spec = models.get(registered_name(entry.model))
    seen = set()
    while identity is None and spec is not None and spec.recipe is not None and spec.recipe.base not in seen:
        seen.add(spec.recipe.base)
        spec = models.get(spec.recipe.base)
        identity = spec.hub_identity() if spec is not None else None
    return identity[0].split("/")[0] if identity else COMPUTED_FAMILY


def parity_badge(computed: Entry, published: PublishedEntry) -> ParityBadge | None:
    """Our mean minus the published mean over the views both have; None when they share none."""
    pairs = [
        (ours, value[published.metric])
        for setting, views in published.views.items()
        for view, value in views.items()
        if (ours := computed.value(setting, published.metric, view)) is not None
    ]
    if not pairs:
        return None
    return ParityBadge(
        computed.model,
        f"{published.model}@{published.revision}",
        len(pairs),
        statistics.fmean(p[0] for p in pairs),
        statistics.fmean(p[1] for p in pairs),
    )


def attach_badges(found: Published, computed: list[Entry], models: dict) -> None:
    """A badge for every (published entry, full computed result of the same model, revision and task)."""
    by_identity: dict[tuple[str, str, str], list[Entry]] = defaultdict(list)
    for entry in computed:
        identity = hub_identity(entry, models)
        if identity is not None and entry.first.limit is None:
            by_identity[(*identity, entry.first.task)].append(entry)
    for published in found.entries:
        key = (published.model, published.revision, published.task)
        badges = [b for e in by_identity.get(key, []) if (b := parity_badge(e, published)) is not None]
        if badges:
            found.badges[key] = badges


def published_for_site(results_dir: Path, computed: list[Entry], models: dict) -> Published:
    """The published entries under `results_dir` with their parity badges (none there: an empty Published)."""
    found = read_published_entries(results_dir)
    attach_badges(found, computed, models)
    return found
