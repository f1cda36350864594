"""``comparison.html``: a self-contained page comparing arms, for managers.

On top, the verdict in plain sentences; then a table with each arm's measures
(mean and 95 % interval over replications) and the paired difference of each
arm from the baseline; then a figure of the headline measures per arm. Names
from configs are escaped; plotly.js is inlined once, so the page works offline.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.files import atomic_write
from simoffice.run.pages import page_writer
from simoffice.reports.report import CSS, MEASURES, _esc, _num

FIGURE_MEASURES = ("wait_mean_min", "service_level", "failed_trip_rate", "visits_per_bundle_mean")
TITLE_FIGURE = "Headline measures per arm (bars: 95 % intervals)"


def _scaled(x, share: bool):
    return None if x is None else (x * 100 if share else x)


def _cell(m: dict | None, share: bool) -> str:
    if not m or m.get("mean") is None:
        return "<td>–</td>"
    ci = ""
    if m.get("ci_low") is not None:
        ci = f'<span class="ci">{_num(_scaled(m["ci_low"], share))} – {_num(_scaled(m["ci_high"], share))}</span>'
    return f'<td class="num">{_num(_scaled(m["mean"], share))}{ci}</td>'


def _table(comparison: Any) -> str:
    arms = list(comparison.arms)
    others = arms[1:]
    head = ["Measure", "Unit"] + [_esc(a) for a in arms] + [f"{_esc(a)} − {_esc(arms[0])}" for a in others]
    diffs = comparison.differences.set_index(["arm", "measure"]) if len(comparison.differences) else None
    rows = []
    for key, (label, unit, share) in MEASURES.items():
        cells = [comparison.arms[a].summary["measures"].get(key) for a in arms]
        if all(not c or c.get("mean") is None for c in cells):
            continue
        row = [f"<td>{_esc(label)}</td>", f"<td>{_esc('points' if share else unit)}</td>"]
        row += [_cell(c, share) for c in cells]
        for a in others:
            d = None
            if diffs is not None and (a, key) in diffs.index:
                r = diffs.loc[(a, key)]
                d = {"mean": r["mean"], "ci_low": r["ci_low"], "ci_high": r["ci_high"]}
            row.append(_cell(d, share))
        rows.append("<tr>" + "".join(row) + "</tr>")
    header = "".join(f"<th>{h}</th>" for h in head)
    return (f"<table><caption>Mean over replications, 95 % interval below; differences are paired by "
            f"replication (the same clients in every arm)</caption><tr>{header}</tr>{''.join(rows)}</table>")


def _figure(comparison: Any) -> str:
    keys = [k for k in FIGURE_MEASURES if any(
        (r.summary["measures"].get(k) or {}).get("mean") is not None for r in comparison.arms.values())]
    if not keys:
        return ""
    titles = [f"{MEASURES[k][0]} ({'%' if MEASURES[k][2] else MEASURES[k][1]})" for k in keys]
    fig = make_subplots(rows=1, cols=len(keys), subplot_titles=titles)
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
    fig.update_layout(title=TITLE_FIGURE, template="plotly_white", height=420, margin=dict(t=90))
    return fig.to_html(full_html=False, include_plotlyjs=True, div_id="fig-comparison",
                       config={"displaylogo": False}, default_height="420px")


def build_comparison_html(comparison: Any) -> str:
    arms = list(comparison.arms)
    meta = comparison.arms[arms[0]].summary["meta"]
    title = "simoffice comparison: " + " vs ".join(arms)
    verdicts = "".join(f"<li>{_esc(v)}</li>" for v in comparison.verdicts) or "<li>No measure to compare.</li>"
    subtitle = (f"Network <b>{_esc(meta.get('network', '?'))}</b> · {_esc(meta.get('weeks', '?'))} weeks, "
                f"{_esc(meta.get('warmup_weeks', '?'))} of warm-up · {_esc(meta.get('replications', '?'))} "
                f"replications with seed {_esc(meta.get('seed', '?'))} in every arm · baseline: "
                f"<b>{_esc(arms[0])}</b>")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_esc(title)}</h1>", f'<p class="subtitle">{subtitle}</p>',
        f'<div class="summary"><b>Verdict</b><ul>{verdicts}</ul>'
        '<span class="note">"No clear difference": the 95 % interval of the paired difference contains 0.</span>'
        "</div>",
        "<h2>Measures</h2>", _table(comparison),
        "<h2>Figure</h2>", _figure(comparison),
        "<footer>simoffice · every arm sees the same clients (common random numbers); intervals are 95 % "
        "Student-t intervals over replications. Each arm's own report is in its folder.</footer>",
        "</body></html>",
    ])


@page_writer("comparison")
def write_comparison_report(comparison: Any, path: str | os.PathLike) -> Path:
    """Write ``comparison.html`` atomically."""
    text = build_comparison_html(comparison)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
