"""Low-resource breakdown of a result: pairs touching a class <= 3 language (Joshi et al. 2020) vs the rest.

Computed from the per-pair (per-language) means a summary already holds, so it can be recomputed
for any stored result. A pair is low-resource when its query or its corpus language has class
<= 3 (multi views are keyed by query language alone: their pool holds every language). Languages
without a class in the table are listed as unknown and their pairs count as "rest" unless the other
language is low-resource.
"""

from __future__ import annotations

import math

from harness.data.resource_classes import TAXONOMY, ResourceTable, resource_table
from harness.results.setting_keys import DETAIL_KEYS, NOT_METRICS

LOWER_IS_BETTER = {"rank_distance"}
NO_DIRECTION = {"own_lang@10", "ann_overlap@100"}  # descriptive, not a quality: no "worst" pair


def pair_languages(pair: str) -> list[str]:
    """'ar-de' -> ['ar', 'de']; 'ar' (multi) -> ['ar']."""
    return pair.split("-")


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
        if metric in NO_DIRECTION:
            continue
        scored = [(v[metric], p) for p, v in detail.items() if isinstance(v.get(metric), int | float)]
        if scored:
            value, pair = (max if metric in LOWER_IS_BETTER else min)(scored)
            worst[metric] = {"pair": pair, "value": value}
    return worst


def setting_breakdown(entry: dict, table: ResourceTable) -> dict[str, object]:
    """Low vs rest means and the worst pair per metric, for one setting's summary entry."""
    detail = next((entry[k] for k in DETAIL_KEYS if k in entry), {})
    metrics = [k for k, v in entry.items() if k not in NOT_METRICS and (v is None or isinstance(v, int | float))]
    low = [p for p in detail if any(table.is_low_resource(lang) for lang in pair_languages(p))]
    rest = [p for p in detail if p not in low]
    return {"low": _group(detail, low, metrics), "rest": _group(detail, rest, metrics),
            "low_pairs": low, "worst": _worst(detail, metrics)}


def low_resource_breakdown(settings: dict[str, dict], table: ResourceTable | None = None) -> dict[str, object]:
    """The breakdown of every setting of a summary, with the classes it used."""
    table = table or resource_table()
    langs = sorted({lang for entry in settings.values() for k in DETAIL_KEYS for pair in entry.get(k, {})
                    for lang in pair_languages(pair)})
    return {
        "taxonomy": TAXONOMY,
        "low_resource": f"class <= {table.low_resource_max_class}",
        "classes": {lang: table.resource_class(lang) for lang in langs},
        "unknown": [lang for lang in langs if table.resource_class(lang) is None],
        "settings": {setting: setting_breakdown(entry, table) for setting, entry in settings.items()},
    }
