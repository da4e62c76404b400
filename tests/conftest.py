"""Shared fixtures: the real-data mirror (required in CI) and an isolated cache directory."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.paths import CACHE_ENV, MIRROR_ENV, REPO_ROOT

DEFAULT_MIRROR = REPO_ROOT.parent / "shared" / "data"


def _mirror_path() -> Path:
    return Path(os.environ.get(MIRROR_ENV) or DEFAULT_MIRROR)


@pytest.fixture(scope="session")
def mirror() -> Path:
    """Root of the real-data mirror; real-data tests fail (never skip) in CI when it is absent."""
    path = _mirror_path()
    if not (path / "MANIFEST.md").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"real-data mirror not found at {path} (set {MIRROR_ENV})")
        pytest.skip(f"real-data mirror not found at {path}")
    return path


# Every place a library may write to by default, pointed into the session's temp folder.
HOME_VARIABLES = ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "HF_HOME", "TORCH_HOME")


@pytest.fixture(scope="session", autouse=True)
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Before any fixture (module-scoped ones included) runs: HOME, XDG and library caches, the harness
    cache and TMPDIR all live in the session's temp folder, so the suite writes nothing anywhere else."""
    root = tmp_path_factory.getbasetemp()
    saved = {name: os.environ.get(name) for name in (*HOME_VARIABLES, CACHE_ENV, "TMPDIR")}
    home, tmp = root / "home", root / "tmp"
    for folder in (home, tmp, root / "cache"):
        folder.mkdir(exist_ok=True)
    os.environ.update(
        {
            "HOME": str(home),
            "XDG_CACHE_HOME": str(home / ".cache"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "HF_HOME": str(home / ".cache" / "huggingface"),
            "TORCH_HOME": str(home / ".cache" / "torch"),
            CACHE_ENV: str(root / "cache"),
            "TMPDIR": str(tmp),
        }
    )
    saved_tempdir, tempfile.tempdir = tempfile.tempdir, str(tmp)
    yield home
    tempfile.tempdir = saved_tempdir
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets the session's own cache dir, never the user's ~/.cache."""
    cache = tmp_path_factory.getbasetemp() / "cache"
    cache.mkdir(exist_ok=True)
    monkeypatch.setenv(CACHE_ENV, str(cache))
    return cache


@pytest.fixture
def with_mirror(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the harness at the real-data mirror for one test."""
    monkeypatch.setenv(MIRROR_ENV, str(mirror))
    return mirror


@pytest.fixture
def ray_env(tmp_path: Path, with_mirror: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Loopback, token auth from the environment, session files in a short temporary folder (socket paths
    have a length limit, which pytest's folders exceed)."""
    session = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
    env = {
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(16),
        "RAY_TMPDIR": str(session),
        "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
        "RAY_USAGE_STATS_ENABLED": "0",
        "HARNESS_DATA_MIRROR": str(with_mirror),
        "HF_HUB_OFFLINE": "1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    yield env
    shutil.rmtree(session, ignore_errors=True)
