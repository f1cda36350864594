"""A self-contained HTML report of one run, for managers.

:func:`build_report_html` turns a results object (``summary``, ``contacts``,
``bundles``, ``timeseries``, ``replications``) into one HTML page: a title, a
plain-language summary, a table of measures with 95 % intervals, views per
channel, per client group (segment) and per zone (coverage and travel), and
plotly figures. plotly.js is inlined once, so the page works offline and can be
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
from simoffice.run.pages import page_writer
from simoffice.measures.intervals import t_interval
from simoffice.vocabulary import WEEKDAY_NAMES

__all__ = ["build_report_html", "write_report"]


# Figure titles; the tests look for them, so they live in one place.
TITLE_WAIT = "Waiting time of served clients"
TITLE_QUEUE = "Mean queue length by weekday and hour"
TITLE_UTIL = "Desk utilisation by hour of day"
TITLE_VISITS = "Contacts needed per bundle"
TITLE_CHANNELS = "Contacts per week and mean wait by channel"
# Section headings.
HEAD_CHANNELS = "Contacts by channel"
HEAD_SEGMENTS = "Client groups"
HEAD_ZONES = "Zones: coverage and travel"

# Channels in the simulator's code order, with a label and a plural noun for the summary.
CHANNEL_NAMES: dict[str, tuple[str, str]] = {
    "walk_in": ("Walk-in", "walk-ins"),
    "appointment": ("Appointment", "appointments"),
    "phone": ("Phone", "phone calls"),
    "video": ("Video", "video sessions"),
    "online": ("Online", "online sessions"),
    "mobile": ("Mobile office", "visits to a mobile office"),
}

# key -> (label, unit, is_share). Shares are stored in [0, 1] and shown in %.
MEASURES: dict[str, tuple[str, str, bool]] = {
    "wait_mean_min": ("Mean wait", "min", False),
    "wait_p50_min": ("Median wait", "min", False),
    "wait_p90_min": ("90th percentile of wait", "min", False),
    "wait_p95_min": ("95th percentile of wait", "min", False),
    "service_level": ("Seen within the target wait", "%", True),
    "abandonment_rate": ("Left the queue before service", "%", True),
    "visits_per_bundle_mean": ("Contacts per bundle (visits, calls, sessions)", "contacts", False),
    "one_visit_resolution": ("Bundles settled in one contact", "%", True),
    "bundle_completion_days_mean": ("Time to complete a bundle", "days", False),
    "failed_trip_rate": ("Failed trips (office closed, or sent away at closing)", "%", True),
    "travel_min_per_bundle": ("Client travel per bundle", "min", False),
    "coverage_within_min": ("Residents with an open service point nearby", "%", True),
    "utilisation": ("Desk utilisation (busy / on duty)", "%", True),
    "overtime_min": ("Overtime", "min per week", False),
    "staff_hours": ("Staff hours", "h per week", False),
    "cost": ("Cost (staff hours × rate, and vehicles)", "per week", False),
    "contacts_per_week": ("Contacts", "per week", False),
    "queue_length_mean": ("Mean queue length", "clients", False),
    "expert_cases_per_week": ("Expert centre: cases escalated", "per week", False),
    "expert_turnaround_days": ("Expert centre: turnaround (escalation to decision)", "days", False),
    "expert_backlog": ("Expert centre: cases waiting or in progress", "cases", False),
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{margin-bottom:.1em} .subtitle{color:#555;margin-top:0}
.summary{font-size:1.1em;background:#f3f6fa;border-left:4px solid #36c;padding:.7em 1em}
table{border-collapse:collapse;margin:1em 0} th,td{padding:.3em .8em;border-bottom:1px solid #ddd}
th{text-align:left;background:#f3f6fa} td.num{text-align:right;font-variant-numeric:tabular-nums}
footer{color:#777;font-size:.85em;margin-top:2em}
.ci{display:block;color:#777;font-size:.8em} .note{color:#555;font-size:.9em}
ul.gaps li{margin:.25em 0}
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


# ---------------------------------------------------------------- helpers


def _label(name: Any) -> str:
    """A config name as text for people (not yet escaped): ``job_seekers`` -> ``job seekers``."""
    return str(name).replace("_", " ")


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _finite(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if np.isfinite(v) else None


def _spec(results: Any) -> Any:
    return getattr(results, "spec", None)


def _phone_target_sec(spec: Any) -> float | None:
    phone = getattr(spec, "phone", None)
    return None if phone is None else 60.0 * float(phone.target_min)


def _coverage_target(results: Any) -> float | None:
    meta = results.summary.get("meta", {})
    if meta.get("coverage_target_min") is not None:
        return float(meta["coverage_target_min"])
    run = getattr(_spec(results), "run", None)
    return None if run is None else float(run.coverage_target_min)


def _group_intervals(results: Any, by: str) -> dict[str, dict[str, dict]]:
    """Intervals per group of a split: from the summary if it has them, else from
    the ``groups`` table (replication × by × group × measure × value)."""
    given = (results.summary.get("groups") or {}).get(by)
    if given:
        return given
    groups = getattr(results, "groups", None)
    if groups is None or len(groups) == 0 or "by" not in groups:
        return {}
    part = groups[(groups["by"] == by).to_numpy(dtype=bool)]
    return {
        str(g): {str(m): t_interval(v["value"]) for m, v in rows.groupby("measure", sort=False)}
        for g, rows in part.groupby("group", sort=False, observed=True)
    }


def _clip(lo: float | None, hi: float | None, share: bool) -> tuple[float | None, float | None]:
    """An interval of a non-negative measure, cut to its possible range (shares in %)."""
    if lo is None or hi is None:
        return lo, hi
    top = 100.0 if share else np.inf
    return max(lo, 0.0), min(hi, top)


def _cell(m: dict | None, share: bool = False) -> str:
    """A table cell: the mean, with its 95 % interval below in small print."""
    m = m or {}
    scale = 100.0 if share else 1.0
    mean, lo, hi = (_finite(m.get(k)) for k in ("mean", "ci_low", "ci_high"))
    if mean is None:
        return '<td class="num">–</td>'
    lo, hi = _clip(None if lo is None else scale * lo, None if hi is None else scale * hi, share)
    ci = "" if lo is None or hi is None else f'<span class="ci">{_num(lo)} – {_num(hi)}</span>'
    return f'<td class="num">{_num(scale * mean)}{ci}</td>'


def _table(head: list[str], rows: list[str], caption: str) -> str:
    th = "".join(f"<th>{h}</th>" for h in head)
    return f"<table><caption>{caption}</caption><tr>{th}</tr>{''.join(rows)}</table>"


# ---------------------------------------------------------------- text parts


def _target_text(target: float, phone_sec: float | None) -> str:
    if phone_sec is None:
        return f"{target:g} min"
    return f"the target wait ({target:g} min, or {phone_sec:g} s on the phone)"


def _channel_sentence(results: Any) -> str | None:
    """Shares of contacts by channel, largest first, when there are several channels."""
    channels = _group_intervals(results, "channel")
    volume = {ch: _finite((ms.get("contacts_per_week") or {}).get("mean")) for ch, ms in channels.items()}
    volume = {ch: v for ch, v in volume.items() if v}
    if len(volume) < 2:
        return None
    total = sum(volume.values())
    parts = []
    for ch, v in sorted(volume.items(), key=lambda kv: -kv[1]):
        share = 100 * v / total
        pct = "&lt;1" if share < 0.5 else f"{share:.0f}"
        verb = "" if parts else " were"
        parts.append(f"{pct}&nbsp;%{verb} {_esc(CHANNEL_NAMES.get(ch, (None, _label(ch)))[1])}")
    listed = ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Of {total:,.0f} contacts a week, {listed}."


def _has_residents(results: Any) -> bool:
    """Whether the network has zones to speak of: an M/M/c test network has one
    zone without residents, whose coverage says nothing."""
    zones = getattr(_spec(results), "zones", ())
    return len(zones) > 1 or any(z.population > 0 for z in zones)


def _coverage_sentence(results: Any) -> str | None:
    cov = _mean(results.summary, "coverage_within_min")
    if cov is None or not _has_residents(results):
        return None
    target = _coverage_target(results)
    within = f"within {target:g} min" if target is not None else "within the coverage target"
    return (f"On an average open day, {100 * cov:.0f}&nbsp;% of residents have a service point open "
            f"that day {within} (one way).")


def _expert_sentence(summary: dict) -> str | None:
    cases = _mean(summary, "expert_cases_per_week")
    if cases is None:
        return None
    text = f"The expert centre received {cases:.1f} cases a week"
    days = _mean(summary, "expert_turnaround_days")
    if days is not None:
        text += f" and took {days:.2f} days on average from escalation to decision"
    backlog = _mean(summary, "expert_backlog")
    if backlog is not None:
        text += f"; {backlog:.1f} cases were waiting or in progress on average"
    return text + "."


def _summary_paragraph(summary: dict, results: Any = None) -> str:
    """The headline numbers in a few sentences, skipping any that are missing."""
    target = float(summary.get("meta", {}).get("service_level_target_min", 15))
    phone_sec = _phone_target_sec(_spec(results))
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
        parts.append(f"{100 * sl:.0f}&nbsp;% were seen within {_target_text(target, phone_sec)}")
    ab = _mean(summary, "abandonment_rate")
    if ab is not None:
        parts.append(f"{100 * ab:.0f}&nbsp;% gave up waiting")
    ut = _mean(summary, "utilisation")
    if ut is not None:
        parts.append(f"desks were busy {100 * ut:.0f}&nbsp;% of their time on duty")
    vb = _mean(summary, "visits_per_bundle_mean")
    if vb is not None:
        parts.append(f"a bundle took {vb:.1f} contacts on average")
    if not parts:
        return '<p class="summary">No measures were recorded in this run.</p>'
    sentences = [_cap("; ".join(parts)) + "."]
    if results is not None:
        sentences += [s for s in (_channel_sentence(results), _coverage_sentence(results)) if s]
    expert = _expert_sentence(summary)
    if expert:
        sentences.append(expert)
    return f'<p class="summary">{" ".join(sentences)}</p>'


def _measures_table(summary: dict, results: Any = None) -> str:
    """Known measures in a fixed, readable order, then any others by key; measures
    without a value in this run (no expert centre, say) are left out."""
    measures = summary.get("measures", {})
    keys = [k for k in MEASURES if k in measures] + [k for k in measures if k not in MEASURES]
    target = float(summary.get("meta", {}).get("service_level_target_min", 15))
    spec = _spec(results)
    labels = dict(MEASURES)
    phone_sec = _phone_target_sec(spec)
    labels["service_level"] = (
        f"Seen within the target wait ({target:g} min"
        + ("" if phone_sec is None else f", or {phone_sec:g} s on the phone") + ")", "%", True)
    cov_target = _coverage_target(results) if results is not None else None
    if cov_target is not None:
        labels["coverage_within_min"] = (f"Residents with a service point open that day within {cov_target:g} min",
                                         "%", True)
    if results is not None and not _has_residents(results):
        keys = [k for k in keys if k != "coverage_within_min"]
    rows = []
    for key in keys:
        m = measures[key] or {}
        if _finite(m.get("mean")) is None:
            continue
        label, unit, share = labels.get(key, (key, "", False))
        scale = 100.0 if share else 1.0

        def val(name: str) -> float | None:
            v = _finite(m.get(name))
            return None if v is None else scale * v

        lo, hi = _clip(val("ci_low"), val("ci_high"), share)
        ci = "–" if lo is None or hi is None else f"{_num(lo)} – {_num(hi)}"
        rows.append(
            f'<tr><td title="{_esc(key)}">{_esc(label)}</td><td class="num">{_num(val("mean"))}</td>'
            f'<td class="num">{ci}</td><td class="num">{_esc(m.get("n", "–"))}</td>'
            f"<td>{_esc(unit)}</td></tr>"
        )
    if not rows:
        return '<p class="note">No measures have a value in this run.</p>'
    head = "<tr><th>Measure</th><th>Mean</th><th>95&nbsp;% interval</th><th>n</th><th>Units</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


# ------------------------------------------------------------------ channels


def _channel_rows(results: Any) -> list[tuple[str, dict]]:
    """(channel, its measures) with contacts, in the simulator's channel order."""
    channels = _group_intervals(results, "channel")
    order = [c for c in CHANNEL_NAMES if c in channels] + [c for c in channels if c not in CHANNEL_NAMES]
    return [(c, channels[c]) for c in order
            if _finite((channels[c].get("contacts_per_week") or {}).get("mean"))]


def _channel_section(results: Any) -> tuple[str, go.Figure | None]:
    """A table of each channel's volume, waits, service level and abandonment, and
    a small bar chart; one sentence when the run has a single channel."""
    rows = _channel_rows(results)
    head = f'<h2 id="channels">{HEAD_CHANNELS}</h2>'
    if not rows:
        return head + '<p class="note">No measures per channel were recorded in this run.</p>', None
    if len(rows) == 1:
        name = CHANNEL_NAMES.get(rows[0][0], (_label(rows[0][0]),))[0]
        return (head + f'<p class="note">Every contact in this run came through one channel '
                f'({_esc(name.lower())}): the measures above are that channel\'s.</p>'), None
    summary = results.summary
    target = float(summary.get("meta", {}).get("service_level_target_min", 15))
    phone_sec = _phone_target_sec(_spec(results))
    total = sum(_finite(ms["contacts_per_week"]["mean"]) for _, ms in rows)
    body = []
    for ch, ms in rows:
        label = CHANNEL_NAMES.get(ch, (_label(ch),))[0]
        queued = _finite((ms.get("service_level") or {}).get("mean")) is not None
        if not queued:
            tgt = "no queue"
        elif ch == "phone" and phone_sec is not None:
            tgt = f"{phone_sec:g} s"
        else:
            tgt = f"{target:g} min"
        share = 100 * _finite(ms["contacts_per_week"]["mean"]) / total
        body.append(
            f"<tr><td>{_esc(label)}</td>{_cell(ms.get('contacts_per_week'))}"
            f'<td class="num">{share:.0f}</td>'
            f"{_cell(ms.get('wait_mean_min'))}{_cell(ms.get('wait_p90_min'))}"
            f"{_cell(ms.get('service_level'), share=True)}<td>{tgt}</td>"
            f"{_cell(ms.get('abandonment_rate'), share=True)}</tr>"
        )
    table = _table(
        ["Channel", "Contacts per week", "Share of contacts (%)", "Mean wait (min)",
         "90th percentile of wait (min)", "Seen within target (%)", "Target wait",
         "Left before service (%)"],
        body, "Contacts and service per channel: mean over replications, 95&nbsp;% interval below")
    note = ('<p class="note">A contact is a ticket, call, session or trip. Online self-service has no queue, '
            "so it has no wait, service level or abandonment.</p>")
    return head + table + note, _channel_figure(rows)


def _error_bars(ms_list: list[dict]) -> dict:
    means = [_finite(m.get("mean")) for m in ms_list]
    plus = [(_finite(m.get("ci_high")) - mu) if mu is not None and _finite(m.get("ci_high")) is not None else None
            for m, mu in zip(ms_list, means)]
    minus = [(mu - _finite(m.get("ci_low"))) if mu is not None and _finite(m.get("ci_low")) is not None else None
             for m, mu in zip(ms_list, means)]
    return dict(type="data", array=plus, arrayminus=minus, visible=True, color="#444")


def _channel_figure(rows: list[tuple[str, dict]]) -> go.Figure:
    """Two small bar charts with 95 % intervals: contacts per week and mean wait."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Contacts per week", "Mean wait of served contacts"),
                        horizontal_spacing=0.12)
    names = [CHANNEL_NAMES.get(ch, (_label(ch),))[0] for ch, _ in rows]
    volume = [ms.get("contacts_per_week") or {} for _, ms in rows]
    fig.add_bar(x=names, y=[_finite(m.get("mean")) for m in volume], error_y=_error_bars(volume),
                marker_color="#36c", name="contacts per week", showlegend=False,
                hovertemplate="%{x}: %{y:,.0f} contacts per week<extra></extra>", row=1, col=1)
    waited = [(n, ms.get("wait_mean_min") or {}) for n, (_, ms) in zip(names, rows)
              if _finite((ms.get("wait_mean_min") or {}).get("mean")) is not None]
    fig.add_bar(x=[n for n, _ in waited], y=[_finite(m.get("mean")) for _, m in waited],
                error_y=_error_bars([m for _, m in waited]), marker_color="#e08a2c", name="mean wait",
                showlegend=False, hovertemplate="%{x}: %{y:.1f} min<extra></extra>", row=1, col=2)
    fig.update_yaxes(title_text="contacts per week", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="mean wait (min)", rangemode="tozero", row=1, col=2)
    fig.update_xaxes(title_text="channel")
    fig.update_layout(title_text=TITLE_CHANNELS + " (bars: 95 % intervals)", height=380)
    return fig


# ------------------------------------------------------------------ equity

# Measure -> (sentence with {hi}, {lo} and {gap}, unit of the gap, is_share, decimals).
GAP_SENTENCES: dict[str, tuple[str, str, bool, int]] = {
    "wait_mean_min": ("{hi} wait {gap} longer on average than {lo}", "min", False, 1),
    "wait_p90_min": ("{hi} have a 90th percentile of wait {gap} higher than {lo}", "min", False, 1),
    "service_level": ("{hi} are seen within the target wait {gap} more often than {lo}",
                      "percentage points", True, 1),
    "abandonment_rate": ("{hi} give up waiting {gap} more often than {lo}", "percentage points", True, 1),
    "visits_per_bundle_mean": ("{hi} need {gap} more per bundle than {lo}", "contacts", False, 2),
    "one_visit_resolution": ("{hi} settle a bundle in one contact {gap} more often than {lo}",
                             "percentage points", True, 1),
    "bundle_completion_days_mean": ("{hi} take {gap} longer to complete a bundle than {lo}", "days", False, 2),
    "failed_trip_rate": ("{hi} make {gap} more failed trips than {lo}", "percentage points", True, 1),
    "travel_min_per_bundle": ("{hi} travel {gap} more per bundle than {lo}", "min", False, 1),
    "coverage_within_min": ("{hi} have a service point open within {target} on {gap} more days than {lo}",
                            "percentage points", True, 1),
}


def _signed(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}".replace("-", "−")


def _gap_lines(gaps: dict, who, coverage_target: float | None) -> list[str]:
    """Plain-language lines for an ``equity`` split: ``who(name, first)`` phrases a group."""
    lines = []
    for key, (sentence, unit, share, dec) in GAP_SENTENCES.items():
        g = gaps.get(key)
        if not g:
            continue
        interval = g.get("gap") or {}
        scale = 100.0 if share else 1.0
        mean = _finite(interval.get("mean"))
        if mean is None or abs(scale * mean) < 0.5 * 10 ** -dec:
            continue
        lo, hi = _finite(interval.get("ci_low")), _finite(interval.get("ci_high"))
        if lo is None or hi is None:
            ci = " (one replication: no interval)"
        else:
            ci = f" ({_signed(scale * lo, dec)}–{_signed(scale * hi, dec)})"
            if lo <= 0 <= hi:
                ci += ", which could also be no gap at all"
        target = f"{coverage_target:g} min" if coverage_target is not None else "the coverage target"
        text = sentence.format(hi=who(g.get("highest", "?"), True), lo=who(g.get("lowest", "?"), False),
                               gap=f"{_signed(scale * mean, dec)} {unit}", target=target)
        lines.append(f"<li>{_cap(text)}{ci}.</li>")
    return lines


def _gap_list(lines: list[str], what: str) -> str:
    if not lines:
        return f'<p class="note">No gaps between {what} could be measured in this run.</p>'
    return (f'<p class="note">For each measure, the {what} with the highest and the lowest mean, and the gap '
            f"between them with its 95&nbsp;% interval in brackets.</p><ul class=\"gaps\">{''.join(lines)}</ul>")


# ------------------------------------------------------------------ segments

SEGMENT_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("contacts_per_week", "Contacts per week", False),
    ("wait_mean_min", "Mean wait (min)", False),
    ("service_level", "Seen within target (%)", True),
    ("abandonment_rate", "Left before service (%)", True),
    ("visits_per_bundle_mean", "Contacts per bundle", False),
    ("one_visit_resolution", "Bundles settled in one contact (%)", True),
    ("travel_min_per_bundle", "Travel per bundle (min)", False),
)


def _ordered(groups: dict, names: list[str]) -> list[str]:
    return [n for n in names if n in groups] + [n for n in groups if n not in names]


def _segment_section(results: Any) -> str:
    head = f'<h2 id="segments">{HEAD_SEGMENTS}</h2>'
    segs = _group_intervals(results, "segment")
    if not segs:
        return head + '<p class="note">No measures per client group were recorded in this run.</p>'
    if len(segs) == 1:
        only = next(iter(segs))
        return head + (f'<p class="note">All clients belong to one client group ({_esc(_label(only))}): '
                       "there are no groups to compare.</p>")
    spec = _spec(results)
    order = _ordered(segs, [s.name for s in getattr(spec, "segments", ())])
    body = []
    for name in order:
        ms = segs[name]
        cells = "".join(_cell(ms.get(k), share) for k, _, share in SEGMENT_COLUMNS)
        body.append(f"<tr><td>{_esc(_label(name))}</td>{cells}</tr>")
    table = _table(["Client group"] + [h for _, h, _ in SEGMENT_COLUMNS], body,
                   "The clients' side per client group: mean over replications, 95&nbsp;% interval below")
    gaps = (results.summary.get("equity") or {}).get("segment") or {}
    lines = _gap_lines(gaps, lambda n, first: _esc(_label(n)), _coverage_target(results))
    return head + table + "<h3>Gaps between client groups</h3>" + _gap_list(lines, "client groups")


# --------------------------------------------------------------------- zones


def _nearest(spec: Any, zone: Any) -> tuple[str, float | None]:
    """The service point clients of a zone can reach fastest, and its travel minutes."""
    best = None
    for unit, minutes in zone.travel:
        office = spec.offices[unit]
        if not office.physical:
            continue
        if best is None or minutes < best[1]:
            best = (office, minutes)
    if best is None:
        return "–", None
    office, minutes = best
    name = _esc(office.name) + (" (mobile office)" if office.kind == "mobile" else "")
    return name, float(minutes)


def _zone_section(results: Any) -> str:
    head = f'<h2 id="zones">{HEAD_ZONES}</h2>'
    spec = _spec(results)
    zone_groups = _group_intervals(results, "zone")
    zones = list(getattr(spec, "zones", ()))
    names = [z.name for z in zones] if zones else list(zone_groups)
    if not names:
        return head + '<p class="note">No measures per zone were recorded in this run.</p>'
    if len(names) < 2:
        return head + ('<p class="note">All clients live in one zone: there is no coverage or travel '
                       "to compare between zones.</p>")
    target = _coverage_target(results)
    within = f"{target:g} min" if target is not None else "the target"
    by_name = {z.name: z for z in zones}
    body = []
    for name in _ordered(zone_groups, names) if zone_groups else names:
        z = by_name.get(name)
        ms = zone_groups.get(name, {})
        if z is not None:
            nearest, minutes = _nearest(spec, z)
            pop = f"{z.population:,.0f}" if z.population > 0 else "–"
            rural = "yes" if z.rural else "no"
        else:
            nearest, minutes, pop, rural = "–", None, "–", "–"
        cov = _finite((ms.get("coverage_within_min") or {}).get("mean"))
        body.append(
            f"<tr><td>{_esc(name)}</td><td class=\"num\">{pop}</td><td>{rural}</td><td>{nearest}</td>"
            f'<td class="num">{_num(minutes)}</td><td class="num">{_num(None if cov is None else 100 * cov)}</td>'
            f"{_cell(ms.get('travel_min_per_bundle'))}{_cell(ms.get('wait_mean_min'))}</tr>"
        )
    table = _table(
        ["Zone", "Residents", "Rural", "Nearest service point", "Travel to it (min, one way)",
         f"Days with a service point open within {within} (%)", "Client travel per bundle (min)",
         "Mean wait (min)"],
        body, "Coverage and travel per zone: travel and wait are means over replications, 95&nbsp;% interval below")
    note = (f'<p class="note">Coverage counts the days on which any service point is open; a zone is covered '
            f"on a day when a service point open to its clients that day is within {within} of travel. "
            "A mobile office covers a zone only on the days it stops there.</p>")
    gaps = (results.summary.get("equity") or {}).get("zone") or {}
    lines = _gap_lines(gaps, lambda n, first: ("Clients in " if first else "clients in ") + _esc(n), target)
    return head + table + note + "<h3>Largest gaps between zones</h3>" + _gap_list(lines, "zones")


# ------------------------------------------------------------------- figures


NOT_KEPT = "Not kept: the run kept aggregates only (run.keep_contacts=false)"


def _empty(fig: go.Figure, text: str = "No data in the measured window") -> go.Figure:
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    return fig


def _wait_figure(contacts: pd.DataFrame, target: float, kept: bool = True) -> go.Figure:
    """Histogram of waits, binned with numpy so the figure stays small."""
    fig = go.Figure(layout_title_text=TITLE_WAIT)
    fig.update_layout(xaxis_title="wait (min)", yaxis_title="share of served clients (%)")
    if not kept:
        return _empty(fig, NOT_KEPT)
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


def _visits_figure(bundles: pd.DataFrame, kept: bool = True) -> go.Figure:
    """Share of ended bundles by visits, stacked by how they ended."""
    fig = go.Figure(layout_title_text=TITLE_VISITS)
    fig.update_layout(xaxis_title="contacts per bundle (visits, calls, sessions; 0: settled proactively)",
                      yaxis_title="share of ended bundles (%)",
                      barmode="stack", xaxis_dtick=1)
    if not kept:
        return _empty(fig, NOT_KEPT)
    status = bundles["status"].astype(str)
    ended = bundles[_mask(bundles["in_window"]) & status.isin(["settled", "abandoned"]).to_numpy()]
    if ended.empty:
        return _empty(fig)
    counts = pd.crosstab(ended["visits"].astype(int), ended["status"].astype(str))
    for st, color in (("settled", "#3a7d44"), ("abandoned", "#c0504d")):
        if st in counts:
            fig.add_bar(x=counts.index.to_numpy(), y=100 * counts[st].to_numpy() / len(ended),
                        name=st, marker_color=color,
                        hovertemplate="%{x} contacts: %{y:.1f} %<extra>" + st + "</extra>")
    return fig


# ---------------------------------------------------------------------- page


def build_report_html(results: Any) -> str:
    """Return the report as one self-contained HTML page (plotly.js inlined once)."""
    summary = results.summary
    meta = summary.get("meta", {})
    target = float(meta.get("service_level_target_min", 15))

    spec = getattr(results, "spec", None)
    kept = spec is None or spec.run.keep_contacts
    ts = results.timeseries
    ts_all = ts[(ts["desk_group"] == "all").to_numpy(dtype=bool)].copy()
    offices = _order(ts_all["office"]) or _order(results.contacts["office"])
    ts_all["office"] = ts_all["office"].astype(str)
    # Hours shown: from the first to the last hour that ever has staff or a queue.
    active = ts_all.loc[(ts_all["on_duty_mean"] > 0) | (ts_all["queue_mean"] > 0), "hour"]
    hours = list(range(int(active.min()), int(active.max()) + 1)) if len(active) else []

    channel_html, channel_fig = _channel_section(results)
    figures = [
        ("fig-channels", channel_fig),
        ("fig-wait", _wait_figure(results.contacts, target, kept)),
        ("fig-queue", _queue_figure(ts_all, offices, hours)),
        ("fig-util", _util_figure(ts_all, offices, hours)),
        ("fig-visits", _visits_figure(results.bundles, kept)),
    ]
    config = {"displaylogo": False, "responsive": True}
    html_of: dict[str, str] = {}
    for div_id, fig in figures:
        if fig is None:
            continue
        # A fixed height: a 100 % high div inside an unsized page would collapse.
        height = fig.layout.height or 450
        fig.update_layout(template="plotly_white", margin=dict(t=70), height=height)
        # plotly.js goes inline with the first figure on the page only: offline, and once.
        html_of[div_id] = fig.to_html(full_html=False, include_plotlyjs=not html_of, div_id=div_id,
                                      config=config, default_height=f"{height}px")
    channel_part = channel_html + html_of.pop("fig-channels", "")
    parts = list(html_of.values())

    network = meta.get("network", "")
    subtitle = (
        f"Schedule <b>{_esc(meta.get('schedule', '?'))}</b> · design <b>{_esc(meta.get('design', '?'))}</b>"
        f" · {_esc(meta.get('weeks', '?'))} weeks simulated, of which"
        f" {_esc(meta.get('warmup_weeks', '?'))} warm-up"
        f" · {_esc(meta.get('replications', '?'))} replications"
    )
    footer = (
        f"simoffice {_esc(meta.get('version', ''))} · seed {_esc(meta.get('seed', '?'))}"
        " · intervals are 95&nbsp;% confidence intervals over replications (Student t),"
        " cut to the possible range of a measure"
    )
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>simoffice report: {_esc(network)}</title><style>{CSS}</style></head><body>",
        f"<h1>simoffice report: {_esc(network)}</h1>",
        f'<p class="subtitle">{subtitle}</p>',
        _summary_paragraph(summary, results),
        "<h2>Measures</h2>",
        _measures_table(summary, results),
        channel_part,
        _segment_section(results),
        _zone_section(results),
        "<h2>Figures</h2>",
        *parts,
        f"<footer>{footer}</footer>",
        "</body></html>",
    ])


@page_writer("run")
def write_report(results: Any, path: str | os.PathLike) -> Path:
    """Write the report to ``path`` atomically and return the path.

    The page goes to a temporary file in the same directory first, so a reader
    never sees half a file and an existing report is only replaced when the new
    one is complete.
    """
    text = build_report_html(results)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
