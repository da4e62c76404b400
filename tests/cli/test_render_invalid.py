"""`harness render` refuses malformed results and corrupt per-query files (exit 2, one line, nothing written)
unless --skip-invalid, which leaves them out with a warning."""

from __future__ import annotations

import shutil
from pathlib import Path

from harness.paths import REPO_ROOT

from .conftest import CliRunner

SOURCE = REPO_ROOT / "results"


def _results(tmp_path: Path) -> Path:
    results = tmp_path / "results"
    for model in ("bm25", "me5-small"):
        (results / model).mkdir(parents=True)
        for suffix in (".json", ".per_query.npz"):
            shutil.copy(SOURCE / model / f"afriqa{suffix}", results / model / f"afriqa{suffix}")
    return results


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    return lines[0]


def test_a_malformed_result_fails_the_render_unless_skipped(cli: CliRunner, tmp_path: Path) -> None:
    results = _results(tmp_path)
    broken = results / "bm25" / "afriqa.json"
    broken.write_text('{"model": "bm25", "task": ', encoding="utf-8")
    site = tmp_path / "site"
    proc = cli("render", "--results", str(results), "--out", str(site))
    assert proc.returncode == 2 and not site.exists()
    line = _one_error_line(proc.stderr)
    assert str(broken) in line and "malformed JSON" in line and "--skip-invalid" in line
    skipped = cli("render", "--results", str(results), "--out", str(site), "--skip-invalid")
    assert skipped.returncode == 0, skipped.stderr
    assert str(broken) in skipped.stderr and "1 file(s) skipped" in skipped.stdout and (site / "index.html").is_file()


def test_a_truncated_per_query_file_fails_the_render(cli: CliRunner, tmp_path: Path) -> None:
    results = _results(tmp_path)
    per_query = results / "me5-small" / "afriqa.per_query.npz"
    per_query.write_bytes(per_query.read_bytes()[:-64])
    proc = cli("render", "--results", str(results), "--out", str(tmp_path / "site"))
    assert proc.returncode == 2 and not (tmp_path / "site").exists()
    assert str(per_query) in _one_error_line(proc.stderr)
