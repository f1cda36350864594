"""The sections of ``calibration.html`` that judge the calibration: the records behind every
fit, and the model against the log.

- **Sample sizes**: every fitted quantity with the records behind it and the
  documented minimum (:mod:`simoffice.calibration.sample_sizes`); those below it flagged.
- **The model against the log** (:mod:`simoffice.calibration.validation`): per office
  (and the contact centre) each measure observed against the replications' mean, its
  confidence interval and the prediction interval for one log, with the verdict; a
  figure per measure of observed values by weekday × hour against the simulated mean
  and prediction band; and the weekday × hour values outside their band.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.calibration.log_measures import LABELS, MEASURES, SHARES
from simoffice.calibration.sample_sizes import MINIMUM, fit_sizes
from simoffice.calibration.validation import MIN_JUDGED, LogCheck
from simoffice.reports.kit import cell, esc, num, section, table
from simoffice.vocabulary import WEEKDAY_NAMES

__all__ = ["sample_sizes_section", "check_section", "check_figures", "CHECK_TITLE"]

CHECK_TITLE = "The model against the log"
VERDICT_CLASS = {"inside": "v-better", "outside": "v-worse", "few data": "v-unclear", "no data": "v-none"}


def _shown(measure: str, x: float | None) -> float | None:
    """A value as the page shows it: shares in per cent."""
    if x is None or not np.isfinite(x):
        return None
    return 100 * x if measure in SHARES else float(x)


def sample_sizes_section(cal: Any) -> str:
    """Every fit with the records behind it, those below the documented minimum flagged."""
    sizes = fit_sizes(cal)
    rows = [f'<tr class="{"v-worse" if f.small else ""}"><td>{esc(f.what)}</td><td class="num">{f.n}</td>'
            f"<td>{esc(f.records)}</td><td class=\"num\">{f.minimum}</td>"
            f"<td>{'below the minimum: a rough value' if f.small else 'enough'}</td></tr>" for f in sizes]
    small = sum(f.small for f in sizes)
    note = (f'<p class="note">{small} of {len(sizes)} fits come from fewer records than the documented minimum '
            "(docs/pages/calibration.md, “Sample sizes”). Minimums: "
            + "; ".join(f"{esc(kind)} {n} {esc(what)}" for kind, (n, what) in MINIMUM.items()) + ".</p>")
    return section("Sample sizes", note, table(["fit", "n", "records", "minimum", ""], rows))


def check_section(check: LogCheck | None) -> str:
    """Per unit, observed against simulated with intervals, and the weekday × hour values outside."""
    if check is None:
        return section(CHECK_TITLE, "<p>Not checked (<code>--check-replications 0</code>).</p>")
    pct = f"{100 * check.level:.0f} %"
    note = (f'<p class="note">The written network simulated over the log\'s own calendar ({check.first_day} to '
            f"{check.last_day}, the log's holidays closed; {check.replications} replications, seed "
            f"{check.seed}), each replication exported as a log and measured like the log. "
            f"<em>simulated</em> is the replications' mean with its {pct} confidence interval; the log is "
            f"judged against the {pct} <em>prediction</em> interval for one more log of the same length "
            f"(mean ± t·s·√(1 + 1/R)): if the model wrote the log, about {100 - 100 * check.level:.0f} % of "
            "values fall outside by chance. Service level: the share of the queued served within "
            f"{check.target_min:g} min"
            + (f" ({60 * check.call_target_min:g} s for calls)" if check.call_target_min is not None else "")
            + "; utilisation as a log shows it: service time over each desk's span from first call to last "
            "end of a day. Values from fewer records than "
            + ", ".join(f"{n} ({esc(LABELS[m])})" for m, n in MIN_JUDGED.items()) + " are not judged.</p>")
    rows = []
    for r in check.units.itertuples(index=False):
        rows.append(f"<tr><td>{esc(r.unit)}</td><td>{esc(LABELS[r.measure])}"
                    f"{' (a week)' if r.measure == 'arrivals' else ''}</td>"
                    f"{cell(_shown(r.measure, r.observed))}<td class=\"num\">{r.n:,.0f}</td>"
                    f"{cell(_shown(r.measure, r.simulated), _shown(r.measure, r.ci_low), _shown(r.measure, r.ci_high))}"
                    f"<td class=\"num\">{_range(r.measure, r.low, r.high)}</td>"
                    f'<td class="verdict-word {VERDICT_CLASS[r.verdict]}">{esc(r.verdict)}</td></tr>')
    head = ["unit", "measure (shares in %)", "observed", "n", f"simulated ({pct} CI)", f"{pct} prediction",
            "verdict"]
    outside, judged = check.outside("hours")
    summary = (f"<p>By weekday × hour (offices pooled): <strong>{outside} of {judged}</strong> values outside "
               f"their prediction interval (about {100 - 100 * check.level:.0f} % expected by chance).</p>")
    return section(CHECK_TITLE, note, table(head, rows), summary, _outside_table(check), anchor="check")


def _range(measure: str, lo: float, hi: float) -> str:
    a, b = _shown(measure, lo), _shown(measure, hi)
    return "–" if a is None or b is None else f"{num(a)} – {num(b)}"


def _outside_table(check: LogCheck) -> str:
    h = check.hours[check.hours["verdict"] == "outside"]
    if h.empty:
        return ""
    rows = [f"<tr><td>{esc(r.unit)}</td><td>{WEEKDAY_NAMES[r.weekday]} {r.hour:02d}:00</td>"
            f"<td>{esc(LABELS[r.measure])}</td>{cell(_shown(r.measure, r.observed))}"
            f'<td class="num">{r.n:,.0f}</td>'
            f"{cell(_shown(r.measure, r.simulated), _shown(r.measure, r.low), _shown(r.measure, r.high))}</tr>"
            for r in h.itertuples(index=False)]
    return table(["unit", "hour", "measure", "observed", "n", "simulated (prediction interval)"], rows,
                 caption="Weekday × hour values outside their prediction interval")


def check_figures(check: LogCheck | None) -> list[tuple[str, go.Figure]]:
    """A figure per unit of the weekday × hour table: a row per measure, a column per weekday."""
    if check is None:
        return []
    return [(f"cal-check-{i}", _unit_figure(check, unit)) for i, unit in enumerate(check.hours["unit"].unique())]


def _unit_figure(check: LogCheck, unit: str) -> go.Figure:
    h = check.hours[check.hours["unit"] == unit]
    days = sorted(h.loc[h["measure"] == "arrivals"].groupby("weekday")["observed"].sum().loc[lambda s: s > 0].index)
    days = days or sorted(h["weekday"].unique())
    fig = make_subplots(rows=len(MEASURES), cols=len(days), shared_xaxes=True, shared_yaxes="rows",
                        subplot_titles=[WEEKDAY_NAMES[d] for d in days], vertical_spacing=0.04,
                        horizontal_spacing=0.02)
    for i, m in enumerate(MEASURES, start=1):
        scale = 100.0 if m in SHARES else 1.0
        for j, d in enumerate(days, start=1):
            part = h[(h["measure"] == m) & (h["weekday"] == d)].sort_values("hour")
            x = part["hour"].to_numpy() + 0.5
            first = i == 1 and j == 1
            fig.add_scatter(x=x, y=scale * part["high"].to_numpy(), mode="lines", line=dict(width=0),
                            showlegend=False, hoverinfo="skip", row=i, col=j)
            fig.add_scatter(x=x, y=scale * part["low"].to_numpy(), mode="lines", line=dict(width=0),
                            fill="tonexty", fillcolor="rgba(51,102,204,0.18)", name="prediction interval",
                            legendgroup="band", showlegend=first, hoverinfo="skip", row=i, col=j)
            fig.add_scatter(x=x, y=scale * part["simulated"].to_numpy(), mode="lines", line=dict(color="#36c"),
                            name="simulated (mean)", legendgroup="sim", showlegend=first, row=i, col=j)
            colour = np.where(part["verdict"].to_numpy() == "outside", "#c0504d", "#222")
            fig.add_scatter(x=x, y=scale * part["observed"].to_numpy(), mode="markers",
                            marker=dict(color=colour, size=6), name="observed (red: outside)", legendgroup="obs",
                            showlegend=first, row=i, col=j)
        fig.update_yaxes(title_text=LABELS[m] + (" %" if m in SHARES else ""), row=i, col=1)
    fig.update_xaxes(title_text="hour", row=len(MEASURES))
    fig.update_layout(title_text=f"{CHECK_TITLE}: {unit}, by weekday × hour of arrival", height=160 * len(MEASURES))
    return fig
