"""The pre-registered claims of the second study: valid, about declared tasks, margins above 0; the
seeds-fixed method refuses (one line) what only the random-effect method tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.metrics import METRICS
from harness.paths import REPO_ROOT
from harness.report.claims import evaluate_claims
from harness.report.claims_spec import Comparison, load_claims
from harness.tasks.task_registry import load_tasks

PREREGISTERED = REPO_ROOT / "experiments" / "claims_preregistered.yaml"
IN_DOMAIN = {"mlqa-r", "mlqa-mteb"}


def test_every_check_names_a_zero_shot_task_setting_and_metric() -> None:
    claims = load_claims(PREREGISTERED)
    tasks = load_tasks()
    assert claims.seeds == "random-effect" and claims.registered
    checks = [c for claim in claims.claims for c in (*claim.all_of, *claim.trends, *claim.diff_in_diff)]
    assert len(checks) == 27
    for check in checks:
        spec = tasks[check.task]
        computed = check.metric in spec.metrics or spec.kind in METRICS[check.metric].kinds  # own_lang@10: multi's
        assert check.task not in IN_DOMAIN and check.setting in spec.settings and computed
    comparisons = [c for claim in claims.claims for c in claim.all_of]
    assert all(c.margin is None or c.margin > 0 for c in comparisons)
    kinds = {c.kind for c in comparisons}
    assert kinds == {"superiority", "non-inferiority", "equivalence"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"test": "equivalence"}, "the equivalence test needs a margin above 0"),
        ({"test": "non-inferiority", "margin": 0.0}, "the non-inferiority test needs a margin above 0"),
        ({"test": "superiority", "margin": 0.01}, "a superiority test takes no margin"),
    ],
)
def test_margins_must_fit_the_test(fields: dict, message: str) -> None:
    base = {"a": "hybrid", "b": "X-Y", "task": "xquad-r", "setting": "cross", "metric": "mAP"}
    with pytest.raises(ValueError, match=message):
        Comparison(**base, **fields)


def test_the_seeds_fixed_method_refuses_what_it_does_not_test(tmp_path: Path) -> None:
    with pytest.raises(HarnessError) as caught:
        evaluate_claims(load_claims(PREREGISTERED), [])
    message = str(caught.value)
    assert "\n" not in message and "seeds: random-effect, equivalence tests, trends, diff_in_diff" in message
