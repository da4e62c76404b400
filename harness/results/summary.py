"""Turn per-query values into the summary stored in a result file: macro means and every pair."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import TYPE_CHECKING

from harness.evaluation.setting_result import SettingResult
from harness.results.low_resource import low_resource_breakdown
from harness.results.transfer_gap import transfer_gap
from harness.tasks.task_spec import TaskSpec
from harness.vocabulary import CROSS, MULTI, TRANSLATED, corpus_language, query_language, split_main_score

if TYPE_CHECKING:
    from harness.tasks.data import TaskData


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def empty_reason(result: SettingResult) -> str:
    """Why a view has no query (every query-set/pool pair of every task kind reads the same way)."""
    if result.empty_reason:
        return result.empty_reason
    query, pool = query_language(result.pair), corpus_language(result.pair)
    where = f"the {pool} pool" if pool else "the pool"
    return f"no {query} query has a relevant item in {where}"


def summarize(spec: TaskSpec, results: list[SettingResult]) -> dict[str, dict]:
    """{setting: {metric: macro mean over the evaluated views, 'n_pairs', 'by_pair' | 'by_lang', view counts}}.

    A view without a query is never averaged: it is left out of by_pair / by_lang and listed in
    `empty_views` with the reason; `n_pairs` counts the evaluated views. Views with fewer than the
    task's `min_queries` queries are averaged and listed in `few_queries`.
    """
    grouped: dict[str, list[SettingResult]] = defaultdict(list)
    for result in results:
        grouped[result.setting].append(result)
    settings: dict[str, dict] = {}
    for setting in spec.settings:
        views = [v for v in grouped.get(setting, []) if v.query_ids]
        empty = {v.pair: empty_reason(v) for v in grouped.get(setting, []) if not v.query_ids}
        computed = [m for v in views for m in v.values]
        metrics = [m for m in dict.fromkeys([*spec.metrics, *computed]) if any(m in v.values for v in views)]
        detail_key = "by_lang" if setting == MULTI else "by_pair"
        per_view = {v.pair: {**{m: _clean(v.mean(m)) for m in metrics}, "n_queries": len(v.query_ids)} for v in views}
        macro = {}
        for metric in metrics:
            values = [v.mean(metric) for v in views]
            macro[metric] = _clean(sum(values) / len(values)) if values else None
        settings[setting] = {
            **macro,
            "n_pairs": len(views),
            "n_empty": len(empty),
            "empty_views": empty,
            "min_queries": spec.min_queries,
            "few_queries": [v.pair for v in views if len(v.query_ids) < spec.min_queries],
            detail_key: per_view,
        }
    return settings


def main_score(spec: TaskSpec, settings: dict[str, dict]) -> float | None:
    """The task's declared headline number, e.g. settings['multi']['mAP']."""
    setting, metric = split_main_score(spec.main_score)
    return settings.get(setting, {}).get(metric)


def result_extras(spec: TaskSpec, settings: dict[str, dict], data: TaskData | None = None) -> dict[str, object]:
    """Top-level summary fields beside the settings: the low-resource breakdown (every kind), the
    task's caveat, the transfer gap (tasks with a 'translated' setting) and counted data warnings."""
    extras: dict[str, object] = {"low_resource": low_resource_breakdown(settings)}
    if spec.caveat:
        extras["caveat"] = spec.caveat
    if TRANSLATED in settings and CROSS in settings:
        extras["transfer_gap"] = transfer_gap(settings[CROSS], settings[TRANSLATED])
    task = data.corpus_task if data is not None else None
    if task is not None and task.notes.as_dict():
        extras["warnings"] = task.notes.as_dict()
    return extras
