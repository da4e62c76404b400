"""Claims with seeds as a random effect on the committed sweep, recomputed independently from the result
files: per-query arrays read with numpy and grouped by question with pandas, trends with scipy,
difference-in-differences with statsmodels, Holm with statsmodels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from harness.data.resource_classes import resource_table
from harness.data.scripts import is_latin_script
from harness.models.model_spec import load_models
from harness.report.claims_result import CONTRADICTED, EQUIVALENT, INCONCLUSIVE, SUPPORTED
from harness.report.claims_spec import Comparison, load_claims
from harness.report.collect import collect
from harness.report.recipe_claims import evaluate
from harness.report.recipe_comparisons import recipe_verdict
from harness.report.study import sweep_members

from .conftest import COMMITTED

ROLES = {
    "X-Y": "me5-small-sweep-alpha0@openvino-bf16",
    "X-X-mono": "me5-small-sweep-alpha1@openvino-bf16",
    "hybrid": "me5-small-sweep-alpha0.5@openvino-bf16",
}
COMPARISONS = [
    {"a": "hybrid", "b": "X-Y", "task": "xquad-r", "setting": "cross", "metric": "mAP"},
    {
        "a": "hybrid",
        "b": "X-X-mono",
        "task": "xquad-r",
        "setting": "mono",
        "metric": "mAP",
        "test": "non-inferiority",
        "margin": 0.01,
    },
    {
        "a": "hybrid",
        "b": "X-Y",
        "task": "xquad-r",
        "setting": "cross",
        "metric": "mAP",
        "test": "equivalence",
        "margin": 0.01,
    },
    {"a": "hybrid", "b": "X-X-mono", "task": "xquad-r", "setting": "multi", "metric": "rank_distance"},
]
TREND = {"task": "xquad-r", "setting": "multi", "metric": "mAP", "expect": "decreasing"}
DID = {
    "a": "hybrid",
    "b": "X-X-mono",
    "task": "xquad-r",
    "setting": "cross",
    "metric": "mAP",
    "covariates": ["seen-in-training", "latin-script"],
    "expect": "larger-on-low-resource",
}


@pytest.fixture(scope="module")
def tested(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("recipe-claims") / "claims.yaml"
    body = {
        "samplers": ROLES,
        "sweep": "me5-small-sweep",
        "backend": "openvino-bf16",
        "seeds": "random-effect",
        "claims": [
            {"id": "pairs", "statement": "s", "all_of": COMPARISONS},
            {"id": "checks", "statement": "s", "trends": [TREND], "diff_in_diff": [DID]},
        ],
    }
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    claims = load_claims(path)
    members = sweep_members(claims, load_models())
    results, gains = evaluate(claims, collect(COMMITTED).entries, members)
    return claims, members, results, gains


def _seed_files(model: str, task: str) -> list[Path]:
    return sorted((COMMITTED / model).glob(f"{task}.seed[0-9]*.json"))


def _run_cluster_sums(summary: Path, setting: str, metric: str) -> pd.Series:
    """Per question, its share of the run's macro mean over the setting's views (xquad-r: clusters are question ids)."""
    data = json.loads(summary.read_text(encoding="utf-8"))
    arrays = np.load(summary.with_name(data["per_query"]["file"]))
    views = [
        name.split("/")[1] for name in arrays.files if name.startswith(f"{setting}/") and name.endswith(f"/{metric}")
    ]
    frames = []
    for view in views:
        values = arrays[f"{setting}/{view}/{metric}"].astype(np.float64)
        ids = arrays[f"query_ids/{view.split('-')[0]}"][arrays[f"{setting}/{view}/query_index"]]
        frames.append(pd.DataFrame({"id": ids.astype(str), "share": values / len(values) / len(views)}))
    return pd.concat(frames).groupby("id")["share"].sum()


def _reference(comparison: dict) -> tuple[float, float, float]:
    """(a - b, its standard error, Welch-Satterthwaite df): seed and item variance components."""
    setting, metric = comparison["setting"], comparison["metric"]
    runs = {
        role: pd.DataFrame(
            {f.name: _run_cluster_sums(f, setting, metric) for f in _seed_files(ROLES[role], "xquad-r")}
        ).fillna(0.0)
        for role in (comparison["a"], comparison["b"])
    }
    a, b = runs[comparison["a"]], runs[comparison["b"]]
    a, b = a.align(b, join="outer", axis=0, fill_value=0.0)
    totals_a, totals_b = a.sum(), b.sum()
    paired = a.mean(axis=1) - b.mean(axis=1)
    parts = [
        (totals_a.var() / len(totals_a), len(totals_a) - 1),
        (totals_b.var() / len(totals_b), len(totals_b) - 1),
        (len(paired) * paired.var(), len(paired) - 1),
    ]
    variance = sum(v for v, _ in parts)
    return totals_a.mean() - totals_b.mean(), np.sqrt(variance), variance**2 / sum(v**2 / d for v, d in parts)


def test_comparisons_match_an_independent_recomputation_from_the_per_query_files(tested) -> None:
    _, _, results, _ = tested
    found = results[0].comparisons
    for spec, result in zip(COMPARISONS, found, strict=True):
        difference, se, df = _reference(spec)
        sign = -1.0 if spec["metric"] == "rank_distance" else 1.0
        assert result.effect == pytest.approx(sign * difference, abs=1e-9)
        assert result.se == pytest.approx(se, rel=1e-6) and result.df == pytest.approx(df, rel=1e-6)
        assert result.n_queries == 1190 and result.seeds == (len(_seed_files(ROLES[spec["a"]], "xquad-r")),) * 2
        margin = spec.get("margin", 0.0)
        if spec.get("test") == "non-inferiority":
            assert result.p == pytest.approx(stats.t.sf((result.effect + margin) / se, df), rel=1e-6)
        elif spec.get("test") == "equivalence":
            lower, upper = stats.t.sf((result.effect + margin) / se, df), stats.t.cdf((result.effect - margin) / se, df)
            assert result.p == pytest.approx(max(lower, upper), rel=1e-6)
        else:
            assert result.p == pytest.approx(2 * stats.t.sf(abs(difference) / se, df), rel=1e-6)


def _run_macro(summary: Path, setting: str, metric: str) -> tuple[int | None, float]:
    data = json.loads(summary.read_text(encoding="utf-8"))
    return data["seed"], data["settings"][setting][metric]


def test_trend_is_scipys_slope_over_every_run_of_the_sweep(tested) -> None:
    _, members, results, _ = tested
    trend = results[1].checks[0]
    alphas, scores = [], []
    for model, alpha in members.items():
        for summary in _seed_files(model, "xquad-r"):
            alphas.append(alpha)
            scores.append(_run_macro(summary, "multi", "mAP")[1])
    reference = stats.linregress(alphas, scores)
    assert trend.n == len(scores) >= 10
    assert trend.estimate == pytest.approx(reference.slope, abs=1e-5) and trend.p == pytest.approx(
        reference.pvalue, rel=1e-3
    )


def test_difference_in_differences_is_statsmodels_ols_on_language_gains(tested) -> None:
    import statsmodels.formula.api as smf

    _, _, results, gains = tested
    check = results[1].checks[1]

    def by_view(model: str) -> pd.Series:
        files = _seed_files(model, "xquad-r")
        rows = [json.loads(f.read_text(encoding="utf-8"))["settings"]["cross"] for f in files]
        views = rows[0]["by_pair"]
        arrays = [np.load(f.with_name(f.name.replace(".json", ".per_query.npz"))) for f in files]
        return pd.Series({v: np.mean([a[f"cross/{v}/mAP"].mean() for a in arrays]) for v in views})

    gain = by_view(ROLES["hybrid"]) - by_view(ROLES["X-X-mono"])
    table = resource_table()
    languages = sorted({lang for view in gain.index for lang in view.split("-")})
    frame = pd.DataFrame(
        {
            "gain": [gain[[v for v in gain.index if lang in v.split("-")]].mean() for lang in languages],
            "low_resource": [int(table.is_low_resource(lang)) for lang in languages],
            "seen": [
                int(lang in {"ar", "de", "en", "es", "hi", "vi", "zh"}) for lang in languages
            ],  # training/mlqa-r.yaml
            "latin": [int(bool(is_latin_script(lang))) for lang in languages],
        }
    )
    fit = smf.ols("gain ~ low_resource + seen + latin", data=frame).fit(cov_type="HC3")
    assert check.n == len(languages) == 11
    assert check.estimate == pytest.approx(fit.params["low_resource"], abs=1e-5)
    assert check.p == pytest.approx(fit.pvalues["low_resource"], rel=1e-3)
    assert len(gains[check.label]) == 11


def test_holm_runs_over_every_distinct_comparison_and_check(tested) -> None:
    from statsmodels.stats.multitest import multipletests

    _, _, results, _ = tested
    found = [*results[0].comparisons, *results[1].checks]
    expected = multipletests([f.p for f in found], method="holm")[1]
    assert [f.p_holm for f in found] == pytest.approx(list(expected), rel=1e-9)


@pytest.mark.parametrize(
    ("test", "effect", "ci", "p_holm", "verdict"),
    [
        ("superiority", 0.02, (0.01, 0.03), 0.01, SUPPORTED),
        ("superiority", -0.02, (-0.03, -0.01), 0.01, CONTRADICTED),
        ("superiority", 0.02, (-0.01, 0.05), 0.2, INCONCLUSIVE),
        ("non-inferiority", -0.004, (-0.008, 0.0), 0.01, SUPPORTED),
        ("non-inferiority", -0.03, (-0.04, -0.02), 0.9, CONTRADICTED),
        ("equivalence", 0.001, (-0.005, 0.007), 0.01, EQUIVALENT),
        ("equivalence", 0.03, (0.02, 0.04), 0.9, CONTRADICTED),
        ("equivalence", 0.008, (-0.002, 0.018), 0.3, INCONCLUSIVE),
    ],
)
def test_verdicts_follow_the_declared_test(test: str, effect: float, ci: tuple, p_holm: float, verdict: str) -> None:
    from harness.report.claims_result import ComparisonResult

    margin = None if test == "superiority" else 0.01
    comparison = Comparison(a="a", b="b", task="xquad-r", setting="cross", metric="mAP", test=test, margin=margin)
    result = ComparisonResult(comparison, "a", "b", 0.5, 0.5, effect, ci, p_holm, [], 1, 10, p_holm=p_holm)
    assert recipe_verdict(result, 0.05) == verdict


def test_the_claims_and_research_pages_show_checks_classes_and_registration(tested, tmp_path: Path) -> None:
    from harness.report.site import render_site

    claims, _, results, _ = tested
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(claims.model_dump(exclude_none=True)), encoding="utf-8")
    render_site(COMMITTED, tmp_path / "site", claims=path, claims_required=True)
    page = (tmp_path / "site" / "claims.html").read_text(encoding="utf-8")
    assert page.count('<table class="checks">') == 1 and page.count("<tr data-verdict=") == 6
    assert 'id="registration"' in page and "not committed: no result can be shown to come after it" in page
    research = (tmp_path / "site" / "research.html").read_text(encoding="utf-8")
    assert 'id="class-table"' in research and 'data-task="xquad-r" data-class="class 3"' in research
    assert results[1].checks[1].label in research


def test_the_write_up_sets_the_first_studys_method_beside_this_one(tested) -> None:
    from harness.report.study import Study
    from harness.report.study_markdown import checks_table, old_and_new_table

    claims, _, results, _ = tested
    entries = collect(COMMITTED).entries
    study = Study(Path("claims.yaml"), claims, results, None)
    rows = old_and_new_table(study, entries)[2:]
    assert len(rows) == len(COMPARISONS)
    assert "— (no equivalence test)" in rows[2] and all(r.count(" · ") >= 4 for r in rows[:2])
    assert len(checks_table(study)) == 2 + 2


def test_research_points_take_seeds_as_a_random_effect(tested, tmp_path: Path) -> None:
    from harness.report.study import build_study

    claims, _, _, _ = tested
    path = tmp_path / "claims.yaml"
    path.write_text(yaml.safe_dump(claims.model_dump(exclude_none=True)), encoding="utf-8")
    study = build_study(path, collect(COMMITTED).entries, load_models())
    assert study.sweep is not None
    found = next(p for p in study.sweep.points["multi"] if p.alpha == 0.0)
    runs = pd.DataFrame({f.name: _run_cluster_sums(f, "multi", "mAP") for f in _seed_files(ROLES["X-Y"], "xquad-r")})
    totals, averaged = runs.sum(), runs.mean(axis=1)
    parts = [(totals.var() / len(totals), len(totals) - 1), (len(averaged) * averaged.var(), len(averaged) - 1)]
    variance = sum(v for v, _ in parts)
    df = variance**2 / sum(v**2 / d for v, d in parts)
    half = stats.t.ppf(0.975, df) * np.sqrt(variance)
    assert found.ci == pytest.approx((totals.mean() - half, totals.mean() + half), rel=1e-6)


def test_a_recipe_with_one_stored_seed_is_a_one_line_error(tmp_path: Path) -> None:
    from harness.errors import HarnessError

    results = tmp_path / "results"
    for model in (ROLES["X-Y"], ROLES["X-X-mono"]):
        (results / model).mkdir(parents=True)
        for suffix in (".seed0.json", ".seed0.per_query.npz"):
            shutil.copy(COMMITTED / model / f"xquad-r{suffix}", results / model / f"xquad-r{suffix}")
    path = tmp_path / "claims.yaml"
    body = {"samplers": ROLES, "backend": "openvino-bf16", "seeds": "random-effect"}
    body["claims"] = [{"id": "one", "statement": "s", "all_of": [COMPARISONS[0] | {"a": "X-X-mono"}]}]
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    claims = load_claims(path)
    expected = r"at least 2 runs per recipe; .*alpha1@openvino-bf16 on xquad-r has 1 \(seed 0\)"
    with pytest.raises(HarnessError, match=expected):
        evaluate(claims, collect(results).entries, {})
