"""The CPU's matrix instruction sets (Linux /proc/cpuinfo): they decide bf16 support and bear on every timing."""

from __future__ import annotations

from functools import cache
from pathlib import Path

# The flags that change matrix-product speed or precision support, in the order they were added to x86.
MATRIX_FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_int8", "amx_bf16")


CPUINFO = Path("/proc/cpuinfo")


@cache
def cpu_flags(cpuinfo: Path = CPUINFO) -> frozenset[str] | None:
    """Every word of `cpuinfo` (its `flags` lines among them); None where it cannot be read."""
    try:
        return frozenset(cpuinfo.read_text(errors="replace").split())
    except OSError:
        return None


def matrix_features(cpuinfo: Path = CPUINFO) -> list[str] | None:
    """The MATRIX_FLAGS this CPU has (e.g. ['avx2', 'fma'] on an AVX2-only machine); None off Linux."""
    flags = cpu_flags(cpuinfo)
    return None if flags is None else [flag for flag in MATRIX_FLAGS if flag in flags]


def cpu_has_bf16(cpuinfo: Path = CPUINFO) -> bool:
    """Whether the CPU has bfloat16 matrix instructions (elsewhere than Linux assumed present)."""
    flags = cpu_flags(cpuinfo)
    return flags is None or "avx512_bf16" in flags or "amx_bf16" in flags
