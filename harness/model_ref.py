"""A model as one run uses it, resolved once: its name, declaration, backend, device and training seeds.

`resolve_model` checks everything a run needs before anything loads (the declaration, seeds, backend,
device); the reference then knows where its results are stored, its fingerprint (without loading it) and
how to build itself, for the CLI, the Python API and Ray workers alike (it travels to them whole, so a
worker never rereads the registry).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from harness.errors import HarnessError
from harness.models.backends.backend_spec import variant_name
from harness.models.base import Model
from harness.models.factory import build_resolved, check_model_device
from harness.models.identity import resolved_fingerprint
from harness.models.loaders import loader_info
from harness.models.model_spec import ModelSpec, get_model_spec, resolve_backend
from harness.models.recipe import CPU_PROFILE, PAPER_PROFILE
from harness.models.references import declare_reference, is_reference
from harness.train.trained import TrainedModelRef, recipe_of, trained_encoder


@dataclass(frozen=True)
class ModelRef:
    """A resolved model: `seeds` is None for a model that is not trained, else the seeds this run uses."""

    name: str
    spec: ModelSpec
    backend: str
    device: str | None = None
    seeds: tuple[int, ...] | None = None
    registry: Mapping[str, ModelSpec] = field(default_factory=dict, repr=False, compare=False)
    source: str | None = None  # a model given by path or hub id: 'path:FOLDER' or 'hf:ORG/NAME@COMMIT'
    profile: str | None = None  # a trained recipe's training profile other than its own params (e.g. paper)

    @property
    def stored_as(self) -> str:
        """The results folder's model name: the model, plus '@backend' when it is not the default."""
        name = self.name if self.profile is None else f"{self.name}@{self.profile}"
        return variant_name(name, self.backend, self.spec.loader)

    @property
    def is_trained(self) -> bool:
        return self.seeds is not None

    @property
    def runs(self) -> list[int | None]:
        """One entry per model this reference stands for: each seed of a recipe, else None."""
        return list(self.seeds) if self.seeds is not None else [None]

    @property
    def uses_gpu(self) -> bool:
        """Whether a job of it can use a GPU."""
        return loader_info(self.spec.loader).gpu

    @property
    def lexical(self) -> bool:
        return loader_info(self.spec.loader).lexical

    def on(self, device: str | None) -> ModelRef:
        """The same model on another device."""
        return replace(self, device=device)

    def label(self, seed: int | None = None) -> str:
        return self.name + ("" if seed is None else f" seed {seed}")

    def trained(self, seed: int) -> TrainedModelRef:
        """Where one seed of a trained recipe lives and what it is made of."""
        if self.seeds is None:
            raise HarnessError(f"model {self.name!r} is not a trained recipe (loader {self.spec.loader!r})")
        return TrainedModelRef(self.name, self.spec, seed, dict(self.registry), self.device)

    def fingerprint(self, seed: int | None = None) -> str:
        """The fingerprint the built model will report (one seed of a trained recipe), loading nothing."""
        if seed is not None:
            return self.trained(seed).fingerprint(self.backend)
        return resolved_fingerprint(self.name, self.spec, self.backend, self.device)

    def build(self, seed: int | None = None) -> tuple[Model, dict[str, Any] | None]:
        """The model ready to encode, and a trained seed's training.json (the seed must be trained)."""
        if seed is None:
            return build_resolved(self.name, self.spec, self.device, self.backend, self.registry), None
        ref = self.trained(seed)
        if not ref.is_trained():
            raise HarnessError(
                f"model {self.name!r} (seed {seed}) is not trained yet: harness train --model {self.name}"
            )
        return trained_encoder(ref, self.backend), ref.info()


def resolve_seeds(name: str, spec: ModelSpec, seeds: int | None, seed: int | None) -> list[int] | None:
    """`--seeds N` -> 0..N-1, `--seed K` -> [K], else the recipe's seeds; None for untrained models."""
    if spec.recipe is None:
        if seeds is not None or seed is not None:
            flag = "--seeds" if seeds is not None else "--seed"
            raise HarnessError(f"{flag}: model {name!r} is not a trained recipe; seeds apply to training")
        return None
    if seeds is not None and seed is not None:
        raise HarnessError("--seeds and --seed: give one of them")
    if seeds is not None:
        return list(range(seeds))
    if seed is not None:
        return [seed]
    return list(recipe_of(name, spec).seeds)


class ResolveOptions(TypedDict, total=False):
    """How `resolve_model` resolves a model (the CLI's and the API's options), for callers that pass them on."""

    backend: str | None
    device: str | None
    seeds: int | None
    seed: int | None
    check_device: bool
    query_prefix: str | None
    passage_prefix: str | None
    profile: str | None


def resolve_model(
    name: str,
    registry: Mapping[str, ModelSpec],
    *,
    backend: str | None = None,
    device: str | None = None,
    seeds: int | None = None,
    seed: int | None = None,
    check_device: bool = True,
    query_prefix: str | None = None,
    passage_prefix: str | None = None,
    profile: str | None = None,
) -> ModelRef:
    """The model `name` as a run will use it: declared in `registry`, or a folder or hub id (`hf:ORG/NAME@REV`)
    declared on the fly. Every user error is one line here, before anything loads (`check_device=False`: the
    device is chosen later, per Ray job)."""
    source = None
    if name not in registry and is_reference(name):
        name, spec, source = declare_reference(name, query_prefix, passage_prefix)
    else:
        if query_prefix is not None or passage_prefix is not None:
            raise HarnessError(
                f"--query-prefix / --passage-prefix: only for a model given by path or hf: id; {name!r} is "
                "declared in models.yaml with its prefixes"
            )
        spec = get_model_spec(name, registry)
    spec, profile = apply_profile(name, spec, profile, device)
    seed_list = resolve_seeds(name, spec, seeds, seed)
    chosen = resolve_backend(name, spec, backend)
    if check_device:
        check_model_device(name, spec, device, chosen)
    seed_tuple = None if seed_list is None else tuple(seed_list)
    return ModelRef(name, spec, chosen, device, seed_tuple, registry, source, profile)


def apply_profile(name: str, spec: ModelSpec, profile: str | None, device: str | None) -> tuple[ModelSpec, str | None]:
    """The declaration trained with `profile` (default: `paper` on a GPU when the recipe declares it, else its
    own params), and the profile's name when it is not the recipe's own params."""
    if profile is None and spec.recipe is not None and PAPER_PROFILE in spec.recipe.profiles:
        profile = PAPER_PROFILE if (device or "").strip().startswith("cuda") else None
    if profile is None or profile == CPU_PROFILE:
        return spec, None
    if spec.recipe is None:
        raise HarnessError(
            f"--profile {profile}: model {name!r} is not a trained recipe; profiles are training budgets"
        )
    try:
        recipe = spec.recipe.with_profile(profile)
    except ValueError as exc:
        raise HarnessError(f"--profile {profile}: model {name!r} has {exc}") from None
    return spec.model_copy(update={"recipe": recipe}), profile
