"""Write docs/parity/<model>.<task>.md: every view of a stored result beside MTEB's published score.

    HARNESS_DATA_MIRROR=../shared/data python experiments/parity_report.py

Reads results/ and the mirror's mteb-results (multilingual-e5-small); prints one summary per table.
The hand-written docs/PARITY.md quotes these summaries and names the reason of every view off by
more than 0.03.
"""

from __future__ import annotations

import os
from pathlib import Path

from harness.errors import HarnessError
from harness.interop.mteb_published import read_published
from harness.interop.parity import parity
from harness.interop.parity_command import markdown_table, published_file, summary_lines
from harness.paths import REPO_ROOT
from harness.results.schema import load_result
from harness.tasks.registry import load_tasks

PUBLISHED_MODEL = "mteb-results/results/intfloat__multilingual-e5-small"
MODELS = ["me5-small-torch", "me5-small-torch@openvino-bf16", "me5-small"]
TASKS = ["tatoeba", "mlqa-mteb", "xquad-mteb"]


def main() -> None:
    mirror = Path(os.environ.get("HARNESS_DATA_MIRROR", REPO_ROOT.parent / "shared" / "data"))
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
                published = read_published(published_file(mirror / PUBLISHED_MODEL, spec.mteb.task))
                found = parity(spec, load_result(path), published)
            except HarnessError as exc:
                print(f"{model} {name}: {exc}")
                continue
            lines = summary_lines(found)
            head = f"# {model} on {name} vs MTEB {spec.mteb.task}\n\n" + "\n".join(f"- {line}" for line in lines)
            command = f"harness parity ../shared/data/{PUBLISHED_MODEL} --model {model} --task {name}"
            text = f"{head}\n\nRegenerate: `{command}` (or `python experiments/parity_report.py`).\n\n"
            (out / f"{model}.{name}.md").write_text(text + markdown_table(found), encoding="utf-8")
            print("\n".join([f"== {model} {name}", *lines]))


if __name__ == "__main__":
    main()
