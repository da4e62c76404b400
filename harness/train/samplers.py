"""Batch samplers of hybrid batch training (LAReQA / arXiv 2408.10536): X-X-mono, X-Y and hybrid(alpha).

- X-X-mono: one language per batch, drawn uniformly; every pair is (query, passage) in it.
- X-Y: every pair's query and passage are in different languages.
- hybrid(alpha): each batch is X-X-mono with probability alpha, else X-Y.
No batch holds two items of one id: with parallel data, one item's positive would be a
translation of another's, i.e. a false in-batch negative.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from harness.errors import HarnessError
from harness.trainsets.examples import TrainingSet


@dataclass(frozen=True)
class Batch:
    """Aligned lists: item i is (queries[i] in query_langs[i], positives[i] in passage_langs[i])."""

    ids: list[str]
    query_langs: list[str]
    passage_langs: list[str]
    queries: list[str]
    positives: list[str]
    negatives: list[str]  # hard negatives (extra candidates for every query); may be empty
    mono: bool


class _Sampler:
    """Shared machinery: a seeded generator whose state can be saved and restored."""

    def __init__(self, data: TrainingSet, batch_size: int, seed: int | list[int], hard_negatives: bool) -> None:
        self.data = data
        self.batch_size = batch_size
        self.hard_negatives = hard_negatives
        self.rng = np.random.default_rng(seed)

    def state(self) -> dict[str, Any]:
        """JSON-able generator state (for checkpoints)."""
        return self.rng.bit_generator.state

    def set_state(self, state: dict[str, Any]) -> None:
        """Continue exactly where a checkpointed sampler stopped."""
        self.rng.bit_generator.state = state

    def _make(self, items: list[tuple[int, str, str]], mono: bool) -> Batch:
        examples = [self.data.examples[i] for i, _, _ in items]
        negatives = []
        if self.hard_negatives:
            for example, (_, _, y) in zip(examples, items, strict=True):
                pool = example.hard_negatives.get(y, ())
                if pool:
                    negatives.append(pool[int(self.rng.integers(len(pool)))])
        return Batch(
            ids=[e.id for e in examples],
            query_langs=[x for _, x, _ in items],
            passage_langs=[y for _, _, y in items],
            queries=[e.queries[x] for e, (_, x, _) in zip(examples, items, strict=True)],
            positives=[e.passages[y] for e, (_, _, y) in zip(examples, items, strict=True)],
            negatives=negatives,
            mono=mono,
        )


class MonoSampler(_Sampler):
    """X-X-mono batches: a language drawn uniformly, then distinct ids that have a pair in it."""

    def __init__(self, data: TrainingSet, batch_size: int, seed: int | list[int], hard_negatives: bool = False) -> None:
        super().__init__(data, batch_size, seed, hard_negatives)
        by_lang: dict[str, list[int]] = defaultdict(list)
        for index, lang in data.mono_pairs():
            by_lang[lang].append(index)
        if not by_lang:
            raise HarnessError(f"training set {data.name}: no X-X pairs (query and passage in one language)")
        small = {lang: len(ids) for lang, ids in by_lang.items() if len(ids) < batch_size}
        if small:
            raise HarnessError(
                f"batch_size: {batch_size} is larger than the number of distinct ids in "
                f"{', '.join(f'{k} ({v})' for k, v in sorted(small.items()))} of training set {data.name}"
            )
        self.languages = sorted(by_lang)
        self.by_lang = {lang: np.asarray(ids) for lang, ids in by_lang.items()}

    def next_batch(self) -> Batch:
        """One X-X-mono batch."""
        lang = self.languages[int(self.rng.integers(len(self.languages)))]
        chosen = self.rng.choice(self.by_lang[lang], size=self.batch_size, replace=False)
        return self._make([(int(i), lang, lang) for i in chosen], mono=True)


class CrossSampler(_Sampler):
    """X-Y batches: distinct ids, each with a (query lang, passage lang) pair drawn among its X != Y options."""

    def __init__(self, data: TrainingSet, batch_size: int, seed: int | list[int], hard_negatives: bool = False) -> None:
        super().__init__(data, batch_size, seed, hard_negatives)
        options: dict[int, list[tuple[str, str]]] = defaultdict(list)
        for index, x, y in data.cross_pairs():
            options[index].append((x, y))
        if not options:
            raise HarnessError(f"training set {data.name}: no cross-lingual (X-Y) pairs; use the xx-mono sampler")
        if len(options) < batch_size:
            raise HarnessError(
                f"batch_size: {batch_size} is larger than the {len(options)} distinct ids with "
                f"cross-lingual pairs in training set {data.name}"
            )
        self.indices = np.asarray(sorted(options))
        self.options = {i: sorted(v) for i, v in options.items()}

    def next_batch(self) -> Batch:
        """One X-Y batch."""
        chosen = self.rng.choice(self.indices, size=self.batch_size, replace=False)
        items = []
        for index in chosen:
            pairs = self.options[int(index)]
            x, y = pairs[int(self.rng.integers(len(pairs)))]
            items.append((int(index), x, y))
        return self._make(items, mono=False)


class HybridSampler:
    """X-X-mono with probability alpha, X-Y otherwise (one coin per batch)."""

    def __init__(
        self, data: TrainingSet, batch_size: int, seed: int, alpha: float, hard_negatives: bool = False
    ) -> None:
        if not 0.0 <= alpha <= 1.0:
            raise HarnessError(f"alpha: must lie in [0, 1], got {alpha}")
        self.alpha = alpha
        # Separate streams per role, so that no two seeds share a stream (seed + 1 would). At the
        # ends of the sweep the one sampler left takes the plain seed: alpha 0 draws exactly the
        # X-Y sampler's batches and alpha 1 the X-X-mono sampler's (the coin then never decides).
        pure = alpha in (0.0, 1.0)
        self.rng = np.random.default_rng([seed, 1])
        self.mono = MonoSampler(data, batch_size, seed if pure else [seed, 2], hard_negatives) if alpha > 0 else None
        self.cross = CrossSampler(data, batch_size, seed if pure else [seed, 3], hard_negatives) if alpha < 1 else None

    def next_batch(self) -> Batch:
        """One batch, its type drawn with probability alpha."""
        if self.rng.random() < self.alpha:
            assert self.mono is not None
            return self.mono.next_batch()
        assert self.cross is not None
        return self.cross.next_batch()

    def state(self) -> dict[str, Any]:
        """States of the coin and of both inner samplers."""
        return {
            "coin": self.rng.bit_generator.state,
            "mono": self.mono.state() if self.mono else None,
            "cross": self.cross.state() if self.cross else None,
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Restore what `state` returned."""
        self.rng.bit_generator.state = state["coin"]
        if self.mono:
            self.mono.set_state(state["mono"])
        if self.cross:
            self.cross.set_state(state["cross"])


Sampler = MonoSampler | CrossSampler | HybridSampler


def make_sampler(
    name: str,
    data: TrainingSet,
    batch_size: int,
    seed: int,
    alpha: float | None = None,
    hard_negatives: bool = False,
) -> Sampler:
    """The sampler a recipe names: 'xx-mono', 'xy' or 'hybrid' (with alpha)."""
    if name == "xx-mono":
        return MonoSampler(data, batch_size, seed, hard_negatives)
    if name == "xy":
        return CrossSampler(data, batch_size, seed, hard_negatives)
    if name == "hybrid":
        if alpha is None:
            raise HarnessError("alpha: the hybrid sampler needs alpha")
        return HybridSampler(data, batch_size, seed, alpha, hard_negatives)
    raise HarnessError(f"sampler: unknown sampler {name!r}; known: xx-mono, xy, hybrid")
