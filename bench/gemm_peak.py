"""Matrix-product peak of this machine: one timer that every benchmark reports its share against."""

from __future__ import annotations

import time
from collections.abc import Callable


def gemm_gflops(m: int, k: int, n: int, dtype: str = "float32", repeats: int = 12, rounds: int = 3) -> float:
    """GFLOP/s of an (m x k) @ (k x n) product in `dtype` (float32, bfloat16, or int8 through
    torch._int_mm) on torch's current threads: the best of `rounds` timings of `repeats` products,
    after 3 untimed ones (the best, not the mean, is the peak the hardware allows)."""
    import torch

    if dtype == "int8":
        a = torch.randint(-128, 127, (m, k), dtype=torch.int8)
        b = torch.randint(-128, 127, (k, n), dtype=torch.int8)
        return best_rate(lambda: torch._int_mm(a, b), 2 * m * k * n, repeats, rounds)
    a, b = torch.randn(m, k).to(getattr(torch, dtype)), torch.randn(k, n).to(getattr(torch, dtype))
    return best_rate(lambda: a @ b, 2 * m * k * n, repeats, rounds)


def best_rate(step: Callable[[], object], flop: float, repeats: int, rounds: int) -> float:
    """GFLOP/s of `step` (costing `flop` each) from the fastest of `rounds` runs of `repeats` calls."""
    for _ in range(3):
        step()
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repeats):
            step()
        best = min(best, time.perf_counter() - start)
    return flop * repeats / best / 1e9
