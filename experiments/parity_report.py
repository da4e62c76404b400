"""Write docs/parity/<model>.<task>.md: every view of a stored result beside MTEB's published score.

    HARNESS_DATA_MIRROR=../shared/data python experiments/parity_report.py [PUBLISHED_DIR SUFFIX]

Reads results/ and the mirror's mteb-results (multilingual-e5-small); prints one summary per table.
PUBLISHED_DIR compares with another run of MTEB's results repository instead (e.g. the mteb 1.12.75
run, deleted from that repository in its commit 090916e66: RESULTS is a checkout of 090916e66^; written
to docs/parity/*.SUFFIX.md).
The hand-written docs/PARITY.md quotes these summaries and names the reason of every view off by
more than 0.03.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from harness.errors import HarnessError
from harness.interop.mteb_published import read_published
from harness.interop.parity import parity
from harness.interop.parity_command import markdown_table, published_file, summary_lines
from harness.paths import REPO_ROOT
from harness.results.reader import load_result
from harness.tasks.task_registry import load_tasks

PUBLISHED_MODEL = "mteb-results/results/intfloat__multilingual-e5-small"
MODELS = ["me5-small-torch", "me5-small-torch@openvino-bf16", "me5-small"]
TASKS = ["tatoeba", "mlqa-mteb", "xquad-mteb"]


def main() -> None:
    mirror = Path(os.environ.get("HARNESS_DATA_MIRROR", REPO_ROOT.parent / "shared" / "data"))
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else mirror / PUBLISHED_MODEL
    suffix = f".{sys.argv[2]}" if len(sys.argv) > 2 else ""
    tasks = load_tasks()
    out = REPO_ROOT / "docs" / "parity"
    out.mkdir(exist_ok=True)
    for model in MODELS:
        for name in TASKS:
            spec = tasks[name]
            path = REPO_ROOT / "results" / model / f"{name}.json"
            if not path.is_file():
                print(f"{model} {name}: no stored result")
                continue
            try:
                published = read_published(published_file(folder, spec.mteb.task))
                found = parity(spec, load_result(path), published)
            except HarnessError as exc:
                print(f"{model} {name}: {exc}")
                continue
            lines = summary_lines(found)
            head = f"# {model} on {name} vs MTEB {spec.mteb.task}\n\n" + "\n".join(f"- {line}" for line in lines)
            where = f"../shared/data/{PUBLISHED_MODEL}"
            if suffix:
                where = f"RESULTS/{folder.parent.parent.name}/{folder.parent.name}/{folder.name}"
            command = f"harness parity {where} --model {model} --task {name}"
            text = f"{head}\n\nRegenerate: `{command}` (or `python experiments/parity_report.py`).\n\n"
            (out / f"{model}.{name}{suffix}.md").write_text(text + markdown_table(found), encoding="utf-8")
            print("\n".join([f"== {model} {name}", *lines]))


if __name__ == "__main__":
    main()
