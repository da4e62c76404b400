"""The one reader of result files: a summary (`<model>/<task>[.limitN][.seedK].json`, validated) and its
per-query file (verified against the sha256 the summary records). Anything unusable is one line naming the
file: `check`, `render`, seed aggregation, parity and result reuse all read through here.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np
from pydantic import ValidationError

from harness.errors import HarnessError
from harness.results.result_file import ResultFile, result_error

MAX_BYTES = 50_000_000  # a summary is a few hundred kB; anything this large is not one
PER_QUERY_SUFFIX = ".per_query.npz"
SEEDS_SUFFIX = ".seeds.json"  # a seed aggregate (harness/results/seeds.py) beside the per-seed result files


def read_json_object(path: Path) -> dict:
    """A JSON object from a file, or one line saying why not (unreadable, too large, not UTF-8, malformed)."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise HarnessError(f"{path}: larger than {MAX_BYTES // 1_000_000} MB")
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise HarnessError(f"{path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise HarnessError(f"{path}: malformed JSON ({exc.msg} at line {exc.lineno})") from None
    except OSError as exc:
        raise HarnessError(f"{path}: cannot read ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise HarnessError(f"{path}: expected a JSON object")
    return data


def load_result(path: Path, role: str = "result", required: tuple[str, ...] = ()) -> ResultFile:
    """Read and validate one result summary; anything unusable is a one-line error naming file and field.

    `required` lists fields that are optional in the format but needed by the caller (a check
    needs `dataset_fingerprint`).
    """
    try:
        raw = read_json_object(path)
    except HarnessError as exc:
        raise HarnessError(f"{path}: corrupt {role} file ({str(exc).removeprefix(f'{path}: ')})") from None
    try:
        result = ResultFile.model_validate(raw)
    except ValidationError as exc:
        raise HarnessError(result_error(path, role, exc)) from None
    for name in required:
        if getattr(result, name, None) is None:
            raise HarnessError(f"{path}: corrupt {role} file: missing field {name!r}")
    return result


def per_query_file(summary: Path) -> Path:
    """The per-query file beside a summary."""
    return summary.with_name(summary.name.removesuffix(".json") + PER_QUERY_SUFFIX)


def read_per_query(summary: Path, sha256: str | None, name: str | None = None) -> bytes:
    """The bytes of the per-query file beside `summary` (`name`: the file name the summary records; a result
    cannot point elsewhere), verified against the sha256 the summary records."""
    path = summary.parent / Path(name).name if name else per_query_file(summary)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HarnessError(f"{path}: cannot read the per-query file {summary.name} names ({exc.strerror})") from None
    if sha256 is None or hashlib.sha256(raw).hexdigest() != sha256:
        raise HarnessError(
            f"{path}: corrupt or truncated: does not match its summary {summary.name} (per_query.sha256 checksum)"
        )
    return raw


def per_query_arrays(raw: bytes) -> dict[str, np.ndarray]:
    """Every array of a verified per-query file."""
    with np.load(io.BytesIO(raw), allow_pickle=False) as npz:
        return {key: npz[key] for key in npz.files}


def load_verified(summary: Path, role: str = "result") -> tuple[ResultFile, dict[str, np.ndarray]]:
    """A summary and its per-query arrays, both checked."""
    result = load_result(summary, role)
    return result, per_query_arrays(read_per_query(summary, result.per_query.sha256 if result.per_query else None))


def recorded_sha256(summary: dict) -> str | None:
    """The per-query checksum a summary records (None when it records none)."""
    ref = summary.get("per_query")
    return ref.get("sha256") if isinstance(ref, dict) else None


def stored_summary(summary: Path) -> dict | None:
    """A finished result's summary as stored, when it is readable and its per-query file matches it; else None
    (what result reuse asks: is this result there, whole?)."""
    try:
        data = read_json_object(summary)
        read_per_query(summary, recorded_sha256(data))
    except HarnessError:
        return None
    return data
