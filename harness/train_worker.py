"""One rank of data-parallel training: `python -m harness.train_worker NAME SEED [DEVICE]` under the torch launcher.

The launcher (harness.train.ddp_launch, or torchrun across machines) sets RANK, WORLD_SIZE, LOCAL_RANK
and the rendezvous; this joins the process group (nccl on GPUs, gloo on CPUs), trains the recipe
seed with its rank's slice of every global batch, and leaves. Rank 0 reports progress.
"""

from __future__ import annotations

import os
import sys

from harness.errors import HarnessError


def run_rank(name: str, seed: int, device: str) -> None:
    """Join the group, train (resuming a checkpoint), leave the group."""
    import torch
    import torch.distributed as dist
    from rich.console import Console

    from harness.console import RichTrainReporter
    from harness.models.model_spec import get_model_spec, load_models
    from harness.train.distributed import current_ranks
    from harness.train.trained import TrainedModelRef, ensure_trained

    on_gpu = device.startswith("cuda")
    dist.init_process_group("nccl" if on_gpu else "gloo")
    try:
        ranks = current_ranks()
        if on_gpu:
            torch.cuda.set_device(ranks.local_rank)
        rank_device = f"cuda:{ranks.local_rank}" if on_gpu else "cpu"
        models = load_models()
        ref = TrainedModelRef(name, get_model_spec(name, models), seed, models, rank_device)
        label = f"{name} seed {seed} ({ranks.world} ranks)"
        reporter = RichTrainReporter(Console(stderr=True), label) if ranks.is_main else None
        try:
            ensure_trained(ref, reporter, ranks)
        except (dist.DistError, RuntimeError) as lost:  # another rank died: the launcher reports which
            if not isinstance(lost, dist.DistError) and not _is_transport_failure(lost):
                raise
            first = str(lost).strip().splitlines()[0] if str(lost).strip() else type(lost).__name__
            raise HarnessError(f"lost the other ranks ({first[:160]})") from None
    finally:
        dist.destroy_process_group()


def _is_transport_failure(error: RuntimeError) -> bool:
    """gloo reports a peer that vanished as a plain RuntimeError naming its own source file."""
    return any(marker in str(error) for marker in ("gloo/transport", "Connection closed by peer", "NCCL"))


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3) or not args[1].isdigit():
        sys.stderr.write("usage: python -m harness.train_worker NAME SEED [DEVICE]\n")
        sys.exit(2)
    try:
        run_rank(args[0], int(args[1]), args[2] if len(args) == 3 else "cpu")
    except HarnessError as exc:
        rank = os.environ.get("RANK", "0")
        sys.stderr.write(f"rank {rank}: {exc}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
