"""A declared model's fingerprint, computed without loading it, is the one its built encoder reports."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harness.models.factory import build_model
from harness.models.identity import fingerprint
from harness.models.model_spec import load_models


@pytest.mark.parametrize(
    ("name", "backend"),
    [
        ("me5-small", None),
        ("usem-v3", None),
        ("minilm-en", None),
        ("bm25", None),
        ("me5-small-torch", None),
        ("me5-small-torch", "torch-bf16"),
        ("me5-small-torch", "openvino"),
        ("me5-small-torch", "onnx-int8"),
        ("me5-small-torch", "openvino-int8"),
    ],
)
def test_fingerprint_without_loading_equals_the_built_models(name: str, backend: str | None) -> None:
    spec = load_models()[name]
    assert fingerprint(name, spec, backend) == build_model(name, spec, backend=backend).fingerprint


def test_fingerprint_loads_no_model_library() -> None:
    """Identity needs declarations and file digests only: no torch, transformers or engine is imported."""
    code = (
        "import sys; from harness.models.identity import fingerprint;"
        "from harness.models.model_spec import load_models;"
        "m = load_models(); [fingerprint(n, m[n]) for n in ('me5-small', 'me5-small-torch', 'minilm-en', 'usem-v3')];"
        "fingerprint('me5-small-torch', m['me5-small-torch'], 'openvino-bf16');"
        "print([x for x in ('torch', 'sentence_transformers', 'transformers', 'openvino', 'onnxruntime')"
        " if x in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_fingerprints_differ_by_backend() -> None:
    spec = load_models()["me5-small-torch"]
    prints = {
        b: fingerprint("me5-small-torch", spec, b) for b in ("torch", "torch-bf16", "onnx", "openvino", "openvino-bf16")
    }
    assert len(set(prints.values())) == 5
