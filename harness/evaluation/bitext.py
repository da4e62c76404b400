"""Bitext retrieval (MTEB BitextMining protocol): each sentence queries the pool of its pair's translations.

Per language two views over the same two embedding matrices: 'cross' (X → the pivot sentences of
X's pairs, MTEB's direction, pair "x-en") and 'reverse' (pivot → X sentences, as LASER and XTREME
also report, pair "en-x"). Top-1 by the model's score (cosine for normalised embeddings); equal
best scores go to the first position, and the share of such ties is kept as `tie@1`.
"""

from __future__ import annotations

import numpy as np

from harness.errors import LanguageUnsupportedError
from harness.evaluation.bitext_metrics import bitext_values, top1
from harness.evaluation.progress import NullProgress, Progress
from harness.evaluation.scorers import PoolScorer
from harness.evaluation.setting_result import SettingResult
from harness.evaluation.textset import TextSet
from harness.metrics import TIE_AT_1
from harness.tasks.data import TaskData
from harness.vocabulary import CROSS, REVERSE

BITEXT_TEXT_KIND = "text"  # both sides alike and without a prefix, as MTEB encodes bitext mining (docs/PARITY.md)


def evaluate_bitext(data: TaskData, scorer: PoolScorer, progress: Progress | None = None) -> list[SettingResult]:
    """The cross and reverse view of every language."""
    progress = progress or NullProgress()
    spec, records = data.spec, data.bitext()
    sides = {}
    for lang, rec in records.items():
        pivot_lang = spec.pivot(lang)
        sides[lang] = (
            TextSet(f"{spec.name}/{lang}/sentences", BITEXT_TEXT_KIND, rec.sentences, lang),
            TextSet(f"{spec.name}/{lang}/{pivot_lang}", BITEXT_TEXT_KIND, rec.pivot, pivot_lang),
        )
    scorer.prepare([textset for pair in sides.values() for textset in pair])
    settings = [s for s in (CROSS, REVERSE) if s in spec.settings]
    handle = progress.start(f"score {spec.name}", len(records) * len(settings))
    results = []
    for lang, rec in records.items():
        sentences, pivot = sides[lang]
        for setting in settings:
            queries, pool = (sentences, pivot) if setting == CROSS else (pivot, sentences)
            pair = f"{queries.lang}-{pool.lang}"
            best, tied = [], []
            try:
                for _, scores in scorer.score_blocks(queries, [pool]):
                    b, t = top1(scores)
                    best.append(b)
                    tied.append(t)
            except LanguageUnsupportedError as exc:  # the model cannot read this language: an empty view
                results.append(SettingResult(setting, pair, [], empty_reason=str(exc)))
                progress.advance(handle, 1)
                continue
            predictions = np.concatenate(best)
            result = SettingResult(setting, pair, list(rec.ids))
            for metric, values in bitext_values(predictions).items():
                if metric in spec.metrics:
                    result.values[metric] = values.astype(np.float32)
            result.values[TIE_AT_1] = np.concatenate(tied).astype(np.float32)
            results.append(result)
            progress.advance(handle, 1)
    progress.finish(handle)
    return results
