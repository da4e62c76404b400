"""Robustness numbers of one entry: low-resource vs other pairs, unseen languages, worst pair, cross - mono gap,
and the transfer gap (translated - native questions) where a task asks both."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from harness.metrics import higher_is_better
from harness.report.entries import Entry
from harness.vocabulary import CROSS, MONO, TRANSLATED, view_languages


@dataclass(frozen=True)
class Robustness:
    """Means over the pairs of the entry's pair setting (cross when there is one, else mono)."""

    metric: str
    pair_setting: str | None
    low_langs: tuple[str, ...]
    low: float | None
    rest: float | None
    unseen_langs: tuple[str, ...] | None  # None: the model's training languages are not known
    unseen: float | None
    seen: float | None
    worst_pair: str | None
    worst: float | None
    gap: float | None  # cross - mono macro mean of `metric`
    transfer_gap: float | None = None  # translated - cross (native questions) macro mean of `metric`

    @property
    def worst_label(self) -> str | None:
        """The worst pair with the setting it comes from, e.g. 'cross zh-de' (never beside another setting unnamed)."""
        return f"{self.pair_setting} {self.worst_pair}" if self.worst_pair else None


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _split(pairs: dict[str, float], langs: set[str]) -> tuple[float | None, float | None]:
    """Mean over pairs touching `langs` (query or corpus language), and over the others."""
    inside = [v for p, v in pairs.items() if set(view_languages(p)) & langs]
    outside = [v for p, v in pairs.items() if not set(view_languages(p)) & langs]
    return _mean(inside), _mean(outside)


def pair_setting(entry: Entry) -> str | None:
    """The setting whose pairs the breakdowns use: cross, else mono."""
    return next((s for s in (CROSS, MONO) if s in entry.settings), None)


def robustness(entry: Entry, low_langs: Iterable[str], training_langs: Iterable[str] | None) -> Robustness:
    """Breakdowns of the main metric (e.g. mAP) over the entry's language pairs."""
    metric = entry.main_metric
    setting = pair_setting(entry)
    pairs: dict[str, float] = {}
    if setting is not None:
        for pair, values in entry.settings[setting].detail.items():
            if values.get(metric) is not None:
                pairs[pair] = values[metric]  # type: ignore[assignment]
    languages = {lang for pair in pairs for lang in view_languages(pair)}
    low = set(low_langs) & languages
    low_mean, rest_mean = _split(pairs, low) if low else (None, None)
    if training_langs is None:
        unseen_langs, unseen, seen = None, None, None
    else:
        missing = languages - set(training_langs)
        unseen_langs = tuple(sorted(missing))
        unseen, seen = _split(pairs, missing) if missing else (None, _mean(list(pairs.values())))
    worst_pair = None
    if pairs:
        pick = min if higher_is_better(metric) else max
        worst_pair = pick(sorted(pairs), key=pairs.__getitem__)
    cross, mono = entry.value(CROSS, metric), entry.value(MONO, metric)
    gap = cross - mono if cross is not None and mono is not None else None
    translated = entry.value(TRANSLATED, metric)
    transfer = translated - cross if translated is not None and cross is not None else None
    return Robustness(
        metric,
        setting,
        tuple(sorted(low)),
        low_mean,
        rest_mean,
        unseen_langs,
        unseen,
        seen,
        worst_pair,
        pairs.get(worst_pair) if worst_pair else None,
        gap,
        transfer,
    )
