"""``calibration.html``: a calibration's fits drawn against what the log shows.

One self-contained page (built from :mod:`simoffice.reports.kit`): the data
and what was left out (holidays, odd rows), then a figure per fit —

- arrivals: tickets per bin on every ordinary day (points) against the profile
  written to the config (the weekday's mean, a line), and tickets per day over
  the log's period with the holidays marked;
- service times: each service's histogram with the density of every fitted
  family (the chosen one drawn thick), and a table of AIC and KS;
- patience: the Kaplan–Meier survival curve of the waits (with Greenwood's
  95 % band) against the fitted survival functions;
- desks: the mean desks on duty per quarter hour against the desks the shifts
  written to the config put on duty;

and, from :mod:`simoffice.reports.calibration_check`, the records behind every fit
(those below the documented minimum flagged) and, when the command simulated the
written network, the model against the log: observed against simulated arrivals,
mean wait, service level, abandonment and utilisation per office and by weekday ×
hour, with intervals over the replications.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.calibration import fitting
from simoffice.calibration import on_duty as duty_fit
from simoffice.reports.calibration_check import check_figures, check_section, sample_sizes_section
from simoffice.reports.kit import esc, figure_divs, page, section, table, write_html
from simoffice.vocabulary import WEEKDAY_NAMES, hhmm

__all__ = ["build_calibration_html", "write_calibration_report", "TITLES"]

TITLES = {
    "arrivals": "Tickets per bin: every ordinary day (points) and the fitted profile (line)",
    "daily": "Tickets per day over the log's period",
    "service": "Service times: observed histogram and fitted densities",
    "patience": "Patience: Kaplan–Meier survival of the waits and fitted survival functions",
    "desks": "Desks on duty: observed mean and the shifts written to the config",
}
FAMILY_COLOURS = {"exponential": "#1f77b4", "lognormal": "#d62728", "gamma": "#2ca02c", "weibull": "#9467bd"}


def _table(head: list[str], rows: list[list[Any]]) -> str:
    """A table of plain values, every cell escaped."""
    return table([esc(h) for h in head], ["<tr>" + "".join(f"<td>{esc(c)}</td>" for c in r) + "</tr>" for r in rows])


def _arrivals_figure(cal) -> go.Figure:
    a = cal.arrivals
    days = [d for d in range(7) if a.days[d] > 0 and a.rates[d].sum() > 0]
    n_bins = a.rates.shape[1]
    x = [a.start_min + (k + 0.5) * a.bin_min for k in range(n_bins)]
    labels = [hhmm(round(v - a.bin_min / 2)) for v in x]
    fig = make_subplots(rows=1, cols=max(len(days), 1), shared_yaxes=True,
                        subplot_titles=[WEEKDAY_NAMES[d] for d in days] or [""])
    per_day = a.per_day_bins
    rng = np.random.default_rng(0)  # jitter only: the points' horizontal spread
    for col, d in enumerate(days, start=1):
        rows = per_day[per_day.index.day_of_week == d] if per_day is not None else None
        if rows is not None and len(rows):
            xs = np.repeat(np.arange(n_bins), len(rows)) + rng.uniform(-0.25, 0.25, n_bins * len(rows))
            ys = rows.to_numpy().T.ravel()
            fig.add_scatter(x=xs, y=ys, mode="markers", marker=dict(size=4, color="rgba(90,90,90,0.35)"),
                            name="a day (observed)", showlegend=col == 1, legendgroup="obs",
                            hovertemplate="%{y} tickets<extra></extra>", row=1, col=col)
        fig.add_scatter(x=np.arange(n_bins), y=a.rates[d], mode="lines+markers", line=dict(color="#36c", width=3),
                        name="fitted profile (mean)", showlegend=col == 1, legendgroup="fit",
                        hovertemplate="%{y:.1f} tickets per day<extra></extra>", row=1, col=col)
        fig.update_xaxes(tickvals=list(range(n_bins)), ticktext=labels, tickangle=-90, row=1, col=col)
    fig.update_yaxes(title_text=f"tickets per {a.bin_min} min", row=1, col=1)
    fig.update_layout(title_text=TITLES["arrivals"], height=420)
    return fig


def _daily_figure(cal) -> go.Figure:
    a = cal.arrivals
    daily = a.daily
    fig = go.Figure(layout_title_text=TITLES["daily"])
    if daily is None or daily.empty:
        return fig
    holiday = np.array([d.date() in a.holidays for d in daily.index])
    colours = np.where(holiday, "#c0504d", "#36c")
    fig.add_bar(x=daily.index, y=daily.to_numpy(), marker_color=colours, name="tickets",
                hovertemplate="%{x|%a %Y-%m-%d}: %{y}<extra></extra>")
    for d, why in a.holidays.items():
        fig.add_annotation(x=str(d), y=0, text=f"holiday ({why})", showarrow=True, arrowhead=2, ay=-40,
                           font=dict(color="#c0504d"))
    fig.update_layout(xaxis_title="day", yaxis_title="tickets", height=320)
    return fig


def _service_figure(cal) -> go.Figure:
    services = list(cal.service_fits)
    cols = min(3, len(services))
    rows = -(-len(services) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=services)
    for i, s in enumerate(services):
        r, c = i // cols + 1, i % cols + 1
        x = cal.service_samples[s]
        # An interval report gives mean handle times only: its fit is drawn without a histogram.
        top = float(np.quantile(x, 0.99)) if x.size else 3.0 * cal.service_fits[s].best.mean
        if x.size:
            edges = np.linspace(0, top, 41)
            counts, _ = np.histogram(np.clip(x, 0, top), bins=edges)
            width = edges[1] - edges[0]
            fig.add_bar(x=edges[:-1] + width / 2, y=counts / (x.size * width), width=width,
                        marker_color="rgba(120,120,120,0.45)", marker_line_width=0, name="observed",
                        showlegend=i == 0, legendgroup="obs", row=r, col=c)
        grid = np.linspace(top / 400, top, 400)
        best = cal.service_fits[s].best.family
        for f in cal.service_fits[s].fits:
            fig.add_scatter(x=grid, y=f.frozen.pdf(grid), mode="lines", name=f.family, legendgroup=f.family,
                            showlegend=i == 0, line=dict(color=FAMILY_COLOURS[f.family],
                                                         width=3.5 if f.family == best else 1.2,
                                                         dash="solid" if f.family == best else "dot"),
                            hovertemplate=f"{f.family}: mean {f.mean:.2f}, cv {f.cv:.2f}, AIC {f.aic:.1f}"
                                          "<extra></extra>", row=r, col=c)
        fig.update_xaxes(title_text="minutes", row=r, col=c)
    fig.update_yaxes(title_text="density", col=1)
    fig.update_layout(title_text=TITLES["service"], height=120 + 300 * rows)
    return fig


def _patience_figure(t: np.ndarray, event: np.ndarray, fits, title: str = TITLES["patience"]) -> go.Figure:
    fig = go.Figure(layout_title_text=title)
    fig.update_layout(xaxis_title="minutes waited", yaxis_title="share still willing to wait",
                      yaxis_range=[0, 1.02], height=420)
    if fits is None:
        fig.add_annotation(text="Nobody left the queue: no patience to fit", showarrow=False,
                           xref="paper", yref="paper", x=0.5, y=0.5)
        return fig
    km = fitting.kaplan_meier(np.where(event, np.maximum(t, fitting.MIN_DURATION), t), event)
    reliable = km[km["at_risk"] >= fitting.KM_MIN_AT_RISK]
    top = float(reliable["time"].max()) if len(reliable) else float(np.max(t))
    step_x = np.concatenate([[0.0], km["time"].to_numpy()])
    step_y = np.concatenate([[1.0], km["survival"].to_numpy()])
    se = np.concatenate([[0.0], np.nan_to_num(km["se"].to_numpy())])
    fig.add_scatter(x=step_x, y=np.clip(step_y + 1.96 * se, 0, 1), mode="lines", line=dict(width=0, shape="hv"),
                    showlegend=False, hoverinfo="skip")
    fig.add_scatter(x=step_x, y=np.clip(step_y - 1.96 * se, 0, 1), mode="lines", line=dict(width=0, shape="hv"),
                    fill="tonexty", fillcolor="rgba(60,60,60,0.15)", name="95 % band (Greenwood)", hoverinfo="skip")
    fig.add_scatter(x=step_x, y=step_y, mode="lines", line=dict(color="#333", width=2.5, shape="hv"),
                    name="Kaplan–Meier (observed)")
    grid = np.linspace(0, top, 300)
    for f in fits.fits:
        best = f.family == fits.best.family
        fig.add_scatter(x=grid, y=f.frozen.sf(grid), mode="lines", name=f"{f.family} (AIC {f.aic:.1f})",
                        line=dict(color=FAMILY_COLOURS[f.family], width=3 if best else 1.2,
                                  dash="solid" if best else "dot"))
    fig.update_xaxes(range=[0, top])
    return fig


def _desks_figure(cal) -> go.Figure:
    panels = [(o.name, g) for o in cal.offices for g in o.desk_groups]
    if cal.calls is not None:
        panels.append(("contact centre", cal.calls.agents))
    fig = make_subplots(rows=len(panels), cols=1, subplot_titles=[f"{o}: {g.name}" for o, g in panels],
                        vertical_spacing=min(0.12, 0.4 / max(len(panels), 1)))
    x = (np.arange(duty_fit.BINS) + 0.5) * duty_fit.STAFF_BIN_MIN / 60
    for i, (_, g) in enumerate(panels, start=1):
        open_days = [d for d in range(7) if g.on_duty[d].sum() > 0]
        for d in open_days:
            fig.add_scatter(x=x, y=g.on_duty[d], mode="lines", line=dict(width=1), opacity=0.6,
                            name=f"observed {WEEKDAY_NAMES[d]}", legendgroup=f"obs{d}", showlegend=i == 1,
                            hovertemplate="%{y:.2f} desks<extra>" + WEEKDAY_NAMES[d] + "</extra>", row=i, col=1)
        if open_days:
            fig.add_scatter(x=x, y=g.scheduled[open_days].mean(axis=0), mode="lines",
                            line=dict(color="black", width=3, shape="hv"), name="shifts written (mean of open days)",
                            legendgroup="sched", showlegend=i == 1, row=i, col=1)
        fig.update_yaxes(title_text="desks", rangemode="tozero", row=i, col=1)
    fig.update_xaxes(title_text="hour of day", dtick=1, row=len(panels), col=1)
    fig.update_layout(title_text=TITLES["desks"], height=140 + 260 * len(panels))
    return fig


def _fits_table(fits_by_name: dict) -> str:
    rows = []
    for name, fits in fits_by_name.items():
        for f in fits.fits:
            rows.append([name, f.family + (" (chosen)" if f is fits.best else ""), f"{f.mean:.2f}", f"{f.cv:.3f}",
                         f"{f.loglik:.1f}", f"{f.aic:.1f}", f"{f.aic - fits.best.aic:.1f}",
                         "—" if not np.isfinite(f.ks) else f"{f.ks:.3f}", fits.n])
    return _table(["sample", "family", "mean (min)", "cv", "log-likelihood", "AIC", "ΔAIC", "KS", "n"], rows)


def _data_section(cal: Any) -> str:
    """What was left out of the fits or is odd: holidays, odd rows, notes."""
    hol = cal.arrivals.holidays
    parts = ["<p>Holidays (left out of the arrival profile): "
             + (", ".join(f"{d} ({why})" for d, why in hol.items()) if hol else "none") + "."
             + (" The first day with tickets after each is left out too, since it takes the holiday's "
                "clients as well: " + ", ".join(str(d) for d in cal.arrivals.after_holidays) + "."
                if cal.arrivals.after_holidays else "") + "</p>"]
    odd = list(cal.odd) + ([] if cal.calls is None else list(cal.calls.log.odd))
    if odd:
        parts.append(_table(["rows", "what", "first rows", "what calibration does"],
                            [[o.count, o.what, ", ".join(map(str, o.rows[:10])) + (" …" if o.count > 10 else ""),
                              o.action] for o in odd]))
    else:
        parts.append("<p>No odd rows.</p>")
    if cal.notes:
        parts.append("<ul>" + "".join(f"<li>{esc(n)}</li>" for n in cal.notes) + "</ul>")
    return section("Data left out or odd", *parts)


def _patience_section(cal: Any) -> str:
    if cal.patience is None:
        return section("Patience", "<p>No ticket reneged: the config has no patience (clients never leave).</p>")
    p = cal.patience
    note = (f'<p class="note">{p.n - p.censored} clients left the queue; the waits of {p.censored} '
            "others ended in service before their patience ran out, so they are censored observations "
            "(the likelihood uses the chance of waiting at least that long). KS here is the largest gap "
            f"to the Kaplan–Meier curve where at least {fitting.KM_MIN_AT_RISK} waits are at risk.</p>")
    return section("Patience", note, _fits_table({"patience": p}))


def _returns_section(cal: Any) -> str:
    r = cal.returns
    if not r.with_ids:
        return section("Returns", "<p>The log has no client ids: returns cannot be told from new clients.</p>")
    rows = [[s, f"{v:.3f}", n] for s, (v, n) in r.missing_document_prob.items()]
    rows.append(["reneged or sent away → came back (return_prob)", f"{r.return_prob[0]:.3f}", r.return_prob[1]])
    note = (f'<p class="note">A client counts as back when they take a ticket for the same service '
            f"within {r.window_days} days; tickets of the last {r.window_days} days are not counted. "
            f"return_after_days = {r.return_after_days}.</p>")
    return section("Returns", note,
                   _table(["served tickets of (missing_document_prob)", "share back", "tickets counted"], rows))


def _offices_section(cal: Any) -> str:
    """Each office's demand and desk groups, and its opening hours."""
    rows = [[o.name, f"{o.bundles_per_week:.1f}", g.name, ", ".join(g.services), len(g.desks),
             ", ".join(f"{k}: {v}" for k, v in g.staff.items()), f"{100 * g.utilisation:.0f} %"]
            for o in cal.offices for g in o.desk_groups]
    hours = [[o.name] + [o.opening_hours[d] or "closed" for d in o.opening_hours] for o in cal.offices]
    return section("Offices",
                   _table(["office", "bundles a week", "desk group", "services", "desks seen",
                           f"desks per shift ({cal.schedule_name})", "busy / on duty"], rows),
                   _table(["office", *WEEKDAY_NAMES], hours))


def _figures(cal: Any, check: Any = None) -> list[tuple[str, go.Figure]]:
    figures = [*check_figures(check), ("cal-arrivals", _arrivals_figure(cal)), ("cal-daily", _daily_figure(cal)),
               ("cal-service", _service_figure(cal)),
               ("cal-patience", _patience_figure(*cal.patience_sample, cal.patience)),
               ("cal-desks", _desks_figure(cal))]
    if cal.calls is not None:
        cc = cal.calls
        figures.append(("cal-call-patience", _patience_figure(*cc.patience_sample, cc.patience,
                                                              "Callers' patience: Kaplan–Meier and fits")))
    return figures


def build_calibration_html(cal: Any, check: Any = None) -> str:
    """The calibration page as one self-contained HTML string; ``check``, a
    :class:`~simoffice.calibration.validation.LogCheck`, adds the model against the log."""
    c = cal.counts
    subtitle = (f'From {esc(cal.log.source)}: {c["tickets"]} tickets, {cal.first_day} to '
                f'{cal.last_day}; {c["served"]} served, {c["reneged"]} reneged, {c["sent_away"]} sent away, '
                f'{c["no_show"]} no-shows. Client ids: {"yes" if cal.returns.with_ids else "no"}.')
    body = [
        _data_section(cal),
        check_section(check),
        sample_sizes_section(cal),
        section("Service times",
                '<p class="note">Maximum-likelihood fits; the lowest AIC is chosen. KS is the largest gap '
                "between the fitted and the observed distribution function.</p>", _fits_table(cal.service_fits)),
        _patience_section(cal),
        _returns_section(cal),
        _offices_section(cal),
        section("Figures", *figure_divs(_figures(cal, check))),
    ]
    footer = ("simoffice-calibrate · fitted values are written to the network config; "
              "see docs/pages/calibration.md for the method and its limits")
    return page(f"Calibration: {cal.name}", body, footer, subtitle)


def write_calibration_report(cal: Any, path: str | os.PathLike, check: Any = None) -> Path:
    """Write the calibration page (with ``check``, the model against the log) atomically
    and return its path."""
    return write_html(build_calibration_html(cal, check), path)
