"""A recipe trained with bf16 autocast on a CPU without bfloat16 instructions warns that torch emulates it."""

from __future__ import annotations

import pytest

from harness import cpu_features
from harness.models.recipe import TrainParams
from harness.train.loop import emulated_autocast


@pytest.mark.parametrize(
    ("autocast", "device", "has_bf16", "warns"),
    [
        ("bf16", "cpu", False, True),
        ("bf16", "cpu", True, False),
        (None, "cpu", False, False),  # float32 recipes are not emulated
        ("bf16", "cuda", False, False),  # a GPU's bf16 is its own
    ],
)
def test_only_bf16_autocast_on_a_cpu_without_bf16_warns(
    autocast: str | None, device: str, has_bf16: bool, warns: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cpu_features, "cpu_has_bf16", lambda: has_bf16)
    note = emulated_autocast(TrainParams(autocast=autocast), device)
    assert (note is not None) == warns
    if warns:
        assert note is not None and "autocast bf16" in note and "avx512_bf16 or amx_bf16" in note
