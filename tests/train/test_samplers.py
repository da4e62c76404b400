"""Batch samplers on the real MLQA-R training set and on hand-built sets: invariants, rates, determinism, errors."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from scipy.stats import binomtest, chisquare

from harness.errors import HarnessError
from harness.paths import MIRROR_ENV
from harness.train.samplers import (
    Batch,
    CrossSampler,
    HybridSampler,
    MonoSampler,
    Sampler,
    make_sampler,
)
from harness.trainsets.examples import TrainExample, TrainingSet
from harness.trainsets.training_registry import get_training_set

N_BATCHES = 500


@pytest.fixture(scope="module")
def mlqa(mirror: Path) -> Iterator[TrainingSet]:
    """The real mlqa-r training set, loaded once for the module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MIRROR_ENV, str(mirror))
        yield get_training_set("mlqa-r")


def _by_id(data: TrainingSet) -> dict[str, TrainExample]:
    return {example.id: example for example in data.examples}


def _toy(n_ids: int = 10, langs: tuple[str, ...] = ("de", "en", "fr")) -> TrainingSet:
    """n_ids ids, each with a query, a passage and two hard negatives in every language."""
    examples = [
        TrainExample(
            f"id{i}",
            {lang: f"q{i}-{lang}" for lang in langs},
            {lang: f"p{i}-{lang}" for lang in langs},
            {lang: (f"n{i}a-{lang}", f"n{i}b-{lang}") for lang in langs},
        )
        for i in range(n_ids)
    ]
    return TrainingSet("toy", examples, list(langs), "fp-toy")


def _check_mono(batch: Batch, by_id: dict[str, TrainExample], batch_size: int) -> str:
    """Assert the X-X-mono invariants of one batch; return its language."""
    assert batch.mono
    assert len(batch.ids) == batch_size and len(set(batch.ids)) == batch_size
    assert len(set(batch.query_langs)) == 1 and batch.query_langs == batch.passage_langs
    lang = batch.query_langs[0]
    for qid, query, positive in zip(batch.ids, batch.queries, batch.positives, strict=True):
        assert query == by_id[qid].queries[lang] and positive == by_id[qid].passages[lang]
    return lang


def _check_cross(batch: Batch, by_id: dict[str, TrainExample], batch_size: int) -> None:
    """Assert the X-Y invariants of one batch."""
    assert not batch.mono
    assert len(batch.ids) == batch_size and len(set(batch.ids)) == batch_size
    for qid, x, y, query, positive in zip(
        batch.ids, batch.query_langs, batch.passage_langs, batch.queries, batch.positives, strict=True
    ):
        assert x != y
        assert query == by_id[qid].queries[x] and positive == by_id[qid].passages[y]


def _batches(sampler: Sampler, n: int) -> list[Batch]:
    return [sampler.next_batch() for _ in range(n)]


# --- X-X-mono ---------------------------------------------------------------------------------


def test_mono_batches_on_mlqa_keep_one_language_distinct_ids_and_gold_texts(mlqa: TrainingSet) -> None:
    """500 real batches: one language each, no repeated id, texts are the id's query and gold sentence."""
    by_id = _by_id(mlqa)
    sampler = MonoSampler(mlqa, batch_size=16, seed=3)
    langs = [_check_mono(batch, by_id, 16) for batch in _batches(sampler, N_BATCHES)]
    assert sampler.languages == mlqa.languages == ["ar", "de", "en", "es", "hi", "vi", "zh"]
    counts = Counter(langs)
    assert set(counts) == set(mlqa.languages)
    observed = [counts[lang] for lang in mlqa.languages]
    assert chisquare(observed).pvalue > 0.001  # uniform over languages, not over pairs (en has 2x the ids)


def test_mono_uses_only_ids_with_a_pair_in_the_language(mlqa: TrainingSet) -> None:
    """Every drawn id has both a query and a passage in the batch language (mlqa: ar has 517 of 1148 ids)."""
    pairs = set(mlqa.mono_pairs())
    index = {example.id: i for i, example in enumerate(mlqa.examples)}
    for batch in _batches(MonoSampler(mlqa, batch_size=32, seed=0), 100):
        assert all((index[qid], batch.query_langs[0]) in pairs for qid in batch.ids)


def test_mono_toy_full_batch_is_a_permutation_and_skips_query_only_languages() -> None:
    """batch_size == number of ids gives every id once; a language without passages is never drawn."""
    base = _toy(6)
    examples = [
        TrainExample(e.id, {**e.queries, "it": f"{e.id}-it"}, e.passages, e.hard_negatives) for e in base.examples
    ]
    data = TrainingSet("toy-it", examples, ["de", "en", "fr", "it"], "fp")
    sampler = MonoSampler(data, batch_size=6, seed=1)
    assert sampler.languages == ["de", "en", "fr"]
    for batch in _batches(sampler, 50):
        lang = _check_mono(batch, _by_id(data), 6)
        assert lang != "it" and sorted(batch.ids) == [f"id{i}" for i in range(6)]


# --- X-Y --------------------------------------------------------------------------------------


def test_cross_batches_on_mlqa_pair_distinct_languages_of_one_id(mlqa: TrainingSet) -> None:
    """500 real batches: X != Y for every item, ids distinct, both texts from the same id."""
    by_id = _by_id(mlqa)
    sampler = CrossSampler(mlqa, batch_size=16, seed=5)
    directions: Counter[tuple[str, str]] = Counter()
    for batch in _batches(sampler, N_BATCHES):
        _check_cross(batch, by_id, 16)
        directions.update(zip(batch.query_langs, batch.passage_langs, strict=True))
    possible = {(x, y) for _, x, y in mlqa.cross_pairs()}
    assert len(possible) == 42 and set(directions) == possible  # every direction is reachable and is drawn


def test_cross_toy_draws_directions_uniformly_per_id() -> None:
    """With 3 languages every id has 6 directions; 2000 draws are uniform over them (chi-square)."""
    data = _toy(4)
    sampler = CrossSampler(data, batch_size=4, seed=11)
    directions: Counter[tuple[str, str]] = Counter()
    for batch in _batches(sampler, 500):
        _check_cross(batch, _by_id(data), 4)
        assert sorted(batch.ids) == ["id0", "id1", "id2", "id3"]
        directions.update(zip(batch.query_langs, batch.passage_langs, strict=True))
    assert len(directions) == 6 and sum(directions.values()) == 2000
    assert chisquare(list(directions.values())).pvalue > 0.001


# --- hybrid -----------------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.5, 1.0])
def test_hybrid_share_of_mono_batches_matches_alpha(mlqa: TrainingSet, alpha: float) -> None:
    """2000 batches: the count of mono batches is binomial(2000, alpha); each batch keeps its invariants."""
    by_id = _by_id(mlqa)
    sampler = HybridSampler(mlqa, batch_size=8, seed=7, alpha=alpha)
    n_mono = 0
    for batch in _batches(sampler, 2000):
        if batch.mono:
            _check_mono(batch, by_id, 8)
            n_mono += 1
        else:
            _check_cross(batch, by_id, 8)
    if alpha == 0.0:
        assert n_mono == 0 and sampler.mono is None
    elif alpha == 1.0:
        assert n_mono == 2000 and sampler.cross is None
    else:
        assert binomtest(n_mono, 2000, alpha).pvalue > 0.001


@pytest.mark.parametrize(("alpha", "pure"), [(0.0, "xy"), (1.0, "xx-mono")])
@pytest.mark.parametrize("seed", [0, 3])
def test_hybrid_at_the_ends_draws_exactly_the_pure_sampler(
    mlqa: TrainingSet, alpha: float, pure: str, seed: int
) -> None:
    """Same seed: hybrid(0) gives the X-Y sampler's batches and hybrid(1) the X-X-mono sampler's, one for one."""
    hybrid = _batches(HybridSampler(mlqa, 8, seed, alpha), 300)
    reference = _batches(make_sampler(pure, mlqa, 8, seed), 300)
    assert hybrid == reference


def test_make_sampler_builds_each_kind(mlqa: TrainingSet) -> None:
    """Names map to the sampler classes; hybrid carries alpha."""
    assert isinstance(make_sampler("xx-mono", mlqa, 8, 0), MonoSampler)
    assert isinstance(make_sampler("xy", mlqa, 8, 0), CrossSampler)
    hybrid = make_sampler("hybrid", mlqa, 8, 0, alpha=0.25)
    assert isinstance(hybrid, HybridSampler) and hybrid.alpha == 0.25


# --- determinism and checkpoints ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["xx-mono", "xy", "hybrid"])
def test_same_seed_same_batches_other_seed_other_batches(mlqa: TrainingSet, name: str) -> None:
    """Two samplers of one seed agree batch by batch; another seed differs."""
    alpha = 0.5 if name == "hybrid" else None
    first = _batches(make_sampler(name, mlqa, 8, 42, alpha, hard_negatives=True), 30)
    again = _batches(make_sampler(name, mlqa, 8, 42, alpha, hard_negatives=True), 30)
    other = _batches(make_sampler(name, mlqa, 8, 43, alpha, hard_negatives=True), 30)
    assert first == again
    assert [b.ids for b in first] != [b.ids for b in other]


@pytest.mark.parametrize("name", ["xx-mono", "xy", "hybrid"])
def test_state_round_trip_continues_the_same_sequence(mlqa: TrainingSet, name: str) -> None:
    """Save after 17 batches (through JSON), restore into a fresh sampler of another seed, continue identically."""
    alpha = 0.4 if name == "hybrid" else None
    reference = make_sampler(name, mlqa, 8, 9, alpha, hard_negatives=True)
    _batches(reference, 17)
    saved = json.loads(json.dumps(reference.state()))
    expected = _batches(reference, 40)
    restored = make_sampler(name, mlqa, 8, 1234, alpha, hard_negatives=True)
    restored.set_state(saved)
    assert _batches(restored, 40) == expected


def test_state_is_a_snapshot_not_a_live_view(mlqa: TrainingSet) -> None:
    """A state taken earlier still rewinds the sampler after more batches were drawn."""
    sampler = HybridSampler(mlqa, 8, seed=2, alpha=0.5)
    saved = sampler.state()
    first = _batches(sampler, 10)
    sampler.set_state(saved)
    assert _batches(sampler, 10) == first


# --- hard negatives -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["xx-mono", "xy"])
def test_hard_negatives_come_from_the_same_id_and_passage_language(mlqa: TrainingSet, name: str) -> None:
    """One negative per item whose pool is non-empty, in item order, from that pool, never its own positive."""
    by_id = _by_id(mlqa)
    seen_negatives = 0
    for batch in _batches(make_sampler(name, mlqa, 16, 4, hard_negatives=True), 200):
        with_pool = [
            (qid, y, positive)
            for qid, y, positive in zip(batch.ids, batch.passage_langs, batch.positives, strict=True)
            if by_id[qid].hard_negatives.get(y)
        ]
        assert len(batch.negatives) == len(with_pool)
        for (qid, y, positive), negative in zip(with_pool, batch.negatives, strict=True):
            assert negative in by_id[qid].hard_negatives[y]
            assert negative != positive
        seen_negatives += len(batch.negatives)
    assert seen_negatives > 200 * 16 // 2  # most mlqa items have a paragraph with other sentences


def test_hard_negatives_off_gives_none(mlqa: TrainingSet) -> None:
    """Without hard_negatives no batch carries negatives."""
    assert all(not b.negatives for b in _batches(HybridSampler(mlqa, 8, 0, alpha=0.5), 50))


def test_toy_hard_negatives_cover_the_pool() -> None:
    """Both sentences of a two-sentence pool are drawn over many batches."""
    data = _toy(3)
    drawn = Counter(n for b in _batches(MonoSampler(data, 3, seed=0, hard_negatives=True), 300) for n in b.negatives)
    assert set(drawn) == {f"n{i}{s}-{lang}" for i in range(3) for s in "ab" for lang in ("de", "en", "fr")}


# --- errors -------------------------------------------------------------------------------------


def _error(excinfo: pytest.ExceptionInfo[HarnessError]) -> str:
    message = str(excinfo.value)
    assert "\n" not in message and message
    return message


def test_mono_batch_larger_than_a_language_fails(mlqa: TrainingSet) -> None:
    """mlqa es has 500 ids: a batch of 501 names every short language and its count."""
    with pytest.raises(HarnessError) as excinfo:
        MonoSampler(mlqa, batch_size=501, seed=0)
    message = _error(excinfo)
    assert "batch_size: 501" in message and "es (500)" in message and "mlqa-r" in message
    assert "en (" not in message  # en has 1148 ids
    MonoSampler(mlqa, batch_size=500, seed=0)  # the boundary is fine


def test_cross_batch_larger_than_cross_ids_fails() -> None:
    """A toy set has 5 ids with cross pairs: batch 6 fails, batch 5 works."""
    data = _toy(5)
    with pytest.raises(HarnessError) as excinfo:
        make_sampler("xy", data, 6, 0)
    message = _error(excinfo)
    assert "batch_size: 6" in message and "5 distinct ids" in message and "toy" in message
    CrossSampler(data, 5, 0)


def test_xy_on_a_single_language_set_fails() -> None:
    """No X-Y pairs: xy and hybrid(alpha < 1) fail; hybrid(alpha = 1) and xx-mono work."""
    data = _toy(5, langs=("en",))
    for name, alpha in [("xy", None), ("hybrid", 0.5)]:
        with pytest.raises(HarnessError) as excinfo:
            make_sampler(name, data, 2, 0, alpha)
        assert "no cross-lingual (X-Y) pairs" in _error(excinfo)
    assert make_sampler("hybrid", data, 2, 0, 1.0).next_batch().mono
    assert make_sampler("xx-mono", data, 2, 0).next_batch().query_langs == ["en", "en"]


def test_xx_mono_without_same_language_pairs_fails() -> None:
    """Queries only in de, passages only in en: xx-mono fails, xy works."""
    examples = [TrainExample(f"id{i}", {"de": f"q{i}"}, {"en": f"p{i}"}) for i in range(4)]
    data = TrainingSet("cross-only", examples, ["de", "en"], "fp")
    for name, alpha in [("xx-mono", None), ("hybrid", 0.5)]:
        with pytest.raises(HarnessError) as excinfo:
            make_sampler(name, data, 2, 0, alpha)
        message = _error(excinfo)
        assert "no X-X pairs" in message and "cross-only" in message
    batch = make_sampler("xy", data, 2, 0).next_batch()
    assert batch.query_langs == ["de", "de"] and batch.passage_langs == ["en", "en"]


@pytest.mark.parametrize("alpha", [-0.1, 1.5, float("nan")])
def test_alpha_outside_unit_interval_fails(alpha: float) -> None:
    """HybridSampler and make_sampler reject alpha outside [0, 1] (NaN included)."""
    data = _toy(4)
    with pytest.raises(HarnessError) as excinfo:
        HybridSampler(data, 2, 0, alpha)
    assert "alpha: must lie in [0, 1]" in _error(excinfo)
    with pytest.raises(HarnessError) as excinfo:
        make_sampler("hybrid", data, 2, 0, alpha)
    assert "alpha: must lie in [0, 1]" in _error(excinfo)


def test_hybrid_without_alpha_and_unknown_name_fail() -> None:
    """make_sampler names the missing alpha and the unknown sampler with the known ones."""
    data = _toy(4)
    with pytest.raises(HarnessError) as excinfo:
        make_sampler("hybrid", data, 2, 0)
    assert "needs alpha" in _error(excinfo)
    with pytest.raises(HarnessError) as excinfo:
        make_sampler("xx-cross", data, 2, 0)
    message = _error(excinfo)
    assert "'xx-cross'" in message and "xx-mono, xy, hybrid" in message
