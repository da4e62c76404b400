"""`harness data import/status` and `harness list` through the real CLI."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .conftest import CliRunner


def _no_mirror() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("HARNESS_DATA_MIRROR", None)
    return env


def test_import_then_status_shows_verified_cache_files(cli: CliRunner, tmp_path: Path, mirror: Path) -> None:
    source = tmp_path / "usb-stick"
    (source / "xquad-r").mkdir(parents=True)
    for name in ("en.json", "de.json"):
        shutil.copy(mirror / "xquad-r" / name, source / "xquad-r" / name)
    env = {**_no_mirror(), "HARNESS_DATA_MIRROR": ""}
    imported = cli("data", "import", str(source), env=env)
    assert imported.returncode == 0, imported.stderr
    assert "imported 2" in imported.stdout
    status = cli("data", "status", env=env)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert any("xquad-r/en.json" in line and "cache" in line and "verified" in line for line in lines)
    assert any("xquad-r/ar.json" in line and "missing" in line for line in lines)
    again = cli("data", "import", str(source), env=env)
    assert "imported 0, already present 2" in again.stdout


def test_import_of_a_missing_folder_is_a_user_error(cli: CliRunner, tmp_path: Path) -> None:
    proc = cli("data", "import", str(tmp_path / "nowhere"))
    assert proc.returncode == 2 and proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


def test_list_models_and_tasks(cli: CliRunner, mirror: Path) -> None:
    models = cli("list", "models")
    assert models.returncode == 0
    for name in ("me5-small", "usem-v3", "minilm-en", "bm25", "labse", "bge-m3"):
        assert name in models.stdout
    tasks = cli("list", "tasks", env={"HARNESS_DATA_MIRROR": str(mirror)})
    assert tasks.returncode == 0
    assert "xquad-r" in tasks.stdout and "present" in tasks.stdout
