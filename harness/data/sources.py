"""Declared data sources: original location (URL at a pinned commit, or hub id + revision) plus mirror path."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Source(BaseModel):
    """Where a task's files come from and what they must hash to.

    `files` maps each file's name (relative to `mirror`) to its sha256; the download URL of a
    file is `url` with `{file}` replaced by that name.
    """

    model_config = ConfigDict(extra="forbid")

    loader: str
    mirror: str = Field(description="folder of the files, relative to a mirror or the data cache")
    url: str | None = Field(default=None, description="URL template with {file}, pinned to a commit")
    hub: str | None = Field(default=None, description="Hugging Face dataset id (online only)")
    revision: str | None = None
    files: dict[str, str] = Field(default_factory=dict, description="file name -> sha256")
    file_pattern: str = Field(default="{lang}.json", description="file of one language")
    licence: str | None = None

    @field_validator("files")
    @classmethod
    def _sha256_hex(cls, files: dict[str, str]) -> dict[str, str]:
        for name, digest in files.items():
            if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
                raise ValueError(f"files.{name}: sha256 must be 64 lowercase hex digits, got {digest!r}")
        return files

    def file_for(self, lang: str) -> str:
        """Name of the file holding language `lang`."""
        return self.file_pattern.format(lang=lang)

    def url_for(self, name: str) -> str | None:
        """Download URL of one file, or None when the source has no URL."""
        return self.url.format(file=name) if self.url else None

    def relpath(self, name: str) -> str:
        """Path of one file relative to the mirror / cache root."""
        return f"{self.mirror.rstrip('/')}/{name}"
