"""Turn per-query values into the summary stored in a result file: macro means and every pair."""

from __future__ import annotations

import math
from collections import defaultdict

from harness.evaluate.setting_result import SettingResult
from harness.tasks.schema import TaskSpec


def _clean(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def summarize(spec: TaskSpec, results: list[SettingResult]) -> dict[str, dict]:
    """{setting: {metric: macro mean over pairs, 'by_pair' | 'by_lang': {pair: {metric: mean, n_queries}}}}."""
    grouped: dict[str, list[SettingResult]] = defaultdict(list)
    for result in results:
        grouped[result.setting].append(result)
    settings: dict[str, dict] = {}
    for setting in spec.settings:
        views = grouped.get(setting, [])
        computed = [m for v in views for m in v.values]
        metrics = [m for m in dict.fromkeys([*spec.metrics, *computed]) if any(m in v.values for v in views)]
        detail_key = "by_lang" if setting == "multi" else "by_pair"
        per_view = {
            v.pair: {**{m: _clean(v.mean(m)) for m in metrics}, "n_queries": len(v.query_ids)} for v in views
        }
        macro = {}
        for metric in metrics:
            values = [v.mean(metric) for v in views if v.query_ids]
            macro[metric] = _clean(sum(values) / len(values)) if values else None
        settings[setting] = {**macro, "n_pairs": len(views), detail_key: per_view}
    return settings


def main_score(spec: TaskSpec, settings: dict[str, dict]) -> float | None:
    """The task's declared headline number, e.g. settings['multi']['mAP']."""
    setting, _, metric = spec.main_score.partition("/")
    return settings.get(setting, {}).get(metric)
