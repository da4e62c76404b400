"""Charts of the low-resource axis: score against α per Joshi class, and each language's gain against its class."""

from __future__ import annotations

import altair as alt
import pandas as pd

from harness.report.charts import DATA, vega_spec
from harness.report.class_sweep import ClassPoint


def class_alpha_chart(points: list[ClassPoint]) -> dict:
    """One line per class over α, with the 95% CI (seeds a random effect) as error bars."""
    rows = [
        {
            "alpha": p.alpha,
            "class": p.class_label,
            "value": p.value,
            "low": p.ci[0] if p.ci else p.value,
            "high": p.ci[1] if p.ci else p.value,
            "views": p.views,
            "seeds": p.seeds,
            "items": p.clusters,
        }
        for p in points
    ]
    x = alt.X("alpha:Q", title="α (share of X-X-mono batches)", scale=alt.Scale(domain=[-0.05, 1.05]))
    color = alt.Color("class:N", title="Joshi class", scale=alt.Scale(scheme="viridis"))
    base = alt.Chart(DATA)
    line = base.mark_line(point=True).encode(
        x=x,
        y=alt.Y("value:Q", title=points[0].metric if points else "value", scale=alt.Scale(zero=False)),
        color=color,
        tooltip=[
            "alpha:Q",
            "class:N",
            alt.Tooltip("value:Q", format=".4f"),
            "low:Q",
            "high:Q",
            "views:Q",
            "seeds:Q",
            "items:Q",
        ],
    )
    bars = base.mark_errorbar(ticks=True).encode(x=x, y="low:Q", y2="high:Q", color=color)
    return vega_spec(alt.layer(bars, line).properties(width=320, height=220), rows)


def gain_chart(gains: pd.DataFrame, metric: str) -> dict:
    """Each language's gain (a minus b, seed-averaged) against its class; colour: script, shape: seen in training."""
    rows = [
        {
            "language": r.language,
            "class": "?" if pd.isna(r.resource_class) else str(int(r.resource_class)),
            "gain": float(r.gain),
            "script": "Latin" if r.latin_script == 1 else "other" if r.latin_script == 0 else "unknown",
            "seen": "seen in training" if r.seen_in_training else "not seen",
        }
        for r in gains.itertuples()
    ]
    chart = (
        alt.Chart(DATA)
        .mark_point(filled=True, size=50, opacity=0.7)
        .encode(
            x=alt.X("class:O", title="Joshi class (? = unclassified)", sort=["0", "1", "2", "3", "4", "5", "?"]),
            xOffset=alt.XOffset("jitter:Q"),
            y=alt.Y("gain:Q", title=f"gain in {metric} (+: a better)"),
            color=alt.Color("script:N"),
            shape=alt.Shape("seen:N"),
            tooltip=["language:N", "class:N", alt.Tooltip("gain:Q", format="+.4f"), "script:N", "seen:N"],
        )
        .transform_calculate(jitter="random()")
        .properties(width=360, height=220)
    )
    return vega_spec(chart, rows)


def family_class_chart(rows: list[dict], families: list[str], metric: str) -> dict:
    """Score against Joshi class: every ranked model's class means as grey boxes, the chosen family's models as
    lines. `rows`: {model, family, class, value, source}; `families` are the choices, the first the default."""
    choice = alt.param(
        name="family", value=families[0] if families else "", bind=alt.binding_select(options=families, name="family ")
    )
    x = alt.X("class:O", title="Joshi class (0: least resourced)", sort=["0", "1", "2", "3", "4", "5"])
    y = alt.Y("value:Q", title=f"mean {metric} over the class's languages", scale=alt.Scale(zero=False))
    base = alt.Chart(DATA)
    boxes = base.mark_boxplot(
        extent="min-max", size=26, color="#d0d0d0", median={"color": "#888"}, rule={"color": "#aaa"}, ticks=True
    ).encode(x=x, y=y)
    lines = (
        base.transform_filter("datum.family == family")
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "model:N", title="model", scale=alt.Scale(scheme="category20"), legend=alt.Legend(labelLimit=320)
            ),
            tooltip=["model:N", "family:N", "class:N", alt.Tooltip("value:Q", format=".4f"), "source:N"],
        )
    )
    return vega_spec(alt.layer(boxes, lines).add_params(choice).properties(width=520, height=300), rows)
