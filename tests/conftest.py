"""Shared fixtures: the real-data mirror (required in CI) and an isolated cache directory."""

from __future__ import annotations

import os
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
