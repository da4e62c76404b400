"""How numbers and names appear on the site: fixed decimals, '—' for missing, safe file names."""

from __future__ import annotations

import hashlib
import math
import re

from harness.metrics import decimals

MISSING = "—"


def fmt(value: float | None, metric: str = "", signed: bool = False) -> str:
    """'0.299' (the metric's declared decimals), '+0.012' when signed, '—' when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    digits = decimals(metric)
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def fmt_p(value: float | None, bound: bool = False) -> str:
    """A p-value: '0.0123' (4 decimals; '3.2e-05' below 0.0001), or '≤ 0.0014' when it is only an upper bound.

    A bound is rounded up, so what is shown still bounds the value ('≤ 0.0001' for 1/10001).
    """
    if value is None or not math.isfinite(value):
        return MISSING
    if not bound:
        return f"{value:.4f}" if value >= 1e-4 else f"{value:.1e}"
    if value >= 5e-5 or value <= 0:
        return f"≤ {math.ceil(value * 1e4 - 1e-9) / 1e4:.4f}"
    exponent = math.floor(math.log10(value))
    mantissa = math.ceil(value / 10.0**exponent - 1e-9)
    if mantissa == 10:
        mantissa, exponent = 1, exponent + 1
    return f"≤ {mantissa}e{exponent:03d}"


def fmt_floor(n_resamples: int) -> str:
    """The resampling floor of a test with B sign flips, written exactly: '1/10001'."""
    return f"1/{n_resamples + 1}"


def sort_key(value: float | None) -> str:
    """A table cell's data-sort value: the full number, or '' (sorted last) when missing."""
    if value is None or not math.isfinite(value):
        return ""
    return repr(float(value))


_UNSAFE = re.compile(r"[^a-z0-9._-]+")


def slug(name: str) -> str:
    """A file name for any model or task name: its safe characters plus a short hash when they differ."""
    safe = _UNSAFE.sub("-", name.lower()).strip("-.")[:60] or "x"
    if safe == name:
        return safe
    return f"{safe}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"
