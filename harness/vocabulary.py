"""One vocabulary for settings, views and main scores: their names, and how they are parsed and written.

A view is named by its query language and, where it has one, its corpus language: 'ar-de' (query in
Arabic, corpus in German; mono 'de-de', cross), or 'ar' (multi: one pool of all languages). A main
score is 'setting/metric' ('multi/mAP'). Everything that reads or writes these names imports them
from here.
"""

from __future__ import annotations

MONO, CROSS, MULTI = "mono", "cross", "multi"
TRANSLATED = "translated"  # AfriQA: the same questions in English translation, against the same pool
REVERSE = "reverse"  # bitext: the pivot language's sentences as queries
SETTING_ORDER = (MONO, CROSS, MULTI)  # how pages order the settings (others follow by name)


def view_name(query: str, corpus: str | None = None) -> str:
    """'ar', 'de' -> 'ar-de'; 'ar' alone -> 'ar' (multi)."""
    return query if corpus is None else f"{query}-{corpus}"


def view_languages(view: str) -> list[str]:
    """'ar-de' -> ['ar', 'de']; 'ar' (multi) -> ['ar']."""
    return view.split("-")


def query_language(view: str) -> str:
    """'ar-de' -> 'ar' (mono / cross), 'ar' -> 'ar' (multi)."""
    return view.split("-", 1)[0]


def corpus_language(view: str) -> str | None:
    """'ar-de' -> 'de'; None for a multi view ('ar')."""
    _, dash, corpus = view.partition("-")
    return corpus if dash else None


def main_score_name(setting: str, metric: str) -> str:
    """('multi', 'mAP') -> 'multi/mAP'."""
    return f"{setting}/{metric}"


def split_main_score(name: str) -> tuple[str, str]:
    """'multi/mAP' -> ('multi', 'mAP'); a name without '/' gives ('', name)."""
    setting, slash, metric = name.partition("/")
    return (setting, metric) if slash else ("", name)
