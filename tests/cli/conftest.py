"""Run the real CLI in a subprocess, with its own cache, mirror and tasks folder."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from harness.paths import REPO_ROOT

CliRunner = Callable[..., subprocess.CompletedProcess]


def run_cli(
    *args: str, cache: Path, env: dict[str, str] | None = None, timeout: float = 600, module: str = "harness.cli"
) -> subprocess.CompletedProcess:
    """`python -m MODULE ARGS` with `cache` as the harness cache and `env` over this environment."""
    full_env = {**os.environ, "HARNESS_CACHE_DIR": str(cache), "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=REPO_ROOT,
    )


@pytest.fixture
def cli(isolated_cache: Path) -> CliRunner:
    """`cli(*args, env={...})` runs `python -m harness.cli` and returns the completed process."""

    def run(*args: str, env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
        return run_cli(*args, cache=isolated_cache, env=env, timeout=timeout)

    return run


def subset_task(folder: Path, languages: list[str], name: str = "xquad-r") -> Path:
    """A tasks folder holding a copy of a shipped task restricted to some languages."""
    raw = yaml.safe_load((REPO_ROOT / "tasks" / f"{name}.yaml").read_text())
    raw["languages"] = languages
    raw["expected_counts"] = {k: v for k, v in raw.get("expected_counts", {}).items() if k in languages}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    return folder
