"""Without chromium the browser tests skip locally and say so at the end of the run (with the fix); in CI they fail."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import REPO


def _run_browser_tests(ci: bool) -> subprocess.CompletedProcess:
    """pytest on test_browser.py with a PATH that holds no chromium (only this interpreter's folder)."""
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env["PATH"] = str(Path(sys.executable).parent)
    if ci:
        env["CI"] = "true"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/report/test_browser.py"]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=REPO, timeout=300)


def test_skipped_browser_tests_are_named_in_the_last_lines() -> None:
    done = _run_browser_tests(ci=False)
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-2:]
    skipped = int(re.fullmatch(r"(\d+) skipped in [0-9.]+s", last[1]).group(1))
    assert skipped >= 13
    assert last[0] == f"browser tests skipped ({skipped}): chromium not found — run: apt-get install -y chromium"


def test_in_ci_a_missing_browser_fails_the_run() -> None:
    done = _run_browser_tests(ci=True)
    assert done.returncode == 1
    assert re.search(r"\n(\d+) errors in", done.stdout)
    assert "browser tests need a browser in CI: chromium not found (run: apt-get install -y chromium)" in done.stdout
    assert "browser tests skipped" not in done.stdout and not re.search(r"\d+ skipped", done.stdout)
