"""Training-set declarations (training/*.yaml): schema, registry and loading by name."""

from __future__ import annotations

from pathlib import Path

from harness.errors import HarnessError
from harness.paths import training_dir
from harness.trainsets.examples import TrainingSet
from harness.trainsets.loaders import LOADERS, build_training_set, required_files
from harness.trainsets.training_spec import TrainingSpec
from harness.yaml_io import load_spec_file, suggest

DEFAULT_TRAINING_SET = "mlqa-r"


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
