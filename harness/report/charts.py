"""Vega-Lite specs (built with Altair) for the site's charts; the vendored Vega renders them offline."""

from __future__ import annotations

import altair as alt

from harness.report.entries import Entry
from harness.vocabulary import CROSS, MONO, corpus_language, query_language

CELL = 30  # pixels per heatmap cell
DATA = alt.NamedData(name="cells")  # rows are attached after to_dict: Altair need not walk thousands of them


def vega_spec(chart: alt.TopLevelMixin, rows: list[dict]) -> dict:
    """The chart as a Vega-Lite dict with its rows inline, without the schema URL (the site names no address)."""
    spec = chart.to_dict(validate=False)
    spec.pop("$schema", None)
    spec["datasets"] = {"cells": rows}
    return spec


def matrix_rows(entries: list[Entry], metric: str) -> list[dict]:
    """X→Y cells of every model: cross pairs plus mono on the diagonal, {model, query, corpus, value}."""
    rows = []
    for entry in entries:
        for setting in (MONO, CROSS):
            scores = entry.settings.get(setting)
            if scores is None:
                continue
            for pair, values in scores.detail.items():
                query, corpus = query_language(pair), corpus_language(pair)
                value = values.get(metric)
                if corpus and value is not None:
                    rows.append({"model": entry.model, "query": query, "corpus": corpus, "value": value})
    return rows


def _axes(languages: list[str]) -> dict:
    return {
        "x": alt.X("corpus:N", sort=languages, title="corpus language (Y)", axis=alt.Axis(orient="top", labelAngle=0)),
        "y": alt.Y("query:N", sort=languages, title="query language (X)"),
    }


def _size(languages: list[str]) -> dict:
    return {"width": CELL * len(languages), "height": CELL * len(languages)}


def cross_heatmap(rows: list[dict], languages: list[str], models: list[str], default: str, metric: str) -> dict:
    """One model's X→Y matrix (chosen from a list), on a colour scale shared by all models."""
    values = [r["value"] for r in rows] or [0.0, 1.0]
    low, high = min(values), max(values)
    mid = (low + high) / 2
    choice = alt.param(name="model", value=default, bind=alt.binding_select(options=models, name="model "))
    base = alt.Chart(DATA).transform_filter("datum.model == model")
    tooltip = [
        alt.Tooltip("model:N"),
        alt.Tooltip("query:N", title="query"),
        alt.Tooltip("corpus:N", title="corpus"),
        alt.Tooltip("value:Q", title=metric, format=".3f"),
    ]
    rect = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        **_axes(languages),
        color=alt.Color("value:Q", title=metric, scale=alt.Scale(scheme="viridis", domain=[low, high])),
        tooltip=tooltip,
    )
    text = base.mark_text(fontSize=9).encode(
        **_axes(languages),
        tooltip=tooltip,
        text=alt.Text("value:Q", format=".2f"),
        color=alt.condition(f"datum.value < {mid!r}", alt.value("white"), alt.value("black")),
    )
    return vega_spec((rect + text).add_params(choice).properties(**_size(languages)), rows)


def difference_heatmap(
    rows: list[dict], languages: list[str], models: list[str], first: str, second: str, metric: str
) -> dict:
    """Cell-wise difference between two chosen models' X→Y matrices (first - second)."""
    values = [r["value"] for r in rows] or [0.0, 1.0]
    span = max(max(values) - min(values), 1e-9)
    model_a = alt.param(name="model_a", value=first, bind=alt.binding_select(options=models, name="model A "))
    model_b = alt.param(name="model_b", value=second, bind=alt.binding_select(options=models, name="minus model B "))
    base = (
        alt.Chart(DATA)
        .transform_filter("datum.model == model_a || datum.model == model_b")
        .transform_calculate(
            signed="(datum.model == model_a ? datum.value : 0) - (datum.model == model_b ? datum.value : 0)"
        )
        .transform_aggregate(diff="sum(signed)", n="count()", groupby=["query", "corpus"])
        .transform_filter("datum.n == 2 || model_a == model_b")
    )
    rect = base.mark_rect(stroke="white", strokeWidth=0.5).encode(
        **_axes(languages),
        color=alt.Color(
            "diff:Q", title=f"Δ {metric}", scale=alt.Scale(scheme="redblue", domain=[-span, span], domainMid=0)
        ),
        tooltip=[
            alt.Tooltip("query:N"),
            alt.Tooltip("corpus:N"),
            alt.Tooltip("diff:Q", title=f"Δ {metric}", format="+.3f"),
        ],
    )
    text = base.mark_text(fontSize=9).encode(**_axes(languages), text=alt.Text("diff:Q", format="+.2f"))
    return vega_spec((rect + text).add_params(model_a, model_b).properties(**_size(languages)), rows)


def language_heatmap(
    rows: list[dict],
    languages: list[str],
    models: list[str],
    metric: str,
    title: list[str],
    scheme: str,
    domain: list[float],
    kind: str = "linear",
    ticks: list[float] | None = None,
) -> dict:
    """Models (rows) x query languages (columns) of one multi-setting measure on a fixed colour domain.

    The same `domain` for every task's chart makes one colour mean one value across the page.
    """
    options = {"title": title, "gradientLength": 120, "labelOverlap": "greedy"}
    legend = alt.Legend(**options, values=ticks) if ticks else alt.Legend(**options)
    rect = (
        alt.Chart(DATA)
        .mark_rect(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "lang:N",
                sort=languages,
                title="query language",
                axis=alt.Axis(orient="top", labelAngle=0, labelPadding=4),
            ),
            y=alt.Y("model:N", sort=models, title="model", axis=alt.Axis(labelAngle=0, labelLimit=220)),
            color=alt.Color(
                "value:Q", scale=alt.Scale(type=kind, scheme=scheme, domain=domain, clamp=True), legend=legend
            ),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("lang:N", title="query language"),
                alt.Tooltip("value:Q", title=metric, format=".3f"),
            ],
        )
    )
    return vega_spec(rect.properties(width=CELL * len(languages), height=min(18 * len(models), 900)), rows)


def alpha_chart(rows: list[dict], title: str, lower_is_better: bool = False) -> dict:
    """One quantity against alpha: the seed-averaged value with its 95% bootstrap CI as error bars."""
    base = alt.Chart(DATA)
    x = alt.X(
        "alpha:Q",
        title="α (share of X-X-mono batches)",
        scale=alt.Scale(domain=[-0.05, 1.05]),
        axis=alt.Axis(values=sorted({r["alpha"] for r in rows}) or [0, 1], format=".2~f"),
    )
    y_title = "value (lower is better)" if lower_is_better else "value"
    line = base.mark_line(point=True).encode(
        x=x,
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
        tooltip=[
            "alpha:Q",
            "model:N",
            alt.Tooltip("value:Q", format=".4f"),
            alt.Tooltip("low:Q", format=".4f"),
            alt.Tooltip("high:Q", format=".4f"),
            alt.Tooltip("seed_std:Q", format=".4f"),
            "seeds:Q",
            "n_views:Q",
            "view:N",
        ],
    )
    bars = base.mark_errorbar(ticks=True).encode(x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q")
    chart = alt.layer(bars, line).properties(width=260, height=180, description=title)
    return vega_spec(chart, rows)
