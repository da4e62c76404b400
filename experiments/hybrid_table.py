"""Paper-style table of the hybrid batch training experiment, read from result files.

Prints Markdown: per task and model, mono / cross / multi mAP and multi rank distance as
mean ± std over seeds, the same restricted to languages unseen in training, and which of the
paper's claims hold. Usage: python experiments/hybrid_table.py --results results --xquad-limit 200 --mlqa-limit 50
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

TRAINED = {"X-X-mono": "me5-small-xx", "X-Y": "me5-small-xy", "hybrid (alpha 0.5)": "me5-small-hybrid"}
BASE = ("untrained", "me5-small-torch")
TASKS = ("xquad-r", "mlqa-r")
TRAIN_LANGS = {"ar", "de", "en", "es", "hi", "vi", "zh"}
COLUMNS = (("mono", "mAP"), ("cross", "mAP"), ("multi", "mAP"), ("multi", "rank_distance"))


def stem(task: str, limit: int | None, seed: int | None = None) -> str:
    name = task if limit is None else f"{task}.limit{limit}"
    return name if seed is None else f"{name}.seed{seed}"


def summaries(results: Path, model: str, task: str, limit: int | None) -> list[dict]:
    """One summary per seed (a single one for the untrained model)."""
    folder = results / model
    aggregate = folder / f"{stem(task, limit)}.seeds.json"
    if aggregate.is_file():
        seeds = json.loads(aggregate.read_text())["seeds"]
        return [json.loads((folder / f"{stem(task, limit, s)}.json").read_text()) for s in seeds]
    return [json.loads((folder / f"{stem(task, limit)}.json").read_text())]


def unseen_value(summary: dict, setting: str, metric: str) -> float | None:
    """Mean over the pairs (cross) or query languages (mono, multi) that involve an unseen language."""
    block = summary["settings"][setting]
    rows = block.get("by_pair") or block.get("by_lang") or {}
    values = [v[metric] for key, v in rows.items() if set(key.split("-")) - TRAIN_LANGS]
    return statistics.fmean(values) if values else None


def cell(values: list[float], digits: int) -> str:
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{statistics.fmean(values):.{digits}f} ± {statistics.stdev(values):.{digits}f}"


def table(results: Path, limits: dict[str, int | None]) -> tuple[str, dict]:
    lines, means = [], {}
    for task in TASKS:
        limit = limits[task]
        scope = f", {limit} question ids chosen so every view keeps queries" if limit else ""
        kind = " (in-domain: trained on mlqa-r" if task == "mlqa-r" else " (zero-shot"
        lines += [
            f"\n**{task}**{kind}{scope})\n",
            "| model | seeds | mono mAP | cross mAP | multi mAP | multi rank distance |",
            "|---|---|---|---|---|---|",
        ]
        for label, model in [BASE, *TRAINED.items()]:
            runs = summaries(results, model, task, limit)
            row = [label, str(len(runs))]
            for setting, metric in COLUMNS:
                values = [float(s["settings"][setting][metric]) for s in runs]
                means[(task, label, setting, metric)] = statistics.fmean(values)
                row.append(cell(values, 1 if metric == "rank_distance" else 4))
            lines.append("| " + " | ".join(row) + " |")
        lines.append(view_counts(summaries(results, BASE[1], task, limit)[0]))
        if task == "xquad-r":
            lines += [
                "\nLanguages unseen in training (el, ru, th, tr): pairs or query languages involving them\n",
                "| model | mono mAP | cross mAP | multi mAP | multi rank distance |",
                "|---|---|---|---|---|",
            ]
            for label, model in [BASE, *TRAINED.items()]:
                runs = summaries(results, model, task, limit)
                row = [label]
                for setting, metric in COLUMNS:
                    values = [unseen_value(s, setting, metric) for s in runs]
                    row.append(cell([v for v in values if v is not None], 1 if metric == "rank_distance" else 4))
                lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines), means


def view_counts(summary: dict) -> str:
    """What each column averages: views per setting and the queries per view (the same for every model)."""
    parts = []
    for setting in ("mono", "cross", "multi"):
        entry = summary["settings"][setting]
        rows = entry.get("by_pair") or entry.get("by_lang") or {}
        counts = [v["n_queries"] for v in rows.values()]
        empty = entry.get("n_empty", 0)
        parts.append(
            f"{setting}: macro over {entry['n_pairs']} views ({min(counts)} to {max(counts)} queries each"
            + (f", {empty} empty views not averaged" if empty else "")
            + ")"
        )
    return "\nAveraged: " + "; ".join(parts) + "."


def claims(means: dict) -> str:
    """The paper's claims, checked on the seed means."""
    hybrid, xx, xy = "hybrid (alpha 0.5)", "X-X-mono", "X-Y"
    out = ["\n| claim | " + " | ".join(TASKS) + " |", "|---|" + "---|" * len(TASKS)]

    def mean(t: str, label: str, setting: str, metric: str) -> float:
        return means[(t, label, setting, metric)]

    checks = [
        ("hybrid ≥ X-X-mono on cross mAP", lambda t: mean(t, hybrid, "cross", "mAP") >= mean(t, xx, "cross", "mAP")),
        ("hybrid ≥ X-X-mono on multi mAP", lambda t: mean(t, hybrid, "multi", "mAP") >= mean(t, xx, "multi", "mAP")),
        ("hybrid ≥ X-Y on mono mAP", lambda t: mean(t, hybrid, "mono", "mAP") >= mean(t, xy, "mono", "mAP")),
        ("hybrid ≥ X-Y on cross mAP", lambda t: mean(t, hybrid, "cross", "mAP") >= mean(t, xy, "cross", "mAP")),
        (
            "hybrid ≥ X-Y on multi mAP (hybrid best on multi)",
            lambda t: mean(t, hybrid, "multi", "mAP") >= mean(t, xy, "multi", "mAP"),
        ),
        (
            "hybrid rank distance < X-X-mono",
            lambda t: mean(t, hybrid, "multi", "rank_distance") < mean(t, xx, "multi", "rank_distance"),
        ),
    ]
    for text, test in checks:
        out.append(f"| {text} | " + " | ".join("holds" if test(t) else "does not hold" for t in TASKS) + " |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--xquad-limit", type=int, default=None)
    parser.add_argument("--mlqa-limit", type=int, default=None)
    args = parser.parse_args()
    text, means = table(args.results, {"xquad-r": args.xquad_limit, "mlqa-r": args.mlqa_limit})
    print(text)
    print(claims(means))


if __name__ == "__main__":
    main()
