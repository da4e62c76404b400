"""Runners: one tokenised batch (input_ids, attention_mask) in, one float32 embedding row per text out."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from harness.errors import HarnessError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

Feeds = dict[str, np.ndarray]


class Runner(Protocol):
    """What an encoder needs from a backend."""

    def run(self, feeds: Feeds) -> np.ndarray:
        """Embeddings (float32, one row per text) of one padded batch."""

    def report(self) -> dict[str, object]:
        """What the runtime says it runs with (precision, threads), for provenance."""


def cores() -> int:
    """The cores this process may use (its CPU affinity), which every runtime is told to use."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class TorchRunner:
    """The sentence-transformers module itself: float32, or bfloat16 / float16.

    On the cpu the weights are cast (measured faster than autocast there); on a GPU the weights stay
    float32 and the forward pass runs under torch.autocast in the precision asked for.
    """

    def __init__(self, model: SentenceTransformer, precision: str) -> None:
        import torch

        self.dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[precision]
        self.device = model.device
        self.autocast = self.dtype != torch.float32 and self.device.type != "cpu"
        cast = self.dtype != torch.float32 and not self.autocast
        self.model = model.to(self.dtype) if cast else model
        self.model.eval()

    def run(self, feeds: Feeds) -> np.ndarray:
        import torch

        batch = {name: torch.from_numpy(value).to(self.device) for name, value in feeds.items()}
        with torch.inference_mode(), torch.autocast(self.device.type, dtype=self.dtype, enabled=self.autocast):
            out = self.model(batch)["sentence_embedding"]
        return out.float().cpu().numpy()

    def report(self) -> dict[str, object]:
        import torch

        mode = "autocast" if self.autocast else "weights"
        return {
            "dtype": str(self.dtype).removeprefix("torch."),
            "mode": mode,
            "device": str(self.device),
            "threads": torch.get_num_threads(),
        }


class OnnxRunner:
    """An ONNX graph in ONNX Runtime's CPU provider, with as many intra-op threads as cores given."""

    def __init__(self, graph: Path) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = cores()
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for corrupt graphs
            raise HarnessError(
                f"{graph}: ONNX Runtime cannot load this export ({type(exc).__name__}); delete the folder to rebuild it"
            ) from None
        self.threads = options.intra_op_num_threads

    def run(self, feeds: Feeds) -> np.ndarray:
        return np.asarray(self.session.run(None, feeds)[0], dtype=np.float32)

    def report(self) -> dict[str, object]:
        return {"providers": self.session.get_providers(), "threads": self.threads}


class OpenVinoRunner:
    """An OpenVINO IR compiled for the CPU with the precision hint asked for, never a silent default."""

    def __init__(self, graph: Path, precision: str) -> None:
        import openvino as ov

        hint = {"fp32": "f32", "bf16": "bf16", "int8": "f32"}[precision]  # int8 layers are in the graph
        config = {"INFERENCE_PRECISION_HINT": hint, "INFERENCE_NUM_THREADS": cores(), "PERFORMANCE_HINT": "LATENCY"}
        core = ov.Core()
        try:
            self.compiled = core.compile_model(core.read_model(str(graph)), "CPU", config)
        except RuntimeError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise HarnessError(
                f"{graph}: OpenVINO cannot compile this export with precision {hint} ({first})"
            ) from None
        self.asked = hint
        self.reported = _ov_type_name(self.compiled.get_property("INFERENCE_PRECISION_HINT"))
        if self.reported != hint:
            raise HarnessError(
                f"OpenVINO runs precision {self.reported} where {hint} was asked for; "
                "this CPU does not support it (choose another backend)"
            )
        self.request = self.compiled.create_infer_request()

    def run(self, feeds: Feeds) -> np.ndarray:
        outputs: Any = self.request.infer(feeds)
        return np.array(next(iter(outputs.values())), dtype=np.float32)

    def report(self) -> dict[str, object]:
        return {
            "precision_hint": self.asked,
            "reported_precision": self.reported,
            "threads": int(self.compiled.get_property("INFERENCE_NUM_THREADS")),
        }


def torch_runner(model: SentenceTransformer, graph: Path | None, precision: str) -> Runner:
    """The torch module itself in `precision` (no export)."""
    return TorchRunner(model, precision)


def onnx_runner(model: SentenceTransformer, graph: Path | None, precision: str) -> Runner:
    """An exported ONNX graph in ONNX Runtime (its precision is in the graph)."""
    assert graph is not None
    return OnnxRunner(graph)


def openvino_runner(model: SentenceTransformer, graph: Path | None, precision: str) -> Runner:
    """An exported OpenVINO IR compiled with `precision`'s hint."""
    assert graph is not None
    return OpenVinoRunner(graph, precision)


def _ov_type_name(value: object) -> str:
    """'f32' of OpenVINO's Type f32 (its str() reads '<Type: 'float32'>')."""
    name = getattr(value, "get_type_name", None)
    return str(name() if callable(name) else value)
