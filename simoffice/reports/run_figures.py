"""The report's figures of a run: waits, queues by weekday and hour, utilisation, contacts per bundle.

Tables can be large (a row per contact), so everything is aggregated with
pandas/numpy first and a figure only ever holds a few hundred points. A run
that kept aggregates only (``run.keep_contacts=false``) has no contacts or
bundles to draw: those figures say so instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.measures.aggregate import BIN_MIN
from simoffice.model.spec import MOBILE_OFFICE
from simoffice.reports.kit import UNIT_COLOURS
from simoffice.reports.run_facts import config_order, target_min
from simoffice.vocabulary import DAY, WEEKDAY_NAMES

# Figure titles; the tests look for them, so they live in one place.
TITLE_WAIT = "Waiting time of served clients"
TITLE_QUEUE = "Mean queue length by weekday and hour"
TITLE_UTIL = "Desk utilisation by hour of day"
TITLE_VISITS = "Contacts needed per bundle"
TITLE_SERVED = "Share of queued contacts served within the standard's wait, by weekday and hour"
NOT_KEPT = "Not kept: the run kept aggregates only (run.keep_contacts=false)"


# The heat map of shares served in time, in pixels: a weekday's row, the gap above each
# unit's map that holds its title, the margins; and the most units drawn.
ROW_PX = 24
GAP_PX = 56
MARGIN_TOP_PX = 70
MARGIN_BOTTOM_PX = 60
MAX_UNITS = 24


def run_figures(results: Any) -> list[tuple[str, go.Figure]]:
    """The report's figures of ``results`` as ``(div id, figure)``, in page order."""
    spec = getattr(results, "spec", None)
    kept = spec is None or spec.run.keep_contacts
    ts_all, offices, hours = _office_series(results)
    return [
        ("fig-wait", wait_figure(results.contacts, target_min(results.summary), kept)),
        ("fig-queue", queue_figure(ts_all, offices, hours)),
        ("fig-util", util_figure(ts_all, offices, hours, opening_share(ts_all, spec))),
        ("fig-visits", visits_figure(results.bundles, kept)),
    ]


def _office_series(results: Any) -> tuple[pd.DataFrame, list[str], list[int]]:
    """The offices' total time series (office names as text), the offices in config
    order, and the hours shown: from the first to the last hour that ever has staff
    or a queue."""
    ts = results.timeseries
    ts_all = ts[(ts["desk_group"] == "all").to_numpy(dtype=bool)].copy()
    offices = config_order(ts_all["office"]) or config_order(results.contacts["office"])
    ts_all["office"] = ts_all["office"].astype(str)
    active = ts_all.loc[(ts_all["on_duty_mean"] > 0) | (ts_all["queue_mean"] > 0), "hour"]
    hours = list(range(int(active.min()), int(active.max()) + 1)) if len(active) else []
    return ts_all, offices, hours


def _mask(s: pd.Series) -> np.ndarray:
    """A boolean column as a numpy mask; missing counts as False."""
    return s.fillna(False).astype(bool).to_numpy()


def _empty(fig: go.Figure, text: str = "No data in the measured window") -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def wait_figure(contacts: pd.DataFrame, target: float, kept: bool = True) -> go.Figure:
    """Histogram of waits (minutes), binned with numpy so the figure stays small."""
    fig = go.Figure(layout_title_text=TITLE_WAIT)
    fig.update_layout(xaxis_title="wait (min)", yaxis_title="share of served clients (%)")
    if not kept:
        return _empty(fig, NOT_KEPT)
    ok = _mask(contacts["in_window"]) & (contacts["outcome"] == "served").to_numpy(dtype=bool)
    waits = contacts["wait_min"].to_numpy(dtype=float)[ok]
    waits = waits[np.isfinite(waits)]
    if waits.size == 0:
        return _empty(fig)
    # Cut the long tail at the 99.5th percentile so the bulk stays readable;
    # the last bar collects everything beyond.
    top = max(float(np.quantile(waits, 0.995)), float(target), 1.0)
    width = next(w for w in (0.5, 1, 2, 5, 10, 15, 30, 60, 120) if top / w <= 60)
    edges = np.arange(0.0, top + width, width)
    counts, _ = np.histogram(np.clip(waits, 0, edges[-1] - 1e-9), bins=edges)
    fig.add_bar(x=edges[:-1] + width / 2, y=100 * counts / waits.size, width=width,
                marker_line_width=0, name="served clients",
                hovertemplate="%{x} min: %{y:.1f} %<extra></extra>")
    fig.add_vline(x=target, line_dash="dash", line_color="firebrick",
                  annotation_text=f"target {target:g} min", annotation_position="top right")
    return fig


def queue_figure(ts_all: pd.DataFrame, offices: list[str], hours: list[int]) -> go.Figure:
    """One heatmap per office on a shared colour scale, so offices compare."""
    if not offices or not hours:
        return _empty(go.Figure(layout_title_text=TITLE_QUEUE))
    grid = ts_all.groupby(["office", "weekday", "hour"])["queue_mean"].mean()
    fig = make_subplots(rows=len(offices), cols=1, shared_xaxes=True, subplot_titles=offices,
                        vertical_spacing=min(0.08, 0.3 / len(offices)))
    index = pd.MultiIndex.from_product([range(7), hours])
    for i, office in enumerate(offices, start=1):
        z = grid.get(office, pd.Series(dtype=float)).reindex(index).to_numpy().reshape(7, len(hours))
        fig.add_heatmap(z=z, x=hours, y=list(WEEKDAY_NAMES), coloraxis="coloraxis", name=office,
                        hovertemplate="%{y} %{x}:00 – mean queue %{z:.1f}<extra></extra>",
                        row=i, col=1)
    fig.update_yaxes(autorange="reversed")  # Monday on top
    fig.update_xaxes(title_text="hour of day", dtick=1, row=len(offices), col=1)
    fig.update_layout(title_text=TITLE_QUEUE, height=120 + 220 * len(offices),
                      coloraxis=dict(colorscale="Blues", cmin=0,
                                     colorbar_title_text="clients waiting"))
    return fig


def opening_share(ts_all: pd.DataFrame, spec: Any) -> np.ndarray | None:
    """Per row of the time series: the share of its bin inside the unit's opening hours
    on that weekday (the schedule's weekly hours, a mobile office's stops; a holiday's
    bins have no one on duty and weigh nothing). None without the spec (every bin then
    counts as open)."""
    if spec is None:
        return None
    opening = {u.name: _week_hours(u) for u in spec.offices}
    start = (ts_all["bin_start_min"].to_numpy(dtype=float) % DAY)
    share = np.zeros(len(ts_all))
    office = ts_all["office"].astype(str).to_numpy()
    weekday = ts_all["weekday"].to_numpy(dtype=int)
    for (name, day), rows in pd.Series(np.arange(len(ts_all))).groupby([office, weekday]):
        hours = opening.get(name)
        for lo, hi in (hours[day] or ()) if hours else ():
            idx = rows.to_numpy()
            share[idx] += np.clip(np.minimum(start[idx] + BIN_MIN, hi) - np.maximum(start[idx], lo), 0, None)
    return share / BIN_MIN


def _week_hours(unit: Any) -> tuple:
    """A unit's open intervals per weekday, Monday first: its opening hours, or for a
    mobile office the times of its stops."""
    if unit.kind != MOBILE_OFFICE:
        return unit.opening
    days: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    for stop in unit.stops:
        days[stop.weekday].append((stop.start, stop.end))
    return tuple(tuple(d) or None for d in days)


def util_figure(ts_all: pd.DataFrame, offices: list[str], hours: list[int],
                open_share: np.ndarray | None = None) -> go.Figure:
    """Utilisation during opening hours (busy time over time on duty while the unit is
    open; hours without staff are gaps), and apart from it, as bars, the desk time spent
    serving after closing: the overtime tail of clients still waiting, which read as
    utilisation would show a closed hour at 100 %.

    ``open_share``: per row, the share of its bin inside opening hours (see
    :func:`opening_share`); None: every bin counts as open.
    """
    fig = go.Figure(layout_title_text=TITLE_UTIL)
    fig.update_layout(xaxis_title="hour of day", yaxis_title="utilisation while open (% of time on duty)",
                      yaxis_range=[0, 105], xaxis_dtick=1)
    if ts_all.empty or not hours:
        return _empty(fig)
    share = np.ones(len(ts_all)) if open_share is None else open_share
    busy, on_duty = ts_all["busy_mean"].to_numpy(dtype=float), ts_all["on_duty_mean"].to_numpy(dtype=float)
    parts = pd.DataFrame({"office": ts_all["office"].astype(str).to_numpy(), "hour": ts_all["hour"].to_numpy(),
                          "busy_open": busy * share, "on_duty_open": on_duty * share,
                          # desk-minutes serving in the bin outside opening hours
                          "busy_closed": busy * (1 - share) * BIN_MIN})
    sums = parts.groupby(["office", "hour"])[["busy_open", "on_duty_open", "busy_closed"]].sum()
    util = 100 * sums["busy_open"] / sums["on_duty_open"].where(sums["on_duty_open"] > 1e-9)
    # Per day the unit was open: a (replication, day) with some bin inside opening hours.
    day = (ts_all["bin_start_min"].to_numpy(dtype=float) // DAY).astype(np.int64)
    days = pd.DataFrame({"office": parts["office"], "replication": ts_all["replication"].to_numpy(), "day": day,
                         "open": share > 0})
    open_days = days[days["open"]].drop_duplicates(["office", "replication", "day"]).groupby("office").size()
    after = sums["busy_closed"].div(open_days, level="office")
    has_after = False
    for i, office in enumerate(offices):
        colour = UNIT_COLOURS[i % len(UNIT_COLOURS)]  # a unit's bars in its line's colour
        y = util.get(office, pd.Series(dtype=float)).reindex(hours)
        fig.add_scatter(x=hours, y=y.to_numpy(), mode="lines+markers", name=office, legendgroup=office,
                        line_color=colour, marker_color=colour,
                        hovertemplate="%{x}:00 – %{y:.0f} % while open<extra>%{fullData.name}</extra>")
        late = after.get(office, pd.Series(dtype=float)).reindex(hours).fillna(0.0)
        if (late > 0.05).any():
            has_after = True
            fig.add_bar(x=hours, y=late.where(late > 0.05).to_numpy(), name=f"{office}: serving after closing",
                        legendgroup=office, yaxis="y2", opacity=0.45, marker_color=colour,
                        hovertemplate="%{x}:00 – %{y:.1f} desk-min a day serving after closing"
                                      "<extra>%{fullData.name}</extra>")
    if has_after:
        fig.update_layout(yaxis2=dict(title_text="serving after closing (desk-min a day, bars)", overlaying="y",
                                      side="right", rangemode="tozero", showgrid=False, tickformat=".0f"),
                          barmode="group",
                          legend=dict(orientation="h", yanchor="top", y=-0.2, xanchor="left", x=0))
    return fig


def visits_figure(bundles: pd.DataFrame, kept: bool = True) -> go.Figure:
    """Share of ended bundles by visits, stacked by how they ended."""
    fig = go.Figure(layout_title_text=TITLE_VISITS)
    fig.update_layout(xaxis_title="contacts per bundle (visits, calls, sessions; 0: settled proactively)",
                      yaxis_title="share of ended bundles (%)",
                      barmode="stack", xaxis_dtick=1)
    if not kept:
        return _empty(fig, NOT_KEPT)
    status = bundles["status"].astype(str)
    ended = bundles[_mask(bundles["in_window"]) & status.isin(["settled", "abandoned"]).to_numpy()]
    if ended.empty:
        return _empty(fig)
    counts = pd.crosstab(ended["visits"].astype(int), ended["status"].astype(str))
    for st, color in (("settled", "#3a7d44"), ("abandoned", "#c0504d")):
        if st in counts:
            fig.add_bar(x=counts.index.to_numpy(), y=100 * counts[st].to_numpy() / len(ended),
                        name=st, marker_color=color,
                        hovertemplate="%{x} contacts: %{y:.1f} %<extra>" + st + "</extra>")
    return fig


def served_figure(cells: pd.DataFrame, offices: list[str]) -> go.Figure:
    """One heat map per unit (weekday × hour) of the share of queued contacts served within
    the standard's wait, on a shared red-to-green scale of 0–100 %; hours without queued
    contacts are blank.

    ``cells`` is :func:`simoffice.reports.served_hours.hour_cells` of the run; ``offices``
    the units in config order. With more than :data:`MAX_UNITS` units, those with the
    lowest share are drawn. Each unit's title sits in a gap of :data:`GAP_PX` pixels
    above its map, so titles never overlap each other or a map."""
    if cells.empty:
        return _empty(go.Figure(layout_title_text=TITLE_SERVED))
    present = set(cells["office"])
    units = [o for o in offices if o in present] + sorted(present - set(offices))
    title = TITLE_SERVED
    if len(units) > MAX_UNITS:
        sums = cells.groupby("office")[["in_time", "queued"]].sum()
        lowest = set((sums["in_time"] / sums["queued"]).nsmallest(MAX_UNITS).index)
        title += f" (the {MAX_UNITS} of {len(units)} units with the lowest share)"
        units = [u for u in units if u in lowest]
    weekdays = sorted(int(d) for d in cells["weekday"].unique())
    hours = list(range(int(cells["hour"].min()), int(cells["hour"].max()) + 1))
    unit_px = ROW_PX * len(weekdays) + 20
    plot_px = len(units) * unit_px + (len(units) - 1) * GAP_PX
    fig = make_subplots(rows=len(units), cols=1, shared_xaxes=True, subplot_titles=units,
                        vertical_spacing=GAP_PX / plot_px if len(units) > 1 else 0.0)
    index = pd.MultiIndex.from_product([weekdays, hours])
    grid = cells.set_index(["office", "weekday", "hour"])
    for i, unit in enumerate(units, start=1):
        part = grid.loc[unit].reindex(index)
        shape = (len(weekdays), len(hours))
        fig.add_heatmap(z=100 * part["share"].to_numpy(dtype=float).reshape(shape),
                        customdata=part["queued"].fillna(0).to_numpy(dtype=int).reshape(shape),
                        x=hours, y=[WEEKDAY_NAMES[d] for d in weekdays], coloraxis="coloraxis", name=unit,
                        hoverongaps=False,
                        hovertemplate="%{y} %{x}:00 – %{z:.0f} % served within the wait, "
                                      "n = %{customdata} queued contacts<extra>%{fullData.name}</extra>",
                        row=i, col=1)
    fig.update_yaxes(autorange="reversed")  # Monday on top
    fig.update_xaxes(dtick=1)
    fig.update_xaxes(title_text="hour of day", row=len(units), col=1)
    fig.update_layout(title=dict(text=title, y=1.0, yref="container", yanchor="top", pad=dict(t=12)),
                      height=plot_px + MARGIN_TOP_PX + MARGIN_BOTTOM_PX,
                      margin=dict(t=MARGIN_TOP_PX, b=MARGIN_BOTTOM_PX),
                      coloraxis=dict(colorscale="RdYlGn", cmin=0, cmax=100,
                                     colorbar_title_text="% within the wait"))
    return fig
