"""Low-resource board benchmark on REAL data: MTEB's published results (the mirror) plus committed results.

Times, in one run: `harness import mteb` of the mirror's results repository; reading the imported entries
with their parity badges; building the Tatoeba board by Joshi class; rendering its page (template and
chart spec); and a whole `harness render` of the committed results with and without the published
entries (the difference is what they cost). Wall and CPU seconds per phase (the machine may be shared).
Usage: HARNESS_DATA_MIRROR=../shared/data python bench/low_resource_board.py [--results results]
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import TypeVar

from harness.data.resource_classes import resource_table
from harness.interop.mteb_import import import_mteb
from harness.paths import mirror_dir
from harness.report.collect import collect
from harness.report.low_resource_board import build_low_resource_board
from harness.report.metadata import hidden_tasks, load_registries
from harness.report.pages import low_resource_page
from harness.report.published import published_for_site
from harness.report.site import environment, render_site

T = TypeVar("T")


def timed(label: str, timings: dict, action: Callable[[], T]) -> T:
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    timings[label] = (time.perf_counter() - wall, time.process_time() - cpu)
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=Path("results"), help="committed results to add")
    args = parser.parse_args()
    mirror = mirror_dir()
    if mirror is None:
        raise SystemExit("set HARNESS_DATA_MIRROR to the data mirror (e.g. ../shared/data)")
    source = mirror / "mteb-results"
    timings: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory(prefix="low-resource-bench-") as tmp:
        plain, mixed = Path(tmp) / "plain", Path(tmp) / "mixed"
        shutil.copytree(args.results, plain, ignore=shutil.ignore_patterns(".*"))
        shutil.copytree(plain, mixed)
        registries = load_registries()
        report = timed("import mteb", timings, lambda: import_mteb(source, mixed, registries.tasks))
        entries = collect(mixed, hidden_tasks(registries)).entries
        published = timed(
            "read published + badges", timings, lambda: published_for_site(mixed, entries, registries.models)
        )
        spec = registries.tasks["tatoeba"]
        board = timed(
            "build class board",
            timings,
            lambda: build_low_resource_board(entries, published, registries.models, resource_table(), spec.languages),
        )
        template = environment().get_template("low_resource.html")
        context = {
            "board": SimpleNamespace(groups=[], skipped=0),
            "task_links": [],
            "study": None,
            "published": published,
        }

        def page() -> str:
            return template.render(
                **context, **low_resource_page(board), root="", title="Low-resource board", page_path="x"
            )

        html = timed("render its page", timings, page)
        timed("harness render without published", timings, lambda: render_site(plain, Path(tmp) / "site-plain"))
        timed("harness render with published", timings, lambda: render_site(mixed, Path(tmp) / "site-mixed"))
    print(
        f"{len(report.written)} published results of {len({e.model for e in report.written})} models imported; "
        f"board: {len(board.rows)} ranked + {len(board.partial)} not ranked; page {len(html) / 1e6:.2f} MB"
    )
    print(f"  {'phase':36s} {'wall s':>8s} {'CPU s':>8s}   (load average {os.getloadavg()[0]:.1f})")
    for phase, (wall, cpu) in timings.items():
        print(f"  {phase:36s} {wall:8.2f} {cpu:8.2f}")


if __name__ == "__main__":
    main()
