"""Which pages the site has and the data each template gets (chart specs included)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace

from harness.metrics import higher_is_better
from harness.report.bias import bias_charts
from harness.report.board import Board, GroupBoard
from harness.report.charts import alpha_chart, cross_heatmap, difference_heatmap, matrix_rows
from harness.report.class_charts import class_alpha_chart, family_class_chart, gain_chart
from harness.report.entries import Entry
from harness.report.formatting import slug
from harness.report.low_resource_board import CLASSES, LowResourceBoard
from harness.report.model_ranks import NO_RANK, Standing, overall_ranks
from harness.report.published import COMPUTED_FAMILY, Published
from harness.report.research import QUANTITIES, Sweep
from harness.report.study import Study
from harness.vocabulary import CROSS, MONO, MULTI, TRANSLATED, corpus_language, query_language


@dataclass
class Page:
    """One HTML file: its path in the site, its template and what the template gets."""

    path: str
    template: str
    title: str
    context: dict = field(default_factory=dict)

    @property
    def root(self) -> str:
        """Relative path from the page back to the site root ('' or '../')."""
        return "../" * self.path.count("/")


LOW_RESOURCE_PAGE = "low-resource.html"
IN_DOMAIN_ONLY = "in-domain on every task here (trained on the task's data)"


def section_ranks(board: Board) -> dict[int | None, Standing]:
    """Per section (full data, each limit): models by mean rank over the tasks all ranked models share."""
    out = {}
    for limit, groups in board.sections.items():
        models = sorted({row.entry.model for g in groups for row in g.rows})
        standing = overall_ranks(
            models, {g.task.name: {r.entry.model: r.rank for r in g.rows if r.rank} for g in groups}
        )
        for model, rank in standing.ranks.items():
            rows = [row for g in groups for row in g.rows if row.entry.model == model]
            if rank.reason == NO_RANK and rows and not any(row.entry.zero_shot for row in rows):
                standing.ranks[model] = replace(rank, reason=IN_DOMAIN_ONLY)
        out[limit] = standing
    return out


def task_path(group: GroupBoard) -> str:
    """tasks/<task>[.limitN].html."""
    return f"tasks/{slug(group.key.stem)}.html"


def model_path(model: str) -> str:
    """models/<model>.html (a safe file name for any model name)."""
    return f"models/{slug(model)}.html"


def query_language_means(
    entry: Entry, setting: str, metric: str, languages: list[str] | None = None
) -> dict[str, float]:
    """Per query language, the mean of `metric` over that language's views of `setting`. A view whose
    query language is not a task language (Tatoeba's reverse views en → X) counts for its corpus language."""
    scores = entry.settings.get(setting)
    grouped: dict[str, list[float]] = {}
    for view, values in (scores.detail if scores else {}).items():
        if values.get(metric) is not None:
            query, corpus = query_language(view), corpus_language(view) or ""
            lang = corpus if languages is not None and query not in languages and corpus else query
            grouped.setdefault(lang, []).append(values[metric])  # type: ignore[arg-type]
    return {lang: statistics.fmean(vals) for lang, vals in grouped.items()}


def setting_columns(group: GroupBoard) -> list[tuple[str, str]]:
    """(setting, metric) of every macro mean any row has, settings in task order."""
    columns: dict[tuple[str, str], None] = {}
    for setting in group.settings:
        for row in group.rows:
            scores = row.entry.settings.get(setting)
            if scores is not None:
                columns.update(dict.fromkeys((setting, m) for m, v in scores.macro.items() if v is not None))
    return list(columns)


def _matrix_charts(group: GroupBoard) -> dict | None:
    """The X→Y heatmap and the difference heatmap of a task with a cross setting."""
    if CROSS not in group.settings:
        return None
    metric = group.main_metric
    entries = [row.entry for row in group.rows]
    rows = matrix_rows(entries, metric)
    if len({r["corpus"] for r in rows}) < 2:  # one corpus language (Tatoeba: X → en): a column, not a matrix
        return None
    models = [e.model for e in entries if any(r["model"] == e.model for r in rows)]
    languages = group.languages
    first = models[0]
    second = group.baseline if group.baseline in models and group.baseline != first else models[min(1, len(models) - 1)]
    return {
        "metric": metric,
        "matrix": cross_heatmap(rows, languages, models, first, metric),
        "difference": difference_heatmap(rows, languages, models, first, second, metric),
        "default_model": first,
        "default_pair": (first, second),
        "cells": sum(1 for r in rows if r["model"] == first),
    }


def transfer_gaps(group: GroupBoard) -> dict | None:
    """Per model and query language, translated minus native (cross) main metric; None without both settings.
    The macro mean is the rows' `robustness.transfer_gap`."""
    if not {CROSS, TRANSLATED} <= set(group.settings):
        return None
    metric = group.main_metric
    by_model = {}
    for row in group.rows:
        native = query_language_means(row.entry, CROSS, metric)
        translated = query_language_means(row.entry, TRANSLATED, metric)
        by_model[row.entry.model] = {lang: translated[lang] - native[lang] for lang in native if lang in translated}
    languages = {lang for gaps in by_model.values() for lang in gaps}
    return {"by_model": by_model, "languages": languages} if languages else None


def view_flags(group: GroupBoard) -> list[dict]:
    """Per model and setting: views without queries (never averaged) and views under the task's minimum."""
    flags = []
    for row in group.rows:
        for setting, summary in row.entry.first.settings.items():
            minimum = summary.min_queries or group.task.min_queries
            few = summary.thin_views(minimum)
            if summary.empty_views or few:
                flags.append(
                    {
                        "model": row.entry.model,
                        "setting": setting,
                        "empty": summary.empty_views,
                        "few": few,
                        "min_queries": minimum,
                        "n_pairs": summary.n_pairs,
                    }
                )
    return flags


def low_resource_page(low: LowResourceBoard) -> dict:
    """The low-resource board's context: its rows and the score-against-class chart of the ranked rows."""
    rows = [
        {"model": r.model, "family": r.family, "class": str(c), "value": v, "source": r.source}
        for r in low.rows
        for c, v in r.class_means.items()
        if v is not None
    ]
    families = low.families
    default = next((f for f in families if f != COMPUTED_FAMILY), families[0] if families else "")
    ordered = [default, *[f for f in families if f != default]]
    return {"low": low, "family_chart": family_class_chart(rows, ordered, low.metric), "classes": CLASSES}


def site_pages(
    board: Board, study: Study | None = None, published: Published | None = None, low: LowResourceBoard | None = None
) -> list[Page]:
    """Overview, bias, robustness, one page per (task, limit), one card per model; with a study, its
    Claims and Research question pages; with Tatoeba results, the low-resource board."""
    tasks = [(g, task_path(g)) for g in board.groups]
    common = {"board": board, "task_links": tasks, "study": study, "published": published or Published(), "low": low}
    pages = [
        Page("index.html", "overview.html", "Overview", {**common, "overall_ranks": section_ranks(board)}),
        Page("bias.html", "bias.html", "Language bias", {**common, "charts": bias_charts(board)}),
        Page("robustness.html", "robustness.html", "Robustness", dict(common)),
    ]
    if low is not None:
        pages.append(
            Page(LOW_RESOURCE_PAGE, "low_resource.html", "Low-resource board", {**common, **low_resource_page(low)})
        )
    if study is not None:
        pages.append(Page("claims.html", "claims.html", "Claims", dict(common)))
        if study.sweep is not None and any(study.sweep.points.values()):
            pages.append(
                Page(
                    "research.html",
                    "research.html",
                    "Research question",
                    {
                        **common,
                        "quantities": QUANTITIES,
                        "alpha_charts": alpha_charts(study.sweep),
                        "class_charts": {task: class_alpha_chart(points) for task, points in study.classes.items()},
                        "gain_charts": {
                            c.label: gain_chart(study.gains[c.label], c.metric)
                            for r in study.results
                            for c in r.checks
                            if c.label in study.gains
                        },
                    },
                )
            )
    for group, path in tasks:
        context = {
            **common,
            "group": group,
            "charts": _matrix_charts(group),
            "columns": setting_columns(group),
            "transfer": transfer_gaps(group),
            "view_flags": view_flags(group),
            "lang_means": {
                setting: {
                    r.entry.model: query_language_means(r.entry, setting, group.main_metric, group.task.languages)
                    for r in group.rows
                }
                for setting in group.settings
                if setting not in (MONO, MULTI)
            },
        }
        pages.append(Page(path, "task.html", group.key.label, context))
    for name, info in board.models.items():
        rows = [(g, row) for g in board.groups for row in g.rows if row.entry.model == name]
        pages.append(Page(model_path(name), "model.html", name, {**common, "info": info, "rows": rows}))
    return pages


def alpha_charts(sweep: Sweep) -> dict[str, dict]:
    """One Vega-Lite chart per quantity of the research question, against alpha."""
    charts = {}
    for quantity in QUANTITIES:
        rows = [
            {
                "alpha": p.alpha,
                "model": p.model,
                "value": p.value,
                "low": p.ci[0],
                "high": p.ci[1],
                "seed_std": p.seed_std,
                "seeds": len(p.seed_values),
                "n_views": p.n_views,
                "view": p.view or "all",
            }
            for p in sweep.points.get(quantity.key, [])
        ]
        charts[quantity.key] = alpha_chart(rows, quantity.label, not higher_is_better(quantity.metric))
    return charts
