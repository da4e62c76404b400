"""Synthetic result files written by the harness's own writer, for comparing trees of results."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from harness.evaluation.setting_result import SettingResult
from harness.results.result_store import result_paths, write_result
from harness.results.summary import main_score, summarize
from harness.tasks.task_registry import load_tasks

N_QUERIES = 40
VIEWS = [("mono", "en-en"), ("mono", "de-de"), ("cross", "en-de"), ("multi", "en"), ("multi", "de")]
FINGERPRINT = "d" * 64

MakeResult = Callable[..., Path]


def per_query(seed: int) -> dict[str, np.ndarray]:
    """Plausible per-query values of one view (reproducible)."""
    rng = np.random.default_rng(seed)
    ap = rng.uniform(0.2, 1.0, N_QUERIES)
    return {
        "mAP": ap,
        "R@1": (ap > 0.6).astype(float),
        "R@10": (ap > 0.3).astype(float),
        "rank_distance": rng.integers(1, 60, N_QUERIES).astype(float),
    }


@pytest.fixture
def make_result() -> MakeResult:
    """`make_result(root, model="bm25", shift={(setting, pair, metric): delta}, fingerprint=, limit=, backend=)`.

    Writes `<root>/<model>/xquad-r-ci[.limitN].json` + per-query file, every query of a shifted
    view moved by `delta`; returns the summary's path.
    """
    spec = load_tasks()["xquad-r-ci"]

    def make(
        root: Path,
        model: str = "bm25",
        shift: dict | None = None,
        fingerprint: str = FINGERPRINT,
        limit: int | None = 200,
        backend: dict | None = None,
    ) -> Path:
        results = []
        for index, (setting, pair) in enumerate(VIEWS):
            values = per_query(index)
            if setting != "multi":
                del values["rank_distance"]
            for (s, p, metric), delta in (shift or {}).items():
                if (s, p) == (setting, pair):
                    values[metric] = values[metric] + delta
            ids = [f"{pair.split('-')[0]}-q{i}" for i in range(N_QUERIES)]
            results.append(SettingResult(setting, pair, ids, values))
        summary = {
            "schema_version": 1,
            "harness": "0.1.0",
            "model_fingerprint": "m" * 64,
            "dataset_fingerprint": fingerprint,
            "limit": limit,
            "model": model,
            "task": spec.name,
            "settings": summarize(spec, results),
        }
        summary["main_score"] = {"name": spec.main_score, "value": main_score(spec, summary["settings"])}
        if backend is not None:
            summary["backend"] = backend
        paths = result_paths(root, model, spec.name, limit)
        write_result(paths, summary, results)
        return paths.summary

    return make
