"""The bm25 baseline: per-language tokenizers, ranking in mixed pools, agreement with bm25s itself."""

from __future__ import annotations

import json
from pathlib import Path

import bm25s
import numpy as np
import pytest

from harness.errors import HarnessError
from harness.models.base import LexicalScorer
from harness.models.factory import build_model
from harness.models.lexical.bm25 import Bm25Index, Bm25Scorer, tokenize_pool
from harness.models.lexical.tokenize import tokenize, tokenizer_name
from harness.models.model_spec import Bm25Params, load_models

ZH = "北京大学的学生在图书馆里学习机器学习。"
TH = "ฉันทำงานที่ธนาคารในกรุงเทพมาห้าปีแล้ว"

POOL = [
    ("The river flooded the small village after heavy rain.", "en"),
    ("Children were playing football in the park.", "en"),
    ("Die Katzen schlafen auf dem warmen Sofa.", "de"),
    ("Der Zug nach Berlin hatte zwei Stunden Verspätung.", "de"),
    (ZH, "zh"),
    ("上海的天气今天非常热。", "zh"),
    (TH, "th"),
    ("แมวนอนอยู่บนโซฟา", "th"),
    ("Москва — столица России.", "ru"),
    ("Hà Nội là thủ đô của Việt Nam.", "vi"),
]
DOCS = [text for text, _ in POOL]
LANGS = [lang for _, lang in POOL]


@pytest.fixture(scope="module")
def scorer() -> LexicalScorer:
    model = build_model("bm25", load_models()["bm25"])
    assert isinstance(model, LexicalScorer)
    return model


@pytest.fixture(scope="module")
def index(scorer: LexicalScorer) -> Bm25Index:
    built = scorer.index(DOCS, LANGS)
    assert isinstance(built, Bm25Index)
    return built


def test_chinese_is_segmented_into_words() -> None:
    (tokens,) = tokenize([ZH], "zh")
    assert {"北京大学", "图书馆", "学生", "学习"} <= set(tokens)
    assert any(len(t) > 1 for t in tokens) and ZH.rstrip("。") not in tokens
    assert "。" not in tokens and tokenizer_name("zh-CN") == "jieba"


def test_thai_is_segmented_into_words() -> None:
    (tokens,) = tokenize([TH], "th")
    assert {"ทำงาน", "ธนาคาร", "กรุงเทพ"} <= set(tokens)
    assert len(tokens) >= 5 and all(len(t) > 1 for t in tokens) and TH not in tokens


def test_snowball_stemming_for_english_and_german() -> None:
    (en,) = tokenize(["Running runners ran; the CATS were running!"], "en")
    assert en == ["run", "runner", "ran", "the", "cat", "were", "run"]
    (de,) = tokenize(["Die Katzen schlafen, die Katze schläft."], "de")
    assert de[1] == de[4] == "katz"


def test_combining_marks_stay_inside_words() -> None:
    (hi,) = tokenize(["किताबें"], "hi")
    assert len(hi) == 1 and hi[0].startswith("किताब")
    (vi,) = tokenize(["Hà Nội là thủ đô"], "vi")
    assert vi == ["hà", "nội", "là", "thủ", "đô"]


def test_unsegmented_script_without_segmenter_is_refused() -> None:
    with pytest.raises(HarnessError, match=r"no word segmenter for language 'ja'"):
        tokenize(["東京は日本の首都です"], "ja")


@pytest.mark.parametrize(
    ("query", "lang", "expected"),
    [
        ("flood in a village", "en", 0),
        ("schlafende Katze", "de", 2),
        ("图书馆", "zh", 4),
        ("ธนาคาร", "th", 6),
        ("столица", "ru", 8),
    ],
)
def test_document_with_the_query_terms_ranks_first(index: Bm25Index, query: str, lang: str, expected: int) -> None:
    scores = index.scores([query], lang)
    assert scores.shape == (1, len(DOCS)) and scores.dtype == np.float32
    assert int(np.argmax(scores[0])) == expected and scores[0, expected] > 0


@pytest.mark.parametrize("method", ["lucene", "robertson", "atire", "bm25l", "bm25+"])
def test_scores_equal_bm25s_on_the_same_tokens(method: str) -> None:
    params = Bm25Params(k1=1.2, b=0.6, method=method)
    doc_tokens = tokenize_pool(DOCS, LANGS)
    ours = Bm25Index(doc_tokens, params)
    reference = bm25s.BM25(k1=1.2, b=0.6, method=method)
    reference.index(doc_tokens, show_progress=False)
    queries = [["cat", "katz", "katz", "图书馆", "the"], ["run", "village"], ["ธนาคาร", "москв"]]
    expected = np.stack([reference.get_scores(q) for q in queries])
    np.testing.assert_allclose(ours.scores_for_tokens(queries), expected, rtol=1e-5, atol=1e-6)


def test_empty_and_unknown_queries_score_zero(index: Bm25Index) -> None:
    scores = index.scores(["", "!!!", "xylophone"], "en")
    assert scores.shape == (3, len(DOCS)) and not scores.any()
    assert index.scores([], "en").shape == (0, len(DOCS))


def test_pool_without_any_word(scorer: LexicalScorer) -> None:
    empty = scorer.index(["...", ""], ["en", "zh"])
    assert empty.scores(["anything"], "en").shape == (1, 2)
    assert scorer.index([], []).scores(["x"], "en").shape == (1, 0)


def test_fingerprint_follows_parameters(scorer: LexicalScorer) -> None:
    again = Bm25Scorer("bm25", Bm25Params(k1=1.5, b=0.75))
    changed = Bm25Scorer("bm25", Bm25Params(k1=0.9, b=0.4))
    assert scorer.fingerprint == again.fingerprint != changed.fingerprint


def test_multilingual_xquad_r_pool(mirror: Path, scorer: LexicalScorer) -> None:
    """The real 11-language XQuAD-R pool: indexed and fully scored, consistent with bm25s."""
    docs, langs, questions = [], [], {}
    for path in sorted((mirror / "xquad-r").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
        paragraphs = [p for article in data for p in article["paragraphs"]]
        for paragraph in paragraphs:
            docs += paragraph["sentences"]
            langs += [path.stem] * len(paragraph["sentences"])
        questions[path.stem] = [qa["question"] for p in paragraphs for qa in p["qas"]]
    assert len(questions) == 11 and len(docs) > 12_000
    index = scorer.index(docs, langs)
    assert isinstance(index, Bm25Index)
    for lang in ("zh", "th", "en"):
        scores = index.scores(questions[lang], lang)
        assert scores.shape == (1190, len(docs))
        best = scores.argmax(axis=1)
        in_lang = np.mean([langs[i] == lang for i in best])
        assert in_lang > 0.95, (lang, in_lang)  # lexical matching stays within the query language
    reference = index.retriever
    assert reference is not None
    sample = tokenize(questions["zh"][:20], "zh")
    expected = np.stack([reference.get_scores(q) if q else np.zeros(len(docs)) for q in sample])
    np.testing.assert_allclose(index.scores_for_tokens(sample), expected, rtol=1e-5, atol=1e-5)
