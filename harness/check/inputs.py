"""Read result summaries for a check: validate what is compared, pair baseline files with results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.errors import HarnessError
from harness.models.backends.spec import DEFAULT_BACKEND, NATIVE
from harness.results.setting_keys import DETAIL_KEYS, NOT_METRICS
from harness.results.store import ResultPaths, load_per_query, read_summary

DEFAULT_LABEL = "default"
REQUIRED = ("model", "task", "dataset_fingerprint", "settings")


@dataclass(frozen=True)
class Summary:
    """What a check needs from one result file: identity and every setting's numbers."""

    path: Path
    model: str
    task: str
    dataset_fingerprint: str
    model_fingerprint: str | None
    limit: int | None
    harness: str | None
    per_query_sha256: str | None
    macro: dict[str, dict[str, float | None]]  # setting -> metric -> macro mean
    pairs: dict[str, dict[str, dict[str, float | None]]]  # setting -> pair -> metric -> mean
    backend: str = DEFAULT_LABEL  # inference backend; files that record none were made with the default


def _metrics(entry: object, where: str) -> dict[str, float | None]:
    if not isinstance(entry, dict):
        raise HarnessError(f"{where}: expected a mapping, got {type(entry).__name__}")
    values: dict[str, float | None] = {}
    for key, value in entry.items():
        if key in NOT_METRICS:
            continue
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise HarnessError(f"{where}.{key}: expected a number or null, got {value!r}")
        values[key] = None if value is None else float(value)
    return values


def load_summary(path: Path, role: str) -> Summary:
    """Parse one `<model>/<task>.json`; anything unusable is a one-line error naming file and field."""
    raw = read_summary(path)
    if raw is None:
        raise HarnessError(f"{path}: corrupt {role} file (unreadable or not a JSON object)")
    for key in REQUIRED:
        if key not in raw:
            raise HarnessError(f"{path}: corrupt {role} file: missing field {key!r}")
    settings = raw["settings"]
    if not isinstance(settings, dict):
        raise HarnessError(f"{path}: settings: expected a mapping, got {type(settings).__name__}")
    macro, pairs = {}, {}
    for setting, entry in settings.items():
        where = f"{path}: settings.{setting}"
        macro[setting] = _metrics(entry, where)
        detail = next((entry[k] for k in DETAIL_KEYS if k in entry), {})
        if not isinstance(detail, dict):
            raise HarnessError(f"{where}: by_pair / by_lang: expected a mapping")
        pairs[setting] = {pair: _metrics(values, f"{where}.{pair}") for pair, values in detail.items()}
    per_query = raw.get("per_query")
    return Summary(
        path, str(raw["model"]), str(raw["task"]), str(raw["dataset_fingerprint"]), raw.get("model_fingerprint"),
        raw.get("limit"), raw.get("harness"), per_query.get("sha256") if isinstance(per_query, dict) else None,
        macro, pairs, backend_label(raw.get("backend"), path),
    )


def backend_label(record: object, path: Path) -> str:
    """The backend a result was made with: its name, or 'default' (torch fp32 / the model's own engine)."""
    if record is None:
        return DEFAULT_LABEL
    name = record.get("name") if isinstance(record, dict) else None
    if not isinstance(name, str) or not name:
        raise HarnessError(f"{path}: backend: expected a mapping with a name, got {record!r}")
    return DEFAULT_LABEL if name in (NATIVE, DEFAULT_BACKEND) else name


def baseline_files(baseline_dir: Path) -> list[Path]:
    """Every `<model>/<task>.json` under the baselines folder (BASELINE.json and tolerances are not results)."""
    if not baseline_dir.is_dir():
        raise HarnessError(f"--baseline: {baseline_dir} is not a folder")
    files = sorted(baseline_dir.glob("*/*.json"))
    if not files:
        raise HarnessError(f"--baseline: no baseline files (<model>/<task>.json) in {baseline_dir}")
    return files


def per_query_paths(summary_path: Path) -> ResultPaths:
    """The result's per-query file sits beside its summary."""
    return ResultPaths(summary_path, summary_path.with_name(summary_path.name[: -len(".json")] + ".per_query.npz"))


def try_per_query(summary_path: Path) -> dict[str, np.ndarray] | None:
    """Per-query arrays when present and matching their summary, else None (no significance test then)."""
    paths = per_query_paths(summary_path)
    if not paths.per_query.is_file():
        return None
    try:
        return load_per_query(paths)
    except (HarnessError, OSError, ValueError):
        return None
