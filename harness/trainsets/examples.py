"""Training examples for contrastive fine-tuning and the views samplers draw from.

An example is one id (a question or sentence shared across languages) with its queries and
gold passages by language. An X-X (mono) pair is a query and a passage in the same language;
an X-Y (cross) pair is a query in X and the passage of the same id in Y, X != Y.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from harness.data.checksum import sha256_json
from harness.errors import HarnessError


@dataclass(frozen=True)
class TrainExample:
    """One id's queries and gold passages by language, plus same-paragraph hard negatives."""

    id: str
    queries: dict[str, str]
    passages: dict[str, str]
    hard_negatives: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class TrainingSet:
    """A named list of examples with the fingerprint of the data and parameters behind it.

    `source_tasks` names the evaluation tasks built from the same source: results of a model
    trained on this set are in-domain (not zero-shot) on them.
    """

    name: str
    examples: list[TrainExample]
    languages: list[str]
    fingerprint: str
    source_tasks: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for example in self.examples:
            if example.id in seen:
                raise HarnessError(f"training set {self.name}: duplicate example id {example.id!r}")
            seen.add(example.id)
            unknown = (set(example.queries) | set(example.passages)) - set(self.languages)
            if unknown:
                raise HarnessError(
                    f"training set {self.name}: example {example.id!r} has languages {sorted(unknown)} "
                    f"outside {self.languages}"
                )

    def mono_pairs(self) -> list[tuple[int, str]]:
        """(example index, lang) for every language with both a query and a passage."""
        return [
            (index, lang)
            for index, example in enumerate(self.examples)
            for lang in self.languages
            if lang in example.queries and lang in example.passages
        ]

    def cross_pairs(self) -> list[tuple[int, str, str]]:
        """(example index, query lang x, passage lang y) for every x != y of the same example."""
        return [
            (index, x, y)
            for index, example in enumerate(self.examples)
            for x in self.languages
            if x in example.queries
            for y in self.languages
            if y != x and y in example.passages
        ]

    def split(self, val_fraction: float, seed: int) -> tuple[TrainingSet, TrainingSet]:
        """(train, validation) by example id: deterministic for a seed, disjoint, covering every id.

        Each id goes to validation when its rank under sha256(seed, id) is below
        round(val_fraction * n); both parts keep the original example order.
        """
        if not isinstance(val_fraction, int | float) or not 0 < val_fraction < 1:
            raise HarnessError(f"split: val_fraction must be in (0, 1), got {val_fraction!r}")
        total = len(self.examples)
        n_val = round(val_fraction * total)
        if n_val == 0 or n_val == total:
            side = "validation" if n_val == 0 else "training"
            raise HarnessError(
                f"training set {self.name}: split val_fraction={val_fraction} of {total} ids leaves no {side} ids"
            )
        ranked = sorted(self.examples, key=lambda ex: (_split_key(seed, ex.id), ex.id))
        val_ids = {ex.id for ex in ranked[:n_val]}
        params = {"val_fraction": val_fraction, "seed": seed}
        train = self._subset("train", [ex for ex in self.examples if ex.id not in val_ids], params)
        val = self._subset("val", [ex for ex in self.examples if ex.id in val_ids], params)
        return train, val

    def _subset(self, part: str, examples: list[TrainExample], params: dict[str, object]) -> TrainingSet:
        present = {lang for ex in examples for lang in (*ex.queries, *ex.passages)}
        fingerprint = sha256_json({"parent": self.fingerprint, "split": params, "part": part})
        languages = [lang for lang in self.languages if lang in present]
        return TrainingSet(f"{self.name}/{part}", examples, languages, fingerprint, self.source_tasks)


def _split_key(seed: int, example_id: str) -> str:
    return hashlib.sha256(f"{seed}\x00{example_id}".encode()).hexdigest()
