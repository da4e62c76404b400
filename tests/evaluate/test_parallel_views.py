"""evaluate_parallel on a synthetic 3-language task: every view against an independent brute-force computation."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import average_precision_score
from trigram_encoder import TrigramEncoder

from harness.data.records import ParallelLanguage
from harness.data.sources import Source
from harness.evaluation import scorers
from harness.evaluation.embedding_cache import EmbeddingCache
from harness.evaluation.parallel import evaluate_parallel
from harness.evaluation.scorers import DenseScorer, LexicalPoolScorer
from harness.evaluation.setting_result import SettingResult
from harness.evaluation.textset import TextSet
from harness.models.base import Encoder
from harness.models.lexical.bm25 import Bm25Scorer
from harness.models.model_spec import Bm25Params
from harness.tasks.data import TaskData
from harness.tasks.task_spec import TaskSpec

LANGS = ["en", "de", "zh"]
QIDS = [f"q{i:02d}" for i in range(12)]
MISSING = {"en": set(), "de": {"q03", "q07"}, "zh": {"q10"}}  # question ids absent from a language
N_PARAGRAPHS = 6
FULL_RANK = ["mAP", "R@1", "R@10"]
DUPLICATE_GOLD = {"q01", "q05", "q09"}  # questions of even paragraphs (those with a boilerplate copy)


def build_language(lang: str, seed: int, gold_on_duplicate: bool = False) -> ParallelLanguage:
    """Paragraphs of 3-5 sentences; question i asks about a sentence of paragraph i // 2.

    Duplicates on purpose: every even paragraph repeats one boilerplate sentence, and two questions share
    their text. With gold_on_duplicate, q01, q05 and q09 have a boilerplate copy as gold (each ties with the
    non-relevant copies); otherwise no gold is a boilerplate copy.
    """
    rng = np.random.default_rng(seed)
    vocab = ["".join(rng.choice(list("abcdefghijklmnopqrstuvwxyz"), size=int(rng.integers(3, 8)))) for _ in range(60)]
    boilerplate = f"{lang} see the appendix for further details"
    candidates: list[str] = []
    paragraph: list[int] = []
    for p in range(N_PARAGRAPHS):
        sentences = [f"{lang} {' '.join(rng.choice(vocab, size=6))}" for _ in range(int(rng.integers(3, 6)))]
        if p % 2 == 0:
            sentences.insert(1, boilerplate)
        candidates += sentences
        paragraph += [p] * len(sentences)
    question_ids, questions, gold = [], [], {}
    for i, qid in enumerate(QIDS):
        if qid in MISSING[lang]:
            continue
        in_paragraph = [c for c, p in enumerate(paragraph) if p == i // 2]
        if gold_on_duplicate and qid in DUPLICATE_GOLD:
            target = next(c for c in in_paragraph if candidates[c] == boilerplate)
        else:
            target = int(rng.choice([c for c in in_paragraph if candidates[c] != boilerplate]))
        words = candidates[target].split()[1:]
        question = f"{lang} what about {' '.join(rng.choice(words, size=2))} {rng.choice(vocab)}"
        question_ids.append(qid)
        questions.append(question)
        gold[qid] = target
    if "q06" in gold:  # same text as q05: one embedding for both
        questions[question_ids.index("q06")] = questions[question_ids.index("q05")]
    return ParallelLanguage(lang, question_ids, questions, candidates, paragraph, gold)


def make_spec(settings: list[str] | None = None) -> TaskSpec:
    return TaskSpec(
        name="synthetic-parallel",
        kind="parallel-qa-retrieval",
        description="synthetic parallel QA retrieval task for tests",
        languages=LANGS,
        source=Source(loader="lareqa", mirror="synthetic"),
        settings=settings or ["mono", "cross", "multi"],
        metrics=["mAP", "R@1", "R@10", "rank_distance"],
        main_score="multi/mAP" if settings is None or "multi" in settings else f"{settings[0]}/mAP",
    )


def make_records(gold_on_duplicate: bool = False) -> dict[str, ParallelLanguage]:
    return {lang: build_language(lang, seed, gold_on_duplicate) for seed, lang in enumerate(LANGS)}


@pytest.fixture
def records() -> dict[str, ParallelLanguage]:
    return make_records()


@pytest.fixture
def cache(tmp_path: Path) -> EmbeddingCache:
    return EmbeddingCache(tmp_path / "embeddings")


def dense_scores(
    encoder: Encoder, records: dict[str, ParallelLanguage], query_lang: str, pool: list[str]
) -> np.ndarray:
    """Full score rows from embeddings computed directly (no de-duplication, no cache)."""
    q = encoder.encode(records[query_lang].questions, "query").astype(np.float64)
    p = np.concatenate([encoder.encode(records[lang].candidates, "passage") for lang in pool]).astype(np.float64)
    # correctly rounded dot products: identical texts get exactly equal scores, whatever their position
    return np.array([[math.fsum(qi * pj) for pj in p] for qi in q])


def brute_force(
    scores: np.ndarray, records: dict[str, ParallelLanguage], query_lang: str, pool: list[str]
) -> tuple[list[str], dict[str, list[float]]]:
    """Kept question ids and per-query metrics from full score rows (tied candidates count against relevant ones)."""
    kept: list[str] = []
    values: dict[str, list[float]] = {m: [] for m in [*FULL_RANK, "rank_distance", "own_lang@10"]}
    pool_langs = [lang for lang in pool for _ in records[lang].candidates]
    for row, qid in enumerate(records[query_lang].question_ids):
        y_true = np.zeros(scores.shape[1], dtype=np.int64)
        offset = 0
        for lang in pool:
            if qid in records[lang].gold:
                y_true[offset + records[lang].gold[qid]] = 1
            offset += len(records[lang].candidates)
        assert offset == scores.shape[1]
        if not y_true.any():
            continue
        kept.append(qid)
        values["mAP"].append(average_precision_score(y_true, scores[row]))  # sklearn groups tied scores
        # rank of a relevant item: candidates scoring at least as high (ties count against it)
        descending = np.sort(scores[row])[::-1]
        rel_ranks = np.searchsorted(-descending, -scores[row][y_true == 1], side="right")
        for k in (1, 10):
            values[f"R@{k}"].append(float((rel_ranks <= k).sum() / y_true.sum()))
        values["rank_distance"].append(float(rel_ranks.max() - rel_ranks.min()))
        values["own_lang@10"].append(own_share_by_groups(scores[row], pool_langs, query_lang))
    return kept, values


def own_share_by_groups(row: np.ndarray, langs: list[str], query_lang: str, k: int = 10) -> float:
    """Walk tie groups from the top; the group crossing place k contributes pro rata."""
    own, filled = 0.0, 0
    for value in sorted(set(row.tolist()), reverse=True):
        group = [lang for score, lang in zip(row, langs, strict=True) if score == value]
        take = min(len(group), k - filled)
        own += take * sum(lang == query_lang for lang in group) / len(group)
        filled += take
        if filled == k:
            break
    return own / k


def assert_views_equal_brute_force(
    results: list[SettingResult],
    records: dict[str, ParallelLanguage],
    score_rows: Callable[[str, list[str]], np.ndarray],
) -> None:
    """Every expected view is there, with the brute-force query ids, metric set and per-query values (1e-6)."""
    views = by_view(results)
    assert set(views) == {(setting, pair) for setting, pair, _ in expected_views()}
    for setting, pair, pool in expected_views():
        result = views[(setting, pair)]
        query_lang = pair.split("-")[0]
        kept, expected = brute_force(score_rows(query_lang, pool), records, query_lang, pool)
        assert result.query_ids == kept, pair
        metrics = [*FULL_RANK, "rank_distance", "own_lang@10"] if setting == "multi" else FULL_RANK
        assert set(result.values) == set(metrics), pair
        for metric in metrics:
            assert result.values[metric].dtype == np.float32
            np.testing.assert_allclose(
                result.values[metric],
                expected[metric],
                rtol=0,
                atol=1e-6,
                err_msg=f"{setting} {pair} {metric} (query ids {result.query_ids})",
            )


def expected_views() -> list[tuple[str, str, list[str]]]:
    views = [("mono", f"{x}-{x}", [x]) for x in LANGS]
    views += [("cross", f"{x}-{y}", [y]) for x in LANGS for y in LANGS if x != y]
    views += [("multi", x, list(LANGS)) for x in LANGS]
    return views


def by_view(results: list[SettingResult]) -> dict[tuple[str, str], SettingResult]:
    out = {(r.setting, r.pair): r for r in results}
    assert len(out) == len(results), "duplicate (setting, pair) views"
    return out


def test_view_count_and_pair_naming(records: dict[str, ParallelLanguage], cache: EmbeddingCache) -> None:
    results = evaluate_parallel(TaskData(make_spec(), records, "fp"), DenseScorer(TrigramEncoder(), cache=cache))
    n = len(LANGS)
    settings = [r.setting for r in results]
    assert (settings.count("mono"), settings.count("cross"), settings.count("multi")) == (n, n * (n - 1), n)
    assert set(by_view(results)) == {(s, pair) for s, pair, _ in expected_views()}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [(["mono"], {"mono"}), (["cross"], {"cross"}), (["multi"], {"multi"}), (["mono", "multi"], {"mono", "multi"})],
)
def test_only_requested_settings_are_evaluated(
    records: dict[str, ParallelLanguage], cache: EmbeddingCache, settings: list[str], expected: set[str]
) -> None:
    results = evaluate_parallel(
        TaskData(make_spec(settings), records, "fp"), DenseScorer(TrigramEncoder(), cache=cache)
    )
    assert {r.setting for r in results} == expected


def test_brute_force_fixture_is_not_trivial(records: dict[str, ParallelLanguage]) -> None:
    """The synthetic task exercises imperfect rankings, multi-gold queries and duplicate candidate texts."""
    encoder = TrigramEncoder()
    _, mono = brute_force(dense_scores(encoder, records, "en", ["en"]), records, "en", ["en"])
    assert 0.0 < np.mean(mono["R@1"]) < 1.0
    _, multi = brute_force(dense_scores(encoder, records, "en", LANGS), records, "en", LANGS)
    assert max(multi["rank_distance"]) > 0
    assert records["en"].candidates.count("en see the appendix for further details") == 3
    de = make_records(gold_on_duplicate=True)["de"]
    for qid in DUPLICATE_GOLD:
        assert de.candidates.count(de.candidates[de.gold[qid]]) == 3


@pytest.mark.parametrize("gold_on_duplicate", [False, True], ids=["distinct-gold", "gold-on-duplicate-text"])
@pytest.mark.parametrize("block_cells", [None, 40], ids=["one-block", "one-query-per-block"])
def test_every_view_equals_brute_force(
    cache: EmbeddingCache, monkeypatch: pytest.MonkeyPatch, block_cells: int | None, gold_on_duplicate: bool
) -> None:
    """Per-query mAP, R@1, R@10 (and rank_distance in multi) of all 12 views, to 1e-6.

    gold-on-duplicate-text: a gold sentence whose text also appears as non-relevant candidates ties with
    them, and the tie counts against it (documented convention), whatever the positions of the copies
    and the score block size.
    """
    if block_cells is not None:
        monkeypatch.setattr(scorers, "MAX_BLOCK_CELLS", block_cells)
    records = make_records(gold_on_duplicate)
    encoder = TrigramEncoder()
    results = evaluate_parallel(TaskData(make_spec(), records, "fp"), DenseScorer(encoder, batch_size=5, cache=cache))
    assert_views_equal_brute_force(results, records, lambda lang, pool: dense_scores(encoder, records, lang, pool))


def test_dense_values_do_not_depend_on_the_score_block_size(
    cache: EmbeddingCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same model, same data: one score block for all queries or one query per block must give the same values
    (it does not when a gold text has duplicates, see the duplicate-score test below)."""
    records = make_records(gold_on_duplicate=True)
    data = TaskData(make_spec(), records, "fp")
    one_block = evaluate_parallel(data, DenseScorer(TrigramEncoder(), cache=cache))
    monkeypatch.setattr(scorers, "MAX_BLOCK_CELLS", 40)
    per_query = evaluate_parallel(data, DenseScorer(TrigramEncoder(), cache=cache))
    for a, b in zip(one_block, per_query, strict=True):
        for metric in a.values:
            np.testing.assert_array_equal(a.values[metric], b.values[metric], err_msg=f"{a.setting} {a.pair} {metric}")


def test_dense_scores_of_identical_candidate_texts_are_exactly_equal(cache: EmbeddingCache) -> None:
    """Duplicate candidate texts share one embedding row, so they must score exactly alike for every query
    (relevant_ranks' tie rule relies on it); float32 GEMM rounding must not break the tie."""
    records = make_records(gold_on_duplicate=True)
    scorer = DenseScorer(TrigramEncoder(), cache=cache)
    for lang, rec in records.items():
        questions = TextSet(f"t/{lang}/questions", "query", rec.questions, lang)
        candidates = TextSet(f"t/{lang}/candidates", "passage", rec.candidates, lang)
        copies = [i for i, text in enumerate(rec.candidates) if text == rec.candidates[rec.gold["q01"]]]
        assert len(copies) == 3
        ((_, scores),) = scorer.score_blocks(questions, [candidates])
        for row in range(len(scores)):
            assert len(set(scores[row, copies].tolist())) == 1, (lang, rec.question_ids[row], scores[row, copies])


@pytest.mark.parametrize(("query_lang", "pool_lang"), [("en", "de"), ("en", "zh"), ("de", "zh"), ("zh", "de")])
def test_cross_view_skips_questions_without_gold_in_pool_language(
    records: dict[str, ParallelLanguage], cache: EmbeddingCache, query_lang: str, pool_lang: str
) -> None:
    results = by_view(
        evaluate_parallel(TaskData(make_spec(), records, "fp"), DenseScorer(TrigramEncoder(), cache=cache))
    )
    result = results[("cross", f"{query_lang}-{pool_lang}")]
    expected = [q for q in records[query_lang].question_ids if q not in MISSING[pool_lang]]
    assert result.query_ids == expected
    assert all(len(v) == len(expected) for v in result.values.values())
    # multi keeps every question of the query language (its own gold is always in the pool)
    assert results[("multi", query_lang)].query_ids == records[query_lang].question_ids


def test_duplicate_texts_are_encoded_once_and_second_scorer_reads_cache(
    records: dict[str, ParallelLanguage], cache: EmbeddingCache
) -> None:
    data = TaskData(make_spec(), records, "fp")
    first = DenseScorer(TrigramEncoder(), batch_size=4, cache=cache)
    results = evaluate_parallel(data, first)
    distinct = {("query", t) for r in records.values() for t in r.questions}
    distinct |= {("passage", t) for r in records.values() for t in r.candidates}
    total = sum(len(r.questions) + len(r.candidates) for r in records.values())
    assert len(distinct) < total  # the fixture really has duplicates
    assert first.stats["encoded_texts"] == len(distinct)
    assert first.stats["cached_texts"] == 0

    second = DenseScorer(TrigramEncoder(), batch_size=4, cache=cache)
    again = evaluate_parallel(data, second)
    assert second.stats["encoded_texts"] == 0
    assert second.stats["cached_texts"] == len(distinct)
    assert [(r.setting, r.pair, r.query_ids) for r in again] == [(r.setting, r.pair, r.query_ids) for r in results]
    for a, b in zip(results, again, strict=True):
        assert set(a.values) == set(b.values)
        for metric in a.values:
            np.testing.assert_array_equal(a.values[metric], b.values[metric])


def test_lexical_bm25_views_equal_brute_force_with_the_same_index(records: dict[str, ParallelLanguage]) -> None:
    """LexicalPoolScorer builds one BM25 index per pool; its values equal sklearn & co on that index's scores."""
    bm25 = Bm25Scorer("bm25", Bm25Params())
    scorer = LexicalPoolScorer(bm25)
    results = evaluate_parallel(TaskData(make_spec(), records, "fp"), scorer)

    def lexical_scores(query_lang: str, pool: list[str]) -> np.ndarray:
        index = bm25.index(
            [t for lang in pool for t in records[lang].candidates],
            [lang for lang in pool for _ in records[lang].candidates],
        )
        return np.asarray(index.scores(records[query_lang].questions, query_lang))

    assert_views_equal_brute_force(results, records, lexical_scores)
    # one index per distinct pool: L single-language pools (mono and cross share them) + the multi pool
    assert scorer.stats["indexed_pools"] == len(LANGS) + 1
    mono = by_view(results)[("mono", "en-en")]
    assert np.mean(mono.values["mAP"]) > 0.3  # lexical overlap makes mono retrieval work
