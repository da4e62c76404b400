"""What the registries say about the models and tasks that have results (unknown ones still render)."""

from __future__ import annotations

from dataclasses import dataclass, field

from harness.errors import HarnessError
from harness.models.backends.backend_spec import registered_name
from harness.report.entries import Entry
from harness.tasks.task_spec import DEFAULT_MIN_QUERIES

UNKNOWN_FAMILY = "unknown"


@dataclass(frozen=True)
class ModelInfo:
    """A model as the leaderboard describes it."""

    name: str
    family: str
    description: str
    trained: bool
    loader: str | None = None
    source: str | None = None
    languages: tuple[str, ...] | None = None  # declared training languages of a pretrained model
    recipe: dict | None = None


@dataclass(frozen=True)
class TaskInfo:
    """A task as the leaderboard describes it (from tasks/*.yaml, or from its result files)."""

    name: str
    kind: str
    description: str
    languages: tuple[str, ...]
    settings: tuple[str, ...]
    main_score: str
    citation: str | None = None
    licence: str | None = None
    low_resource: tuple[str, ...] | None = None  # declared by the task, when it does
    purpose: str = "benchmark"  # 'diagnostic': a pipeline check, shown apart and never ranked overall
    caveat: str | None = None  # shown wherever the task's numbers are
    min_queries: int = DEFAULT_MIN_QUERIES  # a view with fewer queries is flagged as thin

    @property
    def diagnostic(self) -> bool:
        """A task whose numbers are not comparable to anything outside this harness."""
        return self.purpose == "diagnostic"


@dataclass
class Registries:
    """Model and task declarations; a registry that fails to load leaves a warning and an empty map."""

    models: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def load_registries() -> Registries:
    """models.yaml and tasks/*.yaml, tolerating either being broken (the site still renders)."""
    from harness.models.model_spec import load_models
    from harness.tasks.task_registry import load_tasks

    found = Registries()
    try:
        found.models = load_models()
    except HarnessError as exc:
        found.warnings.append(f"model registry not read: {exc}")
    try:
        found.tasks = load_tasks()
    except HarnessError as exc:
        found.warnings.append(f"task registry not read: {exc}")
    return found


def hidden_tasks(registries: Registries) -> set[str]:
    """Tasks that never appear on the leaderboard (purpose: regression)."""
    return {name for name, spec in registries.tasks.items() if getattr(spec, "purpose", "benchmark") == "regression"}


def model_info(name: str, entries: list[Entry], registries: Registries) -> ModelInfo:
    """Registry facts about a model; a model not in the registry is of family 'unknown'."""
    trained = any(run.result.training for entry in entries for run in entry.runs)
    spec = registries.models.get(registered_name(name))  # 'model@backend' results are the model's
    if spec is None:
        recipe = next((r.result.training.get("recipe") for e in entries for r in e.runs if r.result.training), None)
        return ModelInfo(
            name,
            UNKNOWN_FAMILY,
            "not in the model registry",
            trained,
            recipe=recipe if isinstance(recipe, dict) else None,
        )
    recipe = spec.recipe.model_dump(exclude={"profiles"}) if spec.recipe is not None else None
    languages = tuple(spec.languages) if spec.languages else None
    return ModelInfo(
        name, spec.family, spec.description, trained or recipe is not None, spec.loader, spec.source, languages, recipe
    )


def task_info(name: str, entries: list[Entry], registries: Registries) -> TaskInfo:
    """Declared facts about a task, or what its result files say when it is not declared here."""
    spec = registries.tasks.get(name)
    if spec is not None:
        low = getattr(spec, "low_resource", None)
        return TaskInfo(
            name,
            spec.kind,
            spec.description,
            tuple(spec.languages),
            tuple(spec.settings),
            spec.main_score,
            spec.citation,
            spec.source.licence,
            tuple(low) if low else None,
            spec.purpose,
            spec.caveat,
            spec.min_queries,
        )
    first = entries[0].first
    caveat = next((e.first.caveat for e in entries if e.first.caveat), None)
    return TaskInfo(
        name,
        first.task_kind or "unknown",
        "not declared in tasks/",
        tuple(first.languages),
        tuple(first.settings),
        first.main_score.name,
        purpose="diagnostic" if caveat else "benchmark",
        caveat=caveat,
    )
