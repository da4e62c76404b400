"""Load a bitext task (Tatoeba): per language, its sentence file and the line-aligned pivot file."""

from __future__ import annotations

from dataclasses import replace

from harness.data.records import BitextLanguage
from harness.data.source_files import locate
from harness.data.tatoeba import load_tatoeba
from harness.errors import HarnessError
from harness.tasks.data import LanguageRecords, TaskData, dataset_fingerprint, full_run_note
from harness.tasks.task_spec import TaskSpec

PIVOT_ROLE = "pivot"  # language_files role of the pivot-language file (English for Tatoeba)


def load_bitext_task(spec: TaskSpec, limit: int | None = None) -> TaskData:
    """Every language's pairs; `limit` keeps the first N pairs of each language (a quick run)."""
    if limit is not None and limit < 1:
        raise HarnessError(f"--limit: must be at least 1, got {limit}")
    if spec.source.loader != "tatoeba":
        raise HarnessError(f"task {spec.name}: source.loader: unknown bitext loader {spec.source.loader!r}")
    languages: dict[str, LanguageRecords] = {}
    for lang in spec.languages:
        names = spec.files_for(lang)
        if PIVOT_ROLE not in names:
            raise HarnessError(f"task {spec.name}: language_files needs a {PIVOT_ROLE!r} pattern")
        sentences, pivot = locate(spec.source, names["data"]), locate(spec.source, names[PIVOT_ROLE])
        records = load_tatoeba(sentences, pivot, lang, spec.source_code(lang), spec.line_end)
        expected = spec.expected_counts.get(lang)
        if expected is not None and len(records.ids) != expected[0]:
            raise HarnessError(f"{sentences}: expected {expected[0]} sentence pairs, got {len(records.ids)}")
        languages[lang] = records
    note = ""
    if limit is not None:
        size = max(len(rec.ids) for rec in languages.values())  # type: ignore[union-attr]
        if limit >= size:
            limit, note = None, full_run_note(limit, size, "pairs of its largest language")
        else:
            languages = {lang: _first(rec, limit) for lang, rec in languages.items()}  # type: ignore[arg-type]
    return TaskData(spec, languages, dataset_fingerprint(spec), limit, limit_note=note)


def _first(records: BitextLanguage, n: int) -> BitextLanguage:
    return replace(records, ids=records.ids[:n], sentences=records.sentences[:n], pivot=records.pivot[:n])
