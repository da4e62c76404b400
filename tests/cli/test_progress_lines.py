"""Off a terminal, long phases print their pace (rate and ETA) as they go, and how they ended."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from harness import console as console_module
from harness.console import RichPhases, pace


def test_pace_states_done_total_rate_and_eta() -> None:
    assert pace(640, 2915, 64.0) == "640/2,915 (22%), 10.0/s, ETA 3m48s"
    assert pace(0, 10, 0.0) == "0/10 (0%), 0.0/s"
    assert pace(7200, 10_000, 3600.0) == "7,200/10,000 (72%), 2.0/s, ETA 23m20s"
    assert pace(100, 10_000, 100.0) == "100/10,000 (1%), 1.0/s, ETA 2h45m"


def test_phases_log_their_pace_per_batch_off_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console_module, "LOG_EVERY_SECONDS", 0.0)
    buffer = io.StringIO()
    with RichPhases(Console(file=buffer, force_terminal=False, width=200)) as phases:
        phases.stage("task 2/4 · afriqa · model me5-small-hybrid")
        handle = phases.start("encode corpus pool", 300)
        for _ in range(3):
            phases.advance(handle, 100)
        phases.finish(handle)
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "task 2/4 · afriqa · model me5-small-hybrid"
    paced = [line for line in lines if line.startswith("encode corpus pool: ") and "/s" in line]
    assert [line.split(":", 1)[1].split(" (")[0].strip() for line in paced[:3]] == ["100/300", "200/300", "300/300"]
    assert "ETA" in paced[0]
    assert any(line.startswith("encode corpus pool: 300 done in ") for line in lines)
