"""`--backend` through the real CLI: stored as MODEL@BACKEND with the backend on record; wrong uses exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.models.backends.backend_spec import BACKENDS
from harness.models.factory import cpu_has_bf16

from .conftest import CliRunner

# OpenVINO in bf16 where the CPU has bfloat16 instructions (the backend `make run` picks there), else in
# float32 (bf16 is refused on such a CPU: test_bf16_on_a_cpu_without_bf16_instructions_is_refused);
# REPORTED is OpenVINO's own name for the precision it runs
FAST, REPORTED = ("openvino-bf16", "bf16") if cpu_has_bf16() else ("openvino", "f32")


@pytest.mark.slow
def test_run_with_a_backend_stores_its_own_result_with_the_backend_recorded(
    cli: CliRunner, tmp_path: Path, mirror: Path
) -> None:
    results = tmp_path / "results"
    args = (
        "run",
        "--model",
        "me5-small-torch",
        "--tasks",
        "xquad-r-ci",
        "--limit",
        "12",
        "--results-dir",
        str(results),
    )
    plain = cli(*args)
    fast = cli(*args, "--backend", FAST)
    assert plain.returncode == 0 and fast.returncode == 0, plain.stderr + fast.stderr
    base = json.loads((results / "me5-small-torch" / "xquad-r-ci.limit12.json").read_text())
    other = json.loads((results / f"me5-small-torch@{FAST}" / "xquad-r-ci.limit12.json").read_text())
    assert base["backend"]["name"] == "torch" and base["backend"]["precision"] == "fp32"
    precision = BACKENDS[FAST].precision
    assert other["backend"]["name"] == FAST and other["backend"]["precision"] == precision
    assert other["backend"]["reported"]["reported_precision"] == REPORTED  # what OpenVINO says it runs
    assert other["model"] == f"me5-small-torch@{FAST}"
    assert other["model_fingerprint"] != base["model_fingerprint"]
    assert "openvino" in other["provenance"]["packages"]
    assert f"backend {FAST} ({precision} matrix products, runtime reports {REPORTED})" in fast.stdout
    for setting, values in base["settings"].items():
        assert abs(values["mAP"] - other["settings"][setting]["mAP"]) <= 0.02  # 12 questions: loose here
    again = cli(*args, "--backend", FAST)
    assert again.returncode == 0 and "existing:" in again.stdout  # same backend: the result is reused


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--model", "me5-small-torch", "--backend", "tensorrt"),
            "--backend: unknown backend 'tensorrt'; known: torch",
        ),
        (
            ("--model", "bm25", "--backend", "onnx"),
            "--backend onnx: model 'bm25' (loader 'bm25') runs on its own engine",
        ),
        (
            ("--model", "me5-small-torch", "--backend", "openvino", "--device", "cuda"),
            "--backend openvino: runs on the cpu here",
        ),
        (("--model", "me5-small-torch", "--backend", "torch-fp16"), "--backend torch-fp16: float16 is for GPUs"),
    ],
)
def test_wrong_backends_are_one_line_errors(
    cli: CliRunner, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    proc = cli("run", *args, "--tasks", "xquad-r-ci", "--results-dir", str(tmp_path / "r"))
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"error: {message}") and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_a_missing_runtime_package_is_named_before_any_weights_load(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    from harness.errors import HarnessError
    from harness.models import factory
    from harness.models import model_spec as declarations

    real = metadata.version

    def without_nncf(name: str) -> str:
        if name == "nncf":
            raise metadata.PackageNotFoundError(name)
        return real(name)

    monkeypatch.setattr(metadata, "version", without_nncf)
    spec = declarations.load_models()["me5-small-torch"]
    with pytest.raises(
        HarnessError,
        match=r"backend openvino-int8: needs package 'nncf', which is not installed "
        r"\(pip install 'xling-harness\[backends\]'\)",
    ):
        factory.check_model_device("me5-small-torch", spec, None, "openvino-int8")
    factory.check_model_device("me5-small-torch", spec, None, "openvino")  # OpenVINO float32 needs no nncf


def test_bf16_on_a_cpu_without_bf16_instructions_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from harness.errors import HarnessError
    from harness.models import factory
    from harness.models import model_spec as declarations

    monkeypatch.setattr(factory, "cpu_has_bf16", lambda: False)
    spec = declarations.load_models()["me5-small-torch"]
    for backend in ("openvino-bf16", "torch-bf16"):
        with pytest.raises(HarnessError, match=f"--backend {backend}: this CPU has no bfloat16 instructions"):
            factory.check_model_device("me5-small-torch", spec, None, backend)
