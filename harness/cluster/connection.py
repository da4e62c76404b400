"""Connecting to Ray: an existing cluster (`--ray-address` / RAY_ADDRESS) or one started for the run.

Workers see the driver's HARNESS_* and Hugging Face settings (runtime_env env_vars, relative paths made
absolute), so a mirror, cache or models file set on the driver is the one every job reads; on a cluster
of several machines those paths must name shared storage (docs/SCALING.md).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from harness.errors import HarnessError

FORWARDED_PREFIXES = ("HARNESS_", "HF_", "TRANSFORMERS_", "SENTENCE_TRANSFORMERS_")
INSTALL_HINT = "pip install 'xling-harness[ray]'"


def require_ray() -> ModuleType:
    """The ray module, or a one-line error saying how to install it."""
    try:
        import ray
    except ImportError:
        raise HarnessError(f"--executor ray needs Ray, which is not installed: {INSTALL_HINT}") from None
    return ray


def forwarded_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The settings every worker needs, with relative paths resolved against the driver's directory."""
    environ = dict(os.environ if environ is None else environ)
    out = {}
    for key, value in environ.items():
        if key.startswith(FORWARDED_PREFIXES):
            path = Path(value)
            out[key] = str(path.resolve()) if value and not path.is_absolute() and path.exists() else value
    return out


@contextmanager
def ray_cluster(address: str | None = None, num_cpus: int | None = None) -> Iterator[ModuleType]:
    """Ray initialised for one run and shut down after it (the cluster itself stays when it was there before).

    Without an address (nor RAY_ADDRESS) a single-machine cluster is started for the run, bound to
    127.0.0.1; `num_cpus` sizes it (default: every core).
    """
    ray = require_ray()
    target = address or os.environ.get("RAY_ADDRESS") or None
    settings = {
        "runtime_env": {"env_vars": forwarded_env()},
        "log_to_driver": False,
        "logging_level": logging.WARNING,
    }
    try:
        if target:
            ray.init(address=target, **settings)
        else:
            os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")  # a run's own cluster stays on loopback
            ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, **settings)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = f"Ray cluster at {target}" if target else "a local Ray cluster"
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise HarnessError(f"cannot connect to {where}: {first[:200]}") from None
    try:
        yield ray
    finally:
        ray.shutdown()
