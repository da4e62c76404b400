"""What one job of a model needs from a cluster (`harness run --executor ray`): CPUs, GPUs, memory."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

GIB = 2**30


class Resources(BaseModel):
    """Ray resources of one evaluation or training job of the model (per process, not per cluster)."""

    model_config = ConfigDict(extra="forbid")

    cpus: float = Field(default=1.0, gt=0, description="CPU slots; also the job's thread count under Ray")
    gpus: float = Field(default=0.0, ge=0, description="GPUs (a fraction shares one); `--gpus-per-worker` overrides")
    memory_gb: float | None = Field(default=None, gt=0, description="memory Ray reserves for the job; None: none")

    def ray_options(self, gpus: float | None = None) -> dict[str, float]:
        """`.options(...)` of a Ray task: num_cpus, num_gpus and memory (bytes)."""
        options = {"num_cpus": self.cpus, "num_gpus": self.gpus if gpus is None else gpus}
        if self.memory_gb is not None:
            options["memory"] = self.memory_gb * GIB
        return options
