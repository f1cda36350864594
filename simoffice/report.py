"""A self-contained HTML report of one run, for managers.

:func:`build_report_html` turns a results object (``summary``, ``contacts``,
``bundles``, ``timeseries``, ``replications``) into one HTML page: a title, a
plain-language summary, a table of measures with 95 % intervals and four plotly
figures. plotly.js is inlined once, so the page works offline and can be
forwarded as a single file. :func:`write_report` writes it atomically.

Tables can be large (a row per contact), so everything is aggregated with
pandas/numpy first and the figures only ever hold a few hundred points.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.files import atomic_write

__all__ = ["build_report_html", "write_report"]

WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Figure titles; the tests look for them, so they live in one place.
TITLE_WAIT = "Waiting time of served clients"
TITLE_QUEUE = "Mean queue length by weekday and hour"
TITLE_UTIL = "Desk utilisation by hour of day"
TITLE_VISITS = "Visits needed per bundle"

# key -> (label, unit, is_share). Shares are stored in [0, 1] and shown in %.
MEASURES: dict[str, tuple[str, str, bool]] = {
    "wait_mean_min": ("Mean wait", "min", False),
    "wait_p50_min": ("Median wait", "min", False),
    "wait_p90_min": ("90th percentile of wait", "min", False),
    "wait_p95_min": ("95th percentile of wait", "min", False),
    "service_level": ("Seen within the target wait", "%", True),
    "abandonment_rate": ("Left the queue before service", "%", True),
    "visits_per_bundle_mean": ("Visits per bundle", "visits", False),
    "one_visit_resolution": ("Bundles settled in one visit", "%", True),
    "bundle_completion_days_mean": ("Time to complete a bundle", "days", False),
    "failed_trip_rate": ("Failed trips (office closed, or sent away at closing)", "%", True),
    "utilisation": ("Desk utilisation (busy / on duty)", "%", True),
    "overtime_min": ("Overtime", "min per week", False),
    "staff_hours": ("Staff hours", "h per week", False),
    "contacts_per_week": ("Contacts", "per week", False),
    "queue_length_mean": ("Mean queue length", "clients", False),
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.1em} .subtitle{color:#555;margin-top:0}
.summary{font-size:1.1em;background:#f3f6fa;border-left:4px solid #36c;padding:.7em 1em}
table{border-collapse:collapse;margin:1em 0} th,td{padding:.3em .8em;border-bottom:1px solid #ddd}
th{text-align:left;background:#f3f6fa} td.num{text-align:right;font-variant-numeric:tabular-nums}
footer{color:#777;font-size:.85em;margin-top:2em}
"""


def _esc(value: Any) -> str:
    return html.escape(str(value))


def _num(x: float | None) -> str:
    """Round to what a reader needs: fewer decimals for larger numbers."""
    if x is None or not np.isfinite(x):
        return "–"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}"


def _mask(s: pd.Series) -> np.ndarray:
    """A boolean column as a numpy mask; missing counts as False."""
    return s.fillna(False).astype(bool).to_numpy()


def _order(s: pd.Series) -> list[str]:
    """Names in config order: categories if categorical, else first appearance."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        present = set(s.dropna().astype(str))
        return [str(c) for c in s.cat.categories if str(c) in present]
    return list(dict.fromkeys(s.dropna().astype(str)))


def _measure(summary: dict, key: str) -> dict:
    return summary.get("measures", {}).get(key) or {}


def _mean(summary: dict, key: str) -> float | None:
    m = _measure(summary, key).get("mean")
    return None if m is None or not np.isfinite(m) else float(m)


# ---------------------------------------------------------------- text parts


def _summary_paragraph(summary: dict) -> str:
    """One sentence of the headline numbers, skipping any that are missing."""
    target = float(summary.get("meta", {}).get("service_level_target_min", 15))
    parts = []
    wait = _mean(summary, "wait_mean_min")
    if wait is not None:
        m = _measure(summary, "wait_mean_min")
        text = f"clients waited {wait:.1f} min on average"
        if m.get("ci_low") is not None and m.get("ci_high") is not None:
            text += f" (95&nbsp;% CI {m['ci_low']:.1f}–{m['ci_high']:.1f})"
        parts.append(text)
    sl = _mean(summary, "service_level")
    if sl is not None:
        parts.append(f"{100 * sl:.0f}&nbsp;% were seen within {target:g} min")
    ab = _mean(summary, "abandonment_rate")
    if ab is not None:
        parts.append(f"{100 * ab:.0f}&nbsp;% gave up waiting")
    ut = _mean(summary, "utilisation")
    if ut is not None:
        parts.append(f"desks were busy {100 * ut:.0f}&nbsp;% of their time on duty")
    vb = _mean(summary, "visits_per_bundle_mean")
    if vb is not None:
        parts.append(f"a bundle took {vb:.1f} visits on average")
    if not parts:
        return '<p class="summary">No measures were recorded in this run.</p>'
    text = "; ".join(parts)
    return f'<p class="summary">{text[0].upper()}{text[1:]}.</p>'


def _measures_table(summary: dict) -> str:
    """Known measures in a fixed, readable order, then any others by key."""
    measures = summary.get("measures", {})
    keys = [k for k in MEASURES if k in measures] + [k for k in measures if k not in MEASURES]
    rows = []
    for key in keys:
        m = measures[key] or {}
        label, unit, share = MEASURES.get(key, (key, "", False))
        scale = 100.0 if share else 1.0

        def val(name: str) -> float | None:
            v = m.get(name)
            return None if v is None else scale * float(v)

        lo, hi = val("ci_low"), val("ci_high")
        ci = "–" if lo is None or hi is None else f"{_num(lo)} – {_num(hi)}"
        rows.append(
            f'<tr><td title="{_esc(key)}">{_esc(label)}</td><td class="num">{_num(val("mean"))}</td>'
            f'<td class="num">{ci}</td><td class="num">{_esc(m.get("n", "–"))}</td>'
            f"<td>{_esc(unit)}</td></tr>"
        )
    head = "<tr><th>Measure</th><th>Mean</th><th>95&nbsp;% interval</th><th>n</th><th>Units</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


# ------------------------------------------------------------------- figures


def _empty(fig: go.Figure) -> go.Figure:
    fig.add_annotation(text="No data in the measured window", showarrow=False,
                       xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def _wait_figure(contacts: pd.DataFrame, target: float) -> go.Figure:
    """Histogram of waits, binned with numpy so the figure stays small."""
    fig = go.Figure(layout_title_text=TITLE_WAIT)
    fig.update_layout(xaxis_title="wait (min)", yaxis_title="share of served clients (%)")
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


def _queue_figure(ts_all: pd.DataFrame, offices: list[str], hours: list[int]) -> go.Figure:
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


def _util_figure(ts_all: pd.DataFrame, offices: list[str], hours: list[int]) -> go.Figure:
    """Busy time over time on duty per hour; hours without staff are gaps."""
    fig = go.Figure(layout_title_text=TITLE_UTIL)
    fig.update_layout(xaxis_title="hour of day", yaxis_title="utilisation (% of time on duty)",
                      yaxis_range=[0, 105], xaxis_dtick=1)
    sums = ts_all.groupby(["office", "hour"])[["busy_mean", "on_duty_mean"]].sum()
    if sums.empty or not hours:
        return _empty(fig)
    util = 100 * sums["busy_mean"] / sums["on_duty_mean"].where(sums["on_duty_mean"] > 0)
    for office in offices:
        y = util.get(office, pd.Series(dtype=float)).reindex(hours)
        fig.add_scatter(x=hours, y=y.to_numpy(), mode="lines+markers", name=office,
                        hovertemplate="%{x}:00 – %{y:.0f} %<extra>%{fullData.name}</extra>")
    return fig


def _visits_figure(bundles: pd.DataFrame) -> go.Figure:
    """Share of ended bundles by visits, stacked by how they ended."""
    fig = go.Figure(layout_title_text=TITLE_VISITS)
    fig.update_layout(xaxis_title="visits per bundle", yaxis_title="share of ended bundles (%)",
                      barmode="stack", xaxis_dtick=1)
    status = bundles["status"].astype(str)
    ended = bundles[_mask(bundles["in_window"]) & status.isin(["settled", "abandoned"]).to_numpy()]
    if ended.empty:
        return _empty(fig)
    counts = pd.crosstab(ended["visits"].astype(int), ended["status"].astype(str))
    for st, color in (("settled", "#3a7d44"), ("abandoned", "#c0504d")):
        if st in counts:
            fig.add_bar(x=counts.index.to_numpy(), y=100 * counts[st].to_numpy() / len(ended),
                        name=st, marker_color=color,
                        hovertemplate="%{x} visits: %{y:.1f} %<extra>" + st + "</extra>")
    return fig


# ---------------------------------------------------------------------- page


def build_report_html(results: Any) -> str:
    """Return the report as one self-contained HTML page (plotly.js inlined once)."""
    summary = results.summary
    meta = summary.get("meta", {})
    target = float(meta.get("service_level_target_min", 15))

    ts = results.timeseries
    ts_all = ts[(ts["desk_group"] == "all").to_numpy(dtype=bool)].copy()
    offices = _order(ts_all["office"]) or _order(results.contacts["office"])
    ts_all["office"] = ts_all["office"].astype(str)
    # Hours shown: from the first to the last hour that ever has staff or a queue.
    active = ts_all.loc[(ts_all["on_duty_mean"] > 0) | (ts_all["queue_mean"] > 0), "hour"]
    hours = list(range(int(active.min()), int(active.max()) + 1)) if len(active) else []

    figures = [
        ("fig-wait", _wait_figure(results.contacts, target)),
        ("fig-queue", _queue_figure(ts_all, offices, hours)),
        ("fig-util", _util_figure(ts_all, offices, hours)),
        ("fig-visits", _visits_figure(results.bundles)),
    ]
    config = {"displaylogo": False, "responsive": True}
    parts = []
    for i, (div_id, fig) in enumerate(figures):
        # A fixed height: a 100 % high div inside an unsized page would collapse.
        height = fig.layout.height or 450
        fig.update_layout(template="plotly_white", margin=dict(t=70), height=height)
        # plotly.js goes inline with the first figure only: offline, and once.
        parts.append(fig.to_html(full_html=False, include_plotlyjs=(i == 0), div_id=div_id,
                                 config=config, default_height=f"{height}px"))

    network = meta.get("network", "")
    subtitle = (
        f"Schedule <b>{_esc(meta.get('schedule', '?'))}</b> · design <b>{_esc(meta.get('design', '?'))}</b>"
        f" · {_esc(meta.get('weeks', '?'))} weeks simulated, of which"
        f" {_esc(meta.get('warmup_weeks', '?'))} warm-up"
        f" · {_esc(meta.get('replications', '?'))} replications"
    )
    footer = (
        f"simoffice {_esc(meta.get('version', ''))} · seed {_esc(meta.get('seed', '?'))}"
        " · intervals are 95&nbsp;% confidence intervals over replications"
    )
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>simoffice report: {_esc(network)}</title><style>{CSS}</style></head><body>",
        f"<h1>simoffice report: {_esc(network)}</h1>",
        f'<p class="subtitle">{subtitle}</p>',
        _summary_paragraph(summary),
        "<h2>Measures</h2>",
        _measures_table(summary),
        "<h2>Figures</h2>",
        *parts,
        f"<footer>{footer}</footer>",
        "</body></html>",
    ])


def write_report(results: Any, path: str | os.PathLike) -> Path:
    """Write the report to ``path`` atomically and return the path.

    The page goes to a temporary file in the same directory first, so a reader
    never sees half a file and an existing report is only replaced when the new
    one is complete.
    """
    text = build_report_html(results)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
