"""Calibration texts for static quantisation: drawn from a declared training set, never from evaluation data."""

from __future__ import annotations

import hashlib

from harness.data.checksum import sha256_json, sha256_texts
from harness.errors import HarnessError


def calibration_texts(train_set: str, count: int, query_prefix: str, passage_prefix: str) -> tuple[str, list[str]]:
    """(fingerprint, texts): `count` texts of training set `train_set`, half queries and half passages,
    spread over its ids and languages by a fixed hash order; refused when the set is built from an
    evaluation task (its `source_tasks`) or when a chosen text is in any evaluation task's data
    (harness.leakage), so no evaluation text ever shapes a quantised model."""
    from harness.leakage.overlap import guard_calibration
    from harness.trainsets.training_registry import get_training_set

    data = get_training_set(train_set)
    if data.source_tasks:
        raise HarnessError(
            f"calibration: training set {train_set!r} is built from evaluation task(s) "
            f"{', '.join(data.source_tasks)}; choose one with source_tasks: []"
        )
    ranked = sorted(data.examples, key=lambda ex: hashlib.sha256(ex.id.encode()).hexdigest())
    queries = [text for ex in ranked for text in ex.queries.values()][: count - count // 2]
    passages = [text for ex in ranked for text in ex.passages.values()][: count // 2]
    guard_calibration(train_set, queries + passages)  # measured, not only declared: no evaluation text
    texts = [query_prefix + t for t in queries] + [passage_prefix + t for t in passages]
    if len(texts) < count:
        raise HarnessError(f"calibration: training set {train_set!r} has {len(texts)} texts, {count} asked for")
    fingerprint = sha256_json(
        {"train_set": train_set, "data": data.fingerprint, "count": count, "texts": sha256_texts(texts)}
    )
    return fingerprint, texts
