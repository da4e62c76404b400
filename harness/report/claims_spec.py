"""Schema of a claims file (experiments/claims.yaml): claims of a paper as paired comparisons of results."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.metrics import METRICS, has_direction
from harness.yaml_io import load_yaml_model

Views = Literal["all", "low-resource", "worst"]
Test = Literal["superiority", "non-inferiority", "equivalence"]


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
    test: Test | None = Field(
        default=None,
        description="superiority (a better than b), non-inferiority (a no worse than b by more than margin) or "
        "equivalence (|a - b| < margin, two one-sided tests); default: superiority, or non-inferiority with a margin",
    )
    better: Literal["higher", "lower"] | None = Field(default=None, description="default: the metric's direction")

    @model_validator(mode="after")
    def _direction(self) -> Comparison:
        if self.metric not in METRICS:
            raise ValueError(f"metric: unknown metric {self.metric!r}; known: {', '.join(METRICS)}")
        if self.better is None and not has_direction(self.metric):
            raise ValueError(f"better: {self.metric} has no direction of its own; say higher or lower")
        if self.a == self.b:
            raise ValueError(f"a and b: both are {self.a!r}")
        if self.test in ("non-inferiority", "equivalence") and not self.margin:
            raise ValueError(f"margin: the {self.test} test needs a margin above 0 (0 makes it a superiority test)")
        if self.test == "superiority" and self.margin:
            raise ValueError("margin: a superiority test takes no margin")
        return self

    @property
    def kind(self) -> Test:
        """The test this comparison asks for."""
        return self.test or ("superiority" if self.margin is None else "non-inferiority")

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


class TrendCheck(BaseModel):
    """A run-level trend of the sweep's runs over alpha (each (alpha, seed) run one observation)."""

    model_config = ConfigDict(extra="forbid")

    task: str
    setting: str
    metric: str
    views: Views = "all"
    expect: Literal["increasing", "decreasing", "flat"]


class DiffInDiffCheck(BaseModel):
    """Is a's gain over b larger on low-resource languages (class <= 3) than on the others, once the
    covariates are held fixed? One observation per language of `setting`'s views."""

    model_config = ConfigDict(extra="forbid")

    a: str
    b: str
    task: str
    setting: str
    metric: str
    covariates: list[Literal["seen-in-training", "latin-script"]] = Field(default_factory=list)
    expect: Literal["larger-on-low-resource", "no-difference"]
    margin: float | None = Field(
        default=None, gt=0, description="for no-difference: the largest gap still counted as none (equivalence)"
    )

    @model_validator(mode="after")
    def _margin(self) -> DiffInDiffCheck:
        if self.expect == "no-difference" and self.margin is None:
            raise ValueError("margin: a no-difference expectation needs an equivalence margin")
        return self


class Claim(BaseModel):
    """One claim: it holds when all of its comparisons, trends and difference-in-differences checks do."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    statement: str
    source: str = ""
    all_of: list[Comparison] = Field(default_factory=list)
    trends: list[TrendCheck] = Field(default_factory=list)
    diff_in_diff: list[DiffInDiffCheck] = Field(default_factory=list)

    @model_validator(mode="after")
    def _something_to_test(self) -> Claim:
        if not (self.all_of or self.trends or self.diff_in_diff):
            raise ValueError(f"claim {self.id}: give all_of, trends or diff_in_diff")
        return self


class ClaimsFile(BaseModel):
    """The claims of one study: who the samplers are, the error rate, the claims."""

    model_config = ConfigDict(extra="forbid")

    samplers: dict[str, str] = Field(min_length=1, description="role -> stored model name")
    sweep: str | None = Field(default=None, description="the study's sweep (models.yaml) for the research question")
    backend: str | None = Field(default=None, description="the backend its results are stored with (MODEL@BACKEND)")
    level: float = Field(default=0.05, gt=0, lt=1)
    seeds: Literal["fixed", "random-effect"] = Field(
        default="fixed",
        description="fixed: tests over items on seed-averaged scores; random-effect: seeds are a sample of the "
        "recipe's runs (harness.stats.hierarchical) and items are clustered (harness.stats.clustered)",
    )
    registered: str | None = Field(
        default=None, description="why and when the claims were fixed: before which runs (pre-registration)"
    )
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
