"""The Joshi et al. (2020) class table: agrees with the paper's own examples, never guesses a class."""

from __future__ import annotations

import pytest

from harness.data.resource_classes import ResourceTable, parse_table, resource_table
from harness.errors import HarnessError
from harness.tasks.task_registry import load_tasks

# Table 1 of Joshi et al. (2020) names these as examples of their class.
PAPER_EXAMPLES = {
    "en": 5,
    "es": 5,
    "de": 5,
    "ja": 5,
    "fr": 5,
    "ru": 4,
    "hu": 4,
    "vi": 4,
    "nl": 4,
    "ko": 4,
    "id": 3,
    "uk": 3,
    "he": 3,
    "zul": 2,
}


@pytest.mark.parametrize(("code", "expected"), sorted(PAPER_EXAMPLES.items()))
def test_classes_of_the_papers_examples(code: str, expected: int) -> None:
    assert resource_table().resource_class(code) == expected


def test_low_resource_means_class_three_or_below() -> None:
    table = resource_table()
    assert table.low_resource_max_class == 3
    assert table.is_low_resource("th") and table.is_low_resource("fon") and table.is_low_resource("yor")
    assert not table.is_low_resource("hi") and not table.is_low_resource("en")


def test_unlisted_codes_are_unknown_not_guessed() -> None:
    table = resource_table()
    assert table.resource_class("zh_hk") is None and not table.is_low_resource("zh_hk")
    assert table.resource_class("xx") is None


def test_afriqa_codes_match_training_and_have_classes() -> None:
    table = resource_table()
    for code in load_tasks()["afriqa"].languages:
        assert table.resource_class(code) is not None, code
    assert table.resource_class("bem") == 0 and table.resource_class("hau") == 2


def test_every_shipped_task_language_is_classified_or_knowingly_unknown() -> None:
    table = resource_table()
    unknown = {lang for spec in load_tasks().values() for lang in spec.languages if table.resource_class(lang) is None}
    # MKQA's zh_hk, and the Tatoeba languages lang2tax has no name for (see resource_classes.yaml)
    assert unknown == {"zh_hk", "arq", "dtp", "kzj", "lfn", "max", "nov", "orv", "swg", "tzl"}


@pytest.mark.parametrize(
    "raw",
    [
        {"languages": {"xx": {"class": 7}}, "low_resource_max_class": 3},
        {"languages": {"xx": {"class": "2"}}, "low_resource_max_class": 3},
        {"languages": {"xx": {"class": 2}}},
        [],
    ],
)
def test_malformed_table_is_a_one_line_error(raw: object) -> None:
    with pytest.raises(HarnessError) as info:
        parse_table(raw, "table.yaml")
    assert str(info.value).startswith("table.yaml:") and "\n" not in str(info.value)


def test_parse_table_reads_classes() -> None:
    table = parse_table({"languages": {"xx": {"class": 1}}, "low_resource_max_class": 2}, "t")
    assert table == ResourceTable({"xx": 1}, 2)
