"""`harness export mteb`: results of tasks that reproduce an MTEB task, in MTEB's result format.

Layout, as MTEB's results repository has it: `<out>/results/<org>__<name>/<revision>/<Task>.json` plus
`model_meta.json`. Each view of a mapped setting becomes the subset the task file's `mteb:` mapping names
(the inverse of `harness parity`), with every mapped metric under MTEB's key and `main_score` the task's
MTEB main metric. A model declared with a hub id exports under it and its pinned revision; any other
model under `xling-harness/<name>` and the revision `fp-<first 12 hex of its fingerprint>`. Seed results
of trained recipes are not exported (one file per model and task: a seed is not the recipe).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from harness import __version__
from harness.atomic import atomic_write_text
from harness.errors import HarnessError
from harness.models.backends.backend_spec import registered_name
from harness.results.reader import SEEDS_SUFFIX, load_result
from harness.results.result_file import ResultFile
from harness.tasks.task_spec import TaskSpec

EXPORT_ORG = "xling-harness"


@dataclass(frozen=True)
class Exported:
    """One written task file and where its numbers came from."""

    path: Path
    source: Path
    main_score: float


def mteb_languages(task: str) -> dict[str, list[str]]:
    """MTEB's own language tags per subset (e.g. 'hin-Deva') when the mteb package is installed, else none."""
    try:
        import mteb
    except ImportError:
        return {}
    try:
        langs = mteb.get_task(task).metadata.eval_langs
    except Exception:  # an mteb without this task: the tags are optional
        return {}
    return dict(langs) if isinstance(langs, dict) else {}


def task_scores(spec: TaskSpec, result: ResultFile) -> dict[str, object]:
    """The MTEB task file of one result: one row per view of the mapped settings."""
    mapping = spec.mteb
    if mapping is None:
        raise HarnessError(f"task {spec.name} has no MTEB counterpart (no `mteb:` in its task file)")
    languages = mteb_languages(mapping.task)
    rows = []
    for setting in mapping.settings:
        summary = result.settings.get(setting)
        for view, values in (summary.detail() if summary else {}).items():
            main = values.get(mapping.main_metric)
            subset = spec.mteb_subset(view)
            if main is None or subset is None:
                continue
            row: dict[str, object] = {"hf_subset": subset, "languages": languages.get(subset, []), "main_score": main}
            row.update({key: values[m] for m, key in mapping.metrics.items() if values.get(m) is not None})
            rows.append(row)
    if not rows:
        raise HarnessError(f"{result.model} on {spec.name}: no view of {', '.join(mapping.settings)} to export")
    seconds = result.provenance.get("seconds", {}).get("total")
    return {
        "dataset_revision": mapping.dataset_revision,
        "task_name": mapping.task,
        "mteb_version": _mteb_version(),
        "scores": {mapping.split: rows},
        "evaluation_time": seconds,
        "kg_co2_emissions": None,
    }


def _mteb_version() -> str:
    """The protocol version the numbers are comparable with: the installed mteb's, else the one the parity
    checks were made against (docs/PARITY.md)."""
    try:
        return metadata.version("mteb")
    except metadata.PackageNotFoundError:
        return "2.1.17"


def export_identity(result: ResultFile, hub: str | None, revision: str | None) -> tuple[str, str]:
    """(MTEB model name, revision) of a result."""
    if hub and revision:
        return hub, revision
    return f"{EXPORT_ORG}/{result.model}", f"fp-{(result.model_fingerprint or 'unknown')[:12]}"


def model_meta(name: str, revision: str, result: ResultFile, languages: list[str] | None) -> dict[str, object]:
    """MTEB's model_meta.json for an exported model."""
    return {
        "name": name,
        "revision": revision,
        "release_date": None,
        "languages": languages,
        "framework": ["Sentence Transformers"],
        "open_weights": None,
        "reference": None,
        "similarity_fn_name": "cosine",
        "use_instructions": None,
        "loader": None,
        "xling_harness": {"version": __version__, "model": result.model, "fingerprint": result.model_fingerprint},
    }


def export_results(
    results_dir: Path, out: Path, tasks: dict[str, TaskSpec], hubs: dict[str, tuple[str | None, str | None]]
) -> list[Exported]:
    """Every full (no limit), seedless result of a task with an MTEB mapping, written under `out`.

    `hubs`: model name -> (hub id, revision) from the registry, for models declared with a hub id.
    """
    written = []
    for path in sorted(results_dir.glob("*/*.json")):
        if path.name.endswith(SEEDS_SUFFIX):  # a seed aggregate, not a result file
            continue
        result = load_result(path)
        spec = tasks.get(result.task)
        if spec is None or spec.mteb is None or result.limit is not None or result.seed is not None:
            continue
        name, revision = export_identity(result, *hubs.get(registered_name(result.model), (None, None)))
        folder = out / "results" / name.replace("/", "__") / revision
        scores = task_scores(spec, result)
        atomic_write_text(folder / f"{spec.mteb.task}.json", json.dumps(scores, indent=2) + "\n")
        meta = model_meta(name, revision, result, None)
        atomic_write_text(folder / "model_meta.json", json.dumps(meta, indent=2) + "\n")
        main = [row["main_score"] for row in scores["scores"][spec.mteb.split]]  # type: ignore[index]
        written.append(Exported(folder / f"{spec.mteb.task}.json", path, sum(main) / len(main)))
    if not written:
        mapped = ", ".join(name for name, spec in tasks.items() if spec.mteb is not None)
        raise HarnessError(f"--results: no full result of a task with an MTEB counterpart ({mapped}) in {results_dir}")
    return written


def export_command(results_dir: Path, out: Path) -> list[str]:
    """Body of `harness export mteb`: write the files, and one line per file plus a count."""
    from harness.models.model_spec import load_models
    from harness.tasks.task_registry import load_tasks

    if not results_dir.is_dir():
        raise HarnessError(f"--results: {results_dir} is not a folder")
    hubs = {name: (spec.hub, spec.revision) for name, spec in load_models().items()}
    written = export_results(results_dir, out, load_tasks(), hubs)
    lines = [f"{e.path}: mean main score {e.main_score:.4f} (from {e.source})" for e in written]
    models = {e.path.parent for e in written}
    return [*lines, f"exported {len(written)} result(s) of {len(models)} model(s) to {out}"]
