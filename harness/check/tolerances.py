"""Per-task, per-metric tolerances for `harness check`, declared in YAML (default 0.005 absolute)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, NonNegativeFloat

from harness.errors import HarnessError
from harness.yaml_io import load_yaml_model

DEFAULT_TOLERANCE = 0.005
TOLERANCES_FILE = "tolerances.yaml"


class Tolerances(BaseModel):
    """Absolute tolerances in each metric's own unit; the most specific entry wins.

    Lookup order: `tasks.<task>.<metric>`, then `metrics.<metric>`, then `default`.
    """

    model_config = ConfigDict(extra="forbid")

    default: NonNegativeFloat = DEFAULT_TOLERANCE
    metrics: dict[str, NonNegativeFloat] = Field(default_factory=dict)
    tasks: dict[str, dict[str, NonNegativeFloat]] = Field(default_factory=dict)

    def for_metric(self, task: str, metric: str) -> float:
        """The tolerance that applies to `metric` of `task`."""
        per_task = self.tasks.get(task, {})
        if metric in per_task:
            return per_task[metric]
        return self.metrics.get(metric, self.default)


def load_tolerances(path: Path, required: bool = False) -> Tolerances:
    """Tolerances from a YAML file; an absent file means the defaults (unless required), a broken one an error."""
    if not path.exists():
        if required:
            raise HarnessError(f"--tolerances: {path} does not exist")
        return Tolerances()
    return load_yaml_model(path, Tolerances, empty_ok=True)
