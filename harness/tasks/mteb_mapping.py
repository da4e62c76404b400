"""How a task's views and metrics map onto an MTEB task's subsets and score keys (a declaration)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MtebMapping(BaseModel):
    """The MTEB task a harness task reproduces: `subset` names the MTEB subset of a view from its
    query and corpus languages ({query}, {corpus}), each written with `codes` (default: the
    task's source code of the language, else the code itself)."""

    model_config = ConfigDict(extra="forbid")

    task: str = Field(description="MTEB task name, e.g. Tatoeba")
    split: str = Field(description="the MTEB split the harness task rebuilds")
    dataset_revision: str | None = Field(default=None, description="the MTEB dataset revision it matches")
    settings: list[str] = Field(min_length=1, description="harness settings whose views are MTEB subsets")
    subset: str = Field(default="{query}-{corpus}", description="MTEB subset name of a view")
    codes: dict[str, str] = Field(default_factory=dict, description="language -> its code in subset names")
    metrics: dict[str, str] = Field(min_length=1, description="harness metric -> MTEB score key")
    main_metric: str = Field(description="the harness metric that is MTEB's main_score")
