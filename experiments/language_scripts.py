"""Measure the dominant script of every language of the bitext and parallel tasks and write
harness/data/language_scripts.yaml (the difference-in-differences' latin-script covariate).

Usage: HARNESS_DATA_MIRROR=../shared/data .venv/bin/python experiments/language_scripts.py [TASK ...]
(default: tatoeba afriqa xquad-r). A language in several tasks keeps the script of its first task.
"""

from __future__ import annotations

import sys

import yaml

from harness.atomic import atomic_write_text
from harness.data.scripts import TABLE, script_shares
from harness.errors import HarnessError
from harness.tasks.load import load_task
from harness.tasks.task_registry import load_tasks

HEADER = """\
# Dominant Unicode script of each language code, measured on the task texts by
# experiments/language_scripts.py (harness/data/scripts.py): the script of most letters of the
# language's own side (Tatoeba's sentences, AfriQA's native queries, XQuAD-R's questions and
# candidates). `share` is that script's share of the letters; `task` where it was measured.
"""


def texts_of(task: str) -> dict[str, list[str]]:
    """Per language code, the texts written in that language."""
    data = load_task(load_tasks()[task])
    if data.corpus_task is not None:
        out: dict[str, list[str]] = {}
        for query_set in data.corpus().query_sets.values():
            out.setdefault(query_set.lang, []).extend(query_set.queries)
        return out
    out = {}
    for lang, records in data.languages.items():
        out[lang] = list(getattr(records, "sentences", None) or [*records.questions, *records.candidates])
    return out


def main(tasks: list[str]) -> int:
    table: dict[str, dict] = {}
    try:
        for task in tasks:
            for lang, texts in texts_of(task).items():
                shares = script_shares(texts)
                if lang in table or not shares:
                    continue
                script, share = next(iter(shares.items()))
                table[lang] = {"script": script, "share": round(share, 4), "task": task}
    except HarnessError as exc:
        print(f"language_scripts: {exc}", file=sys.stderr)
        return 2
    lines = [
        f"  {lang}: {yaml.safe_dump(entry, default_flow_style=True, sort_keys=False).strip()}"
        for lang, entry in sorted(table.items())
    ]
    body = "scripts:\n" + "\n".join(lines) + "\n"
    atomic_write_text(TABLE, HEADER + body)
    latin = sum(entry["script"] == "LATIN" for entry in table.values())
    print(f"{TABLE}: {len(table)} languages, {latin} in Latin script")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["tatoeba", "afriqa", "xquad-r"]))
