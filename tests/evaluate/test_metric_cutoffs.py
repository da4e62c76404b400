"""Metrics with parameters: the cutoff is parsed from the name, the run depth is derived from them and checked."""

from __future__ import annotations

import pytest

from harness.errors import HarnessError
from harness.evaluation.qrels_eval import RUN_DEPTH, per_query_measures
from harness.metrics import METRICS, OWN_LANGUAGE, OWN_LANGUAGE_K, cutoff, require_depth, run_depth


def test_cutoffs_are_parsed_from_names() -> None:
    assert cutoff("nDCG@10") == 10 and cutoff("MRR@100") == 100 and cutoff("mAP") is None and cutoff("tie@x") is None
    assert cutoff(OWN_LANGUAGE) == OWN_LANGUAGE_K == 10


def test_runs_are_deep_enough_for_every_declared_cutoff() -> None:
    assert RUN_DEPTH == run_depth() == max(cutoff(name) or 0 for name in METRICS) == 100
    require_depth(list(METRICS), RUN_DEPTH)
    with pytest.raises(HarnessError, match=r"metrics nDCG@1000: cutoff deeper than the run depth 100"):
        per_query_measures(["nDCG@1000"], {"q": {"d": 1}}, {"q": {"d": 1.0}})
