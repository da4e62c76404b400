"""A Ray job's thread count: the CPUs Ray assigned to it, in every thread pool already loaded.

Ray sets OMP_NUM_THREADS to a task's CPUs, but it reuses worker processes across tasks, and OpenMP,
BLAS and torch read that setting once, when they load: a worker that first ran a one-CPU job would run
a two-CPU job on one thread. threadpoolctl resets every loaded pool; libraries loaded later read the
variable Ray set for this task.
"""

from __future__ import annotations

import sys


def use_assigned_cpus() -> int | None:
    """Set the thread pools to this Ray task's CPUs (None outside a Ray task or without CPUs)."""
    import ray
    from threadpoolctl import threadpool_limits

    if not ray.is_initialized():
        return None
    cpus = ray.get_runtime_context().get_assigned_resources().get("CPU")
    if not cpus:
        return None
    threads = max(1, int(cpus))
    threadpool_limits(threads)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)
    return threads
