"""The leakage guard, measured on real data: a training set that reads the tatoeba task's own test files
is refused (function and `harness train`, one line, exit 2) unless it declares tatoeba in-domain, and
the overlap it reports equals an independent count over the raw files."""

from __future__ import annotations

import hashlib
import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from harness.errors import HarnessError
from harness.leakage.overlap import Overlap, guard_calibration, guard_training_set
from harness.leakage.text_hashes import MIN_CHARS, normalise, text_hashes
from harness.paths import MIRROR_ENV, REPO_ROOT
from harness.trainsets.training_registry import get_training_set

from .conftest import CliRunner

HERE = Path(__file__).parent
LEAKY = HERE / "tatoeba_test_files.yaml"


def _reference_norm(text: str) -> str:
    """Independent of harness.leakage: str.split() collapses and strips Unicode whitespace."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_texts_differing_in_case_form_or_spacing_hash_alike() -> None:
    fullwidth_w = "\uff37"  # NFKC folds it to "W"
    variants = [
        "Wer hat das Telefon erfunden?",
        "  WER hat   das\tTelefon erfunden? ",
        f"{fullwidth_w}er hat das Telefon erfunden?",
    ]
    assert len(text_hashes(variants)) == 1
    assert len(text_hashes(["kurz", "Wer hat das Telefon erfunden?"])) == 1  # under MIN_CHARS: not evidence
    reference = _reference_norm(variants[1])
    assert normalise(variants[1]) == reference and len(reference) >= MIN_CHARS
    digest = int.from_bytes(hashlib.blake2b(reference.encode("utf-8"), digest_size=8).digest(), "little")
    assert text_hashes(variants).tolist() == [digest]


@pytest.fixture
def leak_env(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path) -> dict[str, str]:
    """Only the tatoeba task, and a training folder with the leaky set beside the shipped ones."""
    tasks, training = tmp_path / "tasks", tmp_path / "training"
    tasks.mkdir()
    shutil.copy(REPO_ROOT / "tasks" / "tatoeba.yaml", tasks)
    shutil.copytree(REPO_ROOT / "training", training)
    shutil.copy(LEAKY, training / "tatoeba-test-files.yaml")
    env = {MIRROR_ENV: str(mirror), "HARNESS_TASKS_DIR": str(tasks), "HARNESS_TRAINING_DIR": str(training)}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def _independent_overlap(mirror: Path) -> tuple[int, int]:
    """(task queries seen, task corpus seen) of the German-English pair, counted from the raw files."""
    folder = mirror / "tatoeba-laser"
    train = {_reference_norm(t) for side in ("deu", "eng") for t in _lines(folder / f"tatoeba.deu-eng.{side}")}
    queries, corpus = set(), set()
    for path in folder.glob("tatoeba.*-eng.*"):
        target = corpus if path.suffix == ".eng" else queries
        target.update(_reference_norm(t) for t in _lines(path))
    keep = {t for t in train if len(t) >= MIN_CHARS}
    return len(keep & queries), len(keep & corpus)


def test_undeclared_overlap_is_refused_and_declared_overlap_is_measured(
    leak_env: dict[str, str], mirror: Path, tmp_path: Path
) -> None:
    data = get_training_set("tatoeba-test-files")
    with pytest.raises(HarnessError) as info:
        guard_training_set(data)
    message = str(info.value)
    queries, corpus = _independent_overlap(mirror)
    assert queries > 900 and corpus > 900  # the German side is the task's queries, the English its corpus
    assert "\n" not in message and message.startswith(
        f"training set tatoeba-test-files shares text with evaluation task tatoeba: {queries} of its "
    )
    assert f" and {corpus} of its " in message and "source_tasks of training/tatoeba-test-files.yaml" in message

    declared = yaml.safe_load(LEAKY.read_text())
    declared["source_tasks"] = ["tatoeba"]
    (Path(leak_env["HARNESS_TRAINING_DIR"]) / "tatoeba-test-files.yaml").write_text(yaml.safe_dump(declared))
    [row] = guard_training_set(get_training_set("tatoeba-test-files"))
    assert isinstance(row, Overlap) and (row.task, row.queries_seen, row.corpus_seen) == ("tatoeba", queries, corpus)
    assert row.as_record("tatoeba-test-files", True)["queries"]["share"] == round(queries / row.queries, 6)


def test_shipped_training_sets_have_no_undeclared_overlap_with_tatoeba(leak_env: dict[str, str]) -> None:
    for name in ("mlqa-r", "afriqa", "xor-tydi-translations"):
        table = guard_training_set(get_training_set(name))
        assert [(r.task, r.queries_seen, r.corpus_seen) for r in table] == [("tatoeba", 0, 0)]


def test_calibration_texts_from_a_task_are_refused(leak_env: dict[str, str], mirror: Path) -> None:
    german = _lines(mirror / "tatoeba-laser" / "tatoeba.deu-eng.deu")[:5]
    with pytest.raises(HarnessError, match=r"^calibration texts of x share text with evaluation task tatoeba: 5 q"):
        guard_calibration("x", [*german, "ein Satz, den es in keiner Aufgabe gibt, 2026"])
    guard_calibration("x", ["ein Satz, den es in keiner Aufgabe gibt, 2026"])


def test_harness_train_refuses_in_one_line(cli: CliRunner, leak_env: dict[str, str], tmp_path: Path) -> None:
    models = yaml.safe_load((REPO_ROOT / "models.yaml").read_text())
    recipe = dict(models["me5-small-xy"])  # X-Y batches: the set has no X-X pairs
    recipe["recipe"] = {**recipe["recipe"], "train_set": "tatoeba-test-files"}
    models["leaky-recipe"] = recipe
    models_file = tmp_path / "models.yaml"
    models_file.write_text(yaml.safe_dump(models))
    done = cli("train", "--model", "leaky-recipe", env={**leak_env, "HARNESS_MODELS_FILE": str(models_file)})
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert "training set tatoeba-test-files shares text with evaluation task tatoeba" in lines[0]


def test_stored_results_of_trained_models_get_their_measured_overlap(
    tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path
) -> None:
    """Recomputing `training_overlap` of committed results (one in-domain, one zero-shot) gives the
    committed blocks; nothing else in the summary changes."""
    import json

    from harness.results.overlap_record import record_missing_overlaps

    monkeypatch.setenv(MIRROR_ENV, str(mirror))
    committed = REPO_ROOT / "results"
    cases = [("me5-small-xx", "mlqa-r.limit50.seed1"), ("me5-small-sweep-alpha0@openvino-bf16", "afriqa.seed0")]
    expected = {}
    for model, stem in cases:
        (tmp_path / model).mkdir()
        raw = json.loads((committed / model / f"{stem}.json").read_text(encoding="utf-8"))
        expected[model] = (raw.pop("training_overlap"), raw)
        (tmp_path / model / f"{stem}.json").write_text(json.dumps(raw), encoding="utf-8")
        shutil.copy(committed / model / f"{stem}.per_query.npz", tmp_path / model)
    updated, skipped = record_missing_overlaps(tmp_path)
    assert len(updated) == 2 and skipped == []
    for model, stem in cases:
        raw = json.loads((tmp_path / model / f"{stem}.json").read_text(encoding="utf-8"))
        block, rest = expected[model]
        assert raw.pop("training_overlap") == block and raw == rest
    assert expected["me5-small-xx"][0]["queries"]["share"] == 1.0 and expected["me5-small-xx"][0]["declared_in_domain"]
    zero_shot = expected["me5-small-sweep-alpha0@openvino-bf16"][0]
    assert zero_shot["queries"]["seen"] == zero_shot["corpus"]["seen"] == 0 and not zero_shot["declared_in_domain"]
