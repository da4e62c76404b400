"""Provenance names the commit and flags local changes to code, not to the results runs write."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from harness.results import provenance


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_changed_results_leave_the_tree_clean_and_changed_code_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "r.json").write_text("{}")
    (tmp_path / "code.py").write_text("x = 1\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "first")
    commit = _git(tmp_path, "rev-parse", "--short=12", "HEAD")
    monkeypatch.setattr(provenance, "REPO_ROOT", tmp_path)
    assert provenance.git_sha() == commit
    (tmp_path / "results" / "r.json").write_text('{"a": 1}')  # a run rewrote a committed result
    (tmp_path / "notes.txt").write_text("untracked")
    assert provenance.git_sha() == commit
    (tmp_path / "code.py").write_text("x = 2\n")
    assert provenance.git_sha() == f"{commit}-dirty"
