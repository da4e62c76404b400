"""Language scripts: measured from letters' Unicode names; the committed table agrees with known writing systems."""

from __future__ import annotations

import pytest

from harness.data.scripts import is_latin_script, language_scripts, script_shares


def test_script_shares_count_letters_only() -> None:
    assert script_shares(["Привет, мир!", "ok 42"]) == pytest.approx({"CYRILLIC": 9 / 11, "LATIN": 2 / 11})
    assert script_shares(["123 ?!"]) == {}


@pytest.mark.parametrize(
    ("code", "script"),
    [
        ("en", "LATIN"),
        ("de", "LATIN"),
        ("ru", "CYRILLIC"),
        ("el", "GREEK"),
        ("th", "THAI"),
        ("zh", "CJK"),
        ("ar", "ARABIC"),
        ("ko", "HANGUL"),
        ("am", "ETHIOPIC"),
        ("hi", "DEVANAGARI"),
    ],
)
def test_the_committed_table_names_known_writing_systems(code: str, script: str) -> None:
    assert language_scripts()[code] == script


def test_every_tatoeba_afriqa_and_xquad_r_language_has_a_script() -> None:
    from harness.tasks.task_registry import load_tasks

    tasks = load_tasks()
    codes = {lang for name in ("tatoeba", "xquad-r") for lang in tasks[name].languages}
    assert codes <= set(language_scripts())
    assert is_latin_script("sw") is True and is_latin_script("uk") is False and is_latin_script("xx-unknown") is None
