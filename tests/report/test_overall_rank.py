"""The overview's mean rank compares every ranked model on the same tasks, and says why the others are not ranked."""

from __future__ import annotations

import json
import re

from harness.report.board import Board
from harness.report.model_ranks import NO_RANK, overall_ranks
from harness.report.pages import IN_DOMAIN_ONLY, section_ranks

from .conftest import COMMITTED


def test_mean_rank_is_over_the_shared_tasks_only() -> None:
    # c has a rank on t1 and t4 only: a and b are compared with it there, not on their extra tasks
    ranks = {
        "t1": {"a": 1, "b": 2, "c": 3},
        "t2": {"b": 1, "a": 2},
        "t3": {"b": 1, "a": 2},
        "t4": {"a": 1, "c": 2, "b": 3},
    }
    standing = overall_ranks(["a", "b", "c"], ranks)
    assert standing.shared == ("t1", "t4")
    got = {m: (r.rank, r.mean_rank, r.n_tasks, r.reason) for m, r in standing.ranks.items()}
    assert got == {"a": (1, 1.0, 2, None), "b": (2, 2.5, 2, None), "c": (2, 2.5, 2, None)}
    assert standing.order == ["a", "b", "c"]


def test_models_without_the_shared_tasks_are_not_ranked_with_the_reason() -> None:
    ranks = {"t1": {"w": 1, "a": 2, "b": 3}, "t2": {"z": 1, "b": 2, "a": 3}, "t3": {"a": 1, "b": 2}}
    standing = overall_ranks(["a", "b", "q", "w", "z"], ranks)
    # no task is shared by all five; t1 and t2 have three ranked models each: the earlier task wins
    assert standing.shared == ("t1",)
    assert {m: standing.ranks[m].rank for m in "abwz"} == {"w": 1, "a": 2, "b": 3, "z": None}
    assert standing.ranks["z"].reason == "no rank on t1, shared by the 3 ranked models"
    assert standing.ranks["q"].reason == NO_RANK and standing.ranks["q"].n_tasks == 0
    assert standing.order == ["w", "a", "b", "q", "z"]


def _main(model: str, task: str) -> float:
    return json.loads((COMMITTED / model / f"{task}.json").read_text(encoding="utf-8"))["main_score"]["value"]


def test_committed_overview_ranks_on_afriqa_and_xquad_r(
    committed_board: Board, committed_pages: dict[str, str]
) -> None:
    full = section_ranks(committed_board)[None]
    assert full.shared == ("afriqa", "xquad-r")  # usem-v3 has no mlqa-r or xquad-mteb result
    models = ("me5-small", "bm25", "usem-v3")
    task_rank = {t: {m: 1 + sum(_main(o, t) > _main(m, t) for o in models) for m in models} for t in full.shared}
    for model in models:
        expected = sum(task_rank[t][model] for t in full.shared) / 2
        assert full.ranks[model].mean_rank == expected and full.ranks[model].n_tasks == 2
    assert [full.ranks[m].rank for m in models] == [1, 2, 2]  # bm25 and usem-v3 tie at 2.5
    index = committed_pages["index.html"]
    table = index[index.index('id="overview"') : index.index("</table>", index.index('id="overview"'))]
    assert re.findall(r'data-tasks="(\d+)">([0-9.]+) <span class="sub">over \d+</span>', table) == [
        ("2", "1.00"),
        ("2", "2.50"),
        ("2", "2.50"),
    ]
    assert "over 2 shared tasks" in table
    assert "<strong>2 tasks every ranked model has a rank on</strong>" in index and "(afriqa, xquad-r)" in index


def test_in_domain_models_are_listed_as_not_ranked(committed_board: Board, committed_pages: dict[str, str]) -> None:
    quick = section_ranks(committed_board)[50]
    assert quick.shared == ("mlqa-r",) and quick.ranks["me5-small-torch"].rank == 1
    for model in ("me5-small-hybrid", "me5-small-xx", "me5-small-xy"):
        assert quick.ranks[model].rank is None and quick.ranks[model].reason == IN_DOMAIN_ONLY
    index = committed_pages["index.html"]
    table = index[index.index('id="overview-limit50"') : index.index("</table>", index.index('id="overview-limit50"'))]
    assert table.count('<td class="mean-rank not-ranked" data-sort="">not ranked: in-domain on every task here') == 3
