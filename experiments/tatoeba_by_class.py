"""Tatoeba F1 (cross, X → en) per Joshi class for every stored full result: mean, count, worst language.

    python experiments/tatoeba_by_class.py [results/]

Languages without a class in harness/data/resource_classes.yaml are their own row ("none").
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from harness.data.resource_classes import resource_table
from harness.paths import REPO_ROOT
from harness.results.reader import load_result


def main() -> None:
    results = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT / "results"
    table = resource_table()
    print("| model | " + " | ".join(f"class {c}" for c in range(6)) + " | none | all |")
    print("|---|" + "---:|" * 8)
    for path in sorted(results.glob("*/tatoeba.json")):
        result = load_result(path)
        views = result.settings["cross"].detail()
        by_class: dict[str, list[tuple[float, str]]] = {}
        for pair, values in views.items():
            lang = pair.split("-")[0]
            found = table.resource_class(lang)
            by_class.setdefault("none" if found is None else str(found), []).append((values["F1"], lang))
        cells = []
        for key in [*map(str, range(6)), "none"]:
            rows = by_class.get(key, [])
            if not rows:
                cells.append("—")
                continue
            worst = min(rows)
            cells.append(f"{statistics.fmean(v for v, _ in rows):.3f} (n={len(rows)}, worst {worst[1]} {worst[0]:.2f})")
        everything = [v for rows in by_class.values() for v, _ in rows]
        cells.append(f"{statistics.fmean(everything):.3f} (n={len(everything)})")
        print(f"| {result.model} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
