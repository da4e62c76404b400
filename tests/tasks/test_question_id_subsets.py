"""`--limit N` on parallel tasks selects N question ids so every view keeps queries (real MLQA-R, XQuAD-R)."""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pytest

from harness.data.lareqa import load_lareqa
from harness.data.source_files import locate
from harness.tasks.data import load_task_data
from harness.tasks.subset import question_id_order, select_question_ids
from harness.tasks.task_registry import load_tasks


def _shared(records: dict, x: str, y: str) -> int:
    return len(set(records[x].question_ids) & set(records[y].question_ids))


@pytest.mark.usefixtures("with_mirror")
def test_mlqa_limit_50_gives_every_cross_pair_ten_queries() -> None:
    data = load_task_data(load_tasks()["mlqa-r"], 50)
    records = data.languages
    assert data.limit == 50 and data.limit_note == ""
    assert len({q for rec in records.values() for q in rec.question_ids}) == 50
    cross = {f"{x}-{y}": _shared(records, x, y) for x, y in permutations(records, 2)}
    assert len(cross) == 42
    assert min(cross.values()) >= 10, cross
    assert min(len(rec.question_ids) for rec in records.values()) >= 10


@pytest.mark.usefixtures("with_mirror")
def test_subset_pool_is_the_paragraphs_of_the_chosen_questions() -> None:
    spec = load_tasks()["mlqa-r"]
    data = load_task_data(spec, 50)
    for lang, rec in data.languages.items():
        full = load_lareqa(locate(spec.source, spec.source.file_for(lang)), lang)
        paragraphs = {full.candidate_paragraph[full.gold[q]] for q in rec.question_ids}
        expected = [c for c, p in zip(full.candidates, full.candidate_paragraph, strict=True) if p in paragraphs]
        assert rec.candidates == expected
        for qid in rec.question_ids:  # each gold index points at the same sentence as in the full file
            assert rec.candidates[rec.gold[qid]] == full.candidates[full.gold[qid]]
        assert rec.question_ids == [q for q in full.question_ids if q in set(rec.question_ids)]  # file order


@pytest.mark.usefixtures("with_mirror")
def test_xquad_limit_keeps_the_first_questions_of_every_language() -> None:
    spec = load_tasks()["xquad-r"]
    data = load_task_data(spec, 200)
    for lang, rec in data.languages.items():
        full = load_lareqa(locate(spec.source, spec.source.file_for(lang)), lang)
        assert rec.question_ids == full.question_ids[:200]


@pytest.mark.usefixtures("with_mirror")
def test_selection_is_deterministic_and_nested_counts_grow() -> None:
    spec = load_tasks()["mlqa-r"]
    first = load_task_data(spec, 30).languages
    again = load_task_data(spec, 30).languages
    assert {k: v.question_ids for k, v in first.items()} == {k: v.question_ids for k, v in again.items()}
    bigger = load_task_data(spec, 200).languages
    assert min(_shared(bigger, x, y) for x, y in permutations(bigger, 2)) >= 40


@pytest.mark.usefixtures("with_mirror")
@pytest.mark.parametrize(
    ("task", "limit", "size"),
    [("mlqa-r", 1148, 1148), ("mlqa-r", 5000, 1148), ("xquad-mteb", 10_000, None), ("afriqa", 10_000, None)],
)
def test_limit_covering_the_whole_task_is_the_full_run(task: str, limit: int, size: int | None) -> None:
    spec = load_tasks()[task]
    data = load_task_data(spec, limit)
    assert data.limit is None
    assert f"--limit {limit} covers all" in data.limit_note and "full task" in data.limit_note
    full = load_task_data(spec)
    if data.corpus_task is not None:
        assert {k: q.query_ids for k, q in data.corpus_task.query_sets.items()} == {
            k: q.query_ids for k, q in full.corpus_task.query_sets.items()
        }
    else:
        assert {k: len(r.queries if hasattr(r, "queries") else r.questions) for k, r in data.languages.items()} == {
            k: len(r.queries if hasattr(r, "queries") else r.questions) for k, r in full.languages.items()
        }
    if size is not None:
        assert len(question_id_order(full.languages)) == size


def test_selection_on_languages_without_a_shared_id(tmp_path: Path) -> None:
    """Ids that exist in one language each: the limit still spreads over every language."""
    from harness.data.records import ParallelLanguage

    def lang(code: str, n: int) -> ParallelLanguage:
        ids = [f"{code}{i}" for i in range(n)]
        return ParallelLanguage(
            code,
            ids,
            [f"q {i}" for i in ids],
            [f"s {i}" for i in ids],
            list(range(n)),
            {q: i for i, q in enumerate(ids)},
        )

    records = {"en": lang("en", 20), "de": lang("de", 5), "zh": lang("zh", 8)}
    chosen = select_question_ids(records, 9)
    assert chosen is not None and len(chosen) == 9
    assert {q[:2] for q in chosen} == {"en", "de", "zh"}
    assert sorted(sum(q.startswith(c) for q in chosen) for c in records) == [3, 3, 3]
