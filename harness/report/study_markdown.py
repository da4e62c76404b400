"""Markdown tables of the study write-up that the random-effect method adds: the checks (trends,
difference-in-differences), the claims under the first study's method and this one side by side, and
score against α per Joshi class. Used by experiments/study_report.py (the write-up in docs/HYBRID_BATCH_TRAINING.md)."""

from __future__ import annotations

from harness.report.claims import evaluate_claims
from harness.report.claims_result import ComparisonResult
from harness.report.entries import Entry
from harness.report.formatting import fmt
from harness.report.study import Study


def checks_table(study: Study) -> list[str]:
    """Every trend and difference-in-differences check with its estimate, CI, p (Holm) and verdict."""
    lines = [
        "| claim | check | estimate [95% CI] | p (Holm) | n | shape / covariates | verdict |",
        "|---|---|---|---|---|---|---|",
    ]
    for result in study.results:
        for c in result.checks:
            m = c.metric
            lines.append(
                f"| {result.claim.id} | {c.label} | {fmt(c.estimate, m, signed=True)} [{fmt(c.ci[0], m, signed=True)}, "
                f"{fmt(c.ci[1], m, signed=True)}] | {c.p:.4f} ({c.p_holm:.4f}) | {c.n} | {c.detail} | {c.verdict} |"
            )
    return lines if len(lines) > 2 else []


def _first_method(study: Study, entries: list[Entry]) -> dict[str, ComparisonResult]:
    """The file's comparisons tested as the first study did (cells as items, seed-averaged scores, seeds
    fixed): superiority and non-inferiority only; keyed by label."""
    claims = study.claims
    testable = []
    for claim in claims.claims:
        kept = [c for c in claim.all_of if c.kind != "equivalence"]
        if kept:
            testable.append(claim.model_copy(update={"all_of": kept, "trends": [], "diff_in_diff": []}))
    fixed = claims.model_copy(update={"seeds": "fixed", "claims": testable})
    return {c.comparison.label: c for r in evaluate_claims(fixed, entries) for c in r.comparisons}


def old_and_new_table(study: Study, entries: list[Entry]) -> list[str]:
    """Each comparison under the first study's method (cells, seeds fixed) beside this one (clusters, seeds random)."""
    old = _first_method(study, entries)
    lines = [
        "| comparison | cells, seeds fixed: d · p (Holm) · verdict "
        "| clusters, seeds random: d [95% CI] · p (Holm) · verdict |",
        "|---|---|---|",
    ]
    for result in study.results:
        for c in result.comparisons:
            m, before = c.comparison.metric, old.get(c.comparison.label)
            then = (
                f"{fmt(before.effect, m, signed=True)} · {before.p:.4f} ({before.p_holm:.4f}) · {before.verdict}"
                if before
                else "— (no equivalence test)"
            )
            now = (
                f"{fmt(c.effect, m, signed=True)} [{fmt(c.ci[0], m, signed=True)}, {fmt(c.ci[1], m, signed=True)}] · "
                f"{c.p:.4f} ({c.p_holm:.4f}) · {c.verdict}"
            )
            lines.append(f"| {c.comparison.label} | {then} | {now} |")
    return lines


def class_table(study: Study) -> list[str]:
    """Score against α per Joshi class, with the 95% CI (seeds random, items clustered) and the counts behind it."""
    lines: list[str] = []
    for task, points in study.classes.items():
        alphas = sorted({p.alpha for p in points})
        lines += [
            f"{task} {points[0].setting} {points[0].metric}:",
            "",
            "| class (views · items) | " + " | ".join(f"α = {a:g}" for a in alphas) + " |",
            "|---|" + "---|" * len(alphas),
        ]
        for label in dict.fromkeys(p.class_label for p in points):
            row = [p for p in points if p.class_label == label]
            uniform = len({p.seeds for p in row}) == 1  # else each cell says how many seeds it averages
            cells = [
                (
                    f"{fmt(p.value, p.metric)} [{fmt(p.ci[0], p.metric)}, {fmt(p.ci[1], p.metric)}]"
                    if p.ci
                    else fmt(p.value, p.metric)
                )
                + ("" if uniform else f" ({_seeds(p.seeds)})")
                for p in row
            ]
            seeds = f"; {_seeds(row[0].seeds)}" if uniform else ""
            lines.append(f"| {label} ({row[0].views} · {row[0].clusters:,}{seeds}) | " + " | ".join(cells) + " |")
        lines.append("")
    return lines


def _seeds(count: int) -> str:
    return f"{count} seed" + ("" if count == 1 else "s")
