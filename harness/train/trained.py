"""Trained recipes: train once per (recipe, base fingerprint, data fingerprint, seed), cache, load.

Layout under the model cache: `trained/<name>-<key>/work/` (checkpoint + best weights while
training; a rerun after a kill resumes there) and `trained/<name>-<key>/model/` (the finished
sentence-transformers folder plus `training.json`), which appears atomically at the end.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Any

from harness.atomic import staged_dir
from harness.errors import HarnessError
from harness.leakage.overlap import guard_training_set
from harness.models.backends.backend_spec import DEFAULT_BACKEND
from harness.models.factory import build_model
from harness.models.identity import backend_fingerprint, device_type, digest, weights_fingerprint
from harness.models.loaders import loader_info, loaders_where
from harness.models.model_spec import ModelSpec, Prefixes, get_model_spec
from harness.models.recipe import Recipe
from harness.paths import model_cache_dir
from harness.train.distributed import Ranks
from harness.train.loop import TrainReporter, train
from harness.train.samplers import make_sampler
from harness.trainsets.examples import TrainingSet
from harness.trainsets.loaders import training_fingerprint
from harness.trainsets.training_registry import get_training_set, get_training_spec

TRAINER_VERSION = 1
INFO_FILE = "training.json"


def recipe_of(name: str, spec: ModelSpec) -> Recipe:
    """The recipe of a trained model declaration."""
    if spec.recipe is None:
        raise HarnessError(f"model {name!r} is not a trained recipe (loader {spec.loader!r})")
    return spec.recipe


def trained_prefixes(spec: ModelSpec, base: ModelSpec) -> Prefixes:
    """The recipe's own prefixes, else its base model's (used in training and at evaluation)."""
    return spec.prefixes or base.prefixes or Prefixes()


def training_key(recipe: Recipe, base_fingerprint: str, data_fingerprint: str, seed: int, prefixes: Prefixes) -> str:
    """Identity of one trained model: everything that changes its weights."""
    dumped = recipe.model_dump(exclude={"seeds", "profiles"})  # a profile chosen is already in params
    dumped["params"].pop("nproc")  # the same global batches on any number of processes: the same model
    for added in ("autocast", "dropout", "min_best_step"):  # unset: the key a recipe had before the parameter existed
        if getattr(recipe.params, added) is None:
            dumped["params"].pop(added)
    return digest(
        {
            "trainer": TRAINER_VERSION,
            "recipe": dumped,
            "base": base_fingerprint,
            "data": data_fingerprint,
            "seed": seed,
            "prefixes": prefixes.model_dump(),
        }
    )


class TrainedModelRef:
    """Where a trained model lives and what it is made of (before or after training)."""

    def __init__(
        self, name: str, spec: ModelSpec, seed: int, models: dict[str, ModelSpec], device: str | None = None
    ) -> None:
        self.name, self.spec, self.seed, self.device = name, spec, seed, device
        self.recipe = recipe_of(name, spec)
        self.base_spec = get_model_spec(self.recipe.base, models)
        if not loader_info(self.base_spec.loader).trainable_base:
            raise HarnessError(
                f"model {name!r}: base {self.recipe.base!r} (loader {self.base_spec.loader!r}) cannot be "
                f"fine-tuned; use a base with loader {', '.join(loaders_where(trainable_base=True))}"
            )
        self.models = models
        self.prefixes = trained_prefixes(spec, self.base_spec)
        self.train_spec = get_training_spec(self.recipe.train_set)  # the declaration: no data is read
        self._base = None
        self._data: TrainingSet | None = None
        self._key: str | None = None

    @property
    def data(self) -> TrainingSet:
        """The training set's examples (read on first use)."""
        if self._data is None:
            self._data = get_training_set(self.recipe.train_set)
        return self._data

    @property
    def base(self) -> Any:
        """The base encoder (loaded on first use; fails with one line when it cannot be loaded)."""
        if self._base is None:
            # trained in torch float32 whatever backend the base declares for evaluation
            self._base = build_model(
                self.recipe.base, self.base_spec, self.device, models=self.models, backend=DEFAULT_BACKEND
            )
        return self._base

    @property
    def key(self) -> str:
        """The training key, from declarations and file digests alone (no weights or examples are read)."""
        if self._key is None:
            self._key = training_key(
                self.recipe,
                weights_fingerprint(self.recipe.base, self.base_spec),
                training_fingerprint(self.train_spec),
                self.seed,
                self.prefixes,
            )
        return self._key

    def fingerprint(self, backend: str = DEFAULT_BACKEND) -> str:
        """The fingerprint its encoder will report under `backend`, before it is trained or loaded."""
        from harness.models.identity import calibration_fingerprint

        weights = trained_weights_fingerprint(self.key)
        calibration = calibration_fingerprint(self.spec, backend, self.prefixes)
        return backend_fingerprint(weights, backend, device_type(self.device), calibration)

    @property
    def root(self) -> Path:
        return model_cache_dir() / "trained" / f"{self.name}-seed{self.seed}-{self.key[:16]}"

    @property
    def folder(self) -> Path:
        return self.root / "model"

    def is_trained(self) -> bool:
        return (self.folder / INFO_FILE).is_file()

    def info(self) -> dict[str, Any]:
        """training.json of the finished model."""
        return json.loads((self.folder / INFO_FILE).read_text())


def ensure_trained(
    ref: TrainedModelRef, reporter: TrainReporter | None = None, ranks: Ranks | None = None
) -> dict[str, Any]:
    """Train (or resume training) unless the finished model exists; return its training.json.

    Run by every rank of a data-parallel group (`ranks`); rank 0 alone writes the finished model.
    """
    ranks = ranks or Ranks()
    recipe, params = ref.recipe, ref.recipe.params
    # Samplers first: a recipe its data cannot serve fails before the base model is loaded.
    train_set, val_set = ref.data.split(params.val_fraction, ref.seed)
    sampler = make_sampler(recipe.sampler, train_set, params.batch_size, ref.seed, recipe.alpha, params.hard_negatives)
    val_sampler = make_sampler(
        recipe.sampler, val_set, params.batch_size, ref.seed + 10_000, recipe.alpha, params.hard_negatives
    )
    if ref.is_trained():
        return ref.info()
    guard_training_set(ref.data)  # no text shared with an evaluation task it does not declare in-domain
    val_batches = [val_sampler.next_batch() for _ in range(params.val_batches)]
    model = ref.base.sentence_transformer
    work = ref.root / "work"
    work.mkdir(parents=True, exist_ok=True)
    device = ref.device or "cpu"
    outcome = train(model, sampler, val_batches, params, ref.prefixes, work, ref.seed, device, reporter, ranks)
    info = {
        "name": ref.name,
        "key": ref.key,
        "seed": ref.seed,
        "recipe": recipe.model_dump(exclude={"seeds", "profiles"}),
        "base": {"name": recipe.base, "fingerprint": ref.base.fingerprint},
        "train_set": {
            "name": ref.data.name,
            "fingerprint": ref.data.fingerprint,
            "train_ids": len(train_set.examples),
            "val_ids": len(val_set.examples),
            "source_tasks": list(ref.data.source_tasks),
        },
        "prefixes": ref.prefixes.model_dump(),
        "outcome": asdict(outcome),
    }
    info["recipe"]["params"]["nproc"] = ranks.world  # as trained (`--nproc` overrides the declaration)
    if not ranks.is_main:
        return info
    model.max_seq_length = 512
    with staged_dir(ref.folder) as tmp:
        model.save(str(tmp))
        (tmp / INFO_FILE).write_text(json.dumps(info, indent=1) + "\n")
    shutil.rmtree(work, ignore_errors=True)
    return info


def trained_weights_fingerprint(key: str) -> str:
    """The weights fingerprint of a trained model: its training key."""
    return digest({"loader": "trained", "key": key})


def trained_encoder(ref: TrainedModelRef, backend: str = DEFAULT_BACKEND) -> Any:
    """Load a finished trained model folder as an encoder with the recipe's prefixes, run by `backend`
    (exported on first use after training, then cached)."""
    from harness.models.st_encoder import check_device, load_sentence_transformer, make_encoder

    device = check_device(ref.name, ref.device or "cpu")
    model = load_sentence_transformer(ref.name, ref.folder, "sentence-transformers", device)
    fingerprint = trained_weights_fingerprint(ref.key)
    return make_encoder(ref.name, model, fingerprint, ref.spec, ref.prefixes, backend)
