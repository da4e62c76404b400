"""Each task's declared cluster key, applied to its committed per-query ids, gives one cluster per source item."""

from __future__ import annotations

import numpy as np
import pytest

from harness.paths import REPO_ROOT
from harness.tasks.cluster_key import cluster_ids
from harness.tasks.task_registry import load_tasks
from harness.vocabulary import query_language

RESULTS = REPO_ROOT / "results"


def _clusters(model: str, task: str) -> tuple[set[str], int]:
    """Distinct clusters over every view of a committed result, and how many cells they hold."""
    key = load_tasks()[task].cluster_key
    found: set[str] = set()
    cells = 0
    with np.load(RESULTS / model / f"{task}.per_query.npz", allow_pickle=False) as arrays:
        for name in arrays.files:
            if not name.endswith("/query_index"):
                continue
            view = name.split("/")[1]
            lang = query_language(view)
            ids = arrays[f"query_ids/{lang}"][arrays[name]]
            found.update(cluster_ids(key, lang, ids).tolist())
            cells += ids.size
    return found, cells


@pytest.mark.parametrize(
    ("task", "items", "cells"),
    [
        ("xquad-r", 1190, 13090 + 110 * 1190 + 13090),  # a question in 11 languages: mono, cross, multi
        ("tatoeba", 88877, 2 * 88877),  # a sentence pair, both directions
        ("afriqa", 3107, 2 * 3107),  # a question, native and translated views
    ],
)
def test_one_cluster_per_source_item(task: str, items: int, cells: int) -> None:
    found, n_cells = _clusters("me5-small", task)
    assert len(found) == items and n_cells == cells


def test_ids_that_repeat_across_languages_are_qualified_by_language() -> None:
    found, cells = _clusters("me5-small", "miracl-partial")
    assert len(found) == cells  # mono views only: every (language, query) is its own item
    with np.load(RESULTS / "me5-small" / "miracl-partial.per_query.npz", allow_pickle=False) as arrays:
        raw = [str(x) for name in arrays.files if name.startswith("query_ids/") for x in arrays[name]]
    assert len(set(raw)) < len(raw)  # bare ids collide across languages: 'query-id' would merge different questions
    assert cluster_ids("query-id", "ar", np.array(["29"])).tolist() == ["29"]
    assert cluster_ids("language-and-query-id", "ar", np.array(["29"])).tolist() == ["ar:29"]
