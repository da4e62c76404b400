"""The write-up's generated tables (experiments/study_report.py) over the committed results of both studies:
every task a member was evaluated on has its rows, in-domain tasks are marked from the result files, and
each cell is the stored macro mean."""

from __future__ import annotations

import importlib.util
from types import ModuleType

import pytest

from harness.models.model_spec import load_models
from harness.paths import REPO_ROOT
from harness.report.claims_spec import load_claims
from harness.report.collect import collect
from harness.report.formatting import fmt
from harness.report.study import sweep_members

from .conftest import COMMITTED


@pytest.fixture(scope="module")
def report() -> ModuleType:
    spec = importlib.util.spec_from_file_location("study_report", REPO_ROOT / "experiments" / "study_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def entries() -> dict:
    return {(e.model, e.group.task): e for e in collect(COMMITTED).entries if e.group.limit is None}


def _members(claims_file: str) -> dict[str, float]:
    return sweep_members(load_claims(REPO_ROOT / "experiments" / claims_file), load_models())


def test_first_study_lists_its_three_tasks_and_no_rows_for_tasks_it_never_ran(report, entries) -> None:
    members = _members("claims.yaml")
    assert report._task_kinds(members, entries) == "xquad-r, afriqa zero-shot; mlqa-r in-domain"
    lines = report.sweep_tables(members, entries)
    assert not any("tatoeba" in line or "mlqa-mteb" in line for line in lines)
    assert any(line.startswith("| mlqa-r (in-domain) · mono · mAP |") for line in lines)
    assert any(line.startswith("| xquad-r · mono · mAP |") for line in lines)


def test_study_rows_cover_tatoeba_both_ways_and_mark_mlqa_in_domain(report, entries) -> None:
    members = _members("claims_preregistered.yaml")
    stored = {m: a for m, a in members.items() if (m, "tatoeba") in entries}
    assert len(stored) >= 4  # the study's members with committed runs
    assert report._task_kinds(stored, entries) == "xquad-r, afriqa, tatoeba zero-shot; mlqa-mteb, mlqa-r in-domain"
    lines = report.sweep_tables(stored, entries)
    ordered = sorted(stored, key=stored.get)
    for label, task, setting, metric in (
        ("tatoeba · cross · F1", "tatoeba", "cross", "F1"),
        ("tatoeba · reverse · F1", "tatoeba", "reverse", "F1"),
        ("mlqa-mteb (in-domain) · cross · nDCG@10", "mlqa-mteb", "cross", "nDCG@10"),
    ):
        row = next(line for line in lines if line.startswith(f"| {label} |"))
        cells = [c.strip().split(" ± ")[0] for c in row.strip("|").split("|")[1:]]
        assert cells == [fmt(entries[(m, task)].settings[setting].macro[metric], metric) for m in ordered]
    # Tatoeba's 9 languages without a Joshi class are counted with the high-resource rest: the row says so.
    assert any(line.startswith("| tatoeba cross F1: other pairs (9 of them unclassified) |") for line in lines)
    assert any(line.startswith("| xquad-r cross mAP: other pairs |") for line in lines)


def test_hardware_line_counts_each_run_once_per_machine_kind_and_adds_up(report, entries) -> None:
    members = _members("claims_preregistered.yaml")
    stored = {m: a for m, a in members.items() if (m, "xquad-r") in entries}
    _, totals = report.training_table(stored, entries)
    clauses = report.machine_times(stored, entries)
    counts = [int(c.split(": ", 1)[1].split(" run")[0]) for c in clauses]
    assert sum(counts) == totals["runs"] == sum(len(entries[(m, "xquad-r")].runs) for m in stored)
    train = sum(float(c.split("training ")[1].split(" h")[0]) for c in clauses)
    evaluation = sum(float(c.split("evaluation ")[1].split(" h")[0]) for c in clauses)
    assert train == pytest.approx(totals["train_s"] / 3600, abs=0.01 * len(clauses))
    assert evaluation == pytest.approx(totals["eval_s"] / 3600, abs=0.01 * len(clauses))
