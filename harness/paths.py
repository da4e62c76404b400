"""Where the harness keeps its caches; every location can be overridden by environment."""

from __future__ import annotations

import os
from pathlib import Path

MIRROR_ENV = "HARNESS_DATA_MIRROR"
CACHE_ENV = "HARNESS_CACHE_DIR"
REPO_ROOT = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """Root of all caches (downloaded data, embeddings, converted models)."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "xling-harness"


def data_cache_dir() -> Path:
    """Downloaded or imported data files, laid out like the mirror."""
    return cache_dir() / "data"


def embedding_cache_dir() -> Path:
    """Cached embedding matrices keyed by model and text-set fingerprints."""
    return cache_dir() / "embeddings"


def mirror_dir() -> Path | None:
    """The read-only data mirror named by HARNESS_DATA_MIRROR, if any."""
    env = os.environ.get(MIRROR_ENV)
    return Path(env).expanduser() if env else None


def tasks_dir() -> Path:
    """Folder of task YAML files: HARNESS_TASKS_DIR, else the repository's tasks/."""
    env = os.environ.get("HARNESS_TASKS_DIR")
    return Path(env).expanduser() if env else REPO_ROOT / "tasks"


def model_cache_dir() -> Path:
    """Converted and trained model folders, each keyed by its fingerprint."""
    return cache_dir() / "models"


def training_dir() -> Path:
    """Folder of training-set YAML files: HARNESS_TRAINING_DIR, else the repository's training/."""
    env = os.environ.get("HARNESS_TRAINING_DIR")
    return Path(env).expanduser() if env else REPO_ROOT / "training"
