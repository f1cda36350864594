"""``staffing.html``: the staffing search's result on one self-contained page.

On top, the weekly staff hours before and after and what the simulation changed
in Erlang C's first guess; then a table of hours per unit; then, per unit, the
desks found for each weekday × block and the simulated service level there.
Names from configs are escaped; the page is built from :mod:`simoffice.reports.kit`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.reports.kit import esc, figure_divs, num, page, section, table, write_html
from simoffice.run.pages import page_writer
from simoffice.vocabulary import WEEKDAYS

TITLE_STAFF = "Desks per weekday and block (left) and the simulated service level there (right)"
APPROXIMATIONS = (
    "Erlang C's first guess treats each block as a steady-state M/M/c queue on its own (load from the "
    "baseline's pilot run); the simulation rounds correct it, including what Erlang C leaves out: queues "
    "carried from one block into the next, patience, returns and re-calls, service times that are not "
    "exponential. Every block changes at once in a round, so a block's result depends a little on its "
    "neighbours'. A unit's desks are searched as one pool and split over its desk groups in proportion to "
    "their baseline hours. Mobile offices, the video centre and the expert centre keep their baseline staff."
)


def _hours_table(search: Any) -> str:
    rows = []
    for r in search.hours.itertuples():
        pct = "" if not np.isfinite(r.change_pct) else f" ({r.change_pct:+.1f} %)"
        cls = ' style="font-weight:bold"' if r.office == "total" else ""
        rows.append(f"<tr{cls}><td>{esc(r.office)}</td><td class=\"num\">{num(r.baseline_hours)}</td>"
                    f"<td class=\"num\">{num(r.staffed_hours)}</td>"
                    f"<td class=\"num\">{r.change:+.1f}{esc(pct)}</td></tr>")
    return table(["Unit", "Baseline", "Staffed", "Change"], rows,
                 "Scheduled desk hours per week (shifts × desks; overtime not included)")


def _figure(search: Any) -> go.Figure | None:
    """Per unit, two heatmaps over weekday × block: the desks found, and the service level."""
    t = search.table
    units = list(dict.fromkeys(t["office"].astype(str)))
    if not units:
        return None
    fig = make_subplots(rows=len(units), cols=2, horizontal_spacing=0.08,
                        vertical_spacing=min(0.12, 0.4 / len(units)),
                        subplot_titles=[f"{u}: {what}" for u in units for what in ("desks", "service level (%)")])
    for i, unit in enumerate(units, start=1):
        part = t[t["office"].astype(str) == unit]
        days = [d for d in WEEKDAYS if d in set(part["weekday"])]
        starts = sorted(set(part["block_start"]))
        grid = part.set_index(["weekday", "block_start"])
        index = pd.MultiIndex.from_product([days, starts])

        def z(col: str, scale: float = 1.0) -> np.ndarray:
            return (grid[col].reindex(index).to_numpy(dtype=float) * scale).reshape(len(days), len(starts))

        hover = np.array([
            f"Erlang C guess {g:.0f}, baseline {b:.0f}, load {a:.2f}"
            for g, b, a in zip(z("erlang_c_guess").ravel(), z("baseline_staff").ravel(), z("load").ravel())
        ]).reshape(len(days), len(starts))
        labels = [d.capitalize() for d in days]
        fig.add_heatmap(z=z("staff"), x=starts, y=labels, customdata=hover, coloraxis="coloraxis",
                        text=z("staff"), texttemplate="%{text:.0f}",
                        hovertemplate="%{y} %{x}: %{z:.0f} desks<br>%{customdata}<extra></extra>", row=i, col=1)
        fig.add_heatmap(z=z("service_level", 100), x=starts, y=labels, coloraxis="coloraxis2",
                        hovertemplate="%{y} %{x}: %{z:.1f} % within the target<extra></extra>", row=i, col=2)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(title_text=TITLE_STAFF, height=150 + 260 * len(units),
                      coloraxis=dict(colorscale="Blues", cmin=0, colorbar=dict(title_text="desks", x=0.46)),
                      coloraxis2=dict(colorscale="RdYlGn", cmin=50, cmax=100,
                                      colorbar=dict(title_text="% in time", x=1.02)))
    return fig


def _summary(search: Any, config_dir: str | os.PathLike) -> str:
    """The hours before and after, what the simulation changed in Erlang C's guess, the command."""
    m = search.meta
    total = search.hours.iloc[-1]
    t = search.table
    up, down = int((t["staff"] > t["erlang_c_guess"]).sum()), int((t["staff"] < t["erlang_c_guess"]).sum())
    settled = (f"The search settled after {m['rounds']} simulation rounds." if search.converged else
               f"The search did not settle in {m['rounds']} rounds: {search.pending} blocks would still change "
               "(raise staffing.max_rounds); the staffing shown has the desks the last round added, not those it would "
               "take away, simulated once more.")
    pct = "" if not np.isfinite(total["change_pct"]) else f", {total['change_pct']:+.1f} %"
    return (
        f"<p>Weekly staff hours of the units searched: <b>{num(total['baseline_hours'])}</b> in the baseline, "
        f"<b>{num(total['staffed_hours'])}</b> staffed ({total['change']:+.1f} h{esc(pct)}).</p>"
        f"<p>Erlang C's first guess was kept in {len(t) - up - down} of {len(t)} blocks; the simulation added "
        f"desks in {up} and removed desks in {down}. {esc(settled)}</p>"
        f"<p>Run the staffed network: <code>{esc(search.command(config_dir))}</code></p>"
    )


def build_staffing_html(search: Any, config_dir: str | os.PathLike) -> str:
    """The staffing page as one self-contained HTML string; ``config_dir`` is where the
    staffed configs are written (the page shows the command that runs them)."""
    m = search.meta
    target = f"{m['service_level']:.0%} of clients within {m['service_level_target_min']:g} min"
    if m.get("phone_target_sec") is not None and any(search.table["kind"] == "contact_centre"):
        target += f" (calls: within {m['phone_target_sec']:g} s)"
    subtitle = (f"Target <b>{esc(target)}</b> · schedule <b>{esc(m['schedule'])}</b> · design "
                f"<b>{esc(m['design'])}</b> · {esc(m['block_min'])}-min blocks · {esc(m['replications'])} "
                f"replications × {esc(m['weeks'])} weeks ({esc(m['warmup_weeks'])} warm-up), seed "
                f"{esc(m['seed'])}")
    figure = _figure(search)
    body = [
        f'<div class="summary">{_summary(search, config_dir)}</div>',
        section("Staff hours", _hours_table(search)),
        section("Staffing by weekday and block",
                *figure_divs([] if figure is None else [("fig-staffing", figure)], top_margin=90),
                f'<p class="note">{esc(APPROXIMATIONS)}</p>'),
    ]
    footer = ("simoffice · staffing.parquet has every block: load, Erlang C's guess, the staff found and the "
              "simulated service level with its 95 % interval over replications; staffing_rounds.parquet has every "
              "round.")
    return page(f"simoffice staffing: {m['network']}", body, footer, subtitle)


@page_writer("staffing")
def write_staffing_report(search: Any, path: str | os.PathLike, config_dir: str | os.PathLike) -> Path:
    """Write ``staffing.html`` atomically."""
    return write_html(build_staffing_html(search, config_dir), path)
