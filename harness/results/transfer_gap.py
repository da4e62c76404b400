"""Transfer gap: score of the human-translated questions minus score of the native ones, per language.

AfriQA asks each question twice against the same pool: in the African language ("cross") and in
its human translation into the passages' language ("translated"). A positive gap is what the
model loses by not understanding the native question; it is computed from the per-pair means.
"""

from __future__ import annotations

from harness.results.result_file import NOT_METRICS


def transfer_gap(native: dict, translated: dict) -> dict[str, object]:
    """{metric: {'by_pair': {pair: translated - native}, 'mean': mean gap}} over pairs present in both."""
    native_pairs, translated_pairs = native.get("by_pair", {}), translated.get("by_pair", {})
    pairs = [p for p in native_pairs if p in translated_pairs]
    metrics = [m for m in translated if m not in NOT_METRICS and isinstance(translated[m], int | float)]
    out: dict[str, object] = {}
    for metric in metrics:
        gaps = {}
        for pair in pairs:
            a, b = native_pairs[pair].get(metric), translated_pairs[pair].get(metric)
            if isinstance(a, int | float) and isinstance(b, int | float):
                gaps[pair] = round(b - a, 6)
        out[metric] = {"by_pair": gaps, "mean": round(sum(gaps.values()) / len(gaps), 6) if gaps else None}
    return out
