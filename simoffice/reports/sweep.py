"""``sweep.html``: the headline measures against the swept parameters.

One figure per swept parameter: each headline measure (mean and 95 % interval
over replications) against the parameter's values, the other parameters' values
as separate lines. A table lists every job with its overrides. Names are
escaped; the page is built from :mod:`simoffice.reports.kit`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.reports.kit import esc, figure_divs, num, page, section, table, write_html
from simoffice.reports.labels import MEASURES, axis_title
from simoffice.run.pages import page_writer

HEADLINE = ("wait_mean_min", "service_level", "abandonment_rate", "failed_trip_rate", "visits_per_bundle_mean",
            "utilisation", "staff_hours", "coverage_within_min")
# Columns of the sweep's table that are not swept parameters.
FIXED = {"job", "overrides", "measure", "mean", "ci_low", "ci_high", "n"}


def _figure(table: pd.DataFrame, param: str, others: list[str]) -> go.Figure | None:
    """The headline measures against ``param``, a line per combination of the ``others``' values."""
    measures = [m for m in HEADLINE if table.loc[table["measure"] == m, "mean"].notna().any()]
    if not measures:
        return None
    cols = 2
    rows = (len(measures) + cols - 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[axis_title(m) for m in measures])
    line_key = table[others].astype(str).agg(", ".join, axis=1) if others else pd.Series("", index=table.index)
    for i, m in enumerate(measures):
        scale = 100.0 if MEASURES[m][2] else 1.0
        part = table[table["measure"] == m].assign(_line=line_key)
        for line, g in part.groupby("_line", sort=False):
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
                      height=300 * rows + 80)
    return fig


def build_sweep_html(sweep: pd.DataFrame) -> str:
    """The sweep page as one self-contained HTML string, from the sweep's table
    (a row per job × measure, a column per swept parameter)."""
    params = [c for c in sweep.columns if c not in FIXED]
    jobs = sweep.drop_duplicates("job")
    figures = [(f"fig-{p}", fig) for p in params
               if (fig := _figure(sweep, p, [q for q in params if q != p])) is not None]
    wait = sweep[sweep["measure"] == "wait_mean_min"].set_index("job")["mean"]
    rows = [f"<tr><td>{esc(r.job)}</td><td>{esc(r.overrides)}</td><td class=\"num\">{num(wait.get(r.job))}</td></tr>"
            for r in jobs.itertuples()]
    summary = (f"{len(jobs)} jobs, sweeping {', '.join(esc(p) for p in params) or 'nothing'}. "
               "Each point is a job's mean over its replications, with its 95 % interval.")
    body = [
        f'<div class="summary">{summary}</div>',
        *figure_divs(figures, top_margin=90),
        section("Jobs", table(["Job", "Overrides", "Mean wait (min)"], rows)),
    ]
    return page("simoffice sweep", body, "simoffice · summary.parquet holds every measure of every job")


@page_writer("sweep")
def write_sweep_report(sweep: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``sweep.html`` atomically."""
    return write_html(build_sweep_html(sweep), path)
