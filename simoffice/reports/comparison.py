"""``comparison.html``: a self-contained page comparing arms, for managers.

On top, the verdict in plain sentences; then a table with each arm's measures
(mean and 95 % interval over replications) and the paired difference of each
arm from the baseline; then a figure of the headline measures per arm. Names
from configs are escaped; the page is built from :mod:`simoffice.reports.kit`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.reports.kit import cell, esc, figure_divs, page, section, table, write_html
from simoffice.reports.labels import MEASURES, axis_title
from simoffice.run.pages import page_writer

FIGURE_MEASURES = ("wait_mean_min", "service_level", "failed_trip_rate", "visits_per_bundle_mean")
TITLE_FIGURE = "Headline measures per arm (bars: 95 % intervals)"


def _scaled(x, share: bool):
    return None if x is None else (x * 100 if share else x)


def _cell(m: dict | None, share: bool) -> str:
    """A cell of an arm's measure or of a difference (which may be negative: not clipped)."""
    m = m or {}
    return cell(*(_scaled(m.get(k), share) for k in ("mean", "ci_low", "ci_high")))


def _table(comparison: Any) -> str:
    arms = list(comparison.arms)
    others = arms[1:]
    head = ["Measure", "Unit"] + [esc(a) for a in arms] + [f"{esc(a)} − {esc(arms[0])}" for a in others]
    diffs = comparison.differences.set_index(["arm", "measure"]) if len(comparison.differences) else None
    rows = []
    for key, (label, unit, share) in MEASURES.items():
        cells = [comparison.arms[a].summary["measures"].get(key) for a in arms]
        if all(not c or c.get("mean") is None for c in cells):
            continue
        row = [f"<td>{esc(label)}</td>", f"<td>{esc('points' if share else unit)}</td>"]
        row += [_cell(c, share) for c in cells]
        for a in others:
            d = None
            if diffs is not None and (a, key) in diffs.index:
                r = diffs.loc[(a, key)]
                d = {"mean": r["mean"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]}
            row.append(_cell(d, share))
        rows.append("<tr>" + "".join(row) + "</tr>")
    return table(head, rows, "Mean over replications, 95 % interval below; differences are paired by "
                             "replication (the same clients in every arm)")


def _figure(comparison: Any) -> go.Figure | None:
    keys = [k for k in FIGURE_MEASURES if any(
        (r.summary["measures"].get(k) or {}).get("mean") is not None for r in comparison.arms.values())]
    if not keys:
        return None
    fig = make_subplots(rows=1, cols=len(keys), subplot_titles=[axis_title(k) for k in keys])
    arms = list(comparison.arms)
    for i, k in enumerate(keys, start=1):
        share = MEASURES[k][2]
        means, lo, hi = [], [], []
        for a in arms:
            m = comparison.arms[a].summary["measures"].get(k) or {}
            mean = _scaled(m.get("mean"), share)
            means.append(mean)
            low, high = _scaled(m.get("ci_low"), share), _scaled(m.get("ci_high"), share)
            lo.append(0 if low is None or mean is None else mean - low)
            hi.append(0 if high is None or mean is None else high - mean)
        fig.add_trace(go.Bar(x=arms, y=means, error_y=dict(type="data", array=hi, arrayminus=lo),
                             showlegend=False, marker_color="#36c"), row=1, col=i)
    fig.update_layout(title=TITLE_FIGURE, height=420)
    return fig


def build_comparison_html(comparison: Any) -> str:
    """The comparison page as one self-contained HTML string."""
    arms = list(comparison.arms)
    meta = comparison.arms[arms[0]].summary["meta"]
    verdicts = "".join(f"<li>{esc(v)}</li>" for v in comparison.verdicts) or "<li>No measure to compare.</li>"
    subtitle = (f"Network <b>{esc(meta.get('network', '?'))}</b> · {esc(meta.get('weeks', '?'))} weeks, "
                f"{esc(meta.get('warmup_weeks', '?'))} of warm-up · {esc(meta.get('replications', '?'))} "
                f"replications with seed {esc(meta.get('seed', '?'))} in every arm · baseline: "
                f"<b>{esc(arms[0])}</b>")
    figure = _figure(comparison)
    body = [
        f'<div class="summary"><b>Verdict</b><ul>{verdicts}</ul>'
        '<span class="note">"No clear difference": the 95 % interval of the paired difference contains 0.</span>'
        "</div>",
        section("Measures", _table(comparison)),
        section("Figure", *figure_divs([] if figure is None else [("fig-comparison", figure)], top_margin=90)),
    ]
    footer = ("simoffice · every arm sees the same clients (common random numbers); intervals are 95 % "
              "Student-t intervals over replications. Each arm's own report is in its folder.")
    return page("simoffice comparison: " + " vs ".join(arms), body, footer, subtitle)


@page_writer("comparison")
def write_comparison_report(comparison: Any, path: str | os.PathLike) -> Path:
    """Write ``comparison.html`` atomically."""
    return write_html(build_comparison_html(comparison), path)
