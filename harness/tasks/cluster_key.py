"""The independent item of a task's paired tests: which (view, query) cells belong to one source item."""

from __future__ import annotations

from typing import Literal

import numpy as np

ClusterKey = Literal["query-id", "language-and-query-id"]


def cluster_ids(key: ClusterKey, query_language: str, ids: np.ndarray) -> np.ndarray:
    """The cluster of each query of one view: its id, or its id qualified by the view's query language."""
    ids = np.asarray(ids).astype(str)
    if key == "query-id":
        return ids
    return np.char.add(f"{query_language}:", ids)
