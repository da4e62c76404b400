"""Claims: verdicts from paired tests over queries on synthetic results whose truth is known."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from synthetic_results import SyntheticTask, write_synthetic

from harness.errors import HarnessError
from harness.report.claims import CONTRADICTED, INCONCLUSIVE, SUPPORTED, evaluate_claims
from harness.report.claims_spec import load_claims
from harness.report.collect import collect
from harness.report.per_query import aligned, load_views
from harness.stats.multiple_testing import holm
from harness.stats.randomization import paired_randomization

TASK = SyntheticTask("toy-qa", ("en", "de", "th"), n_queries=300)
QUALITY = {"strong": 0.8, "weak1": 0.35, "weak2": 0.35}  # weak1 and weak2: same quality, other draws


@pytest.fixture(scope="module")
def entries(tmp_path_factory: pytest.TempPathFactory) -> list:
    results = tmp_path_factory.mktemp("claims-results")
    for model, quality in QUALITY.items():
        for seed in (0, 1, 2):
            write_synthetic(results, model, TASK, quality=quality, seed=seed, rng_seed=11)
    return collect(results).entries


def claims_file(tmp_path: Path, comparisons: list[dict]) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "samplers": {"A": "strong", "B": "weak1"},
                "level": 0.05,
                "claims": [{"id": "c", "statement": "s", "all_of": comparisons}],
            }
        )
    )
    return path


def one(tmp_path: Path, entries: list, **comparison: object):
    base = {"task": "toy-qa", "setting": "cross", "metric": "mAP"}
    (result,) = evaluate_claims(load_claims(claims_file(tmp_path, [{**base, **comparison}])), entries)
    return result.comparisons[0]


def test_a_clearly_better_model_supports_and_the_reverse_contradicts(tmp_path: Path, entries: list) -> None:
    better = one(tmp_path, entries, a="A", b="B")
    worse = one(tmp_path, entries, a="B", b="A")
    assert better.verdict == SUPPORTED and better.effect > 0.3 and all(e > 0 for e in better.seed_effects)
    assert worse.verdict == CONTRADICTED and worse.effect == pytest.approx(-better.effect)
    assert better.n_views == 6 and better.n_queries == 6 * 300 and len(better.seed_effects) == 3


def test_p_is_the_checks_own_paired_test(tmp_path: Path, entries: list) -> None:
    """The same p as harness.stats.randomization on the seed-averaged per-query scores of every view."""
    result = one(tmp_path, entries, a="weak1", b="weak2", setting="mono")
    by_model = {e.model: e for e in entries}
    a = load_views(by_model["weak1"], {"mono": "mAP"}, with_ids={"mono"})
    b = load_views(by_model["weak2"], {"mono": "mAP"}, with_ids={"mono"})
    groups = [aligned(a[k], b[k]) for k in a]
    assert result.p == pytest.approx(paired_randomization(groups))
    assert result.effect == pytest.approx(np.mean([x.mean() - y.mean() for x, y in groups]))
    assert result.verdict == INCONCLUSIVE and result.p > 0.05  # same quality: no detectable difference


def test_margin_turns_the_question_into_non_inferiority(tmp_path: Path, entries: list) -> None:
    assert one(tmp_path, entries, a="A", b="B", margin=0.01).verdict == SUPPORTED
    behind = one(tmp_path, entries, a="B", b="A", margin=0.01)
    assert behind.verdict == CONTRADICTED and behind.ci[1] < -0.01
    assert one(tmp_path, entries, a="weak1", b="weak2", margin=0.5).verdict == SUPPORTED  # within a wide margin


def test_view_subsets_and_the_worst_view(tmp_path: Path, entries: list) -> None:
    low = one(tmp_path, entries, a="A", b="B", views="low-resource")
    assert low.n_views == 4  # en-th, de-th, th-en, th-de: Thai is class 3
    worst = one(tmp_path, entries, a="A", b="B", views="worst")
    assert worst.n_views == 1 and worst.views is not None and worst.verdict == SUPPORTED


def test_lower_is_better_metrics_flip_the_sign(tmp_path: Path, entries: list) -> None:
    """Rank distance: the stronger model has the lower distance, which is the better one."""
    result = one(tmp_path, entries, a="A", b="B", setting="multi", metric="rank_distance")
    assert result.mean_a < result.mean_b and result.effect > 0 and result.verdict == SUPPORTED


def test_holm_runs_across_every_comparison_of_the_file(tmp_path: Path, entries: list) -> None:
    comparisons = [{"a": "A", "b": "B", "task": "toy-qa", "setting": s, "metric": "mAP"} for s in ("mono", "cross")]
    comparisons.append({"a": "weak1", "b": "weak2", "task": "toy-qa", "setting": "mono", "metric": "mAP"})
    (claim,) = evaluate_claims(load_claims(claims_file(tmp_path, comparisons)), entries)
    ps = [c.p for c in claim.comparisons]
    assert [c.p_holm for c in claim.comparisons] == pytest.approx(holm(ps))
    assert claim.verdict == INCONCLUSIVE  # one comparison inconclusive, none contradicted


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"metric": "mAPP"}, "unknown metric 'mAPP'"),
        ({"metric": "own_lang@10"}, "has no direction of its own"),
        ({"b": "A"}, "both are 'A'"),
        ({"views": "some"}, "views"),
    ],
)
def test_bad_claims_are_one_line_errors(tmp_path: Path, change: dict, message: str) -> None:
    comparison = {"a": "A", "b": "B", "task": "toy-qa", "setting": "cross", "metric": "mAP", **change}
    with pytest.raises(HarnessError, match=message) as caught:
        load_claims(claims_file(tmp_path, [comparison]))
    assert "\n" not in str(caught.value) and "claims.yaml" in str(caught.value)


def test_a_model_without_results_is_named(tmp_path: Path, entries: list) -> None:
    path = claims_file(tmp_path, [{"a": "A", "b": "nobody", "task": "toy-qa", "setting": "cross", "metric": "mAP"}])
    with pytest.raises(HarnessError, match="no full-size result of 'nobody' on 'toy-qa'"):
        evaluate_claims(load_claims(path), entries)


def test_a_repeated_or_reversed_comparison_is_one_hypothesis(tmp_path: Path, entries: list) -> None:
    base = {"task": "toy-qa", "setting": "mono", "metric": "mAP"}
    comparisons = [
        {"a": "A", "b": "B", **base},
        {"a": "B", "b": "A", **base},
        {"a": "A", "b": "B", **base},
        {"a": "weak1", "b": "weak2", **base},
    ]
    (claim,) = evaluate_claims(load_claims(claims_file(tmp_path, comparisons)), entries)
    first, reversed_, again, other = claim.comparisons
    assert first.p_holm == reversed_.p_holm == again.p_holm == pytest.approx(holm([first.p, other.p])[0])
    assert reversed_.effect == pytest.approx(-first.effect) and reversed_.verdict == CONTRADICTED
