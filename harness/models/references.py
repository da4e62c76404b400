"""Models without a declaration: a local folder (`--model PATH`) or a hub id (`--model hf:ORG/NAME[@REVISION]`).

The reference becomes a declaration on the fly: a sentence-transformers folder (one with modules.json) or a
plain transformers one (mean-pooled), its prefixes from the model's own sentence-transformers prompts unless
given, and its fingerprint from the files' digests like any `path:` model. A hub id is resolved to the
commit of its snapshot (from the Hugging Face cache, or downloaded when the hub answers); the commit is
recorded as the declaration's `revision` and in its description. Results are stored under a readable, safe
name: `org__name` for a hub model, `<parent>.<folder>-<8 hex of its absolute path>` for a folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from harness.errors import HarnessError
from harness.models.model_spec import ModelSpec, Prefixes

HUB_PREFIX = "hf:"
ST_CONFIG = "config_sentence_transformers.json"
PASSAGE_PROMPTS = ("passage", "document", "corpus")  # the prompt names models use for the passage side
COMMIT = re.compile(r"^[0-9a-f]{40}$")


def is_reference(model: str) -> bool:
    """Whether `--model` names a folder or a hub id rather than a declared model (declared names hold no '/')."""
    return model.startswith(HUB_PREFIX) or "/" in model or model.startswith((".", "~"))


def safe_name(text: str) -> str:
    """A results-folder name: lowercase letters, digits, '.', '-', '_' (anything else becomes '-')."""
    name = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return name or "model"


def declare_reference(
    model: str, query_prefix: str | None = None, passage_prefix: str | None = None
) -> tuple[str, ModelSpec, str]:
    """(results name, declaration, source) of a folder or hub reference (source: 'hf:ORG/NAME@COMMIT' or
    'path:FOLDER'); a one-line error when it cannot be one."""
    if model.startswith(HUB_PREFIX):
        repo, _, revision = model.removeprefix(HUB_PREFIX).partition("@")
        if repo.count("/") != 1 or not all(repo.split("/")):
            raise HarnessError(f"--model {model}: expected hf:ORG/NAME or hf:ORG/NAME@REVISION")
        folder = hub_folder(model, repo, revision or "main")
        name = safe_name(repo.replace("/", "__"))
        source = f"hf:{repo}@{folder.name}"
    else:
        folder = Path(model).expanduser().resolve()
        if not folder.is_dir():
            raise HarnessError(f"--model {model}: no such folder, and not a declared model (harness list models)")
        readable = safe_name(f"{folder.parent.name}.{folder.name}" if folder.parent.name else folder.name)
        name = f"{readable}-{hashlib.sha256(str(folder).encode()).hexdigest()[:8]}"
        source = f"path:{folder}"
    loader = model_loader(model, folder)
    prefixes = folder_prefixes(folder, query_prefix, passage_prefix)
    description = f"{loader} model {source}, evaluated without a declaration"
    return name, ModelSpec(loader=loader, description=description, path=folder, prefixes=prefixes), source


def model_loader(model: str, folder: Path) -> str:
    """sentence-transformers for a folder saved by it (modules.json), transformers for a plain model folder."""
    if (folder / "modules.json").is_file():
        return "sentence-transformers"
    if (folder / "config.json").is_file():
        return "transformers"
    raise HarnessError(f"--model {model}: {folder} holds neither modules.json nor config.json (not a model folder)")


def folder_prefixes(folder: Path, query: str | None, passage: str | None) -> Prefixes | None:
    """The prefixes given, else the model's own sentence-transformers prompts (query, passage / document)."""
    prompts: dict = {}
    config = folder / ST_CONFIG
    if config.is_file():
        try:
            found = json.loads(config.read_text(encoding="utf-8")).get("prompts") or {}
        except (OSError, ValueError, AttributeError):
            raise HarnessError(f"{config}: unreadable sentence-transformers config") from None
        prompts = found if isinstance(found, dict) else {}
    passage_prompt = next((prompts[k] for k in PASSAGE_PROMPTS if isinstance(prompts.get(k), str)), "")
    chosen = Prefixes(
        query=query if query is not None else str(prompts.get("query") or ""),
        passage=passage if passage is not None else passage_prompt,
    )
    return chosen if chosen.query or chosen.passage else None


def hub_folder(model: str, repo: str, revision: str) -> Path:
    """The snapshot folder of a hub model at `revision` (a branch, tag or commit), named by its commit."""
    from harness.models.st_encoder import hub_snapshot

    folder = hub_snapshot(model, repo, revision)
    if not COMMIT.match(folder.name):
        raise HarnessError(f"--model {model}: {folder} is not a Hugging Face snapshot folder (named by its commit)")
    return folder
