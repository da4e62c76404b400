"""Schema of a training-set YAML file (training/*.yaml): a declaration, never loading code."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from harness.data.sources import Source


class TrainingSpec(BaseModel):
    """One training set: its source files, languages and the evaluation tasks it overlaps."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str
    citation: str | None = None
    source: Source
    languages: list[str] = Field(min_length=1, description="language codes as the source files name them")
    lang_codes: dict[str, str] = Field(
        default_factory=dict, description="file language code -> code used in examples (default: the same)"
    )
    pivots: dict[str, str] = Field(
        default_factory=dict, description="file language code -> language of its passages (afriqa; default en)"
    )
    pivot_file_code: str = Field(
        default="en", description="bitext: the {side} code of the pivot-language file (LASER's Tatoeba writes eng)"
    )
    exclude_ids: list[str] = Field(
        default_factory=list,
        description="example ids left out because they share text with an evaluation task (measured by the guard)",
    )
    source_tasks: list[str] = Field(
        default_factory=list, description="evaluation tasks built from the same data (results there are in-domain)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> TrainingSpec:
        if len(set(self.languages)) != len(self.languages):
            raise ValueError(f"languages: duplicates in {self.languages}")
        for field in ("lang_codes", "pivots"):
            extra = set(getattr(self, field)) - set(self.languages)
            if extra:
                raise ValueError(f"{field}: languages {sorted(extra)} are not in languages")
        codes = [self.code(lang) for lang in self.languages]
        if len(set(codes)) != len(codes):
            raise ValueError(f"lang_codes: two languages map to one code in {codes}")
        return self

    def code(self, lang: str) -> str:
        """Language code used in examples for a file language code."""
        return self.lang_codes.get(lang, lang)

    def pivot(self, lang: str) -> str:
        """Language of the passages paired with a file language (cross-lingual sources)."""
        return self.pivots.get(lang, "en")
