"""Schema of a task YAML file; a task is a declaration, never loading code."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.data.sources import Source

Setting = Literal["mono", "cross", "multi"]
TaskKind = Literal["parallel-qa-retrieval", "monolingual-retrieval"]
Purpose = Literal["benchmark", "regression"]

METRICS_BY_KIND: dict[str, set[str]] = {
    "parallel-qa-retrieval": {"mAP", "R@1", "R@10", "rank_distance"},
    "monolingual-retrieval": {"nDCG@10", "AP@10", "R@10", "R@100", "RR@10"},
}


class TaskSpec(BaseModel):
    """One benchmark task: languages, data source, settings, metrics and the main score."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: TaskKind
    description: str
    citation: str | None = None
    languages: list[str] = Field(min_length=1)
    source: Source
    settings: list[Setting] = Field(min_length=1)
    metrics: list[str] = Field(min_length=1)
    main_score: str = Field(description="setting/metric, e.g. multi/mAP")
    purpose: Purpose = Field(
        default="benchmark", description="'regression': a CI subset, never in `--tasks all` nor on the leaderboard"
    )
    expected_counts: dict[str, tuple[int, int]] = Field(
        default_factory=dict, description="lang -> (questions, candidates), checked at load time"
    )

    @model_validator(mode="after")
    def _consistent(self) -> TaskSpec:
        if len(set(self.languages)) != len(self.languages):
            raise ValueError(f"languages: duplicates in {self.languages}")
        allowed = METRICS_BY_KIND[self.kind]
        unknown = [m for m in self.metrics if m not in allowed]
        if unknown:
            raise ValueError(f"metrics: {unknown} not available for kind {self.kind} (use {sorted(allowed)})")
        if self.kind == "monolingual-retrieval" and self.settings != ["mono"]:
            raise ValueError(f"settings: kind {self.kind} supports only [mono], got {self.settings}")
        setting, _, metric = self.main_score.partition("/")
        if setting not in self.settings or metric not in self.metrics:
            raise ValueError(f"main_score: {self.main_score!r} is not one of the task's setting/metric pairs")
        for lang in self.languages:
            name = self.source.file_for(lang)
            if self.source.files and name not in self.source.files:
                raise ValueError(f"source.files: no sha256 for {name!r} (language {lang})")
        extra = set(self.expected_counts) - set(self.languages)
        if extra:
            raise ValueError(f"expected_counts: languages {sorted(extra)} are not in languages")
        return self
