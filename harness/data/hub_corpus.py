"""A large passage corpus published on the Hugging Face hub in shards, read from a local copy at a pinned revision.

The harness never downloads these (33M passages for MIRACL English): a copy of the hub repository
at `revision`, laid out as on the hub, goes under `<mirror or data cache>/<mirror>/`. Hub files are
LFS objects whose sha256 the hub checks on download; the pinned revision is what the dataset
fingerprint records.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from harness.data.corpus import BEIR_FIELDS, MIRACL_FIELDS, CorpusShard, PassageFields
from harness.paths import data_cache_dir, mirror_dir

FIELDS: dict[str, PassageFields] = {"miracl": MIRACL_FIELDS, "beir": BEIR_FIELDS}
_REVISION = re.compile(r"^[0-9a-f]{40}$")


class HubCorpus(BaseModel):
    """Hub id, pinned revision, shard layout per language, and where a local copy lives."""

    model_config = ConfigDict(extra="forbid")

    hub: str
    revision: str | None = Field(description="40-hex commit of the hub repository; null = not pinned (never run)")
    mirror: str = Field(description="folder under the mirror / data cache holding the copy")
    shard_pattern: str = Field(description="path of one shard with {lang} and {shard}")
    shards: dict[str, int] = Field(description="language -> number of shards")
    fields: Literal["miracl", "beir"] = "miracl"
    passages: dict[str, int] = Field(default_factory=dict, description="language -> passages (documentation)")
    licence: str | None = None

    @field_validator("revision")
    @classmethod
    def _pinned(cls, revision: str | None) -> str | None:
        if revision is not None and not _REVISION.match(revision):
            raise ValueError(f"revision must be a 40-hex commit id, got {revision!r}")
        return revision

    def shard_names(self, lang: str) -> list[str]:
        """Relative paths of a language's shards, in numeric order."""
        return [self.shard_pattern.format(lang=lang, shard=i) for i in range(self.shards.get(lang, 0))]

    def local_path(self, name: str) -> Path | None:
        """Where a shard is here (mirror first, then the data cache), or None."""
        for root in (mirror_dir(), data_cache_dir()):
            if root is not None and (root / self.mirror / name).is_file():
                return root / self.mirror / name
        return None

    def missing(self, langs: list[str]) -> list[str]:
        """Shards of these languages that are not here."""
        return [n for lang in langs for n in self.shard_names(lang) if self.local_path(n) is None]

    def corpus_shards(self, lang: str) -> list[CorpusShard]:
        """File shards of one language (paths may be missing: Corpus.check_present says which)."""
        default_root = data_cache_dir() / self.mirror
        return [
            CorpusShard(
                name,
                lang,
                f"{self.hub}@{self.revision}:{name}",
                path=self.local_path(name) or default_root / name,
                fields=FIELDS[self.fields],
            )
            for name in self.shard_names(lang)
        ]

    def unavailable_reason(self, langs: list[str]) -> str | None:
        """One line saying why the corpus cannot be used here, or None."""
        if self.revision is None:
            return (
                f"hub corpus {self.hub} is not pinned to a revision (no verified commit id is recorded; "
                f"set corpus.revision in the task file before running it)"
            )
        missing = self.missing(langs)
        if not missing:
            return None
        total = sum(len(self.shard_names(lang)) for lang in langs)
        return (
            f"hub corpus {self.hub}@{self.revision[:10]}: {len(missing)} of {total} shards not here "
            f"(e.g. {self.mirror}/{missing[0]}); download the repository at that revision into "
            f"{data_cache_dir() / self.mirror} or a data mirror (docs/LARGE_CORPORA.md)"
        )
