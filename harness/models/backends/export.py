"""Exported graphs (ONNX, OpenVINO IR), built once per (weights, backend, library versions, calibration).

Layout: `<model cache>/exports/<key[:2]>/<key>/` with the graph files and `export.json`, which
appears with the folder (built in a staging folder and renamed). The whole sentence-transformers
pipeline is exported (transformer, pooling, normalisation), so every backend pools exactly as the
torch model does. The OpenVINO graphs are converted from the float32 ONNX export and saved without
fp16 weight compression; static int8 is NNCF post-training quantisation calibrated on the texts
given (taken from a training set, never from evaluation data).
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from harness.atomic import staged_dir
from harness.data.checksum import sha256_json
from harness.errors import HarnessError
from harness.models.backends.backend_spec import BACKENDS, EXPORTS, BackendInfo
from harness.models.loaders import load_callable
from harness.paths import model_cache_dir

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

EXPORTER_VERSION = 1
INFO_FILE = "export.json"
OPSET = 17
EXPORT_EXTRA = "pip install 'xling-harness[backends]'"
INPUTS = ("input_ids", "attention_mask")


def library_versions(export: str, extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Versions of the packages an export is built with (part of its cache key), plus `extra` ones; a
    missing package is a one-line error saying how to install it."""
    versions = {}
    for package in dict.fromkeys([*EXPORTS[export].packages, *extra]):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            raise HarnessError(
                f"backend {export}: needs package {package!r}, which is not installed ({EXPORT_EXTRA})"
            ) from None
    return versions


def export_key(weights_fingerprint: str, info: BackendInfo, calibration: str | None) -> dict[str, object]:
    """Everything an exported graph depends on."""
    assert info.export is not None
    return {
        "exporter": EXPORTER_VERSION,
        "weights": weights_fingerprint,
        "export": info.export,
        "opset": OPSET,
        "libraries": library_versions(info.export),
        "calibration": calibration,
    }


def ensure_export(
    model: SentenceTransformer,
    weights_fingerprint: str,
    info: BackendInfo,
    calibration: tuple[str, Callable[[], list[dict[str, np.ndarray]]]] | None = None,
    on_build: Callable[[str], None] | None = None,
) -> Path:
    """The export folder of `model` for `info`, building it (and the float32 ONNX it starts from) if missing.

    `calibration` is (fingerprint of the texts, a function giving tokenised calibration batches);
    static int8 needs it. `on_build(message)` is told before a slow build starts.
    """
    assert info.export is not None
    identity = export_key(weights_fingerprint, info, calibration[0] if calibration else None)
    key = sha256_json(identity)
    folder = model_cache_dir() / "exports" / key[:2] / key
    if (folder / INFO_FILE).is_file():
        return folder
    if on_build is not None:
        on_build(f"exporting {info.export} (once, cached in {folder.parent.parent})")
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{key}.lock", "a") as lock:  # one build per export; others wait, then reuse it
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (folder / INFO_FILE).is_file():
            with staged_dir(folder) as tmp:
                _build(model, weights_fingerprint, info, calibration, tmp)
                (tmp / INFO_FILE).write_text(json.dumps(identity, indent=1) + "\n")
    return folder


def _build(
    model: SentenceTransformer,
    weights_fingerprint: str,
    info: BackendInfo,
    calibration: tuple[str, Callable[[], list[dict[str, np.ndarray]]]] | None,
    out: Path,
) -> None:
    export = EXPORTS[info.export or ""]

    def fp32_onnx() -> Path:  # the float32 ONNX graph the other exports start from (built once, cached)
        return ensure_export(model, weights_fingerprint, BACKENDS["onnx"]) / EXPORTS["onnx"].graph

    load_callable(export.builder)(model, fp32_onnx, calibration, out / export.graph)


def build_onnx(model: SentenceTransformer, fp32_onnx: Callable[[], Path], calibration: object, out: Path) -> None:
    """The float32 ONNX graph of the whole pipeline."""
    export_onnx(model, out)


def build_onnx_int8(model: SentenceTransformer, fp32_onnx: Callable[[], Path], calibration: object, out: Path) -> None:
    """Dynamic int8 quantisation (per channel) of the float32 graph's matrix products."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(
        str(fp32_onnx()), str(out), weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
    )


def build_openvino(model: SentenceTransformer, fp32_onnx: Callable[[], Path], calibration: object, out: Path) -> None:
    """The float32 graph as OpenVINO IR, saved without fp16 weight compression."""
    import openvino as ov

    ov.save_model(ov.Core().read_model(str(fp32_onnx())), str(out), compress_to_fp16=False)


def build_openvino_int8(
    model: SentenceTransformer,
    fp32_onnx: Callable[[], Path],
    calibration: tuple[str, Callable[[], list[dict[str, np.ndarray]]]] | None,
    out: Path,
) -> None:
    """Static int8 of the OpenVINO IR (NNCF post-training quantisation on the calibration batches)."""
    import openvino as ov

    if calibration is None:
        raise HarnessError("openvino-int8: static quantisation needs calibration texts")
    graph = _quantize_static(ov.Core().read_model(str(fp32_onnx())), calibration[1]())
    ov.save_model(graph, str(out), compress_to_fp16=False)


def _quantize_static(graph: Any, batches: Sequence[dict[str, np.ndarray]]) -> Any:
    import nncf

    return nncf.quantize(
        graph, nncf.Dataset(list(batches)), model_type=nncf.ModelType.TRANSFORMER, subset_size=len(batches)
    )


def export_onnx(model: SentenceTransformer, path: Path) -> None:
    """The sentence-transformers pipeline (input_ids, attention_mask -> normalised embedding) as ONNX.

    torch's TorchScript-based exporter traces one call with dynamic batch and sequence axes.
    """
    import torch

    class Pipeline(torch.nn.Module):
        def __init__(self, st: SentenceTransformer) -> None:
            super().__init__()
            self.st = st

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.st({"input_ids": input_ids, "attention_mask": attention_mask})["sentence_embedding"]

    example = model.tokenizer(
        ["query: an example", "passage: a slightly longer example text"], padding=True, return_tensors="pt"
    )
    pipeline = Pipeline(model).eval()
    dynamic = {
        "input_ids": {0: "batch", 1: "tokens"},
        "attention_mask": {0: "batch", 1: "tokens"},
        "embedding": {0: "batch"},
    }
    import warnings

    with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer warnings on shape-dependent Python branches (fixed for BERT)
        torch.onnx.export(
            pipeline,
            (example["input_ids"], example["attention_mask"]),
            str(path),
            input_names=list(INPUTS),
            output_names=["embedding"],
            dynamic_axes=dynamic,
            opset_version=OPSET,
            dynamo=False,
        )
