"""``sweep.html``: the headline measures against the swept parameters.

One figure per swept parameter: each headline measure (mean and 95 % interval
over replications, as the jobs' ``summary.json`` give them) against the
parameter's values, a line per combination of the other parameters' values.
A line keeps its colour in every chart of the figure and has one legend entry,
which shows or hides it everywhere. The figures draw the network's rows
(``office`` "all"); the per-unit rows stay in ``summary.parquet``. A table lists
every job with its overrides, and another the failed jobs with the reason each
failed (the table's ``error``; a failed job has no measures). Names are escaped;
the page is built from :mod:`simoffice.reports.kit`.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.reports.kit import esc, figure_divs, num, page, section, table, write_html
from simoffice.reports.labels import MEASURES, axis_title
from simoffice.run.pages import page_writer

HEADLINE = ("wait_mean_min", "service_level", "abandonment_rate", "failed_trip_rate", "visits_per_bundle_mean",
            "utilisation", "staff_hours", "coverage_within_min")
# Columns of the sweep's table that are not swept parameters.
FIXED = {"job", "overrides", "office", "measure", "mean", "ci_low", "ci_high", "n", "error"}
# The lines' colours: plotly's qualitative palettes, the default one first.
PALETTE = list(dict.fromkeys(plotly.colors.qualitative.Plotly + plotly.colors.qualitative.Dark24
                             + plotly.colors.qualitative.Alphabet))
COLUMNS = 2
PLOT_PX = 260  # height of one chart
GAP_PX = 130  # between two rows of charts: the upper one's axis and the lower one's title (two lines)
# A chart's title (in TITLE_PX pixels) is wrapped at this many characters, so two side by side do not
# meet even on a printed page (a figure about 700 pixels wide).
TITLE_CHARS = 30
TITLE_PX = 13


def _order(value: Any) -> tuple:
    """Sort key of a swept value: numbers by size, before text; a missing value last."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return (2, 0.0, "")
    try:
        return (0, float(value), "")
    except (TypeError, ValueError):
        return (1, 0.0, str(value))


def _hashable(value: Any) -> Any:
    """A swept value as a key: a list or mapping (``network.weekdays=[0,1]``) as its text, a
    missing one (NaN in a column of numbers) as None."""
    try:
        hash(value)
    except TypeError:
        return str(value)
    return None if isinstance(value, float) and pd.isna(value) else value


def line_colours(keys: list[tuple]) -> dict[tuple, str]:
    """A colour per line key (the other parameters' values), from the sorted keys: the same
    key gets the same colour in every chart. Beyond the palette's length colours repeat."""
    ordered = sorted(set(keys), key=lambda k: tuple(_order(v) for v in k))
    return {k: PALETTE[i % len(PALETTE)] for i, k in enumerate(ordered)}


def _text(value: Any) -> str:
    """A swept value as shown: ``–`` when missing, 3.0 as ``3`` (a column of numbers with a gap is of floats)."""
    value = _hashable(value)
    if value is None:
        return "–"
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _name(key: tuple) -> str:
    return ", ".join(map(_text, key))


def _title(measure: str) -> str:
    return "<br>".join(textwrap.wrap(axis_title(measure), TITLE_CHARS))


def _figure(table: pd.DataFrame, param: str, others: list[str]) -> go.Figure | None:
    """The headline measures against ``param``, a line per combination of the ``others``' values."""
    measures = [m for m in HEADLINE if table.loc[table["measure"] == m, "mean"].notna().any()]
    if not measures:
        return None
    rows = (len(measures) + COLUMNS - 1) // COLUMNS
    height = rows * PLOT_PX + (rows - 1) * GAP_PX
    fig = make_subplots(rows=rows, cols=COLUMNS, subplot_titles=[_title(m) for m in measures],
                        vertical_spacing=GAP_PX / height if rows > 1 else 0.0, horizontal_spacing=0.12)
    keys = ([tuple(map(_hashable, k)) for k in table[others].itertuples(index=False, name=None)] if others
            else [()] * len(table))
    colours = line_colours(keys)
    table = table.assign(_line=keys, _order=table[param].map(_order))
    x_order = [_text(v) for v in sorted({_hashable(v) for v in table[param]}, key=_order)]
    shown: set[tuple] = set()
    for i, m in enumerate(measures):
        scale = 100.0 if MEASURES[m][2] else 1.0
        part = table[table["measure"] == m]
        for key, colour in colours.items():
            g = part[[k == key for k in part["_line"]]].sort_values("_order")
            if g.empty:
                continue
            y = g["mean"] * scale
            name = _name(key) if others else param
            fig.add_trace(go.Scatter(
                x=[_text(v) for v in g[param]], y=y, mode="lines+markers", name=name, legendgroup=name,
                showlegend=bool(others) and key not in shown, line=dict(color=colour), marker=dict(color=colour),
                error_y=dict(type="data", array=(g["ci_high"] * scale - y).fillna(0),
                             arrayminus=(y - g["ci_low"] * scale).fillna(0), color=colour)),
                row=i // COLUMNS + 1, col=i % COLUMNS + 1)
            shown.add(key)
        fig.update_xaxes(title_text=param, type="category", categoryorder="array", categoryarray=x_order,
                         row=i // COLUMNS + 1, col=i % COLUMNS + 1)
    fig.update_annotations(font_size=TITLE_PX)
    # The legend's title a parameter a line, broken after the dots: a narrow legend leaves the charts room.
    legend = "<br>".join(q.replace(".", ".<br>") for q in others)
    fig.update_layout(height=height + 130, margin=dict(l=60, r=20, b=70),
                      legend=dict(title_text=legend) if others else None)
    return fig


def sweep_figures(sweep: pd.DataFrame) -> list[tuple[str, list[str], go.Figure]]:
    """``(parameter, other parameters, figure)`` per swept parameter with a measure to draw,
    from the network's rows (office "all") of the sweep's table."""
    params = [c for c in sweep.columns if c not in FIXED]
    network = sweep[sweep["office"] == "all"] if "office" in sweep.columns else sweep
    out = []
    for p in params:
        others = [q for q in params if q != p]
        if (fig := _figure(network, p, others)) is not None:
            out.append((p, others, fig))
    return out


def build_sweep_html(sweep: pd.DataFrame) -> str:
    """The sweep page as one self-contained HTML string, from the sweep's table
    (a row per job × office × measure, a column per swept parameter; the figures
    and the jobs' table read the network's rows, office "all")."""
    params = [c for c in sweep.columns if c not in FIXED]
    network = sweep[sweep["office"] == "all"] if "office" in sweep.columns else sweep
    jobs = network.drop_duplicates("job")
    failed = (sweep[sweep["error"].notna()].drop_duplicates("job") if "error" in sweep.columns
              else sweep.iloc[:0].assign(error=None))
    failures = f", {len(failed)} failed (listed below)" if len(failed) else ""
    body = [
        f'<div class="summary">{len(jobs)} jobs with results{failures}, sweeping '
        f'{", ".join(esc(p) for p in params) or "nothing"}. '
        "Each point is a job's mean over its replications, with its 95 % interval (as the job's "
        "summary.json gives it, cut to the measure's possible range).</div>",
    ]
    figures = sweep_figures(sweep)
    divs = figure_divs([(f"fig-{p}", fig) for p, _, fig in figures], top_margin=60)
    for (p, others, _), div in zip(figures, divs):
        note = (f'<p class="note">A line per value of {esc(", ".join(others))}, in the same colour in every '
                "chart; click a legend entry to hide or show the line everywhere.</p>") if others else ""
        body.append(section(f"Measures against {esc(p)}", note, div))
    wait = network[network["measure"] == "wait_mean_min"].set_index("job")["mean"]
    rows = [f"<tr><td>{esc(r.job)}</td><td>{esc(r.overrides)}</td><td class=\"num\">{num(wait.get(r.job))}</td></tr>"
            for r in jobs.itertuples()]
    body.append(section("Jobs", table(["Job", "Overrides", "Mean wait (min)"], rows)))
    if len(failed):
        rows = [f"<tr><td>{esc(r.job)}</td><td>{esc(r.overrides)}</td><td>{esc(r.error)}</td></tr>"
                for r in failed.itertuples()]
        body.append(section("Failed jobs", '<p class="note">Skipped: these jobs have no results; the other '
                            "jobs ran.</p>", table(["Job", "Overrides", "Why it failed"], rows), anchor="failed"))
    return page("simoffice sweep", body,
                "simoffice · summary.parquet holds every measure of every job, for the network and each unit")


@page_writer("sweep")
def write_sweep_report(sweep: pd.DataFrame, path: str | os.PathLike) -> Path:
    """Write ``sweep.html`` atomically."""
    return write_html(build_sweep_html(sweep), path)
