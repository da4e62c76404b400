"""The writing system of each language code, measured on the task texts (language_scripts.yaml).

A language's script is the Unicode script most of its letters belong to, read from the first word
of each letter's Unicode name ("LATIN SMALL LETTER A", "CYRILLIC ...", "CJK UNIFIED IDEOGRAPH-4E00").
`experiments/language_scripts.py` measures it on every bitext and parallel task and writes the table;
the report only reads it (a code that is not listed has no script, never a guessed one).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml

from harness.errors import HarnessError

TABLE = Path(__file__).with_name("language_scripts.yaml")
LATIN = "LATIN"


def letter_script(char: str) -> str | None:
    """The script word of a letter's Unicode name (None for non-letters and unnamed code points)."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else None


def script_shares(texts: Iterable[str]) -> dict[str, float]:
    """Share of the letters of `texts` in each script, largest first."""
    counts = Counter(s for text in texts for s in map(letter_script, text) if s is not None)
    total = sum(counts.values())
    return {script: n / total for script, n in counts.most_common()} if total else {}


@cache
def language_scripts(path: Path = TABLE) -> dict[str, str]:
    """{language code: its dominant script} from the measured table."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise HarnessError(f"{path}: cannot read the script table ({exc})") from None
    scripts = raw.get("scripts") if isinstance(raw, dict) else None
    if not isinstance(scripts, dict) or not all(isinstance(v, dict) and "script" in v for v in scripts.values()):
        raise HarnessError(f"{path}: expected 'scripts: {{code: {{script: NAME, share: FRACTION}}}}'")
    return {str(code): str(entry["script"]) for code, entry in scripts.items()}


def is_latin_script(code: str) -> bool | None:
    """True when the language is mostly written in Latin letters; None when the table does not list it."""
    script = language_scripts().get(code)
    return None if script is None else script == LATIN
