"""Training-set declarations (training/*.yaml): schema, registry and loading by name."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.data.sources import Source
from harness.errors import HarnessError
from harness.paths import training_dir
from harness.tasks.registry import load_spec_file, suggest
from harness.train.examples import TrainingSet
from harness.train.trainset_loaders import LOADERS, build_training_set, required_files

DEFAULT_TRAINING_SET = "mlqa-r"


class TrainingSpec(BaseModel):
    """One training set: its source files, languages and the evaluation tasks it overlaps."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str
    citation: str | None = None
    source: Source
    languages: list[str] = Field(min_length=1, description="language codes as the source files name them")
    lang_codes: dict[str, str] = Field(
        default_factory=dict, description="file language code -> code used in examples (default: the same)"
    )
    pivots: dict[str, str] = Field(
        default_factory=dict, description="file language code -> language of its passages (afriqa; default en)"
    )
    source_tasks: list[str] = Field(
        default_factory=list, description="evaluation tasks built from the same data (results there are in-domain)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> TrainingSpec:
        if len(set(self.languages)) != len(self.languages):
            raise ValueError(f"languages: duplicates in {self.languages}")
        for field in ("lang_codes", "pivots"):
            extra = set(getattr(self, field)) - set(self.languages)
            if extra:
                raise ValueError(f"{field}: languages {sorted(extra)} are not in languages")
        codes = [self.code(lang) for lang in self.languages]
        if len(set(codes)) != len(codes):
            raise ValueError(f"lang_codes: two languages map to one code in {codes}")
        return self

    def code(self, lang: str) -> str:
        """Language code used in examples for a file language code."""
        return self.lang_codes.get(lang, lang)

    def pivot(self, lang: str) -> str:
        """Language of the passages paired with a file language (cross-lingual sources)."""
        return self.pivots.get(lang, "en")


def load_training_file(path: Path) -> TrainingSpec:
    """Validate one training-set file: schema, loader name and a sha256 for every file it reads."""
    spec = load_spec_file(path, TrainingSpec)
    if spec.source.loader not in LOADERS:
        raise HarnessError(
            f"{path}: source.loader: unknown training loader {spec.source.loader!r} (use {sorted(LOADERS)})"
        )
    for lang, name in required_files(spec):
        if name not in spec.source.files:
            raise HarnessError(f"{path}: source.files: no sha256 for {name!r} (language {lang})")
    return spec


def load_training_sets(folder: Path | None = None) -> dict[str, TrainingSpec]:
    """Every training set declared in a folder (default: `paths.training_dir()`), by name; reads no data."""
    folder = folder or training_dir()
    if not folder.is_dir():
        raise HarnessError(f"{folder}: training folder not found")
    return {p.stem: load_training_file(p) for p in sorted(folder.glob("*.yaml"))}


def get_training_spec(name: str, folder: Path | None = None) -> TrainingSpec:
    """The declaration of one training set, with suggestions for an unknown name."""
    specs = load_training_sets(folder)
    if name not in specs:
        known = ", ".join(specs) or "(none)"
        raise HarnessError(f"unknown training set {name!r}{suggest(name, list(specs))}; known: {known}")
    return specs[name]


def get_training_set(name: str = DEFAULT_TRAINING_SET, folder: Path | None = None) -> TrainingSet:
    """Load one training set's examples from its verified source files."""
    return build_training_set(get_training_spec(name, folder))
