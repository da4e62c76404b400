"""Pre-registration of a claims file: the commit that fixed it, and the results made before it.

A result is older than the claims file when the commit it was made from (its provenance's git_sha)
does not contain the claims file's first commit; a result without a commit, or whose commit this
checkout does not know, is compared by its finish time with that commit's time.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from harness.paths import REPO_ROOT
from harness.report.entries import Entry


@dataclass(frozen=True)
class Registration:
    """The claims file's first commit, and (model, task, seed, commit) of each result made before it."""

    commit: str | None
    committed_at: str | None
    older: list[tuple[str, str, int | None, str]]
    checked: int  # results compared


def _git(*args: str) -> subprocess.CompletedProcess | None:
    try:
        return subprocess.run(["git", "-C", str(REPO_ROOT), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None


def first_commit(path: Path) -> tuple[str, str] | None:
    """(sha, ISO time) of the commit that added `path`; None outside git or when it is not committed."""
    found = _git("log", "--diff-filter=A", "--format=%H %cI", "--", str(path.resolve()))
    lines = found.stdout.split() if found and found.returncode == 0 else []
    return (lines[-2], lines[-1]) if len(lines) >= 2 else None


def _contains(result_sha: str, commit: str) -> bool | None:
    """True when the result's commit descends from `commit`; None when git cannot tell."""
    sha = result_sha.removesuffix("-dirty")
    found = _git("merge-base", "--is-ancestor", commit, sha)
    if found is None or found.returncode not in (0, 1):
        return None
    return found.returncode == 0


def registration(path: Path, entries: list[Entry], models: set[str]) -> Registration:
    """Which results of `models` were made before the claims file at `path` was first committed."""
    first = first_commit(path)
    if first is None:
        return Registration(None, None, [], 0)
    commit, committed_at = first
    when = datetime.fromisoformat(committed_at)
    older, checked = [], 0
    for entry in entries:
        if entry.model not in models or entry.group.limit is not None:
            continue
        for run in entry.runs:
            checked += 1
            sha = run.result.provenance.get("git_sha")
            contained = _contains(sha, commit) if sha else None
            if contained is None:
                finished = run.result.provenance.get("finished_at")
                contained = bool(finished) and datetime.fromisoformat(finished) >= when
            if not contained:
                older.append((entry.model, entry.group.task, run.result.seed, sha or "unknown"))
    return Registration(commit[:12], committed_at, sorted(older, key=str), checked)
