"""The comparison page's figures: one small bar chart per headline measure, in a grid.

One figure per measure (not subplots of one figure) keeps every title in its own
box: a title is wrapped to :data:`TITLE_CHARS` characters a line, which fit in the
narrowest figure the grid lays out (:data:`MIN_WIDTH` pixels), and the top margin
grows with the title's lines. Each arm's bar has the arm's colour everywhere
on the page (:func:`simoffice.reports.comparison_arms.arm_colour`).
"""

from __future__ import annotations

import textwrap
from typing import Any

import plotly.graph_objects as go

from simoffice.reports.comparison_arms import arm_colour
from simoffice.reports.labels import MEASURES, cap
from simoffice.studies.compare_verdict import VERDICT, unit_text

MIN_WIDTH = 300  # pixels: the grid's narrowest column, on screen and in print
HEIGHT = 280  # pixels of each figure
TITLE_SIZE = 13  # font size of a title, pixels
TITLE_CHARS = 32  # characters a title line holds: about TITLE_SIZE * 0.6 pixels each, within MIN_WIDTH
LINE_HEIGHT = 1.3 * TITLE_SIZE  # pixels a title line takes
TITLE_PAD = 14  # pixels between a title and its plot
SIDE_MARGIN = 40  # pixels left and right of the plot
# Small figures need no tool bar: it would lie over their titles.
CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}


def title_lines(text: str) -> list[str]:
    """A title wrapped to lines of at most :data:`TITLE_CHARS` characters."""
    return textwrap.wrap(text, TITLE_CHARS) or [""]


def top_margin(lines: int) -> int:
    """Pixels above the plot for a title of ``lines`` lines, its pad and some air above it."""
    return int(lines * LINE_HEIGHT + TITLE_PAD + 12)


def figure_title(measure: str, currency: str) -> str:
    """A figure's title: the measure's short label and unit, ``Failed trips (%)``, ``Cost (EUR a week)``."""
    if measure in VERDICT:
        label, unit, _ = VERDICT[measure]
        unit = unit_text(unit, currency) or MEASURES[measure][1]
    else:
        label, unit, _ = MEASURES[measure]
    return f"{cap(label)} ({unit})"


def measure_figure(comparison: Any, measure: str) -> go.Figure | None:
    """Bars of each arm's mean of ``measure`` with its 95 % interval; None when no arm has a mean."""
    share = MEASURES[measure][2]
    arms, means, plus, minus, colours = [], [], [], [], []
    for arm, res in comparison.arms.items():
        m = res.summary["measures"].get(measure) or {}
        mean = m.get("mean")
        if mean is None:
            continue
        scale = 100 if share else 1
        arms.append(arm)
        means.append(mean * scale)
        lo, hi = m.get("ci_low"), m.get("ci_high")
        minus.append(0 if lo is None else (mean - lo) * scale)
        plus.append(0 if hi is None else (hi - mean) * scale)
        colours.append(arm_colour(comparison, arm))
    if not arms:
        return None
    lines = title_lines(figure_title(measure, comparison.currency))
    fig = go.Figure(go.Bar(x=arms, y=means, marker_color=colours, showlegend=False,
                           error_y=dict(type="data", array=plus, arrayminus=minus, visible=True, color="#444"),
                           hovertemplate="%{x}: %{y:.3g}<extra></extra>"))
    # The title stands on the plot (its bottom at the plot's top), so however many lines it has it
    # grows upwards into the top margin, which top_margin sizes for it.
    fig.update_layout(title=dict(text="<br>".join(lines), x=0.5, xanchor="center", y=1, yanchor="bottom",
                                 yref="paper", pad=dict(b=TITLE_PAD), font=dict(size=TITLE_SIZE)),
                      height=HEIGHT, margin=dict(l=SIDE_MARGIN, r=SIDE_MARGIN / 2, b=40),
                      xaxis=dict(type="category", automargin=True), yaxis=dict(rangemode="tozero", automargin=True))
    return fig


def figures(comparison: Any, measures: list[str]) -> str:
    """The figures of ``measures`` (those with data) in a grid of columns at least
    :data:`MIN_WIDTH` pixels wide; "" when there is none."""
    figs = [(m, measure_figure(comparison, m)) for m in measures]
    figs = [(m, f) for m, f in figs if f is not None]
    if not figs:
        return ""
    # plotly.js is inlined in the first figure only. The top margin fits the longest title.
    lines = max(fig.layout.title.text.count("<br>") + 1 for _, fig in figs)
    divs = []
    for m, fig in figs:
        fig.update_layout(template="plotly_white", margin=dict(t=top_margin(lines)))
        div = fig.to_html(full_html=False, include_plotlyjs=not divs, div_id=f"fig-{m}", config=CONFIG,
                          default_height=f"{HEIGHT}px")
        divs.append(f'<div class="figure" data-measure="{m}">{div}</div>')
    return (f'<div class="figure-grid" style="display:grid;grid-template-columns:repeat(auto-fill,'
            f'minmax({MIN_WIDTH}px,1fr));gap:.5em 1em">{"".join(divs)}</div>')
