"""`harness baseline update`: copy current results into the baselines folder, recording why and from which commit."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from harness.atomic import atomic_write_bytes, atomic_write_text
from harness.check.inputs import load_summary
from harness.errors import HarnessError
from harness.results.provenance import git_sha
from harness.results.reader import per_query_file, read_json_object, read_per_query

RECORD_FILE = "BASELINE.json"


@dataclass(frozen=True)
class Candidate:
    """One result to become a baseline: its files and the bytes to copy."""

    relpath: str  # '<model>/<stem>.json'
    summary: bytes
    per_query: bytes
    fields: dict[str, object]


def _select(results_dir: Path, models: list[str], tasks: list[str]) -> list[Candidate]:
    """Results matching the filters, each verified (summary readable, per-query file matches its sha256)."""
    if not results_dir.is_dir():
        raise HarnessError(f"--results: {results_dir} is not a folder")
    chosen = []
    for path in sorted(results_dir.glob("*/*.json")):
        summary = load_summary(path, "result")
        if (models and path.parent.name not in models) or (tasks and summary.task not in tasks):
            continue
        per_query = read_per_query(path, summary.per_query_sha256)
        fields = {
            "task": summary.task,
            "dataset_fingerprint": summary.dataset_fingerprint,
            "model_fingerprint": summary.model_fingerprint,
            "limit": summary.limit,
            "harness": summary.harness,
        }
        chosen.append(Candidate(f"{path.parent.name}/{path.name}", path.read_bytes(), per_query, fields))
    for label, wanted, found in (
        ("--model", models, {c.relpath.split("/")[0] for c in chosen}),
        ("--task", tasks, {str(c.fields["task"]) for c in chosen}),
    ):
        absent = sorted(set(wanted) - found)
        if absent:
            raise HarnessError(f"{label}: no results for {', '.join(absent)} in {results_dir}")
    if not chosen:
        raise HarnessError(f"--results: no result files (<model>/<task>.json) in {results_dir}")
    return chosen


def read_record(baseline_dir: Path) -> dict:
    """The baselines' record (entries and history), empty when there is none yet."""
    path = baseline_dir / RECORD_FILE
    if not path.exists():
        return {"entries": {}, "history": []}
    try:
        record: dict | None = read_json_object(path)
    except HarnessError:
        record = None
    if record is None or not isinstance(record.get("entries"), dict) or not isinstance(record.get("history"), list):
        raise HarnessError(f"{path}: corrupt baseline record (expected a JSON object with 'entries' and 'history')")
    return record


def update_baselines(
    results_dir: Path,
    baseline_dir: Path,
    message: str,
    models: list[str] | None = None,
    tasks: list[str] | None = None,
) -> list[str]:
    """Copy matching results (summary + per-query file, atomically) into `baseline_dir`; returns their paths.

    `BASELINE.json` records, per file and in a history list, the message, git sha and time.
    """
    if not message.strip():
        raise HarnessError("--message: say why the baselines change (it is recorded in BASELINE.json)")
    record = read_record(baseline_dir)
    chosen = _select(results_dir, models or [], tasks or [])
    stamp = {
        "message": message.strip(),
        "git_sha": git_sha(),
        "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for candidate in chosen:
        dest = baseline_dir / candidate.relpath
        atomic_write_bytes(per_query_file(dest), candidate.per_query)  # summary last, as in store
        atomic_write_bytes(dest, candidate.summary)
        record["entries"][candidate.relpath] = {**stamp, **candidate.fields}
    record["history"].append({**stamp, "files": [c.relpath for c in chosen]})
    atomic_write_text(baseline_dir / RECORD_FILE, json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    return [c.relpath for c in chosen]
