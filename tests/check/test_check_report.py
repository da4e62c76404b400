"""Reports: one-line summary, JSON with every row, JUnit XML that CI test reporters accept."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console

from harness.check.compare import CheckOptions, Status, check
from harness.check.report import summary_line, tables, write_reports
from harness.check.tolerances import Tolerances

from .conftest import MakeResult


def _failing_check(tmp_path: Path, make_result: MakeResult):
    make_result(tmp_path / "base")
    make_result(tmp_path / "base", model="me5-small")
    make_result(tmp_path / "cur", shift={("mono", "de-de", "mAP"): -0.2, ("cross", "en-de", "mAP"): 0.1})
    return check(tmp_path / "cur", tmp_path / "base", Tolerances(), CheckOptions())


def test_summary_line_and_table(tmp_path: Path, make_result: MakeResult) -> None:
    result = _failing_check(tmp_path, make_result)
    line = summary_line(result)
    assert line.startswith("FAIL: 3 failing of ") and "1 MISSING" in line and "2 IMPROVED" in line  # pair and its macro
    console = Console(record=True, width=200)
    for table in tables(result):
        console.print(table)
    text = console.export_text()
    assert "de-de" in text and "FAIL" in text and "MISSING" in text and "significant" in text
    assert "en-en" not in text  # OK per-pair rows stay out of the table


def test_json_report_holds_every_row(tmp_path: Path, make_result: MakeResult) -> None:
    result = _failing_check(tmp_path, make_result)
    write_reports(result, tmp_path / "out" / "check.json", None)
    report = json.loads((tmp_path / "out" / "check.json").read_text())
    assert report["passed"] is False and len(report["rows"]) == len(result.rows)
    assert report["counts"]["failed"] == 3 and report["counts"]["FAIL"] == 2
    [row] = [r for r in report["rows"] if r["pair"] == "de-de" and r["metric"] == "mAP"]
    assert row["status"] == "FAIL" and row["failed"] is True and row["delta"] < -0.19 and row["p_value"] < 0.05


def test_junit_report_structure(tmp_path: Path, make_result: MakeResult) -> None:
    result = _failing_check(tmp_path, make_result)
    write_reports(result, None, tmp_path / "junit.xml")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert {s.get("name") for s in suites} == {"bm25/xquad-r-ci.limit200", "me5-small/xquad-r-ci.limit200"}
    cases = root.findall("testsuite/testcase")
    assert int(root.get("tests")) == len(cases) == len(result.rows)
    assert int(root.get("failures")) == 3 == len(root.findall("testsuite/testcase/failure"))
    for suite in suites:
        own = suite.findall("testcase")
        assert int(suite.get("tests")) == len(own)
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        assert all(c.get("classname") == suite.get("name") and c.get("name") for c in own)
    [failure] = [c.find("failure") for c in cases if c.get("name") == "mono de-de mAP"]
    assert failure.get("type") == "FAIL" and "mono de-de mAP" in failure.get("message")


def test_allowed_problems_are_skipped_not_failed(tmp_path: Path, make_result: MakeResult) -> None:
    make_result(tmp_path / "base", model="me5-small")
    (tmp_path / "cur").mkdir()
    result = check(tmp_path / "cur", tmp_path / "base", Tolerances(), CheckOptions(allow_missing=True))
    assert [r.status for r in result.rows] == [Status.MISSING] and summary_line(result).startswith("PASS")
    write_reports(result, None, tmp_path / "junit.xml")
    root = ET.parse(tmp_path / "junit.xml").getroot()
    assert root.get("failures") == "0" and root.get("skipped") == "1"
    assert root.find("testsuite/testcase/skipped") is not None
