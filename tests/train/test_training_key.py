"""The trained-model key: unchanged for float32 recipes by the autocast parameter, changed by autocast itself."""

from __future__ import annotations

import json

from harness.models.model_spec import load_models
from harness.paths import REPO_ROOT
from harness.train.trained import training_key

COMMITTED = REPO_ROOT / "results" / "me5-small-hybrid" / "mlqa-r.limit50.seed0.json"


def test_float32_recipes_keep_the_key_their_committed_results_were_made_with() -> None:
    training = json.loads(COMMITTED.read_text())["training"]
    spec = load_models()["me5-small-hybrid"]
    assert spec.recipe is not None and spec.recipe.params.autocast is None
    key = training_key(
        spec.recipe,
        training["base"]["fingerprint"],
        training["train_set"]["fingerprint"],
        training["seed"],
        spec.prefixes or load_models()["me5-small-torch"].prefixes,
    )  # type: ignore[arg-type]
    assert key == training["key"]


def test_autocast_is_part_of_the_key() -> None:
    spec = load_models()["me5-small-hybrid"]
    assert spec.recipe is not None
    mixed = spec.recipe.model_copy(update={"params": spec.recipe.params.model_copy(update={"autocast": "bf16"})})
    prefixes = load_models()["me5-small-torch"].prefixes
    assert prefixes is not None
    assert training_key(mixed, "b" * 64, "d" * 64, 0, prefixes) != training_key(
        spec.recipe, "b" * 64, "d" * 64, 0, prefixes
    )


def test_key_and_fingerprint_come_from_declarations_alone() -> None:
    """The committed hybrid run's key and the model fingerprint of its results, without loading or training."""
    from harness.train.trained import TrainedModelRef

    stored = json.loads(COMMITTED.read_text())
    models = load_models()
    ref = TrainedModelRef("me5-small-hybrid", models["me5-small-hybrid"], 0, models)
    assert ref.key == stored["training"]["key"]
    assert ref.fingerprint() == stored["model_fingerprint"]
    assert ref._base is None and ref._data is None  # neither the base weights nor the examples were read
