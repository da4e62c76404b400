"""min_best_step: no checkpoint inside warmup + patience window can win, and early stopping waits for it."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from harness.errors import HarnessError
from harness.models.model_spec import Prefixes
from harness.models.recipe import TrainParams
from harness.train import loop
from harness.train.distributed import Ranks


def _evaluations(params: TrainParams, losses: list[float], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Drive the loop's validation step at 0, eval_every, 2 x eval_every, ... with scripted losses."""
    scripted = iter(losses)
    monkeypatch.setattr(loop, "validation_loss", lambda *args, **kwargs: next(scripted))
    state = {"step": 0, "best_val": float("inf"), "best_step": 0, "bad_evals": 0, "history": [], "stopped_early": False}
    model = torch.nn.Linear(2, 2)
    for number in range(len(losses)):
        state["step"] = number * params.eval_every
        loop._validate(model, [], params, Prefixes(), "cpu", state, None, tmp_path, loop.NullReporter(), Ranks())
        if state["stopped_early"]:
            break
    return state


def test_an_early_checkpoint_cannot_win_and_stopping_waits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    params = TrainParams(max_steps=400, warmup_steps=40, eval_every=25, patience=4, min_best_step=140)
    # the best loss comes at step 25, inside the warmup: without the floor it would win and stop the run at 125
    losses = [0.60, 0.20, 0.30, 0.31, 0.32, 0.33, 0.29, 0.28, 0.30, 0.31, 0.32, 0.33]
    unfloored = _evaluations(params.model_copy(update={"min_best_step": None}), losses, tmp_path, monkeypatch)
    assert (unfloored["best_step"], unfloored["step"], unfloored["stopped_early"]) == (25, 125, True)
    floored = _evaluations(params, losses, tmp_path / "f", monkeypatch)
    assert floored["best_step"] == 175 and floored["best_val"] == 0.28  # the best at or after step 140
    assert floored["stopped_early"] and floored["step"] == 275  # 4 evaluations without improvement after it
    assert [h["step"] for h in floored["history"]][:3] == [0, 25, 50]  # earlier evaluations are still recorded


@pytest.mark.parametrize(
    ("update", "message"),
    [
        ({"min_best_step": 100}, r"min_best_step: 100 is inside warmup \+ patience window \(40 \+ 4 x 25 = 140\)"),
        ({"min_best_step": 400}, r"min_best_step: 400 leaves no evaluation before max_steps 400"),
    ],
)
def test_a_floor_inside_the_window_is_refused(update: dict, message: str) -> None:
    base = {"max_steps": 400, "warmup_steps": 40, "eval_every": 25, "patience": 4}
    with pytest.raises((ValueError, HarnessError), match=message):
        TrainParams(**base, **update)
