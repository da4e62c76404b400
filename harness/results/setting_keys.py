"""The keys of a setting's summary that are not metrics: one list every reader of result files imports."""

from __future__ import annotations

DETAIL_KEYS = ("by_pair", "by_lang")  # per view values: by_pair (mono, cross, translated), by_lang (multi)
VIEW_COUNT_KEYS = (
    "n_pairs",  # views evaluated (those with at least one query): what the macro mean is over
    "n_empty",  # views without a query: listed in empty_views with the reason, never averaged
    "empty_views",  # {pair: reason}
    "min_queries",  # the task's declared minimum of queries for a view to be meaningful
    "few_queries",  # evaluated views with fewer than min_queries queries (flagged, still averaged)
)
NOT_METRICS = frozenset({*VIEW_COUNT_KEYS, "n_queries", *DETAIL_KEYS})
