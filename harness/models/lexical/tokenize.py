"""Per-language word tokenizers for lexical models, declared in one table.

- `jieba` (zh): jieba's search-engine mode (words plus their dictionary sub-words).
- `thai-newmm` (th): PyThaiNLP's dictionary-based maximal matching.
- `snowball:<algorithm>`: Unicode words, lowercased, stemmed with PyStemmer's Snowball stemmer.
- `words` (every other language): Unicode words, lowercased, no stemming.

Texts are NFKC-normalised (NFC for Thai: NFKC splits SARA AM, which breaks dictionary matching)
and lowercased first; tokens without a letter or digit are dropped.
Languages whose script does not separate words and that have no segmenter here are refused.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError, version

import regex

from harness.errors import LanguageUnsupportedError

# Letters with their combining marks (Devanagari, Thai, Arabic vowel signs) and digits.
WORD_PATTERN = r"[\p{L}\p{M}\p{N}]+"
_WORD = regex.compile(WORD_PATTERN)

SNOWBALL = {
    "ar": "arabic",
    "ca": "catalan",
    "cs": "czech",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "eo": "esperanto",
    "es": "spanish",
    "et": "estonian",
    "eu": "basque",
    "fa": "persian",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "hy": "armenian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pl": "polish",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "st": "sesotho",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
    "yi": "yiddish",
}
TOKENIZERS: dict[str, str] = {
    "zh": "jieba",
    "th": "thai-newmm",
    **{lang: f"snowball:{algorithm}" for lang, algorithm in SNOWBALL.items()},
}
DEFAULT_TOKENIZER = "words"
# Scripts written without spaces between words, for which no segmenter is installed.
UNSEGMENTED = {"ja", "km", "lo", "my"}

Tokenizer = Callable[[Sequence[str]], list[list[str]]]


def base_language(lang: str) -> str:
    """'zh-CN', 'zh_cn' -> 'zh'."""
    return lang.strip().lower().replace("_", "-").split("-")[0]


def tokenizer_name(lang: str) -> str:
    """The table entry used for a language."""
    base = base_language(lang)
    if base in UNSEGMENTED:
        raise LanguageUnsupportedError(
            f"lexical tokenizer: no word segmenter for language {lang!r} (its script has no spaces "
            f"between words); segmenters exist for {', '.join(k for k, v in TOKENIZERS.items() if ':' not in v)}"
        )
    return TOKENIZERS.get(base, DEFAULT_TOKENIZER)


def tokenize(texts: Sequence[str], lang: str) -> list[list[str]]:
    """Tokens of each text, with the tokenizer of `lang`."""
    return _tokenizer(tokenizer_name(lang))(texts)


def describe() -> dict[str, object]:
    """The tokenizer table and library versions, for fingerprints."""
    return {
        "table": TOKENIZERS,
        "default": DEFAULT_TOKENIZER,
        "word_pattern": WORD_PATTERN,
        "normalisation": "NFKC+lower (th: NFC+lower)",
        "jieba_mode": "cut_for_search",
        "versions": {dist: _version(dist) for dist in ("jieba", "pythainlp", "PyStemmer", "regex")},
    }


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "absent"


def _normalise(text: str, form: str = "NFKC") -> str:
    return unicodedata.normalize(form, text).lower()


def _is_word(token: str) -> bool:
    return _WORD.search(token) is not None


def _words(texts: Sequence[str]) -> list[list[str]]:
    return [_WORD.findall(_normalise(text)) for text in texts]


@cache
def _tokenizer(name: str) -> Tokenizer:
    """Build (once) the tokenizer named in the table."""
    if name == DEFAULT_TOKENIZER:
        return _words
    if name.startswith("snowball:"):
        return _snowball(name.partition(":")[2])
    if name == "jieba":
        return _jieba()
    if name == "thai-newmm":
        return _thai()
    raise ValueError(f"unknown tokenizer {name!r}")


def _snowball(algorithm: str) -> Tokenizer:
    import Stemmer

    stemmer = Stemmer.Stemmer(algorithm)

    def run(texts: Sequence[str]) -> list[list[str]]:
        return [stemmer.stemWords(words) for words in _words(texts)]

    return run


def _jieba() -> Tokenizer:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    segmenter = jieba.Tokenizer()

    def run(texts: Sequence[str]) -> list[list[str]]:
        return [[token for token in segmenter.cut_for_search(_normalise(text)) if _is_word(token)] for text in texts]

    return run


def _thai() -> Tokenizer:
    from pythainlp.tokenize import word_tokenize

    def run(texts: Sequence[str]) -> list[list[str]]:
        return [
            [
                token
                for token in word_tokenize(_normalise(text, "NFC"), engine="newmm", keep_whitespace=False)
                if _is_word(token)
            ]
            for text in texts
        ]

    return run
