"""Sweeps in models.yaml: expansion into member declarations, `--model` lists, and bad declarations."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from harness.errors import HarnessError
from harness.models.model_spec import load_models
from harness.models.sweeps import expand_model_names, sweep_groups
from harness.paths import REPO_ROOT

RECIPE = {"base": "me5-small-torch", "train_set": "mlqa-r", "sampler": "hybrid", "seeds": [0, 1]}


def registry(tmp_path: Path, **sweep_entry: object) -> Path:
    shipped = yaml.safe_load((REPO_ROOT / "models.yaml").read_text())
    entry = {
        "loader": "trained",
        "family": "finetuned",
        "description": "swept",
        "recipe": dict(RECIPE),
        "sweep": {"alpha": [0, 0.5, 1]},
        **sweep_entry,
    }
    path = tmp_path / "models.yaml"
    path.write_text(
        yaml.safe_dump(
            {"me5-small-torch": shipped["me5-small-torch"], "bm25": shipped["bm25"], "grid": entry}, sort_keys=False
        )
    )
    return path


def test_sweep_expands_into_one_declaration_per_value(tmp_path: Path) -> None:
    models = load_models(registry(tmp_path))
    assert list(models) == ["me5-small-torch", "bm25", "grid-alpha0", "grid-alpha0.5", "grid-alpha1"]
    for name, alpha in [("grid-alpha0", 0.0), ("grid-alpha0.5", 0.5), ("grid-alpha1", 1.0)]:
        spec = models[name]
        assert spec.recipe is not None and spec.recipe.alpha == alpha and spec.recipe.seeds == [0, 1]
        assert spec.sweep_of is not None and (spec.sweep_of.group, spec.sweep_of.value) == ("grid", alpha)
        assert spec.description == f"swept (alpha = {alpha:g})"
    assert sweep_groups(models) == {"grid": ["grid-alpha0", "grid-alpha0.5", "grid-alpha1"]}
    assert models["bm25"].sweep_of is None


def test_model_argument_takes_lists_and_sweep_names(tmp_path: Path) -> None:
    models = load_models(registry(tmp_path))
    assert expand_model_names("bm25", models) == ["bm25"]
    assert expand_model_names("bm25, grid,grid-alpha0", models) == [
        "bm25",
        "grid-alpha0",
        "grid-alpha0.5",
        "grid-alpha1",
    ]
    with pytest.raises(HarnessError, match="empty name"):
        expand_model_names("bm25,,grid", models)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sweep": {"alpha": [0.5]}}, "at least two numbers"),
        ({"sweep": {"alpha": [0, 0]}}, "values repeat"),
        ({"sweep": {"alpha": [0, "x"]}}, "at least two numbers"),
        ({"sweep": {"lr": [1e-5, 2e-5]}}, "'lr' cannot be swept"),
        ({"sweep": {"alpha": [0, 1], "seeds": [1, 2]}}, "one field"),
        ({"recipe": {**RECIPE, "alpha": 0.5}}, "recipe.alpha is set too"),
        ({"sweep_of": {"group": "x", "field": "alpha", "value": 1}}, "set by a sweep"),
        ({"sweep": {"alpha": [0, 1.5]}}, "alpha: must lie in \\[0, 1\\]"),
    ],
)
def test_bad_sweeps_are_one_line_errors(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(HarnessError, match=message) as caught:
        load_models(registry(tmp_path, **change))
    assert "\n" not in str(caught.value) and "models.yaml" in str(caught.value)


def test_shipped_study_sweep_holds_both_pure_samplers() -> None:
    """The study sweep spans alpha 0 (X-Y batches) to 1 (X-X-mono batches) with one budget for all."""
    models = load_models()
    members = sweep_groups(models)["me5-small-sweep"]
    alphas = [models[m].recipe.alpha for m in members]  # type: ignore[union-attr]
    assert alphas == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert len({models[m].recipe.params.model_dump_json() for m in members}) == 1  # type: ignore[union-attr]
