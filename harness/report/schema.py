"""What the report needs from a result file, validated: anything else in the file is carried along."""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from harness.results.setting_keys import NOT_METRICS

Number = float | None


class MainScore(BaseModel):
    """The task's headline number, e.g. {'name': 'multi/mAP', 'value': 0.29}."""

    model_config = ConfigDict(extra="allow")

    name: str = Field(pattern=r"^[^/]+/[^/]+$")
    value: Number = None


class SettingSummary(BaseModel):
    """One setting: macro means (extra numeric fields) and per pair / per query language values.

    Fields that are not numbers (added by later harness versions) and view counts (n_empty,
    min_queries, ...) are carried but not shown as metrics; a null metric value reads as missing.
    """

    model_config = ConfigDict(extra="allow")

    n_pairs: int | None = None
    by_pair: dict[str, dict[str, Any]] = Field(default_factory=dict)
    by_lang: dict[str, dict[str, Any]] = Field(default_factory=dict)
    empty_views: dict[str, str] = Field(default_factory=dict)  # views without queries: never averaged
    min_queries: int | None = None  # the task's minimum when the result was made (older files: none)

    def macros(self) -> dict[str, float | None]:
        """{metric: macro mean} of the numeric fields; NaN reads as missing."""
        return {k: _finite(v) for k, v in (self.model_extra or {}).items() if _is_number(v) and k not in NOT_METRICS}

    def thin_views(self, minimum: int) -> list[str]:
        """Evaluated views with fewer than `minimum` queries (from their counts, so older files are flagged too)."""
        rows = self.by_pair or self.by_lang
        return [view for view, values in rows.items() if _is_number(values.get("n_queries"))
                and values["n_queries"] < minimum]

    def detail(self) -> dict[str, dict[str, float | None]]:
        """Per view numbers: by_pair for mono / cross, by_lang for multi."""
        rows = self.by_pair or self.by_lang
        return {view: {m: _finite(v) for m, v in values.items() if _is_number(v)} for view, values in rows.items()}


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


class ResultFile(BaseModel):
    """A `<task>[.limitN][.seedK].json` summary as the report reads it."""

    model_config = ConfigDict(extra="allow")

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
    per_query: PerQueryRef | None = None
    caveat: str | None = Field(default=None, max_length=2000)  # shown with every rendering of the numbers
    backend: BackendRecord | None = None  # older files: none recorded (torch fp32 for torch models)

    @field_validator("main_score")
    @classmethod
    def _finite_main(cls, value: MainScore) -> MainScore:
        value.value = _finite(value.value)
        return value

    @property
    def main_setting(self) -> str:
        """'multi' of 'multi/mAP'."""
        return self.main_score.name.split("/", 1)[0]

    @property
    def main_metric(self) -> str:
        """'mAP' of 'multi/mAP'."""
        return self.main_score.name.split("/", 1)[1]


class SeedsFile(BaseModel):
    """A `<task>[.limitN].seeds.json` aggregate (harness/results/seeds.py): used to cross-check seeds."""

    model_config = ConfigDict(extra="allow")

    model: str
    task: str
    limit: int | None = None
    seeds: list[int] = Field(min_length=1)


def _is_number(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)
