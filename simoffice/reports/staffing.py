"""``staffing.html``: the staffing search's roster on one self-contained page.

On top, the verdict: the staffed run's measured paid hours against the
baseline's, and whether the roster meets the target (or that the baseline is
already lean). Then the measured hours, overtime, cost, FTE and target
measure per unit before and after, each with its 95 % interval; then, per unit
(a menu picks the unit), the roster as a Gantt chart of shifts by day, the
requirement against the rostered desks per interval, and the measured target
per interval against the goal. Every figure is what a simulation measured,
except the requirement and the roster themselves (the plan). Names from
configs are escaped; the page is built from :mod:`simoffice.reports.kit`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.reports.kit import cell, esc, figure_divs, finite, page, section, table, write_html
from simoffice.run.pages import page_writer
from simoffice.vocabulary import WEEKDAYS, hhmm

LABELS = {"staff_hours": "Staff hours (paid + overtime)", "overtime_min": "Overtime", "cost": "Staff cost",
          "fte": "FTE to employ", "target": "Target measure"}
APPROXIMATIONS = (
    "The requirement treats each interval as a stationary queue (Erlang C; Erlang A for an abandonment target), "
    "on the offered load of the infinite-server method unless staffing.method is per_interval; the roster covers it "
    "at least cost by integer programming per desk group; the simulation rounds raise it where an interval clearly "
    "missed the target. A unit's requirement is split over its desk groups in proportion to their baseline hours. "
    "Mobile offices, the video centre and the expert centre keep their baseline staff. Staff hours are paid hours "
    "(shifts less unpaid breaks) plus overtime, as the simulation measured them."
)


def _units_table(search: Any) -> str:
    rows = []
    u = search.units
    target_label = f"{LABELS['target']}: {search.meta['target_measure']}"
    for r in u.itertuples():
        scale = 100.0 if r.unit == "share" else 1.0
        label = target_label if r.measure == "target" else LABELS[r.measure]
        unit = "%" if r.unit == "share" else r.unit
        values = [finite(getattr(r, f"{run}_{k}")) for run in ("baseline", "staffed", "change")
                  for k in ("mean", "ci_low", "ci_high")]
        cells = "".join(cell(*(None if v is None else v * scale for v in values[i:i + 3])) for i in (0, 3, 6))
        bold = ' style="font-weight:bold"' if r.office == "total" else ""
        rows.append(f"<tr{bold}><td>{esc(r.office)}</td><td>{esc(label)} ({esc(unit)})</td>{cells}</tr>")
    return table(["Unit", "Measure", "Baseline", "Roster", "Change (paired)"], rows,
                 "Measured in each run: mean over replications, 95 % interval below; the change is paired (the same "
                 "clients in both runs)")


def _x(rows: Any) -> list[str]:
    return [f"{d.capitalize()} {s}" for d, s in zip(rows["weekday"], rows["interval_start"])]


def _figure(search: Any) -> go.Figure | None:
    """Per unit (a menu picks it): the Gantt chart of its shifts, the requirement against
    the rostered desks, and the measured target per interval."""
    t, roster, m = search.intervals, search.roster, search.meta
    units = list(dict.fromkeys(t["office"].astype(str)))
    if not units:
        return None
    fig = make_subplots(rows=3, cols=1, vertical_spacing=0.09, row_heights=[0.45, 0.275, 0.275],
                        subplot_titles=["Shifts by day (a bar per shift, persons on it in the label; "
                                        "gaps are breaks)", "Desks needed and rostered per interval",
                                        f"Measured per interval: {m['target_measure']} (95 % interval)"])
    owner: list[int] = []
    share = m["target"] != "asa"
    scale = 100.0 if share else 1.0
    for i, unit in enumerate(units):
        before = len(fig.data)
        part = t[t["office"].astype(str) == unit]
        shifts = roster[roster["office"].astype(str) == unit]
        bars: dict[str, list] = {"y": [], "x": [], "base": [], "text": [], "color": [], "hover": []}
        for day in WEEKDAYS:
            day_shifts = shifts[shifts["weekday"] == day].sort_values(["start_min", "end_min"])
            for j, s in enumerate(day_shifts.itertuples()):
                pieces = [(s.start_min, s.end_min)]
                if np.isfinite(s.break_start_min):
                    pieces = [(s.start_min, s.break_start_min), (s.break_end_min, s.end_min)]
                for lo, hi in pieces:
                    bars["y"].append(f"{day.capitalize()} {j + 1}")
                    bars["x"].append((hi - lo) / 60)
                    bars["base"].append(lo / 60)
                    bars["text"].append(f"{int(s.count)}×")
                    bars["color"].append("#72b7b2" if s.part_time else "#4c78a8")
                    bars["hover"].append(f"{esc(s.desk_group)} · {esc(s.template)}: {hhmm(s.start_min)}–"
                                         f"{hhmm(s.end_min)}, {int(s.count)} person(s)")
        fig.add_bar(y=bars["y"], x=bars["x"], base=bars["base"], orientation="h", row=1, col=1,
                    marker_color=bars["color"], text=bars["text"], textposition="inside", showlegend=False,
                    customdata=bars["hover"], hovertemplate="%{customdata}<extra></extra>", visible=i == 0)
        x = _x(part)
        fig.add_scatter(x=x, y=part["requirement"], name="desks needed", mode="lines", line_shape="hv",
                        line=dict(color="#e45756"), row=2, col=1, visible=i == 0, legendgroup="need",
                        showlegend=i == 0)
        fig.add_scatter(x=x, y=part["rostered"], name="rostered desks", mode="lines", line_shape="hv",
                        line=dict(color="#4c78a8"), row=2, col=1, visible=i == 0, showlegend=i == 0)
        value = part["value"] * scale
        err_hi = (part["ci_high"] * scale - value).clip(lower=0)
        err_lo = (value - part["ci_low"] * scale).clip(lower=0)
        fig.add_scatter(x=x, y=value, mode="markers", name=m["target_measure"], row=3, col=1, visible=i == 0,
                        marker=dict(color=np.where(part["meets"], "#54a24b", "#e45756")), showlegend=i == 0,
                        error_y=dict(type="data", array=err_hi, arrayminus=err_lo, thickness=1))
        fig.add_scatter(x=x, y=[m["goal"] * scale] * len(x), mode="lines", name="goal", row=3, col=1,
                        line=dict(color="#333", dash="dash"), visible=i == 0, showlegend=i == 0)
        owner += [i] * (len(fig.data) - before)
    buttons = [dict(label=unit, method="update", args=[{"visible": [o == i for o in owner]}])
               for i, unit in enumerate(units)]
    fig.update_layout(updatemenus=[dict(buttons=buttons, x=0, y=1.07, xanchor="left", showactive=True)]
                      if len(units) > 1 else [], barmode="overlay", height=1100,
                      legend=dict(orientation="h", y=-0.05))
    fig.update_xaxes(title_text="hour of the day", row=1, col=1, range=[5, 22])
    fig.update_yaxes(autorange="reversed", row=1, col=1)
    fig.update_yaxes(title_text="desks", row=2, col=1)
    fig.update_yaxes(title_text="%" if share else "min", row=3, col=1)
    return fig


def build_staffing_html(search: Any, config_dir: str | os.PathLike) -> str:
    """The staffing page as one self-contained HTML string; ``config_dir`` is where the
    staffed configs are written (the page shows the command that runs them)."""
    m = search.meta
    subtitle = (f"Target <b>{esc(m['target_text'])}</b> · schedule <b>{esc(m['schedule'])}</b> · design "
                f"<b>{esc(m['design'])}</b> · {esc(m['interval_min'])}-min intervals · {esc(m['replications'])} "
                f"replications × {esc(m['weeks'])} weeks ({esc(m['warmup_weeks'])} warm-up), seed {esc(m['seed'])}")
    t = search.intervals
    missed = t[t["value"].notna() & ~t["meets"].astype(bool)]
    where = ", ".join(f"{o} {d.capitalize()} {s}" for o, d, s in
                      missed[["office", "weekday", "interval_start"]].head(8).itertuples(index=False))
    misses = (f"<p>Intervals whose mean misses the goal in the roster's run: {len(missed)}"
              + (f" (e.g. {esc(where)}); none of them clearly (the whole interval on the wrong side)"
                 if len(missed) and search.converged else "") + ".</p>")
    figure = _figure(search)
    body = [
        f'<div class="summary"><p>{esc(search.verdict())}</p>{misses}'
        f"<p>Run the staffed network (reproduces these figures): <code>{esc(search.command(config_dir))}</code></p>"
        "</div>",
        section("Measured hours, cost and standard", _units_table(search)),
        section("The roster by unit",
                *figure_divs([] if figure is None else [("fig-staffing", figure)], top_margin=110),
                f'<p class="note">{esc(APPROXIMATIONS)}</p>'),
    ]
    footer = ("simoffice · roster.parquet has every shift; staffing.parquet every interval (load, requirement, "
              "rostered desks, the target measure in the baseline and the roster's run with 95 % intervals); "
              "staffing_rounds.parquet every round.")
    return page(f"simoffice staffing: {m['network']}", body, footer, subtitle)


@page_writer("staffing")
def write_staffing_report(search: Any, path: str | os.PathLike, config_dir: str | os.PathLike) -> Path:
    """Write ``staffing.html`` atomically."""
    return write_html(build_staffing_html(search, config_dir), path)
