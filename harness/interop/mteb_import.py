"""`harness import mteb DIR`: MTEB's published results for the tasks this project rebuilds, as board entries.

DIR is a checkout of MTEB's results repository (or its `results/` folder): `{org}__{model}/{revision}/{Task}.json`.
A file of a task no harness task maps (by its file name), a malformed file and one with nothing to map
each cost one line and are counted; the rest replaces `<results>/published/` as a whole (the last import).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from harness.atomic import swap_dir, write_error
from harness.errors import HarnessError
from harness.interop.mteb_published import read_published
from harness.interop.published_entry import PUBLISHED_DIR, PublishedEntry, from_published
from harness.tasks.task_spec import TaskSpec

META_FILE = "model_meta.json"


@dataclass
class ImportReport:
    """What an import wrote and what it skipped, one line per skipped file."""

    written: list[PublishedEntry] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # well-formed, without the split or subsets the task maps

    def summary(self, source: Path, target: Path) -> str:
        """The last line: how many models and results were imported, and how many files were skipped."""
        per_task = Counter(e.mteb_task for e in self.written)
        tasks = ", ".join(f"{task} {n}" for task, n in sorted(per_task.items()))
        models = len({e.model for e in self.written})
        skipped = len(self.unknown) + len(self.malformed) + len(self.unmapped)
        return (
            f"imported {len(self.written)} result(s) of {models} model(s) ({tasks or 'none'}) from {source} "
            f"into {target}; {skipped} file(s) skipped ({len(self.malformed)} malformed, "
            f"{len(self.unmapped)} without the mapped split or subsets, "
            f"{len(self.unknown)} of a task with no harness counterpart)"
        )

    @property
    def skipped_lines(self) -> list[str]:
        """One line per skipped file, malformed first."""
        return [*self.malformed, *self.unmapped, *self.unknown]


def results_root(source: Path) -> Path:
    """The folder holding `{org}__{model}/` folders: `source/results` in a checkout, else `source` itself."""
    if not source.is_dir():
        raise HarnessError(f"{source}: not a folder (give a checkout of MTEB's results repository)")
    nested = source / "results"
    return nested if nested.is_dir() else source


def import_mteb(source: Path, results_dir: Path, tasks: dict[str, TaskSpec]) -> ImportReport:
    """Map every published file of a mapped MTEB task onto its harness task; when any maps, the entries replace
    `results_dir/published/` as a whole (written beside it, then swapped in: never half an import)."""
    report = read_source(source, tasks)
    if report.written:
        write_entries(report.written, results_dir / PUBLISHED_DIR)
    return report


def write_entries(entries: list[PublishedEntry], target: Path) -> None:
    """All entries into a fresh folder beside `target`, then that folder in place of `target`."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent))
    except OSError as exc:
        raise write_error(target, exc) from None
    try:
        for entry in entries:
            path = tmp / entry.relative_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(entry.model_dump(), indent=1) + "\n", encoding="utf-8")
        swap_dir(tmp, target)
    except OSError as exc:
        raise write_error(target, exc) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read_source(source: Path, tasks: dict[str, TaskSpec]) -> ImportReport:
    """Every published file under `source` mapped onto its harness task (nothing written)."""
    root = results_root(source)
    mapped = {spec.mteb.task: spec for spec in tasks.values() if spec.mteb is not None}
    report = ImportReport()
    for path in sorted(root.glob("*/*/*.json")):
        if path.name == META_FILE:
            continue
        spec = mapped.get(path.stem)
        where = path.relative_to(root)
        if spec is None:
            report.unknown.append(f"{where}: MTEB task {path.stem} has no harness counterpart, skipped")
            continue
        try:
            published = read_published(path)
        except HarnessError as exc:
            report.malformed.append(f"{' '.join(str(exc).split())}, skipped")
            continue
        try:
            entry = from_published(spec, published, str(where))
        except HarnessError as exc:
            report.unmapped.append(f"{' '.join(str(exc).split())}, skipped")
            continue
        report.written.append(entry)
    return report


def import_command(source: Path, results_dir: Path, say: Callable[[str], None]) -> ImportReport:
    """Body of `harness import mteb`: a line per skipped file, then the summary line; an error (after those
    lines) when nothing was imported."""
    from harness.tasks.task_registry import load_tasks

    report = import_mteb(source, results_dir, load_tasks())
    for line in report.skipped_lines:
        say(line)
    summary = report.summary(source, results_dir / PUBLISHED_DIR)
    if not report.written:
        raise HarnessError(f"nothing imported: {summary}")
    say(summary)
    return report
