"""The shipped GitHub workflow parses and runs the regression script; the CI subset is declared, not in 'all'."""

from __future__ import annotations

import yaml

from harness.paths import REPO_ROOT
from harness.tasks.task_registry import load_tasks, select_tasks


def test_workflow_is_valid_yaml_that_runs_the_check_and_uploads_junit() -> None:
    workflow = yaml.safe_load((REPO_ROOT / ".github" / "workflows" / "regression.yml").read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers and "push" in triggers
    steps = workflow["jobs"]["regression"]["steps"]
    assert all(isinstance(step, dict) and ("uses" in step or "run" in step) for step in steps)
    runs = "\n".join(step.get("run", "") for step in steps)
    assert "ci/regression.sh" in runs and "harness data fetch" in runs
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/cache@") for u in uses)
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-artifact@"))
    assert "build/regression" in upload["with"]["path"]
    assert (REPO_ROOT / "ci" / "regression.sh").stat().st_mode & 0o111  # executable


def test_ci_subset_is_declared_and_only_run_by_name() -> None:
    tasks = load_tasks()
    spec = tasks["xquad-r-ci"]
    assert spec.purpose == "regression" and spec.languages == ["en", "de", "zh"]
    assert set(spec.settings) == {"mono", "cross", "multi"}
    assert spec.source.files.items() <= tasks["xquad-r"].source.files.items()  # the same verified files
    assert spec not in select_tasks("all", tasks)
