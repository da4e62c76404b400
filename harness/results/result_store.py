"""Result files on disk: `<dir>/<model>/<task>[.limitN][.seedK].json` + `.per_query.npz`, written atomically."""

from __future__ import annotations

import hashlib
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from harness.atomic import atomic_write_bytes, atomic_write_text
from harness.errors import HarnessError
from harness.evaluation.setting_result import SettingResult
from harness.results.reader import (
    per_query_arrays,
    per_query_file,
    read_json_object,
    read_per_query,
    recorded_sha256,
    stored_summary,
)
from harness.results.result_file import PerQueryRef, ResultFile, dump_result, result_error
from harness.vocabulary import query_language


@dataclass(frozen=True)
class ResultPaths:
    """The two files of one (model, task, limit) result."""

    summary: Path
    per_query: Path


def result_paths(results_dir: Path, model: str, task: str, limit: int | None, seed: int | None = None) -> ResultPaths:
    """Quick runs (`--limit`) and each seed of a trained model get their own file names."""
    stem = task if limit is None else f"{task}.limit{limit}"
    stem = stem if seed is None else f"{stem}.seed{seed}"
    summary = results_dir / model / f"{stem}.json"
    return ResultPaths(summary, per_query_file(summary))


def ensure_writable(results_dir: Path) -> None:
    """Fail early, before any work, when results cannot be written."""
    try:
        results_dir.mkdir(parents=True, exist_ok=True)
        probe = results_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise HarnessError(f"--results-dir: {results_dir} is not writable ({exc.strerror})") from None


def per_query_bytes(results: list[SettingResult]) -> bytes:
    """npz (no pickle) of per-query values.

    'query_ids/<lang>' holds each query language's ids once; every view stores
    '<setting>/<pair>/query_index' (int32 rows into that table) and '<setting>/<pair>/<metric>'
    (float32), so 132 views of XQuAD-R do not repeat 132 copies of the ids.
    """
    tables: dict[str, dict[str, int]] = {}
    arrays: dict[str, np.ndarray] = {}
    for result in results:
        table = tables.setdefault(query_language(result.pair), {})
        for qid in result.query_ids:
            table.setdefault(qid, len(table))
        prefix = f"{result.setting}/{result.pair}"
        arrays[f"{prefix}/query_index"] = np.array([table[q] for q in result.query_ids], dtype=np.int32)
        for metric, values in result.values.items():
            arrays[f"{prefix}/{metric}"] = np.asarray(values, dtype=np.float32)
    for lang, table in tables.items():
        arrays[f"query_ids/{lang}"] = np.array(list(table), dtype=np.str_)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def view_query_ids(arrays: dict[str, np.ndarray], setting: str, pair: str) -> list[str]:
    """The query ids of one view, in the order of its metric arrays."""
    table = arrays[f"query_ids/{query_language(pair)}"]
    return [str(table[i]) for i in arrays[f"{setting}/{pair}/query_index"]]


def write_result(paths: ResultPaths, summary: dict, results: list[SettingResult]) -> ResultFile:
    """Validate the summary as a result file, write the per-query file, then the summary that names its
    checksum (the summary commits the pair). Returns what was written."""
    try:
        result = ResultFile.model_validate(summary)  # what no reader could read is never written
    except ValidationError as exc:
        raise HarnessError(result_error(paths.summary, "new result", exc)) from None
    raw = per_query_bytes(results)
    atomic_write_bytes(paths.per_query, raw)
    result.per_query = PerQueryRef(file=paths.per_query.name, sha256=hashlib.sha256(raw).hexdigest())
    atomic_write_text(paths.summary, json.dumps(dump_result(result), indent=1, ensure_ascii=False) + "\n")
    return result


def load_per_query(paths: ResultPaths) -> dict[str, np.ndarray]:
    """Per-query arrays of a result, verified against the checksum in its summary."""
    return per_query_arrays(read_per_query(paths.summary, recorded_sha256(read_json_object(paths.summary))))


def complete_summary(paths: ResultPaths, identity: dict[str, object]) -> dict | None:
    """The summary of a finished result with exactly this identity (fingerprints, limit, version), stored whole;
    else None."""
    summary = stored_summary(paths.summary)
    return summary if summary is not None and all(summary.get(k) == v for k, v in identity.items()) else None


def is_complete(paths: ResultPaths, identity: dict[str, object]) -> bool:
    """True when a finished result with exactly this identity exists whole."""
    return complete_summary(paths, identity) is not None
