"""Schema of a task YAML file; a task is a declaration, never loading code."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from harness.data.hub_corpus import HubCorpus
from harness.data.resource_classes import TABLE, resource_table
from harness.data.sources import Source
from harness.tasks.cluster_key import ClusterKey
from harness.tasks.kinds import KINDS
from harness.tasks.mteb_mapping import MtebMapping
from harness.tasks.search_spec import SearchSpec
from harness.vocabulary import corpus_language, query_language, split_main_score

Setting = Literal["mono", "cross", "multi", "translated", "reverse"]
Purpose = Literal["benchmark", "regression", "diagnostic"]
DEFAULT_MIN_QUERIES = 10  # fewer queries than this make a view thin: flagged in results and on the site


class TaskSpec(BaseModel):
    """One benchmark task: languages, data source, settings, metrics and the main score."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: str = Field(description="a task kind of harness/tasks/kinds.py")
    description: str
    citation: str | None = None
    languages: list[str] = Field(min_length=1)
    source: Source
    settings: list[Setting] = Field(min_length=1)
    metrics: list[str] = Field(min_length=1)
    main_score: str = Field(description="setting/metric, e.g. multi/mAP")
    purpose: Purpose = Field(
        default="benchmark",
        description="'regression': a CI subset, never on the leaderboard; 'diagnostic': a pipeline check whose "
        "numbers are not comparable, shown apart with its caveat and never ranked overall; neither is in `--tasks all`",
    )
    expected_counts: dict[str, tuple[int, int]] = Field(
        default_factory=dict, description="lang -> (questions, candidates), checked at load time"
    )
    language_files: dict[str, str] = Field(
        default_factory=dict, description="role -> per-language file pattern ({lang}, {pivot}), beside file_pattern"
    )
    pivots: dict[str, str] = Field(default_factory=dict, description="lang -> language of its passages (default en)")
    line_end: str = Field(
        default="",
        description="appended to every text of a line-based source (MTEB's copy of Tatoeba keeps each newline)",
    )
    source_codes: dict[str, str] = Field(
        default_factory=dict,
        description="lang -> the code the source files use for it ({lang} in file patterns; default the code itself)",
    )
    corpus: HubCorpus | None = Field(default=None, description="a sharded hub corpus (large corpora)")
    search: SearchSpec = Field(default_factory=SearchSpec)
    qrels_scope: Literal["all", "pool"] = Field(
        default="all", description="'pool': judgements restricted to passages in the corpus (partial corpora)"
    )
    caveat: str | None = Field(default=None, description="shown with every result of the task")
    cluster_key: ClusterKey = Field(
        default="query-id",
        description="the independent item of paired tests (harness/tasks/cluster_key.py): 'query-id' when one "
        "id names the same source item in every view (a question and its translations, a sentence pair in both "
        "directions); 'language-and-query-id' when ids repeat across languages without naming the same item",
    )
    mteb: MtebMapping | None = Field(default=None, description="the MTEB task this one reproduces (export, parity)")
    min_queries: int = Field(
        default=DEFAULT_MIN_QUERIES,
        ge=1,
        description="a view with fewer queries is flagged (`few_queries`) in results and on the site",
    )

    def pivot(self, lang: str) -> str:
        """Language of the passages a language's questions are judged against."""
        return self.pivots.get(lang, "en")

    def files_for(self, lang: str) -> dict[str, str]:
        """Every declared file of one language by role ('data' is source.file_pattern)."""
        patterns = {"data": self.source.file_pattern, **self.language_files}
        code = self.source_code(lang)
        return {role: p.format(lang=code, pivot=self.pivot(lang)) for role, p in patterns.items()}

    def mteb_subset(self, pair: str) -> str | None:
        """The MTEB subset of a view 'query-corpus' (or a query language), None without an MTEB mapping."""
        if self.mteb is None:
            return None
        query, corpus = query_language(pair), corpus_language(pair) or ""
        codes = {lang: self.mteb.codes.get(lang, self.source_code(lang)) for lang in {query, corpus or query}}
        return self.mteb.subset.format(query=codes[query], corpus=codes[corpus or query])

    def mteb_views(self) -> dict[str, tuple[str, str]]:
        """MTEB subset -> (setting, view 'query-corpus') for every view of the mapped settings: a query language
        against its own corpus (mono), against another task language or only its pivot (cross, by the task's
        kind). Empty without a mapping."""
        if self.mteb is None:
            return {}
        views: dict[str, tuple[str, str]] = {}
        for query in self.languages:
            pivot_only = KINDS[self.kind].cross_with_pivot_only
            for corpus in [self.pivot(query)] if pivot_only else self.languages:
                setting = "mono" if corpus == query else "cross"
                if setting in self.mteb.settings:
                    views[self.mteb_subset(f"{query}-{corpus}") or ""] = (setting, f"{query}-{corpus}")
        return views

    def source_code(self, lang: str) -> str:
        """The code the source files use for a language."""
        return self.source_codes.get(lang, lang)

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in KINDS:
            raise ValueError(f"unknown task kind {kind!r}; known: {', '.join(KINDS)}")
        return kind

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, languages: list[str]) -> list[str]:
        table = resource_table()
        unknown = [code for code in languages if not table.is_known(code)]
        if unknown:
            raise ValueError(
                f"{unknown[0]!r} is not a known language code (the known codes are those of harness/data/{TABLE.name}: "
                "add a new one there with its resource class, or under unclassified)"
            )
        return languages

    @model_validator(mode="after")
    def _consistent(self) -> TaskSpec:
        if len(set(self.languages)) != len(self.languages):
            raise ValueError(f"languages: duplicates in {self.languages}")
        kind = KINDS[self.kind]
        unknown = [m for m in self.metrics if m not in kind.metrics]
        if unknown:
            raise ValueError(f"metrics: {unknown} not available for kind {self.kind} (use {sorted(kind.metrics)})")
        bad = [s for s in self.settings if s not in kind.settings]
        if bad:
            raise ValueError(f"settings: {bad} not available for kind {self.kind} (use {sorted(kind.settings)})")
        setting, metric = split_main_score(self.main_score)
        if setting not in self.settings or metric not in self.metrics:
            raise ValueError(f"main_score: {self.main_score!r} is not one of the task's setting/metric pairs")
        for lang in self.languages:
            try:
                names = self.files_for(lang)
            except (KeyError, IndexError, ValueError) as exc:
                raise ValueError(f"file patterns: {exc!r} is not {{lang}} or {{pivot}}") from None
            for role, name in names.items():
                if self.source.files and name not in self.source.files:
                    raise ValueError(f"source.files: no sha256 for {name!r} (language {lang}, {role})")
        if self.mteb is not None:
            bad_settings = [s for s in self.mteb.settings if s not in self.settings]
            unknown_metrics = [m for m in self.mteb.metrics if m not in self.metrics]
            if bad_settings or unknown_metrics or self.mteb.main_metric not in self.mteb.metrics:
                raise ValueError(
                    f"mteb: settings {bad_settings} / metrics {unknown_metrics} / main_metric "
                    f"{self.mteb.main_metric!r} must be among the task's settings and metrics"
                )
        for field_name in ("expected_counts", "source_codes"):
            extra = set(getattr(self, field_name)) - set(self.languages)
            if extra:
                raise ValueError(f"{field_name}: languages {sorted(extra)} are not in languages")
        return self
