"""The result file: one versioned model that `harness run` writes and every reader (report, check,
seed aggregates) validates. Fields added by later harness versions are carried along unread.

Version 1 is the only format so far; a file without `schema_version` (the earliest) reads as 1.
A file from a newer format is refused with a one-line error.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from harness.metrics import METRICS
from harness.vocabulary import split_main_score

SCHEMA_VERSION = 1
Number = float | None

DETAIL_KEYS = ("by_pair", "by_lang")  # per view values: by_pair (mono, cross, translated), by_lang (multi)
VIEW_COUNT_KEYS = (
    "n_pairs",  # views evaluated (those with at least one query): what the macro mean is over
    "n_empty",  # views without a query: listed in empty_views with the reason, never averaged
    "empty_views",  # {pair: reason}
    "min_queries",  # the task's declared minimum of queries for a view to be meaningful
    "few_queries",  # evaluated views with fewer than min_queries queries (flagged, still averaged)
)
NOT_METRICS = frozenset({*VIEW_COUNT_KEYS, "n_queries", *DETAIL_KEYS})
# result fields the model page lists under "Other fields" (with any field a newer harness added)
SHOWN_AS_OTHER = ("schema_version", "subset", "low_resource", "transfer_gap", "warnings", "cache")


class MainScore(BaseModel):
    """The task's headline number, e.g. {'name': 'multi/mAP', 'value': 0.29}."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(pattern=r"^[^/]+/[^/]+$")
    value: Number = None


class KeyOrdered(BaseModel):
    """A model that remembers the key order of the mapping it was validated from (written back in that order)."""

    _order: list[str] = PrivateAttr(default_factory=list)

    @model_validator(mode="wrap")
    @classmethod
    def _keep_order(cls, data: Any, handler: Any) -> KeyOrdered:
        validated = handler(data)
        if isinstance(data, dict):
            validated._order = list(data)
        return validated


class SettingSummary(KeyOrdered):
    """One setting: macro means (extra numeric fields) and per pair / per query language values.

    Fields that are not numbers (added by later harness versions) and view counts (n_empty,
    min_queries, ...) are carried but not shown as metrics; a null metric value reads as missing.
    """

    model_config = ConfigDict(extra="allow")

    n_pairs: int | None = None
    n_empty: int | None = None
    by_pair: dict[str, dict[str, Any]] = Field(default_factory=dict)
    by_lang: dict[str, dict[str, Any]] = Field(default_factory=dict)
    empty_views: dict[str, str] = Field(default_factory=dict)  # views without queries: never averaged
    min_queries: int | None = None  # the task's minimum when the result was made (older files: none)
    few_queries: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _metric_values(self) -> SettingSummary:
        """A registered metric's value is a number or null, as a macro mean and in every view."""
        views = [*self.by_pair.items(), *self.by_lang.items()]
        rows = [(None, self.model_extra or {}), *views]
        for view, values in rows:
            for key, value in values.items():
                if key in METRICS and not _is_number(value):
                    where = key if view is None else f"{view}.{key}"
                    raise PydanticCustomError(
                        "metric_value",
                        "{where}: expected a number or null, got {got}",
                        {"where": where, "got": repr(value)[:80]},
                    )
        return self

    def macros(self) -> dict[str, float | None]:
        """{metric: macro mean} of the numeric fields; NaN reads as missing."""
        return {k: _finite(v) for k, v in (self.model_extra or {}).items() if _is_number(v) and k not in NOT_METRICS}

    def thin_views(self, minimum: int) -> list[str]:
        """Evaluated views with fewer than `minimum` queries (from their counts, so older files are flagged too)."""
        rows = self.by_pair or self.by_lang
        return [
            view
            for view, values in rows.items()
            if _is_number(values.get("n_queries")) and values["n_queries"] < minimum
        ]

    def detail(self) -> dict[str, dict[str, float | None]]:
        """Per view numbers (metrics and n_queries): by_pair for mono / cross, by_lang for multi."""
        rows = self.by_pair or self.by_lang
        return {view: {m: _finite(v) for m, v in values.items() if _is_number(v)} for view, values in rows.items()}

    def view_metrics(self) -> dict[str, dict[str, float | None]]:
        """Per view metric means, without the counts."""
        return {
            view: {m: v for m, v in values.items() if m not in NOT_METRICS} for view, values in self.detail().items()
        }


class PerQueryRef(BaseModel):
    """The per-query file named by a summary and its checksum."""

    model_config = ConfigDict(extra="allow")

    file: str
    sha256: str


class BackendRecord(BaseModel):
    """The inference backend of a result: name, precision and what its runtime reported."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(min_length=1, max_length=100)
    precision: str | None = None


class ResultFile(KeyOrdered):
    """A `<task>[.limitN][.seedK].json` summary (its per-query arrays sit beside it, named in `per_query`)."""

    model_config = ConfigDict(extra="allow")

    schema_version: int = Field(default=SCHEMA_VERSION, ge=1)
    model: str = Field(min_length=1, max_length=200)
    task: str = Field(min_length=1, max_length=200)
    task_kind: str | None = None
    limit: int | None = Field(default=None, ge=1)
    seed: int | None = Field(default=None, ge=0)
    zero_shot: bool = True
    main_score: MainScore
    languages: list[str] = Field(default_factory=list)
    settings: dict[str, SettingSummary] = Field(min_length=1)
    model_fingerprint: str | None = None
    dataset_fingerprint: str | None = None
    harness: str | None = None
    provenance: dict = Field(default_factory=dict)
    training: dict | None = None
    training_overlap: dict | None = None  # trained models: measured share of the task's texts seen in training
    per_query: PerQueryRef | None = None
    caveat: str | None = Field(default=None, max_length=2000)  # shown with every rendering of the numbers
    backend: BackendRecord | None = None  # older files: none recorded (torch fp32 for torch models)
    subset: str | None = None  # a quick run (limit): the rule that chose its queries
    low_resource: dict | None = None  # harness/results/low_resource.py
    transfer_gap: dict | None = None  # tasks with a 'translated' setting (harness/results/transfer_gap.py)
    warnings: dict | None = None  # counted data problems (records skipped, views that could not run)
    cache: dict = Field(default_factory=dict)  # embedding-cache statistics of the run
    model_source: str | None = None  # a model run without a declaration: 'path:FOLDER' or 'hf:ORG/NAME@COMMIT'

    def other_fields(self) -> dict[str, Any]:
        """Fields no page shows on their own (low-resource detail, cache, format version, newer ones), in file order."""
        extra = self.model_extra or {}
        return {
            key: extra[key] if key in extra else getattr(self, key)
            for key in self._order
            if key in extra or key in SHOWN_AS_OTHER
        }

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value > SCHEMA_VERSION:
            raise ValueError(
                f"format version {value} is newer than this harness reads ({SCHEMA_VERSION}); upgrade xling-harness"
            )
        return value

    @field_validator("main_score")
    @classmethod
    def _finite_main(cls, value: MainScore) -> MainScore:
        value.value = _finite(value.value)
        return value

    @property
    def main_setting(self) -> str:
        """'multi' of 'multi/mAP'."""
        return split_main_score(self.main_score.name)[0]

    @property
    def main_metric(self) -> str:
        """'mAP' of 'multi/mAP'."""
        return split_main_score(self.main_score.name)[1]


class SeedsFile(BaseModel):
    """A `<task>[.limitN].seeds.json` aggregate (harness/results/seeds.py): used to cross-check seeds."""

    model_config = ConfigDict(extra="allow")

    model: str
    task: str
    limit: int | None = None
    seeds: list[int] = Field(min_length=1)


def dump_result(result: ResultFile) -> dict[str, Any]:
    """The JSON object a result file holds: what was set, in the key order it was given (NaN as null)."""
    dumped = result.model_dump(mode="json", exclude_unset=True)
    dumped["settings"] = {
        name: _ordered(dumped["settings"][name], entry._order) for name, entry in result.settings.items()
    }
    return _ordered(dumped, result._order)


def _ordered(values: dict[str, Any], order: list[str]) -> dict[str, Any]:
    return {**{k: values[k] for k in order if k in values}, **{k: v for k, v in values.items() if k not in order}}


def result_error(path: Path, role: str, exc: ValidationError) -> str:
    """One line naming the file and the first invalid field: 'missing field ...' or 'field: message'."""
    errors = exc.errors()
    err = next((e for e in errors if e["type"] != "missing"), errors[0])  # a wrong value before a missing field
    loc = ".".join(str(p) for p in err["loc"])
    if err["type"] == "missing":
        problem = f"missing field {loc!r}"
    elif err["type"] == "metric_value":
        problem = f"{loc}.{err['msg']}"
    elif loc == "schema_version" and err["type"] == "value_error":
        return f"{path}: {err['msg'].removeprefix('Value error, ')}"
    else:
        problem = f"{loc or '(top level)'}: {err['msg']}"
    return f"{path}: corrupt {role} file: {problem}"


def _is_number(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)
