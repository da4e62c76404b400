"""Render benchmark on SYNTHETIC results: `harness render` on 50 models x 6 tasks with per-query data.

The result files are random numbers (tests/synthetic_results.py, labelled synthetic in every file),
written by the real result writer into a temporary folder: 40 untrained models and 10 trained
ones with 3 seeds each, on 6 tasks shaped like the real ones (XQuAD-R-sized: 11 languages x
1,190 queries x 132 views). Every confidence interval and paired test is computed as in a real
render. Wall and CPU seconds are printed per phase (the machine may be shared: CPU time is the cost).
Usage: python bench/render_site.py [--models 50] [--results DIR | --keep DIR] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # the synthetic results of the tests

from synthetic_results import SyntheticTask, write_synthetic

from harness.report import board as board_module
from harness.report.collect import collect
from harness.report.metadata import hidden_tasks, load_registries
from harness.report.output import write_site
from harness.report.site import LEADERBOARD_DIR, render_board

XQUAD = ("ar", "de", "el", "en", "es", "hi", "ru", "th", "tr", "vi", "zh")
TASKS = [
    SyntheticTask("syn-xquad-r", XQUAD, 1190),
    SyntheticTask("syn-mlqa-r", ("ar", "de", "en", "es", "hi", "vi", "zh"), 1000),
    SyntheticTask("syn-tatoeba", ("ar", "de", "en", "es", "fr", "hi", "ja", "ru", "tr", "zh"), 1000),
    SyntheticTask("syn-xquad-mteb", (*XQUAD, "ro"), 1186, ("mono",), "monolingual-retrieval"),
    SyntheticTask(
        "syn-miracl",
        ("ar", "bn", "en", "fi", "id", "ja", "ko", "ru", "sw", "te", "th", "zh"),
        800,
        ("mono",),
        "monolingual-retrieval",
    ),
    SyntheticTask("syn-afriqa", ("ha", "ig", "sw", "yo", "zu", "en", "fr"), 300),
]
TRAINED_EVERY = 5  # every 5th model is a trained recipe with 3 seeds


def generate(results_dir: Path, n_models: int) -> int:
    """Write the synthetic result files; returns how many summaries were written."""
    written = 0
    for index in range(n_models):
        model = f"synthetic-model-{index:02d}"
        quality = 0.3 + 0.5 * index / max(1, n_models - 1)
        seeds = [0, 1, 2] if index % TRAINED_EVERY == 0 else [None]
        training = {"train_set": {"name": "synthetic", "source_tasks": ["syn-mlqa-r"]}, "recipe": {"sampler": "hybrid"}}
        for task in TASKS:
            for seed in seeds:
                in_domain = seed is not None and task.name == "syn-mlqa-r"
                write_synthetic(
                    results_dir,
                    model,
                    task,
                    quality=quality,
                    seed=seed,
                    zero_shot=not in_domain,
                    training=training if seed is not None else None,
                    rng_seed=index,
                )
                written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="write the synthetic results here (kept) instead of a temp dir")
    parser.add_argument("--results", type=Path, help="reuse synthetic results written earlier with --keep")
    parser.add_argument("--out", type=Path, help="also write the timings as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="render-bench-") as tmp:
        results = args.results or args.keep or Path(tmp) / "results"
        files = len(list(results.glob("*/*.json")))
        if args.results is None:
            started = time.perf_counter()
            files = generate(results, args.models)
            print(
                f"SYNTHETIC results: {files} result files in {results} ({time.perf_counter() - started:.0f} s to write)"
            )
        marks = [(time.perf_counter(), time.process_time())]
        registries = load_registries()
        found = collect(results, hidden_tasks(registries))
        marks.append((time.perf_counter(), time.process_time()))
        board = board_module.build_board(found, registries, board_module.BoardOptions())
        marks.append((time.perf_counter(), time.process_time()))
        pages = render_board(board)
        marks.append((time.perf_counter(), time.process_time()))
        write_site(Path(tmp) / "site", pages, LEADERBOARD_DIR / "static")
        marks.append((time.perf_counter(), time.process_time()))
        names = ["read results", "CIs + tests (per-query)", "templates + charts", "write site"]
        timings = {name: (marks[i + 1][0] - marks[i][0], marks[i + 1][1] - marks[i][1]) for i, name in enumerate(names)}
        timings["total"] = (marks[-1][0] - marks[0][0], marks[-1][1] - marks[0][1])
        html = sum(1 for p in pages if p.endswith(".html"))
        size = sum(len(t.encode()) for t in pages.values()) / 1e6
        print(
            f"{len(found.entries)} entries, {board.n_comparisons} paired tests, {html} pages, "
            f"{size:.1f} MB of HTML+exports"
        )
        print(f"  {'phase':26s} {'wall s':>8s} {'CPU s':>8s}   (load average {os.getloadavg()[0]:.1f})")
        for phase, (wall, cpu) in timings.items():
            print(f"  {phase:26s} {wall:8.2f} {cpu:8.2f}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak RSS {peak:.0f} MiB")
        if args.out:
            args.out.write_text(
                json.dumps(
                    {"timings": timings, "entries": len(found.entries), "files": files, "peak_rss_mib": peak}, indent=1
                )
                + "\n"
            )


if __name__ == "__main__":
    main()
