"""Every inference backend against torch fp32 (sentence-transformers' own encode) on real XQuAD-R texts.

Texts: 24 questions and 24 candidate sentences in each of 7 languages of 7 scripts (Latin, Cyrillic,
Arabic, Devanagari, Han, Thai, Greek): 336 texts. Float32 backends must agree to mean cosine
>= 0.99999, bf16 ones to >= 0.995, int8 ones to >= 0.99; retrieval on xquad-r-ci (200 questions per language,
every setting) must move by at most 0.0005 mAP (fp32) or 0.005 (bf16) in every setting. The int8
backends move cross-lingual mAP by 0.007-0.009 here: they are asserted within 0.025 and marked as
outside the 0.005 target (BackendInfo.within_target) wherever their results are shown.

On a CPU without bfloat16 instructions the bf16 backends are refused before anything loads (OpenVINO
would run float32 there and torch would emulate bf16): there each bf16 case asserts that refusal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from harness.errors import HarnessError
from harness.models.backends.backend_spec import BACKENDS, DEFAULT_BACKEND
from harness.models.backends.encoder import SentenceTransformerEncoder
from harness.models.factory import build_model, check_model_device, cpu_has_bf16
from harness.models.model_spec import load_models
from harness.paths import MIRROR_ENV
from harness.run import RunOptions, run_tasks
from harness.tasks.data import load_task_data
from harness.tasks.task_registry import load_tasks

LANGS = ("en", "ru", "ar", "hi", "zh", "th", "el")
PER_LANG = 24
CPU_BACKENDS = [name for name, info in BACKENDS.items() if info.precision != "fp16"]
# int8: 0.99 mean / 0.97 worst, not 0.995 / 0.98: on AVX2 CPUs without VNNI, ONNX Runtime's u8s8 kernels
# saturate (onnx-int8 mean 0.9938, worst 0.9797 on an AMD EPYC with AVX2 only; >= 0.995 on an Intel Xeon with AMX)
MIN_MEAN_COSINE = {"fp32": 0.99999, "bf16": 0.995, "int8": 0.99}
MIN_COSINE = {"fp32": 0.9999, "bf16": 0.98, "int8": 0.97}
MAX_DELTA_MAP = {"fp32": 0.0005, "bf16": 0.005, "int8": 0.025}  # int8: outside the 0.005 target, on record
# (0.015 while int8 calibrated on Tatoeba sentences; on leak-free XOR-TyDi questions multi moved 0.0196)
CI_LIMIT = 200

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module", autouse=True)
def module_mirror(mirror: Path) -> Iterator[Path]:
    """The real-data mirror for the whole module (its fixtures load data too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MIRROR_ENV, str(mirror))
        yield mirror


@pytest.fixture(scope="module")
def texts() -> dict[str, list[str]]:
    data = load_task_data(load_tasks()["xquad-r"], 4 * PER_LANG)  # enough paragraphs for PER_LANG candidates
    return {
        "query": [q for lang in LANGS for q in data.languages[lang].questions[:PER_LANG]],
        "passage": [c for lang in LANGS for c in data.languages[lang].candidates[:PER_LANG]],
    }


@pytest.fixture(scope="module")
def reference(texts: dict[str, list[str]]) -> dict[str, np.ndarray]:
    """sentence-transformers' encode of the torch fp32 model: the path results were made with before backends."""
    encoder = build_model("me5-small-torch", load_models()["me5-small-torch"])
    assert isinstance(encoder, SentenceTransformerEncoder)
    model = encoder.sentence_transformer
    return {
        kind: model.encode([prefix + t for t in texts[kind]], batch_size=32, normalize_embeddings=True)
        for kind, prefix in (("query", "query: "), ("passage", "passage: "))
    }


def _refused_here(backend: str) -> bool:
    """True, after checking the one-line refusal, when this CPU cannot run the backend's precision."""
    if BACKENDS[backend].precision != "bf16" or cpu_has_bf16():
        return False
    with pytest.raises(HarnessError, match=f"--backend {backend}: this CPU has no bfloat16 instructions"):
        check_model_device("me5-small-torch", load_models()["me5-small-torch"], None, backend)
    print(f"{backend}: refused on this CPU (no avx512_bf16 or amx_bf16), as it must be")
    return True


def _planned(encoder: SentenceTransformerEncoder, texts: list[str], kind: str) -> np.ndarray:
    out = np.empty((len(texts), encoder.dim), np.float32)
    for rows in encoder.plan(texts, kind, 64):  # type: ignore[arg-type]
        out[rows] = encoder.encode([texts[i] for i in rows], kind)  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize("backend", CPU_BACKENDS)
def test_backend_embeddings_agree_with_torch_fp32(
    backend: str, texts: dict[str, list[str]], reference: dict[str, np.ndarray]
) -> None:
    if _refused_here(backend):
        return
    encoder = build_model("me5-small-torch", load_models()["me5-small-torch"], backend=backend)
    assert isinstance(encoder, SentenceTransformerEncoder)
    cosines = np.concatenate(
        [(_planned(encoder, texts[kind], kind) * reference[kind]).sum(axis=1) for kind in ("query", "passage")]
    )
    precision = BACKENDS[backend].precision
    print(f"{backend}: {len(cosines)} texts, mean cosine {cosines.mean():.6f}, min {cosines.min():.6f}")
    assert len(cosines) == 2 * PER_LANG * len(LANGS) >= 300
    assert cosines.mean() >= MIN_MEAN_COSINE[precision]
    assert cosines.min() >= MIN_COSINE[precision]
    record = encoder.backend
    assert record["name"] == backend and record["precision"] == precision
    if BACKENDS[backend].runtime == "openvino":  # the precision asked for is what the runtime reports
        reported = record["reported"]
        assert isinstance(reported, dict) and reported["reported_precision"] == reported["precision_hint"]
    if backend != DEFAULT_BACKEND:
        torch_fp32 = build_model("me5-small-torch", load_models()["me5-small-torch"])
        assert encoder.fingerprint != torch_fp32.fingerprint


def _macro_map(path: Path) -> dict[str, float]:
    summary = json.loads(path.read_text())
    return {setting: values["mAP"] for setting, values in summary["settings"].items()}


@pytest.fixture(scope="module")
def torch_results(tmp_path_factory: pytest.TempPathFactory, texts: dict[str, list[str]]) -> dict[str, float]:
    folder = tmp_path_factory.mktemp("fidelity-torch")
    encoder = build_model("me5-small-torch", load_models()["me5-small-torch"])
    [outcome] = run_tasks(
        "me5-small-torch", encoder, [load_tasks()["xquad-r-ci"]], RunOptions(results_dir=folder, limit=CI_LIMIT)
    )
    assert outcome.path is not None
    return _macro_map(outcome.path)


@pytest.mark.parametrize("backend", [b for b in CPU_BACKENDS if b != DEFAULT_BACKEND])
def test_backend_retrieval_stays_within_tolerance_on_xquad_r_ci(
    backend: str, tmp_path: Path, torch_results: dict[str, float]
) -> None:
    if _refused_here(backend):
        return
    encoder = build_model("me5-small-torch", load_models()["me5-small-torch"], backend=backend)
    [outcome] = run_tasks(
        f"me5-small-torch@{backend}",
        encoder,
        [load_tasks()["xquad-r-ci"]],
        RunOptions(results_dir=tmp_path, limit=CI_LIMIT, backend=backend),
    )
    assert outcome.path is not None and outcome.path.parent.name == f"me5-small-torch@{backend}"
    stored = json.loads(outcome.path.read_text())
    assert stored["backend"]["name"] == backend
    mine = _macro_map(outcome.path)
    assert set(mine) == set(torch_results) == {"mono", "cross", "multi"}
    deltas = {setting: abs(mine[setting] - torch_results[setting]) for setting in mine}
    print(f"{backend}: |delta mAP| vs torch fp32 on xquad-r-ci limit {CI_LIMIT}: {deltas}")
    assert max(deltas.values()) <= MAX_DELTA_MAP[BACKENDS[backend].precision]
