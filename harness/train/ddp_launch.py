"""Train one recipe seed on N processes of this machine through the torch launcher (torch.distributed.run).

`harness train --nproc N` (or a recipe's `nproc`) starts N ranks of `python -m harness.train_worker`
with torch's elastic launcher, exactly as `torchrun --nproc-per-node N` would: gloo on CPUs (bound to
the loopback interface unless GLOO_SOCKET_IFNAME is set), nccl on GPUs (one GPU per rank). A rank
that dies ends the run with one line; rerunning resumes from the last checkpoint, on any N.
Several machines: run `torchrun --nnodes M --nproc-per-node N --rdzv-endpoint HOST:PORT -m
harness.train_worker NAME SEED [DEVICE]` on each, with a shared cache folder (docs/SCALING.md).
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import uuid
from typing import Any

from harness.errors import HarnessError
from harness.train.trained import TrainedModelRef

WORKER_MODULE = "harness.train_worker"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (the rendezvous of one machine's ranks)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def rank_environment(nproc: int, device: str | None) -> dict[str, str]:
    """Settings each rank inherits: CPU threads shared out between ranks, gloo on the loopback interface."""
    env: dict[str, str] = {}
    if device is None or not device.startswith("cuda"):
        env["GLOO_SOCKET_IFNAME"] = os.environ.get("GLOO_SOCKET_IFNAME", "lo")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    env["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS", str(max(1, cores // nproc)))
    return env


def launch_training(ref: TrainedModelRef, nproc: int) -> dict[str, Any]:
    """Train `ref` on `nproc` ranks (resuming its checkpoint); its training.json once rank 0 wrote the model.
    The caller (harness.trained_runs.train_one) has checked that `nproc` splits the batch."""
    from torch.distributed.elastic.multiprocessing import DefaultLogsSpecs
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.launcher.api import LaunchConfig, elastic_launch

    if ref.device is not None and ref.device.startswith("cuda"):
        import torch

        if torch.cuda.device_count() < nproc:
            raise HarnessError(f"--nproc {nproc}: one GPU per rank, and this machine has {torch.cuda.device_count()}")
    ref.base  # noqa: B018 - a base that must be converted or fetched is made ready once, before N ranks race to it
    logs = ref.root / "work" / "ranks"
    logs.mkdir(parents=True, exist_ok=True)
    config = LaunchConfig(
        min_nodes=1,
        max_nodes=1,
        nproc_per_node=nproc,
        run_id=f"harness-{uuid.uuid4().hex[:12]}",
        rdzv_backend="c10d",
        rdzv_endpoint=f"127.0.0.1:{free_port()}",
        max_restarts=0,  # a dead rank ends the run; the rerun resumes from the checkpoint
        monitor_interval=0.2,
        logs_specs=DefaultLogsSpecs(log_dir=str(logs)),
        local_addr="127.0.0.1",
    )
    environment = rank_environment(nproc, ref.device)
    previous = {key: os.environ.get(key) for key in environment}
    os.environ.update(environment)
    args = ["-u", "-m", WORKER_MODULE, ref.name, str(ref.seed), ref.device or "cpu"]
    agent_log = logging.getLogger("torch.distributed.elastic")
    agent_level = agent_log.level
    agent_log.setLevel(logging.CRITICAL)  # its warnings about a dead rank become the one line below
    try:
        elastic_launch(config, sys.executable)(*args)
    except ChildFailedError as failed:
        rank, failure = failed.get_first_failure()
        raise HarnessError(
            f"model {ref.name!r} seed {ref.seed}: rank {rank} of {nproc} failed (exit code {failure.exitcode}); "
            "rerun to resume from the last checkpoint"
        ) from None
    finally:
        agent_log.setLevel(agent_level)
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if not ref.is_trained():
        raise HarnessError(f"model {ref.name!r} seed {ref.seed}: {nproc} ranks ended without a trained model")
    return ref.info()
