"""A claim's run-level checks: trends of the sweep over α and difference-in-differences over languages.

- **Trend**: every trained run (one α, one seed) of the sweep is one observation, its score the macro
  mean over the check's views (for `worst`, the run's worst view) from its summary;
  `alpha_trend` gives the OLS slope, its two-sided p, and the shape (steady / threshold at the
  largest α / flat). Expecting increasing or decreasing: shown when the adjusted p is below the level
  and the slope has the expected sign; contradicted when significant the other way. A flat
  expectation is never shown by a non-significant slope (absence of evidence); a significant slope
  contradicts it.
- **Difference-in-differences**: one observation per language of the setting's views (a language
  present in every view, the pivot, is none): the gain of a over b (seed-averaged, signed so that
  > 0 means a is better) regressed on low-resource (Joshi class <= 3) and the declared covariates
  (seen-in-training: the language is in a's or b's training set; latin-script: harness.data.scripts).
  Languages without a class or a script are left out and counted. Expecting larger-on-low-resource:
  shown when the adjusted two-sided p is below the level and the coefficient is positive; expecting
  no-difference: two one-sided z tests (HC3 standard error) of |coefficient| >= margin.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from harness.data.resource_classes import ResourceTable
from harness.data.scripts import is_latin_script
from harness.errors import HarnessError
from harness.metrics import higher_is_better
from harness.report.claims_result import CONTRADICTED, EQUIVALENT, INCONCLUSIVE, SUPPORTED, CheckResult, entry_of
from harness.report.claims_spec import DiffInDiffCheck, TrendCheck
from harness.report.entries import Entry, select_views
from harness.stats.alpha_trend import alpha_trend
from harness.stats.diff_in_diff import diff_in_diff
from harness.vocabulary import view_languages


def _sign(metric: str) -> float:
    return 1.0 if higher_is_better(metric) else -1.0


def _run_score(detail: dict, views: list[str], metric: str, worst: bool) -> float:
    values = [float(detail[v][metric]) for v in views if detail.get(v, {}).get(metric) is not None]
    if worst:
        return min(values) if higher_is_better(metric) else max(values)
    return float(np.mean(values))


def test_trend(
    check: TrendCheck, members: dict[str, float], entries: dict[tuple[str, str], Entry], table: ResourceTable
) -> CheckResult:
    """The run-level slope of the check's score over α (module docstring)."""
    alphas, scores = [], []
    for model, alpha in sorted(members.items(), key=lambda item: item[1]):
        entry = entry_of(entries, model, check.task)
        views = select_views(
            entry, check.setting, check.metric, "all" if check.views == "worst" else check.views, table
        )
        for run in entry.runs:
            alphas.append(alpha)
            scores.append(
                _run_score(
                    run.result.settings[check.setting].view_metrics(), views, check.metric, check.views == "worst"
                )
            )
    try:
        trend = alpha_trend(alphas, scores)
    except ValueError as exc:
        raise HarnessError(f"claims: trend of {check.task} {check.setting} {check.metric}: {exc}") from None
    where = {"all": "", "low-resource": ", low-resource views", "worst": ", worst view"}[check.views]
    label = f"{check.task} {check.setting} {check.metric}{where} over α (expected {check.expect})"
    detail = trend.shape
    if trend.slope_without_last is not None and trend.p_without_last is not None:
        detail += f"; without the largest α: slope {trend.slope_without_last:+.4f}, p {trend.p_without_last:.3g}"
    return CheckResult(label, check.metric, trend.slope, trend.ci, trend.p, trend.runs, detail)


def trend_verdict(check: TrendCheck, result: CheckResult, level: float) -> str:
    """See the module docstring."""
    if result.p_holm >= level:
        return INCONCLUSIVE
    if check.expect == "flat":
        return CONTRADICTED
    expected = result.estimate < 0 if check.expect == "decreasing" else result.estimate > 0
    return SUPPORTED if expected else CONTRADICTED


def _training_languages(entry: Entry) -> set[str]:
    from harness.trainsets.training_registry import get_training_spec

    found: set[str] = set()
    for run in entry.runs:
        train_set = (run.result.training or {}).get("train_set", {}).get("name")
        if train_set:
            spec = get_training_spec(train_set)
            found |= {spec.code(lang) for lang in spec.languages}
    return found


def language_gains(check: DiffInDiffCheck, a: Entry, b: Entry, table: ResourceTable) -> pd.DataFrame:
    """One row per language: gain of a over b (mean of its views, seed-averaged), low_resource and covariates."""
    sign = _sign(check.metric)
    views = [
        v
        for v in select_views(a, check.setting, check.metric, "all", table)
        if v in set(select_views(b, check.setting, check.metric, "all", table))
    ]

    def averaged(entry: Entry) -> dict[str, float]:
        per_seed = [run.result.settings[check.setting].view_metrics() for run in entry.runs]
        return {v: float(np.mean([d[v][check.metric] for d in per_seed])) for v in views}

    mean_a, mean_b = averaged(a), averaged(b)
    pivots = set.intersection(*(set(view_languages(v)) for v in views)) if len(views) > 1 else set()
    by_language: dict[str, list[float]] = {}
    for view in views:
        for lang in set(view_languages(view)) - pivots:
            by_language.setdefault(lang, []).append(sign * (mean_a[view] - mean_b[view]))
    seen = _training_languages(a) | _training_languages(b)
    rows = []
    for lang, gains in sorted(by_language.items()):
        klass, latin = table.resource_class(lang), is_latin_script(lang)
        rows.append(
            {
                "language": lang,
                "gain": float(np.mean(gains)),
                "resource_class": klass,
                "low_resource": None if klass is None else int(table.is_low_resource(lang)),
                "seen_in_training": int(lang in seen),
                "latin_script": None if latin is None else int(latin),
            }
        )
    return pd.DataFrame(rows)


COVARIATE_COLUMNS = {"seen-in-training": "seen_in_training", "latin-script": "latin_script"}


def test_diff_in_diff(
    check: DiffInDiffCheck, a: Entry, b: Entry, table: ResourceTable
) -> tuple[CheckResult, pd.DataFrame]:
    """The low-resource coefficient of the languages' gains (module docstring), and the gains."""
    from scipy import stats

    gains = language_gains(check, a, b, table)
    covariates = tuple(COVARIATE_COLUMNS[c] for c in check.covariates)
    usable = gains.dropna(subset=["low_resource", *covariates])
    try:
        found = diff_in_diff(usable, covariates)
    except ValueError as exc:
        raise HarnessError(f"claims: difference-in-differences of {check.task} {check.setting}: {exc}") from None
    p = found.p
    if check.expect == "no-difference":
        assert check.margin is not None
        lower = float(stats.norm.sf((found.estimate + check.margin) / found.se))
        upper = float(stats.norm.cdf((found.estimate - check.margin) / found.se))
        p = max(lower, upper)
    left_out = len(gains) - len(usable)
    label = (
        f"{check.a} vs {check.b} · {check.task} {check.setting} {check.metric}: "
        f"gain on low-resource minus on others (expected {check.expect}"
        + (f", margin {check.margin:g})" if check.margin else ")")
    )
    detail = f"covariates: {', '.join(check.covariates) or 'none'}" + (
        f"; {left_out} language(s) without class or script left out" if left_out else ""
    )
    return CheckResult(label, check.metric, found.estimate, found.ci, p, found.languages, detail), gains


def diff_verdict(check: DiffInDiffCheck, result: CheckResult, level: float) -> str:
    """See the module docstring."""
    low, high = result.ci
    if check.expect == "no-difference":
        assert check.margin is not None
        if result.p_holm < level:
            return EQUIVALENT
        return CONTRADICTED if low > check.margin or high < -check.margin else INCONCLUSIVE
    if result.p_holm < level:
        return SUPPORTED if result.estimate > 0 else CONTRADICTED
    return INCONCLUSIVE
