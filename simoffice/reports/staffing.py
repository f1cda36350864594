"""``staffing.html``: the staffing search's result on one self-contained page.

On top, the weekly staff hours before and after and what the simulation changed
in Erlang C's first guess; then a table of hours per unit; then, per unit, the
desks found for each weekday × block and the simulated service level there.
Names from configs are escaped; plotly.js is inlined once, so the page works
offline and can be forwarded as one file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from plotly.subplots import make_subplots

from simoffice.files import atomic_write
from simoffice.run.pages import page_writer
from simoffice.reports.report import CSS, _esc, _num
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
        rows.append(f"<tr{cls}><td>{_esc(r.office)}</td><td class=\"num\">{_num(r.baseline_hours)}</td>"
                    f"<td class=\"num\">{_num(r.staffed_hours)}</td>"
                    f"<td class=\"num\">{r.change:+.1f}{_esc(pct)}</td></tr>")
    return ("<table><caption>Scheduled desk hours per week (shifts × desks; overtime not included)</caption>"
            "<tr><th>Unit</th><th>Baseline</th><th>Staffed</th><th>Change</th></tr>" + "".join(rows) + "</table>")


def _figure(search: Any) -> str:
    t = search.table
    units = list(dict.fromkeys(t["office"].astype(str)))
    if not units:
        return ""
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
    fig.update_layout(title_text=TITLE_STAFF, template="plotly_white", height=150 + 260 * len(units),
                      margin=dict(t=90),
                      coloraxis=dict(colorscale="Blues", cmin=0, colorbar=dict(title_text="desks", x=0.46)),
                      coloraxis2=dict(colorscale="RdYlGn", cmin=50, cmax=100,
                                      colorbar=dict(title_text="% in time", x=1.02)))
    height = fig.layout.height
    return fig.to_html(full_html=False, include_plotlyjs=True, div_id="fig-staffing",
                       config={"displaylogo": False}, default_height=f"{height}px")


def build_staffing_html(search: Any, config_dir: str | os.PathLike) -> str:
    m = search.meta
    total = search.hours.iloc[-1]
    t = search.table
    up, down = int((t["staff"] > t["erlang_c_guess"]).sum()), int((t["staff"] < t["erlang_c_guess"]).sum())
    target = f"{m['service_level']:.0%} of clients within {m['service_level_target_min']:g} min"
    if m.get("phone_target_sec") is not None and any(t["kind"] == "contact_centre"):
        target += f" (calls: within {m['phone_target_sec']:g} s)"
    settled = (f"The search settled after {m['rounds']} simulation rounds." if search.converged else
               f"The search did not settle in {m['rounds']} rounds: {search.pending} blocks would still change "
               "(raise staffing.max_rounds); the staffing shown has the desks the last round added, not those it would "
               "take away, simulated once more.")
    pct = "" if not np.isfinite(total["change_pct"]) else f", {total['change_pct']:+.1f} %"
    summary = (
        f"<p>Weekly staff hours of the units searched: <b>{_num(total['baseline_hours'])}</b> in the baseline, "
        f"<b>{_num(total['staffed_hours'])}</b> staffed ({total['change']:+.1f} h{_esc(pct)}).</p>"
        f"<p>Erlang C's first guess was kept in {len(t) - up - down} of {len(t)} blocks; the simulation added "
        f"desks in {up} and removed desks in {down}. {_esc(settled)}</p>"
        f"<p>Run the staffed network: <code>{_esc(search.command(config_dir))}</code></p>"
    )
    title = f"simoffice staffing: {m['network']}"
    subtitle = (f"Target <b>{_esc(target)}</b> · schedule <b>{_esc(m['schedule'])}</b> · design "
                f"<b>{_esc(m['design'])}</b> · {_esc(m['block_min'])}-min blocks · {_esc(m['replications'])} "
                f"replications × {_esc(m['weeks'])} weeks ({_esc(m['warmup_weeks'])} warm-up), seed "
                f"{_esc(m['seed'])}")
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_esc(title)}</h1>", f'<p class="subtitle">{subtitle}</p>',
        f'<div class="summary">{summary}</div>',
        "<h2>Staff hours</h2>", _hours_table(search),
        "<h2>Staffing by weekday and block</h2>", _figure(search),
        f'<p class="note">{_esc(APPROXIMATIONS)}</p>',
        "<footer>simoffice · staffing.parquet has every block: load, Erlang C's guess, the staff found and the "
        "simulated service level with its 95 % interval over replications; staffing_rounds.parquet has every "
        "round.</footer>",
        "</body></html>",
    ])


@page_writer("staffing")
def write_staffing_report(search: Any, path: str | os.PathLike, config_dir: str | os.PathLike) -> Path:
    """Write ``staffing.html`` atomically."""
    text = build_staffing_html(search, config_dir)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
