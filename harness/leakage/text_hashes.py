"""Normalised-text hashes: two texts that differ only in case, Unicode form or spacing hash alike."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

import numpy as np

_SPACE = re.compile(r"\s+")
MIN_CHARS = 16  # shorter normalised texts are too generic to be evidence of leakage ("[citation needed]", "A.")


def normalise(text: str) -> str:
    """NFKC, case-folded, whitespace collapsed and stripped."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def text_hashes(texts: Iterable[str]) -> np.ndarray:
    """Sorted distinct 64-bit hashes (blake2b) of the normalised texts of at least MIN_CHARS characters."""
    digests = {
        int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "little")
        for norm in map(normalise, texts)
        if len(norm) >= MIN_CHARS
    }
    return np.array(sorted(digests), dtype=np.uint64)


def shared(a: np.ndarray, b: np.ndarray) -> int:
    """How many hashes of `a` are also in `b` (both sorted distinct)."""
    return int(np.isin(a, b, assume_unique=True).sum())
