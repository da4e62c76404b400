"""`harness list tasks/models` never cut a name users type: in a pipe, and in narrow terminals."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest

from harness.models.model_spec import load_models
from harness.paths import REPO_ROOT
from harness.tasks.task_registry import load_tasks

from .conftest import CliRunner

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
NAMES = {"tasks": lambda: list(load_tasks()), "models": lambda: list(load_models())}


def in_terminal(columns: int, *args: str) -> tuple[int, str]:
    """Run the CLI in a pseudo-terminal `columns` wide; its exit code and output without colours."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 60, columns, 0, 0))
    env = {**os.environ, "COLUMNS": str(columns), "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "harness.cli", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        cwd=REPO_ROOT,
        close_fds=True,
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 1 << 16)
        except OSError:  # the terminal closed: the process has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.wait(timeout=120), ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))


def first_column(output: str) -> set[str]:
    """The whole first cell of every table row."""
    return {match.group(1) for match in re.finditer(r"^[│┃] (\S+?) +[│┃]", output, re.MULTILINE)}


@pytest.mark.parametrize("what", ["tasks", "models"])
def test_names_whole_in_a_pipe_at_80_columns(cli: CliRunner, what: str) -> None:
    proc = cli("list", what, env={"COLUMNS": "80"})
    assert proc.returncode == 0, proc.stderr
    names = NAMES[what]()
    assert set(names) <= first_column(proc.stdout), proc.stdout
    assert "…" not in proc.stdout
    rows = [line for line in proc.stdout.splitlines() if line.startswith("│ ")]
    assert len(rows) == len(names)  # one line per row: nothing wrapped in a pipe


@pytest.mark.parametrize("columns", [80, 40])
@pytest.mark.parametrize("what", ["tasks", "models"])
def test_names_whole_in_a_narrow_terminal(what: str, columns: int) -> None:
    code, output = in_terminal(columns, "list", what)
    assert code == 0, output
    assert set(NAMES[what]()) <= first_column(output), output
    assert "…" not in output
