"""Read result summaries for a check: validate what is compared, pair baseline files with results."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.errors import HarnessError
from harness.models.backends.backend_spec import DEFAULT_BACKEND, NATIVE
from harness.results.reader import load_result, load_verified, per_query_file, read_per_query
from harness.results.result_file import BackendRecord

DEFAULT_LABEL = "default"
REQUIRED = ("dataset_fingerprint",)  # optional in the format, needed to compare


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


def load_summary(path: Path, role: str) -> Summary:
    """Parse one `<model>/<task>.json` and verify the per-query file it names against its sha256; anything
    unusable (a truncated or corrupt per-query file included) is a one-line error naming the file."""
    result = load_result(path, role, required=REQUIRED)
    if result.per_query is not None:
        read_per_query(path, result.per_query.sha256)
    return Summary(
        path,
        result.model,
        result.task,
        str(result.dataset_fingerprint),
        result.model_fingerprint,
        result.limit,
        result.harness,
        result.per_query.sha256 if result.per_query is not None else None,
        {setting: entry.macros() for setting, entry in result.settings.items()},
        {setting: entry.view_metrics() for setting, entry in result.settings.items()},
        backend_label(result.backend, path),
    )


def backend_label(record: BackendRecord | None, path: Path) -> str:
    """The backend a result was made with: its name, or 'default' (torch fp32 / the model's own engine)."""
    if record is None:
        return DEFAULT_LABEL
    return DEFAULT_LABEL if record.name in (NATIVE, DEFAULT_BACKEND) else record.name


def baseline_files(baseline_dir: Path) -> list[Path]:
    """Every `<model>/<task>.json` under the baselines folder (BASELINE.json and tolerances are not results)."""
    if not baseline_dir.is_dir():
        raise HarnessError(f"--baseline: {baseline_dir} is not a folder")
    files = sorted(baseline_dir.glob("*/*.json"))
    if not files:
        raise HarnessError(f"--baseline: no baseline files (<model>/<task>.json) in {baseline_dir}")
    return files


def try_per_query(summary_path: Path) -> dict[str, np.ndarray] | None:
    """Per-query arrays when present and matching their summary, else None (no significance test then)."""
    if not per_query_file(summary_path).is_file():
        return None
    try:
        return load_verified(summary_path)[1]
    except HarnessError:
        return None
