"""The study behind the Claims and Research question pages: claims tested, the sweep measured, the answer.

`build_study` reads the claims file (experiments/claims.yaml), tests its claims on the collected
results and measures every member of its sweep; `answer` states the research question's answer in
two sentences generated from those numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from harness.data.resource_classes import resource_table
from harness.models.backends.backend_spec import variant_name
from harness.models.model_spec import ModelSpec
from harness.models.sweeps import sweep_groups
from harness.report.claims_result import CONTRADICTED, EQUIVALENT, SUPPORTED, ClaimResult
from harness.report.claims_spec import ClaimsFile, load_claims
from harness.report.class_sweep import ClassPoint, class_sweep
from harness.report.entries import Entry
from harness.report.recipe_claims import evaluate, n_tests, task_cluster_key
from harness.report.registration import Registration, registration
from harness.report.research import Point, Sweep, sweep_points

RESEARCH_CLAIM = "robust-low-resource"


@dataclass
class Study:
    """Claims with verdicts, the sweep's points, and the answer."""

    source: Path
    claims: ClaimsFile
    results: list[ClaimResult]
    sweep: Sweep | None
    gains: dict[str, pd.DataFrame] = field(default_factory=dict)  # per difference-in-differences check
    registration: Registration | None = None
    classes: dict[str, list[ClassPoint]] = field(default_factory=dict)  # per task: score over α per Joshi class

    @property
    def random_effect(self) -> bool:
        """Seeds are a random effect and items clustered (else: seeds fixed, queries as items)."""
        return self.claims.seeds == "random-effect"

    @property
    def n_comparisons(self) -> int:
        """Comparisons listed (a repeated one counts each time)."""
        return sum(len(r.comparisons) for r in self.results)

    @property
    def n_tested(self) -> int:
        """Distinct comparisons and checks: what Holm's correction runs over."""
        return n_tests(self.results)

    def verdict_counts(self) -> dict[str, int]:
        counts = {SUPPORTED: 0, CONTRADICTED: 0, "inconclusive": 0}
        for result in self.results:
            counts[result.verdict] += 1
        return counts

    def answer(self) -> list[str]:
        """Two sentences: what alpha does on low-resource pairs, and the research claim's verdict."""
        return answer(self)


def sweep_members(claims: ClaimsFile, models: dict[str, ModelSpec]) -> dict[str, float]:
    """{stored model name: alpha} of the claims file's sweep."""
    if claims.sweep is None:
        return {}
    members = {}
    for name in sweep_groups(models).get(claims.sweep, []):
        spec = models[name]
        stored = variant_name(name, claims.backend, spec.loader) if claims.backend else name
        assert spec.sweep_of is not None
        members[stored] = spec.sweep_of.value
    return members


def build_study(path: Path, entries: list[Entry], models: dict[str, ModelSpec]) -> Study:
    """Test the claims of `path` and measure its sweep on the collected entries."""
    claims = load_claims(path)
    members = sweep_members(claims, models)
    results, gains = evaluate(claims, entries, members)
    random = claims.seeds == "random-effect"
    sweep = None
    if claims.sweep and members:
        sweep = sweep_points(claims.sweep, members, entries, cluster_key_of=task_cluster_key if random else None)
    registered = registration(path, entries, {*claims.samplers.values(), *members})
    classes = {}
    if random and members:
        classes = class_sweep(members, entries, resource_table(), task_cluster_key)
    return Study(path, claims, results, sweep, gains, registered, classes)


def _at(points: list[Point], alpha: float) -> Point | None:
    return next((p for p in points if p.alpha == alpha), None)


def _position(value: float, a: float, b: float) -> str:
    low, high = sorted((a, b))
    return "between the two" if low <= value <= high else "above both" if value > high else "below both"


def _against(result: ClaimResult, baseline: str) -> str:
    """How hybrid compares with one baseline over the research claim's comparisons against it."""
    verdicts = [
        SUPPORTED if c.verdict == EQUIVALENT else c.verdict for c in result.comparisons if c.comparison.b == baseline
    ]
    if verdicts and all(v == SUPPORTED for v in verdicts):
        return "at least as robust as"
    if verdicts and all(v == CONTRADICTED for v in verdicts):
        return "less robust than"
    if CONTRADICTED in verdicts and SUPPORTED in verdicts:
        return "in part better and in part worse than"
    if CONTRADICTED in verdicts:
        return "in part less robust than"
    if SUPPORTED in verdicts:
        return "in part better than, otherwise not distinguishable from,"
    return "not distinguishable from"


def answer(study: Study) -> list[str]:
    """The research question's answer, generated from the sweep's points and the research claim's verdicts."""
    research = next((r for r in study.results if r.claim.id == RESEARCH_CLAIM), None)
    sweep = study.sweep
    if research is None or sweep is None or not sweep.points.get("cross-low"):
        return []
    low, worst = sweep.points["cross-low"], sweep.points["cross-worst"]
    ends = (_at(low, 0.0), _at(low, 1.0), _at(low, 0.5))
    worst_ends = (_at(worst, 0.0), _at(worst, 1.0), _at(worst, 0.5))
    if None in ends or None in worst_ends:
        return []
    xy, mono, hybrid = ends
    w_xy, w_mono, w_hybrid = worst_ends
    assert xy and mono and hybrid and w_xy and w_mono and w_hybrid
    best = max(low, key=lambda p: p.value)
    first = (
        f"On low-resource pairs cross-lingual mAP is {xy.value:.3f} with X-Y batches (α = 0) and "
        f"{mono.value:.3f} with X-X-mono batches (α = 1); hybrid batches (α = 0.5) reach {hybrid.value:.3f}, "
        f"{_position(hybrid.value, xy.value, mono.value)}, the sweep peaks at α = {best.alpha:g} "
        f"({best.value:.3f}), and the worst of all pairs scores {w_hybrid.value:.3f} ({w_hybrid.view}) against "
        f"{w_xy.value:.3f} ({w_xy.view}) and {w_mono.value:.3f} ({w_mono.view})."
    )
    supported = sum(c.verdict == SUPPORTED for c in research.comparisons)
    contradicted = sum(c.verdict == CONTRADICTED for c in research.comparisons)
    second = (
        f"So on low-resource pairs a model trained with hybrid batches is {_against(research, 'X-X-mono')} one "
        f"trained with X-X-mono batches and {_against(research, 'X-Y')} one trained with X-Y batches: the research "
        f"claim is {research.verdict} ({supported} of {len(research.comparisons)} comparisons supported, "
        f"{contradicted} contradicted; Holm-corrected over the {study.n_tested} distinct comparisons)."
    )
    return [first, second]
