"""`harness check` and `harness baseline update` through the real command line."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from harness.paths import REPO_ROOT

from .conftest import CliRunner

BASELINES = REPO_ROOT / "baselines"
BM25 = Path("bm25") / "xquad-r-ci.limit200.json"


def _results_like_baselines(tmp_path: Path) -> Path:
    """A results folder holding exactly the committed baselines' result files."""
    results = tmp_path / "results"
    for path in BASELINES.glob("*/*"):
        (results / path.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, results / path.parent.name / path.name)
    return results


def test_committed_baselines_check_clean_with_reports(cli: CliRunner, tmp_path: Path) -> None:
    results = _results_like_baselines(tmp_path)
    proc = cli(
        "check",
        "--results",
        str(results),
        "--baseline",
        str(BASELINES),
        "--json",
        str(tmp_path / "r" / "check.json"),
        "--junit",
        str(tmp_path / "r" / "junit.xml"),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1].startswith("PASS: 0 failing")
    assert json.loads((tmp_path / "r" / "check.json").read_text())["passed"] is True
    assert ET.parse(tmp_path / "r" / "junit.xml").getroot().get("failures") == "0"


def test_a_drop_exits_one_and_names_the_pair(cli: CliRunner, tmp_path: Path) -> None:
    results = _results_like_baselines(tmp_path)
    summary = json.loads((results / BM25).read_text())
    summary["settings"]["mono"]["by_pair"]["de-de"]["mAP"] -= 0.05
    (results / BM25).write_text(json.dumps(summary))
    proc = cli("check", "--results", str(results), "--baseline", str(BASELINES))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "de-de" in proc.stdout and proc.stdout.strip().splitlines()[-1].startswith("FAIL: 1 failing")


def test_missing_results_fail_unless_allowed(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    proc = cli("check", "--results", str(tmp_path / "empty"), "--baseline", str(BASELINES))
    assert proc.returncode == 1 and "MISSING" in proc.stdout
    allowed = cli("check", "--results", str(tmp_path / "empty"), "--baseline", str(BASELINES), "--allow-missing")
    assert allowed.returncode == 0 and "PASS" in allowed.stdout


def test_corrupt_baseline_is_one_line_exit_two(cli: CliRunner, tmp_path: Path) -> None:
    baselines = tmp_path / "baselines"
    shutil.copytree(BASELINES, baselines)
    (baselines / BM25).write_text('{"model": "bm25", "task": ')
    proc = cli("check", "--results", str(_results_like_baselines(tmp_path)), "--baseline", str(baselines))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(baselines / BM25) in lines[0]
    assert "corrupt baseline file" in lines[0] and "Traceback" not in proc.stderr


def test_baseline_update_needs_a_message_and_records_it(cli: CliRunner, tmp_path: Path) -> None:
    results = _results_like_baselines(tmp_path)
    target = tmp_path / "new-baselines"
    refused = cli("baseline", "update", "--results", str(results), "--baseline", str(target))
    assert refused.returncode == 2 and "--message" in refused.stderr and not target.exists()
    proc = cli(
        "baseline",
        "update",
        "--results",
        str(results),
        "--baseline",
        str(target),
        "--message",
        "adopt bm25 after tokenizer fix",
        "--model",
        "bm25",
    )
    assert proc.returncode == 0, proc.stderr
    record = json.loads((target / "BASELINE.json").read_text())
    entry = record["entries"]["bm25/xquad-r-ci.limit200.json"]
    assert entry["message"] == "adopt bm25 after tokenizer fix" and entry["git_sha"]  # this checkout is a git repo
    assert list(record["entries"]) == ["bm25/xquad-r-ci.limit200.json"]
    assert (target / BM25).read_bytes() == (results / BM25).read_bytes()


def test_a_truncated_per_query_file_is_one_line_exit_two(cli: CliRunner, tmp_path: Path) -> None:
    results = _results_like_baselines(tmp_path)
    per_query = results / BM25.with_name(BM25.name.replace(".json", ".per_query.npz"))
    per_query.write_bytes(per_query.read_bytes()[:-100])
    proc = cli("check", "--results", str(results), "--baseline", str(BASELINES))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(per_query) in lines[0] and "corrupt or truncated" in lines[0]
    assert "Traceback" not in proc.stderr
