"""How a corpus-retrieval task encodes and searches its corpora (the `search:` block of a task file)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SearchSpec(BaseModel):
    """FAISS index and the sizes that bound memory and the unit of resume.

    `flat` is exact (inner product over every passage, block by block). `ivf` and `hnsw` are
    approximate: the result then also reports their recall@k against the exact top-k.
    """

    model_config = ConfigDict(extra="forbid")

    index: Literal["flat", "ivf", "hnsw"] = "flat"
    nlist: int = Field(default=1024, ge=1, description="ivf: inverted lists (capped at passages / 39)")
    nprobe: int = Field(default=32, ge=1, description="ivf: lists visited per query")
    hnsw_m: int = Field(default=32, ge=4, description="hnsw: neighbours per node")
    ef_search: int = Field(default=128, ge=1, description="hnsw: search breadth")
    block_passages: int = Field(default=8192, ge=1, description="passages per stored embedding block (resume unit)")
    search_block_rows: int = Field(default=1 << 20, ge=1, description="passages per exact-search step (memory)")
    max_lexical_passages: int = Field(default=2_000_000, ge=1, description="lexical models index corpora in memory")
