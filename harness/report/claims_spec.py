"""Schema of a claims file (experiments/claims.yaml): claims of a paper as paired comparisons of results."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.metrics import METRICS, has_direction
from harness.yaml_io import load_yaml_model

Views = Literal["all", "low-resource", "worst"]


class Comparison(BaseModel):
    """`a` better than `b` (or, with `margin`, no worse than b by more than margin) on one task setting."""

    model_config = ConfigDict(extra="forbid")

    a: str = Field(description="a name under samplers:, or a stored model name")
    b: str
    task: str
    setting: str
    metric: str
    views: Views = Field(
        default="all", description="all views, those touching a class <= 3 language, or each model's worst view"
    )
    margin: float | None = Field(default=None, ge=0, description="non-inferiority margin; None: a beats b")
    better: Literal["higher", "lower"] | None = Field(default=None, description="default: the metric's direction")

    @model_validator(mode="after")
    def _direction(self) -> Comparison:
        if self.metric not in METRICS:
            raise ValueError(f"metric: unknown metric {self.metric!r}; known: {', '.join(METRICS)}")
        if self.better is None and not has_direction(self.metric):
            raise ValueError(f"better: {self.metric} has no direction of its own; say higher or lower")
        if self.a == self.b:
            raise ValueError(f"a and b: both are {self.a!r}")
        return self

    @property
    def higher_is_better(self) -> bool:
        if self.better is not None:
            return self.better == "higher"
        return METRICS[self.metric].better == "higher"

    @property
    def label(self) -> str:
        """'hybrid vs X-Y · xquad-r cross mAP, low-resource views'."""
        where = {"all": "", "low-resource": ", low-resource views", "worst": ", worst view"}[self.views]
        test = "" if self.margin is None else f" (margin {self.margin:g})"
        return f"{self.a} vs {self.b} · {self.task} {self.setting} {self.metric}{where}{test}"


class Claim(BaseModel):
    """One claim: it holds when all of its comparisons do."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    statement: str
    source: str = ""
    all_of: list[Comparison] = Field(min_length=1)


class ClaimsFile(BaseModel):
    """The claims of one study: who the samplers are, the error rate, the claims."""

    model_config = ConfigDict(extra="forbid")

    samplers: dict[str, str] = Field(min_length=1, description="role -> stored model name")
    sweep: str | None = Field(default=None, description="the study's sweep (models.yaml) for the research question")
    backend: str | None = Field(default=None, description="the backend its results are stored with (MODEL@BACKEND)")
    level: float = Field(default=0.05, gt=0, lt=1)
    claims: list[Claim] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ClaimsFile:
        ids = [c.id for c in self.claims]
        if len(set(ids)) != len(ids):
            raise ValueError(f"claims: ids repeat in {ids}")
        return self

    def model_of(self, role: str) -> str:
        """The stored model a comparison names (a sampler role, or a model name as is)."""
        return self.samplers.get(role, role)


def load_claims(path: Path) -> ClaimsFile:
    """A validated claims file; anything wrong is a one-line error naming the file and field."""
    return load_yaml_model(path, ClaimsFile)
