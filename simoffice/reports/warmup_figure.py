"""The warm-up's picture: the pilot's weekly figures and the warm-up the run used.

Drawn only for a run with ``run.warmup_weeks=auto`` (``summary["meta"]["warmup"]``,
:mod:`simoffice.run.warmup`). One small chart per kind of figure (mean wait in
minutes, queue in clients, the expert centre's backlog in cases), a line per unit:
the mean over the pilot's replications, week by week from the start of the run.
Weeks left of the dashed line are the warm-up, left out of every measure. A line
that still rises right of it had not settled.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.reports.kit import UNIT_COLOURS

TITLE_WARMUP = "Warm-up: the pilot's weekly figures from the start of the run"
# Kind of figure -> the axis title.
AXES = {"wait_mean_min": "mean wait (min)", "queue_length_mean": "clients waiting",
        "expert_backlog": "expert centre's cases"}
MAX_UNITS = 12  # lines per chart: the units with the longest warm-up first, then in config order


def _units(info: dict[str, Any], measure: str) -> list[str]:
    """The units drawn for ``measure``: at most :data:`MAX_UNITS`, those with the longest
    truncation first (the one that set the warm-up among them)."""
    units = [u for u, ms in info.get("series", {}).items() if measure in ms]
    by_unit = info.get("by_unit", {})
    ranked = sorted(units, key=lambda u: -by_unit.get(u, {}).get(measure, 0))  # stable: config order on ties
    return ranked[:MAX_UNITS]


def warmup_figures(results: Any) -> list[tuple[str, go.Figure]]:
    """``[("fig-warmup", figure)]`` for a run whose warm-up was found by a pilot; ``[]``
    otherwise."""
    info = results.summary.get("meta", {}).get("warmup")
    if not info or not info.get("series"):
        return []
    return [("fig-warmup", warmup_figure(info))]


def warmup_figure(info: dict[str, Any]) -> go.Figure:
    """The pilot's weekly means per unit, one chart per kind of figure, and a dashed
    line where the measured window starts (after ``info["weeks"]`` weeks)."""
    present = {m for ms in info["series"].values() for m in ms}
    measures = [m for m in AXES if m in present]
    fig = make_subplots(rows=len(measures), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=[AXES[m] for m in measures])
    used = info["weeks"]
    colour = {u: UNIT_COLOURS[i % len(UNIT_COLOURS)] for i, u in enumerate(info["series"])}  # config order
    shown: set[str] = set()  # a unit's legend entry once, for all its charts
    for row, measure in enumerate(measures, start=1):
        for unit in _units(info, measure):
            values = info["series"][unit][measure]
            fig.add_scatter(x=[w + 1 for w in range(len(values))], y=values, mode="lines+markers", name=unit,
                            line_color=colour[unit], marker_color=colour[unit], legendgroup=unit,
                            showlegend=unit not in shown,
                            hovertemplate=f"week %{{x}}: %{{y:.2f}} ({AXES[measure]})<extra>{unit}</extra>",
                            row=row, col=1)
            shown.add(unit)
        fig.update_yaxes(title_text=AXES[measure], rangemode="tozero", row=row, col=1)
        # The measured window starts after the warm-up: between week `used` and week `used + 1`.
        fig.add_vline(x=used + 0.5, line_dash="dash", line_color="firebrick", row=row, col=1)
    fig.add_annotation(text=f"warm-up used: {used} week{'s' if used != 1 else ''}", xref="paper", yref="paper",
                       x=1.0, y=1.06, showarrow=False, xanchor="right", font_color="firebrick")
    pilot = info.get("pilot", {})
    fig.update_xaxes(title_text=f"week of the run (pilot: {pilot.get('replications', '?')} replications × "
                                f"{pilot.get('weeks', '?')} weeks, mean over replications)",
                     dtick=1, row=len(measures), col=1)
    fig.update_layout(title_text=TITLE_WARMUP, height=120 + 240 * len(measures))
    return fig
