"""One committed comparison tested three ways: cells as units, questions as units, and seeds as a random effect.

    python experiments/clustered_vs_cells.py [setting] [languages...]

hybrid (α 0.5) against X-Y (α 0) of the sweep on xquad-r, views of `setting` (default cross) that
involve one of `languages` (default el th), metric mAP, from the committed per-query files:
- cells: sign flips of every (view, question) cell, on seed-averaged scores (what the pages did);
- clusters: sign flips of whole questions (a question is asked in 11 languages), seed-averaged;
- seeds: harness.stats.hierarchical.compare_recipes, each seed's run one draw of the recipe.
"""

from __future__ import annotations

import sys

import numpy as np

from harness.paths import REPO_ROOT
from harness.stats.clustered import cluster_bootstrap_ci, clustered_sign_flip
from harness.stats.hierarchical import compare_recipes
from harness.stats.randomization import paired_randomization

MODELS = {"hybrid": "me5-small-sweep-alpha0.5@openvino-bf16", "X-Y": "me5-small-sweep-alpha0@openvino-bf16"}


def _runs(model: str, setting: str, languages: set[str]) -> list[dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Per seed: view -> (mAP per question, question ids)."""
    runs = []
    for path in sorted((REPO_ROOT / "results" / model).glob("xquad-r.seed*.per_query.npz")):
        with np.load(path, allow_pickle=False) as arrays:
            views = {}
            for key in arrays.files:
                parts = key.split("/")
                if parts[0] != setting or parts[-1] != "mAP":
                    continue
                view = parts[1]
                if not languages & set(view.split("-")):
                    continue
                index = arrays[f"{setting}/{view}/query_index"]
                views[view] = (arrays[key].astype(np.float64), arrays[f"query_ids/{view.split('-')[0]}"][index])
            runs.append(views)
    return runs


def main() -> None:
    setting = sys.argv[1] if len(sys.argv) > 1 else "cross"
    languages = set(sys.argv[2:]) or {"el", "th"}
    a, b = (_runs(MODELS[k], setting, languages) for k in ("hybrid", "X-Y"))
    views = sorted(a[0])
    mean = {
        name: {v: np.mean([run[v][0] for run in runs], axis=0) for v in views} for name, runs in (("a", a), ("b", b))
    }
    cells = [(mean["a"][v], mean["b"][v]) for v in views]
    clustered = [(mean["a"][v], mean["b"][v], a[0][v][1]) for v in views]
    difference = float(np.mean([np.mean(x - y) for x, y in cells]))
    questions = len(np.unique(np.concatenate([ids for _, _, ids in clustered])))
    print(f"hybrid - X-Y, xquad-r {setting} mAP, {len(views)} views with {sorted(languages)}, {len(a)}+{len(b)} seeds")
    print(f"  difference of seed-averaged macro means {difference:+.4f}")
    cells_n = sum(x.size for x, _ in cells)
    print(f"  cells as units ({cells_n} cells): sign-flip p {paired_randomization(cells):.4f}")
    low, high = cluster_bootstrap_ci(clustered)
    print(
        f"  questions as units ({questions}): sign-flip p {clustered_sign_flip(clustered):.4f}, "
        f"CI [{low:+.4f}, {high:+.4f}]"
    )
    runs_a = [[run[v] for v in views] for run in a]
    runs_b = [[run[v] for v in views] for run in b]
    found = compare_recipes(runs_a, runs_b)
    print(
        f"  seeds as a random effect: {found.difference:+.4f}, CI [{found.ci[0]:+.4f}, {found.ci[1]:+.4f}], "
        f"p {found.p:.4f} (df {found.df:.1f})"
    )


if __name__ == "__main__":
    main()
