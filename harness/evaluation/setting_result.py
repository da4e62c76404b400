"""Per-query values of one evaluated view (a setting and a language pair)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class SettingResult:
    """Per-query metric values for one view, e.g. setting 'cross', pair 'ar-de'.

    `pair` is 'query_lang-corpus_lang' for mono and cross, the query language for multi.
    """

    setting: str
    pair: str
    query_ids: list[str]
    values: dict[str, np.ndarray] = field(default_factory=dict)
    empty_reason: str = ""  # why a view has no query (set by evaluators that know better than the default)

    def mean(self, metric: str) -> float:
        """Mean over queries."""
        return float(np.mean(self.values[metric])) if len(self.query_ids) else float("nan")
