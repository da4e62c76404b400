"""Low-resource breakdown of a result: pairs touching a class <= 3 language (Joshi et al. 2020) vs the rest.

Computed from the per-pair (per-language) means a summary already holds, so it can be recomputed
for any stored result. A pair is low-resource when its query or its corpus language has class
<= 3 (multi views are keyed by query language alone: their pool holds every language). Languages
without a class in the table are listed as unknown and their pairs count as "rest" unless the other
language is low-resource.
"""

from __future__ import annotations

import math
import statistics

from harness.data.resource_classes import TAXONOMY, ResourceTable, resource_table
from harness.metrics import has_direction, higher_is_better
from harness.results.result_file import SettingSummary
from harness.vocabulary import view_languages


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def _group(detail: dict[str, dict], pairs: list[str], metrics: list[str]) -> dict[str, object]:
    out: dict[str, object] = {"n_pairs": len(pairs)}
    for metric in metrics:
        values = [detail[p][metric] for p in pairs if isinstance(detail[p].get(metric), int | float)]
        out[metric] = _mean([v for v in values if not math.isnan(v)])
    return out


def _worst(detail: dict[str, dict], metrics: list[str]) -> dict[str, dict[str, object]]:
    worst = {}
    for metric in metrics:
        if not has_direction(metric):  # descriptive, not a quality: no "worst" pair
            continue
        scored = [(v[metric], p) for p, v in detail.items() if isinstance(v.get(metric), int | float)]
        if scored:
            value, pair = (min if higher_is_better(metric) else max)(scored)
            worst[metric] = {"pair": pair, "value": value}
    return worst


def _spread(detail: dict[str, dict], metrics: list[str]) -> dict[str, dict[str, object]]:
    """Across pairs: sample std, lowest and highest pair of each metric."""
    spread: dict[str, dict[str, object]] = {}
    for metric in metrics:
        scored = sorted(
            (v[metric], p)
            for p, v in detail.items()
            if isinstance(v.get(metric), int | float) and not math.isnan(v[metric])
        )
        if scored:
            values = [v for v, _ in scored]
            spread[metric] = {
                "n_pairs": len(values),
                "std": round(statistics.stdev(values), 6) if len(values) > 1 else 0.0,
                "min": {"pair": scored[0][1], "value": scored[0][0]},
                "max": {"pair": scored[-1][1], "value": scored[-1][0]},
            }
    return spread


def setting_breakdown(entry: SettingSummary, table: ResourceTable) -> dict[str, object]:
    """Low vs rest means, the worst pair and the spread across pairs per metric, for one setting's summary entry."""
    detail = entry.view_metrics()
    metrics = list(entry.macros())
    low = [p for p in detail if any(table.is_low_resource(lang) for lang in view_languages(p))]
    rest = [p for p in detail if p not in low]
    return {
        "low": _group(detail, low, metrics),
        "rest": _group(detail, rest, metrics),
        "low_pairs": low,
        "worst": _worst(detail, metrics),
        "spread": _spread(detail, metrics),
    }


def low_resource_breakdown(
    settings: dict[str, dict] | dict[str, SettingSummary], table: ResourceTable | None = None
) -> dict[str, object]:
    """The breakdown of every setting of a summary (as stored, or validated), with the classes it used."""
    table = table or resource_table()
    settings = {name: SettingSummary.model_validate(entry) for name, entry in settings.items()}
    langs = sorted(
        {lang for entry in settings.values() for pair in entry.view_metrics() for lang in view_languages(pair)}
    )
    return {
        "taxonomy": TAXONOMY,
        "low_resource": f"class <= {table.low_resource_max_class}",
        "classes": {lang: table.resource_class(lang) for lang in langs},
        "unknown": [lang for lang in langs if table.resource_class(lang) is None],
        "settings": {setting: setting_breakdown(entry, table) for setting, entry in settings.items()},
    }
