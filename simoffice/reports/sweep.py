"""``sweep.html``: the headline measures against the swept parameters.

One figure per swept parameter: each headline measure (mean and 95 % interval
over replications) against the parameter's values, the other parameters' values
as separate lines. A table lists every job with its overrides. Self-contained
(plotly.js inlined once), names escaped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.files import atomic_write
from simoffice.reports.report import CSS, MEASURES, _esc, _num
from simoffice.run.pages import page_writer

HEADLINE = ("wait_mean_min", "service_level", "abandonment_rate", "failed_trip_rate", "visits_per_bundle_mean",
            "utilisation", "staff_hours", "coverage_within_min")


def _figure(table: pd.DataFrame, param: str, others: list[str], first: bool) -> str:
    measures = [m for m in HEADLINE if table.loc[table["measure"] == m, "mean"].notna().any()]
    if not measures:
        return ""
    titles = [f"{MEASURES[m][0]} ({'%' if MEASURES[m][2] else MEASURES[m][1]})" for m in measures]
    cols = 2
    rows = (len(measures) + cols - 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles)
    line_key = table[others].astype(str).agg(", ".join, axis=1) if others else pd.Series("", index=table.index)
    for i, m in enumerate(measures):
        scale = 100.0 if MEASURES[m][2] else 1.0
        part = table[table["measure"] == m].assign(_line=line_key)
        for j, (line, g) in enumerate(part.groupby("_line", sort=False)):
            g = g.sort_values(param, key=lambda s: pd.to_numeric(s, errors="coerce").fillna(0))
            y = g["mean"] * scale
            fig.add_trace(go.Scatter(
                x=g[param].astype(str), y=y, mode="lines+markers", name=line or param, legendgroup=line,
                showlegend=(i == 0 and bool(others)),
                error_y=dict(type="data", array=(g["ci_high"] * scale - y).fillna(0),
                             arrayminus=(y - g["ci_low"] * scale).fillna(0))),
                row=i // cols + 1, col=i % cols + 1)
        fig.update_xaxes(title_text=param, row=i // cols + 1, col=i % cols + 1)
    fig.update_layout(title=f"Measures against {param}" + (f" (lines: {', '.join(others)})" if others else ""),
                      template="plotly_white", height=300 * rows + 80, margin=dict(t=90))
    return fig.to_html(full_html=False, include_plotlyjs=first, div_id=f"fig-{param}",
                       config={"displaylogo": False}, default_height=f"{300 * rows + 80}px")


def build_sweep_html(table: pd.DataFrame) -> str:
    fixed = {"job", "overrides", "measure", "mean", "ci_low", "ci_high", "n"}
    params = [c for c in table.columns if c not in fixed]
    jobs = table.drop_duplicates("job")
    figures = []
    for p in params:
        html = _figure(table, p, [q for q in params if q != p], first=not figures)
        if html:
            figures.append(html)
    wait = table[table["measure"] == "wait_mean_min"].set_index("job")["mean"]
    rows = "".join(
        f"<tr><td>{_esc(r.job)}</td><td>{_esc(r.overrides)}</td><td class=\"num\">{_num(wait.get(r.job))}</td></tr>"
        for r in jobs.itertuples())
    summary = (f"{len(jobs)} jobs, sweeping {', '.join(_esc(p) for p in params) or 'nothing'}. "
               "Each point is a job's mean over its replications, with its 95 % interval.")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>simoffice sweep</title><style>{CSS}</style></head><body>",
        "<h1>simoffice sweep</h1>", f'<div class="summary">{summary}</div>',
        *figures,
        "<h2>Jobs</h2>",
        f"<table><tr><th>Job</th><th>Overrides</th><th>Mean wait (min)</th></tr>{rows}</table>",
        "<footer>simoffice · summary.parquet holds every measure of every job</footer>",
        "</body></html>",
    ])


@page_writer("sweep")
def write_sweep_report(table: pd.DataFrame, path: str | os.PathLike) -> Path:
    text = build_sweep_html(table)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
