"""The metric registry: every metric a result can hold, declared once.

A metric has an ir-measures style name, a direction (higher or lower is better, or none for a
descriptive share such as own_lang@10), the decimals it is shown with, the task kinds that
compute it (`declared`: a task may list it under `metrics:`; otherwise its evaluator adds it
itself) and how it aggregates: per view the mean over its queries, per setting the macro mean
over its evaluated views, over seeds mean ± sample std. Evaluation, result files, `harness check`
and the report all read direction and decimals from here. Adding a metric is one declaration
below plus its compute function (ir-measures computes every corpus and qrels metric by name).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from harness.errors import HarnessError

Better = Literal["higher", "lower"]

PARALLEL = "parallel-qa-retrieval"
QRELS = "monolingual-retrieval"
CORPUS = "corpus-retrieval"
ANSWER = "answer-retrieval"
BITEXT = "bitext-retrieval"
PAIRS = "language-pair-retrieval"

RANK_DISTANCE = "rank_distance"
OWN_LANGUAGE_K = 10  # how many top candidates the own-language share looks at
OWN_LANGUAGE = f"own_lang@{OWN_LANGUAGE_K}"
ANN_OVERLAP = "ann_overlap@100"
TIE_AT_1 = "tie@1"


@dataclass(frozen=True)
class Metric:
    """One metric: its direction, display precision and the task kinds computing it."""

    name: str
    better: Better | None  # None: descriptive, no best or worst value
    kinds: tuple[str, ...]
    decimals: int = 3
    declared: bool = True  # listed in a task's `metrics:`; False: added by the evaluator in some views
    ir_measure: str | None = None  # the ir-measures name when it differs (MRR@100 is RR@100)
    aggregate: str = "mean over queries per view; macro mean over views per setting; mean ± std over seeds"
    description: str = ""


_ALL_RANKED = (PARALLEL, QRELS, PAIRS, CORPUS)
METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric("mAP", "higher", (PARALLEL,), description="mean average precision over the full pool (LAReQA)"),
        Metric("R@1", "higher", (PARALLEL, CORPUS), description="share of relevant items in the top 1"),
        Metric("R@10", "higher", _ALL_RANKED, description="share of relevant items in the top 10"),
        Metric("R@100", "higher", (QRELS, PAIRS, CORPUS), description="share of relevant items in the top 100"),
        Metric(
            RANK_DISTANCE,
            "lower",
            (PARALLEL,),
            decimals=1,
            description="multi setting: rank of the last relevant item minus rank of the first (language bias)",
        ),
        Metric(
            OWN_LANGUAGE,
            None,
            (PARALLEL,),
            declared=False,
            description="multi setting: share of the top 10 in the query's own language (language bias)",
        ),
        Metric("nDCG@10", "higher", (QRELS, PAIRS, CORPUS), description="normalised discounted cumulative gain at 10"),
        Metric("AP@10", "higher", (QRELS, PAIRS, CORPUS), description="average precision over the top 10"),
        Metric(
            "RR@10", "higher", (QRELS, PAIRS, CORPUS), description="reciprocal rank of the first relevant item, top 10"
        ),
        Metric(
            "MRR@100",
            "higher",
            (CORPUS,),
            ir_measure="RR@100",
            description="reciprocal rank of the first relevant item, top 100",
        ),
        Metric("Success@5", "higher", (ANSWER,), description="share of queries with an answer in the top 5"),
        Metric("Success@20", "higher", (ANSWER,), description="share of queries with an answer in the top 20"),
        Metric("Success@100", "higher", (ANSWER,), description="share of queries with an answer in the top 100"),
        Metric("accuracy", "higher", (BITEXT,), description="share of queries whose top-1 is their translation"),
        Metric(
            "precision",
            "higher",
            (BITEXT,),
            description="MTEB bitext precision: scikit-learn's weighted precision over the gold labels",
        ),
        Metric("recall", "higher", (BITEXT,), description="MTEB bitext recall (weighted; equals accuracy)"),
        Metric("F1", "higher", (BITEXT,), description="MTEB bitext F1 (scikit-learn, weighted): MTEB's main score"),
        Metric(
            "error_rate", "lower", (BITEXT,), description="LASER's error rate: share of queries whose top-1 is wrong"
        ),
        Metric(
            TIE_AT_1,
            None,
            (BITEXT,),
            declared=False,
            description="share of queries whose best score is shared by several candidates (the first one is taken)",
        ),
        Metric(
            ANN_OVERLAP,
            None,
            (CORPUS, ANSWER),
            declared=False,
            description="approximate index: share of the exact top 100 it found",
        ),
    )
}


def metric(name: str) -> Metric:
    """The declaration of a metric; an unknown name is a one-line error."""
    try:
        return METRICS[name]
    except KeyError:
        raise HarnessError(f"unknown metric {name!r}; known: {', '.join(METRICS)}") from None


def higher_is_better(name: str) -> bool:
    """Direction of a metric (descriptive ones and names unknown to this version read as scores)."""
    found = METRICS.get(name)
    return found is None or found.better != "lower"


def has_direction(name: str) -> bool:
    """False for descriptive shares (own_lang@10, ann_overlap@100): they have no best or worst value."""
    found = METRICS.get(name)
    return found is None or found.better is not None


def decimals(name: str) -> int:
    """Decimals a metric is shown with (3 unless declared otherwise)."""
    found = METRICS.get(name)
    return 3 if found is None else found.decimals


def declarable(kind: str) -> set[str]:
    """Metrics a task of `kind` may list under `metrics:`."""
    return {m.name for m in METRICS.values() if kind in m.kinds and m.declared}


def ir_measure_name(name: str) -> str:
    """The name ir-measures parses for a metric."""
    found = METRICS.get(name)
    return found.ir_measure if found is not None and found.ir_measure else name


def cutoff(name: str) -> int | None:
    """The rank cutoff k of a 'name@k' metric ('nDCG@10' -> 10); None for metrics over the whole ranking."""
    _, at, k = name.partition("@")
    return int(k) if at and k.isdigit() else None


RANKED_RUN_KINDS = (QRELS, PAIRS, CORPUS, ANSWER)  # kinds whose measures are computed from a top-k run


def run_depth() -> int:
    """How deep top-k runs go: the largest cutoff of any metric computed from runs (every @k must fit)."""
    return max(cutoff(m.name) or 0 for m in METRICS.values() if set(m.kinds) & set(RANKED_RUN_KINDS))


def require_depth(names: list[str], depth: int) -> None:
    """A one-line error when a metric's cutoff is deeper than the run it is computed from."""
    deeper = [n for n in names if (cutoff(n) or 0) > depth]
    if deeper:
        raise HarnessError(f"metrics {', '.join(deeper)}: cutoff deeper than the run depth {depth}")
