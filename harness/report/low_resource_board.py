"""The low-resource board: every model on Tatoeba (computed and published) by the Joshi class of its languages.

Each language is one item: a class mean is the mean over the task languages of that class, the low-resource
score the mean over the languages of classes 0-2, the gap the mean over classes 4-5 minus that. Languages
the class table does not classify count in the overall mean only. Only a zero-shot model with a value for
every task language is ranked (a partial one would be averaged over other languages; an in-domain one,
trained on the task by its own declaration, is not comparable); ties share the better rank.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from harness.data.resource_classes import ResourceTable
from harness.interop.published_entry import PublishedEntry
from harness.report.entries import Entry
from harness.report.published import ParityBadge, Published, family
from harness.vocabulary import query_language

LOW_RESOURCE_TASK = "tatoeba"
LOW_CLASSES = (0, 1, 2)
HIGH_CLASSES = (4, 5)
CLASSES = (0, 1, 2, 3, 4, 5)


@dataclass
class ClassRow:
    """One model's per-language scores and what the board derives from them."""

    model: str
    family: str
    values: dict[str, float]  # task language -> main metric
    published: PublishedEntry | None = None  # None: computed here
    computed: Entry | None = None
    badges: list[ParityBadge] = field(default_factory=list)
    class_means: dict[int, float | None] = field(default_factory=dict)
    low: float | None = None
    high: float | None = None
    mean: float | None = None
    spread: float | None = None  # sample standard deviation over the languages
    worst: tuple[str, float] | None = None
    rank: int | None = None

    @property
    def gap(self) -> float | None:
        """Classes 4-5 minus classes 0-2 (positive: the model is worse on low-resource languages)."""
        return None if self.low is None or self.high is None else self.high - self.low

    @property
    def in_domain(self) -> bool:
        """Trained on the task's data: a computed in-domain run, or a published model whose MTEB metadata says so."""
        if self.published is not None:
            return self.published.trained_on_task
        return self.computed is not None and not self.computed.zero_shot

    def rankable(self, n_languages: int) -> bool:
        """Every task language has a value and the model is zero-shot on the task."""
        return len(self.values) == n_languages and not self.in_domain

    @property
    def source(self) -> str:
        """'computed' or the published mark."""
        return "computed" if self.published is None else self.published.mark


@dataclass
class LowResourceBoard:
    """The ranked rows (full coverage) and the partial ones, with the class of every task language."""

    task: str
    metric: str
    setting: str
    languages: list[str]
    classes: dict[int, list[str]]  # class -> task languages of it
    unclassified: list[str]
    rows: list[ClassRow]  # every task language covered, ranked
    partial: list[ClassRow]  # not ranked

    @property
    def undeclared(self) -> int:
        """Published models whose MTEB metadata declares no training data (in-domain or not is unknown)."""
        return sum(
            1 for r in [*self.rows, *self.partial] if r.published is not None and not r.published.training_declared
        )

    @property
    def families(self) -> list[str]:
        """Families of the ranked rows, most models first."""
        counts: dict[str, int] = {}
        for row in self.rows:
            counts[row.family] = counts.get(row.family, 0) + 1
        return sorted(counts, key=lambda f: (-counts[f], f))

    def class_label(self, cls: int) -> str:
        return f"class {cls} ({len(self.classes.get(cls, []))} languages)"


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _derive(row: ClassRow, classes: dict[int, list[str]]) -> ClassRow:
    values = row.values
    row.class_means = {c: _mean([values[lang] for lang in classes.get(c, []) if lang in values]) for c in CLASSES}
    row.low = _mean([values[lang] for c in LOW_CLASSES for lang in classes.get(c, []) if lang in values])
    row.high = _mean([values[lang] for c in HIGH_CLASSES for lang in classes.get(c, []) if lang in values])
    row.mean = _mean(list(values.values()))
    row.spread = statistics.stdev(values.values()) if len(values) > 1 else None
    row.worst = min(values.items(), key=lambda item: (item[1], item[0])) if values else None
    return row


def _language_values(views: dict[str, float], languages: set[str]) -> dict[str, float]:
    """View 'x-en' -> language x (the query language), for the task's languages."""
    return {query_language(view): v for view, v in views.items() if query_language(view) in languages}


def build_low_resource_board(
    computed: list[Entry], published: Published, models: dict, table: ResourceTable, languages: list[str]
) -> LowResourceBoard | None:
    """The board of LOW_RESOURCE_TASK; None when nothing (computed or published) has a result on it."""
    mine = [e for e in computed if e.first.task == LOW_RESOURCE_TASK and e.first.limit is None]
    theirs = published.of_task(LOW_RESOURCE_TASK)
    if not mine and not theirs:
        return None
    setting, metric = (mine[0].main_setting, mine[0].main_metric) if mine else ("cross", theirs[0].metric)
    classes: dict[int, list[str]] = {}
    for lang in languages:
        cls = table.resource_class(lang)
        if cls is not None:
            classes.setdefault(cls, []).append(lang)
    wanted = set(languages)
    rows = []
    for entry in mine:
        detail = entry.settings[setting].detail if setting in entry.settings else {}
        views = {view: v[metric] for view, v in detail.items() if v.get(metric) is not None}
        badges = published.badges_for_computed(entry.model, LOW_RESOURCE_TASK)
        rows.append(ClassRow(entry.model, family(entry, models), _language_values(views, wanted), None, entry, badges))
    for entry in theirs:
        views = {view: v[metric] for view, v in entry.views.get(setting, {}).items() if metric in v}
        name = entry.model.split("/")[0]
        rows.append(
            ClassRow(entry.model, name, _language_values(views, wanted), entry, None, published.badges_of(entry))
        )
    rows = [_derive(row, classes) for row in rows]
    full = sorted((r for r in rows if r.rankable(len(wanted))), key=lambda r: (-(r.low or 0.0), r.model))
    for row in full:
        row.rank = 1 + sum(1 for other in full if (other.low or 0.0) > (row.low or 0.0))
    partial = sorted((r for r in rows if r.rank is None), key=lambda r: (-len(r.values), r.model))
    unclassified = [lang for lang in languages if table.resource_class(lang) is None]
    return LowResourceBoard(LOW_RESOURCE_TASK, metric, setting, list(languages), classes, unclassified, full, partial)
