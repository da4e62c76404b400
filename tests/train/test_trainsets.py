"""Training sets on real data: counts derived independently from the raw files, pair views, splits, errors."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from harness.errors import DataMissingError, HarnessError
from harness.paths import CACHE_ENV, MIRROR_ENV, REPO_ROOT
from harness.trainsets.examples import TrainExample, TrainingSet
from harness.trainsets.training_registry import (
    DEFAULT_TRAINING_SET,
    get_training_set,
    load_training_file,
    load_training_sets,
)

MLQA_LANGS = ["ar", "de", "en", "es", "hi", "vi", "zh"]
SHIPPED = REPO_ROOT / "training"


@pytest.fixture(scope="module")
def sets(mirror: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, TrainingSet]]:
    """Every shipped training set, loaded once from the real-data mirror."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MIRROR_ENV, str(mirror))
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("cache")))
        yield {name: get_training_set(name) for name in ("mlqa-r", "afriqa", "xor-tydi-translations")}


@pytest.fixture(scope="module")
def mlqa_raw(mirror: Path) -> dict[str, dict[str, tuple[str, list[str], str]]]:
    """lang -> qid -> (question, paragraph sentences, gold sentence), read straight from the JSON."""
    raw: dict[str, dict[str, tuple[str, list[str], str]]] = {}
    for lang in MLQA_LANGS:
        data = json.loads((mirror / "mlqa-r" / f"{lang}.json").read_text(encoding="utf-8"))
        raw[lang] = {}
        for article in data["data"]:
            for para in article["paragraphs"]:
                for qa in para["qas"]:
                    start = qa["answers"][0]["answer_start"]
                    gold = next(
                        s
                        for s, (b, e) in zip(para["sentences"], para["sentence_breaks"], strict=True)
                        if b <= start < e
                    )
                    raw[lang][qa["id"]] = (qa["question"], para["sentences"], gold)
    return raw


def test_shipped_training_sets_validate() -> None:
    specs = load_training_sets()
    assert set(specs) == {"mlqa-r", "afriqa", "xor-tydi-translations"} and DEFAULT_TRAINING_SET == "mlqa-r"
    assert specs["mlqa-r"].source_tasks == ["mlqa-r", "mlqa-mteb"]
    assert specs["xor-tydi-translations"].source_tasks == []


def test_mlqa_counts_match_raw_json(sets: dict[str, TrainingSet], mlqa_raw: dict) -> None:
    ts = sets["mlqa-r"]
    per_id: dict[str, int] = {}
    for lang in MLQA_LANGS:
        for qid in mlqa_raw[lang]:
            per_id[qid] = per_id.get(qid, 0) + 1
    assert len(mlqa_raw["en"]) == 1148
    assert len(ts.examples) == len(per_id)
    assert len(ts.mono_pairs()) == sum(len(mlqa_raw[lang]) for lang in MLQA_LANGS)
    assert len(ts.cross_pairs()) == sum(k * (k - 1) for k in per_id.values())
    assert ts.source_tasks == ("mlqa-r", "mlqa-mteb") and ts.languages == MLQA_LANGS


def test_mlqa_mono_pair_is_gold_sentence_of_same_language(sets: dict[str, TrainingSet], mlqa_raw: dict) -> None:
    ts = sets["mlqa-r"]
    for index, lang in ts.mono_pairs():
        example = ts.examples[index]
        question, _, gold = mlqa_raw[lang][example.id]
        assert example.queries[lang] == question and example.passages[lang] == gold


def test_mlqa_cross_pairs_refer_to_same_id(sets: dict[str, TrainingSet], mlqa_raw: dict) -> None:
    ts = sets["mlqa-r"]
    for index, x, y in ts.cross_pairs():
        example = ts.examples[index]
        assert x != y
        assert example.queries[x] == mlqa_raw[x][example.id][0]
        assert example.passages[y] == mlqa_raw[y][example.id][2]


def test_mlqa_hard_negatives_come_from_gold_paragraph(sets: dict[str, TrainingSet], mlqa_raw: dict) -> None:
    ts = sets["mlqa-r"]
    total = 0
    for example in ts.examples:
        assert set(example.hard_negatives) == set(example.passages)
        for lang, negatives in example.hard_negatives.items():
            _, paragraph, gold = mlqa_raw[lang][example.id]
            assert gold not in negatives and set(negatives) <= set(paragraph)
            assert len(negatives) == len(set(paragraph) - {gold})
            total += len(negatives)
    assert total > 0


def test_afriqa_pairs(sets: dict[str, TrainingSet], mirror: Path) -> None:
    ts = sets["afriqa"]
    files = sorted((mirror / "afriqa" / "gold_passages").glob("*/*.train.json"))
    assert {f.parent.name for f in files} == {"bem", "fon", "hau", "ibo", "kin", "twi", "yor", "zul"}
    with_passage = {}
    for f in files:
        records = [json.loads(line) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
        with_passage[f.parent.name] = sum(1 for r in records if r["context"])
    excluded = {"bem": 1, "yor": 1, "zul": 1}  # exclude_ids: they share text with tatoeba (leakage guard)
    assert load_training_sets()["afriqa"].exclude_ids == ["bem:17", "yor:8", "zul:81"]
    with_passage = {lang: n - excluded.get(lang, 0) for lang, n in with_passage.items()}
    assert len(ts.examples) == sum(with_passage.values())
    cross = ts.cross_pairs()
    for lang, count in with_passage.items():
        pivot = "fr" if lang == "fon" else "en"
        assert sum(1 for _, x, y in cross if x == lang and y == pivot) == count
    assert all(x in with_passage for _, x, _ in cross)
    assert {lang for _, lang in ts.mono_pairs()} == {"en", "fr"}
    assert all(ex.id.split(":")[0] in with_passage for ex in ts.examples)
    assert all(neg == () for ex in ts.examples for neg in ex.hard_negatives.values())


def test_split_is_deterministic_disjoint_and_complete(sets: dict[str, TrainingSet]) -> None:
    ts = sets["mlqa-r"]
    train, val = ts.split(0.1, seed=13)
    again_train, again_val = ts.split(0.1, seed=13)
    train_ids, val_ids = {e.id for e in train.examples}, {e.id for e in val.examples}
    assert train_ids == {e.id for e in again_train.examples} and val_ids == {e.id for e in again_val.examples}
    assert not train_ids & val_ids and train_ids | val_ids == {e.id for e in ts.examples}
    assert len(val_ids) == round(0.1 * len(ts.examples))
    assert train.source_tasks == ts.source_tasks
    other_val = {e.id for e in ts.split(0.1, seed=14)[1].examples}
    assert other_val != val_ids


def test_fingerprint_changes_with_split_parameters(sets: dict[str, TrainingSet]) -> None:
    ts = sets["xor-tydi-translations"]
    base = ts.split(0.1, seed=13)
    prints = {base[0].fingerprint, base[1].fingerprint, ts.fingerprint}
    prints |= {ts.split(0.2, seed=13)[0].fingerprint, ts.split(0.1, seed=14)[0].fingerprint}
    assert len(prints) == 5
    assert ts.split(0.1, seed=13)[0].fingerprint == base[0].fingerprint
    assert len({s.fingerprint for s in sets.values()}) == 3


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, 1.5, float("nan")])
def test_split_fraction_outside_open_interval(sets: dict[str, TrainingSet], fraction: float) -> None:
    with pytest.raises(HarnessError, match=r"^split: val_fraction must be in \(0, 1\)"):
        sets["mlqa-r"].split(fraction, seed=1)


def test_split_leaving_one_side_empty() -> None:
    tiny = TrainingSet("tiny", [TrainExample("a", {"en": "q"}, {"en": "p"}, {})], ["en"], "0" * 64)
    with pytest.raises(HarnessError, match=r"tiny: split val_fraction=0.4 of 1 ids leaves no validation ids"):
        tiny.split(0.4, seed=1)
    with pytest.raises(HarnessError, match="leaves no training ids"):
        tiny.split(0.6, seed=1)


def test_unknown_name_suggests_close_one() -> None:
    with pytest.raises(HarnessError, match=r"unknown training set 'mlqa' \(did you mean mlqa-r\?\)"):
        get_training_set("mlqa")


def _variant(tmp_path: Path, name: str, edit: dict) -> Path:
    raw = yaml.safe_load((SHIPPED / f"{name}.yaml").read_text())
    raw.update(edit)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


@pytest.mark.parametrize(
    ("name", "edit", "expected"),
    [
        ("mlqa-r", {"colour": "blue"}, "colour: Extra inputs are not permitted (got 'blue')"),
        ("mlqa-r", {"languages": ["ar", "xx"]}, "source.files: no sha256 for 'xx.json' (language xx)"),
        ("xor-tydi-translations", {"lang_codes": {"klingon": "tlh"}}, "lang_codes: languages ['klingon'] are not in"),
        ("afriqa", {"source_tasks": "afriqa"}, "source_tasks: Input should be a valid list (got 'afriqa')"),
    ],
)
def test_schema_errors_name_file_field_value(tmp_path: Path, name: str, edit: dict, expected: str) -> None:
    path = _variant(tmp_path, name, edit)
    with pytest.raises(HarnessError) as info:
        load_training_file(path)
    message = str(info.value)
    assert message.startswith(str(path)) and expected in message and "\n" not in message


def test_unknown_loader(tmp_path: Path) -> None:
    raw = yaml.safe_load((SHIPPED / "xor-tydi-translations.yaml").read_text())
    raw["source"]["loader"] = "tatoeba"
    path = tmp_path / "xor-tydi-translations.yaml"
    path.write_text(yaml.safe_dump(raw))
    with pytest.raises(HarnessError, match=r"source.loader: unknown training loader 'tatoeba'"):
        load_training_file(path)


def test_missing_files_name_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path))
    with pytest.raises(DataMissingError, match=r"^missing data files: mlqa-r/ar.json, mlqa-r/de.json, .* …"):
        get_training_set("mlqa-r")


def test_corrupted_file_fails_checksum(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "xor-tydi"
    shutil.copytree(mirror / "xor-tydi" / "question-translations", folder / "question-translations")
    (folder / "question-translations" / "ja-en" / "ja.txt").write_text("変更\n", encoding="utf-8")
    monkeypatch.setenv(MIRROR_ENV, str(tmp_path))
    with pytest.raises(HarnessError, match=r"question-translations/ja-en/ja.txt: sha256 mismatch"):
        get_training_set("xor-tydi-translations")


def test_xor_tydi_translations_pairs_each_question_with_its_english_line(
    sets: dict[str, TrainingSet], mirror: Path
) -> None:
    ts = sets["xor-tydi-translations"]
    spec = load_training_sets()["xor-tydi-translations"]
    folder = mirror / "xor-tydi" / "question-translations"
    lines = {
        lang: (folder / f"{lang}-en" / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
        for lang in spec.languages
    }
    english = {
        lang: (folder / f"{lang}-en" / "en.txt").read_text(encoding="utf-8").splitlines() for lang in spec.languages
    }
    nonempty = sum(
        1 for lang in spec.languages for a, b in zip(lines[lang], english[lang], strict=True) if a.strip() and b.strip()
    )
    assert len(ts.examples) == nonempty - len(spec.exclude_ids) and len(spec.exclude_ids) == 24
    by_id = {ex.id: ex for ex in ts.examples}
    assert by_id["ja:1"].queries == {"ja": lines["ja"][0]} and by_id["ja:1"].passages == {"en": english["ja"][0]}
    assert ts.mono_pairs() == [] and ts.source_tasks == ()


def test_exclude_ids_must_name_examples(tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MIRROR_ENV, str(mirror))
    raw = yaml.safe_load((SHIPPED / "xor-tydi-translations.yaml").read_text())
    raw["exclude_ids"] = ["ja:999999"]
    (tmp_path / "xor-tydi-translations.yaml").write_text(yaml.safe_dump(raw))
    with pytest.raises(HarnessError, match=r"exclude_ids: no example 'ja:999999'"):
        get_training_set("xor-tydi-translations", tmp_path)
