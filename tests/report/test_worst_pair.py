"""Every worst pair is named with the setting it comes from (robustness page, console), never beside another unnamed."""

from __future__ import annotations

import json

from harness.console import result_notes
from harness.report.board import Board
from harness.run import TaskOutcome

from .conftest import COMMITTED


def _summary(model: str, task: str) -> dict:
    return json.loads((COMMITTED / model / f"{task}.json").read_text(encoding="utf-8"))


def _worst(model: str, task: str, setting: str, metric: str) -> tuple[str, float]:
    pairs = _summary(model, task)["settings"][setting]["by_pair"]
    pair = min(sorted(pairs), key=lambda p: pairs[p][metric])
    return pair, pairs[pair][metric]


def test_robustness_page_names_the_setting_of_each_worst_pair(
    committed_board: Board, committed_pages: dict[str, str]
) -> None:
    page = committed_pages["robustness.html"]
    for task, setting, metric in (("xquad-r", "cross", "mAP"), ("xquad-mteb", "mono", "nDCG@10")):
        section = page[page.index(f'id="robustness-{task}"') :]
        section = section[: section.index("</table>")]
        row = section[section.index('<tr data-model="bm25">') :]
        row = row[: row.index("</tr>")]
        pair, value = _worst("bm25", task, setting, metric)
        assert f'<td class="worst-pair">{setting} {pair}</td><td class="num " data-sort="{value!r}"' in row
        assert f">Worst {setting} pair {metric}" in section and "Worst pair (setting, pair)" in section
    assert "main: multi mAP; breakdowns: cross mAP" in page  # xquad-r's heading: the main score is not the pairs'
    group = next(g for g in committed_board.groups if g.key.label == "xquad-r")
    assert group.row_of("bm25").robustness.worst_label == "cross " + _worst("bm25", "xquad-r", "cross", "mAP")[0]


def test_console_notes_name_the_setting_of_the_worst_view() -> None:
    tasks = ("xquad-r", "miracl-partial")
    lines = result_notes([TaskOutcome(t, "existing", summary=_summary("bm25", t)) for t in tasks])
    multi = _summary("bm25", "xquad-r")["low_resource"]["settings"]["multi"]["worst"]["mAP"]
    mono = _summary("bm25", "miracl-partial")["low_resource"]["settings"]["mono"]["worst"]["nDCG@10"]
    assert any(f"worst multi query language {multi['pair']} {multi['value']:.4f}" in line for line in lines)
    assert any(f"worst mono pair {mono['pair']} {mono['value']:.4f}" in line for line in lines)
    assert not any("worst pair" in line for line in lines)
