"""The report's view per channel: walk-in, appointment, phone, video, online, mobile office.

A sentence with each channel's share of the contacts for the summary, and a
section with a table of each channel's volume, waits, service level and
abandonment and a small bar chart of volume and mean wait with 95 % intervals.
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from simoffice.reports.kit import esc, finite, section, table
from simoffice.reports.labels import CHANNEL_NAMES, label
from simoffice.reports.run_facts import group_intervals, measure_cell, phone_target_sec, spec_of, target_min

HEAD_CHANNELS = "Contacts by channel"
TITLE_CHANNELS = "Contacts per week and mean wait by channel"


def channel_rows(results: Any) -> list[tuple[str, dict]]:
    """(channel, its measures) with contacts, in the simulator's channel order."""
    channels = group_intervals(results, "channel")
    order = [c for c in CHANNEL_NAMES if c in channels] + [c for c in channels if c not in CHANNEL_NAMES]
    return [(c, channels[c]) for c in order
            if finite((channels[c].get("contacts_per_week") or {}).get("mean"))]


def _channel_label(channel: str) -> str:
    return CHANNEL_NAMES.get(channel, (label(channel),))[0]


def channel_sentence(results: Any) -> str | None:
    """Shares of contacts by channel, largest first, when there are several channels."""
    channels = group_intervals(results, "channel")
    volume = {ch: finite((ms.get("contacts_per_week") or {}).get("mean")) for ch, ms in channels.items()}
    volume = {ch: v for ch, v in volume.items() if v}
    if len(volume) < 2:
        return None
    total = sum(volume.values())
    parts = []
    for ch, v in sorted(volume.items(), key=lambda kv: -kv[1]):
        share = 100 * v / total
        pct = "&lt;1" if share < 0.5 else f"{share:.0f}"
        verb = "" if parts else " were"
        parts.append(f"{pct}&nbsp;%{verb} {esc(CHANNEL_NAMES.get(ch, (None, label(ch)))[1])}")
    listed = ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Of {total:,.0f} contacts a week, {listed}."


def channel_section(results: Any) -> tuple[str, go.Figure | None]:
    """A table of each channel's volume, waits, service level and abandonment, and
    a small bar chart; one sentence (and no figure) when the run has a single channel."""
    rows = channel_rows(results)
    if not rows:
        return section(HEAD_CHANNELS, '<p class="note">No measures per channel were recorded in this run.</p>',
                       anchor="channels"), None
    if len(rows) == 1:
        return section(HEAD_CHANNELS, f'<p class="note">Every contact in this run came through one channel '
                                      f'({esc(_channel_label(rows[0][0]).lower())}): the measures above are '
                                      "that channel's.</p>", anchor="channels"), None
    target = target_min(results.summary)
    phone_sec = phone_target_sec(spec_of(results))
    total = sum(finite(ms["contacts_per_week"]["mean"]) for _, ms in rows)
    body = []
    for ch, ms in rows:
        queued = finite((ms.get("service_level") or {}).get("mean")) is not None
        if not queued:
            tgt = "no queue"
        elif ch == "phone" and phone_sec is not None:
            tgt = f"{phone_sec:g} s"
        else:
            tgt = f"{target:g} min"
        share = 100 * finite(ms["contacts_per_week"]["mean"]) / total
        body.append(
            f"<tr><td>{esc(_channel_label(ch))}</td>{measure_cell(ms.get('contacts_per_week'))}"
            f'<td class="num">{share:.0f}</td>'
            f"{measure_cell(ms.get('wait_mean_min'))}{measure_cell(ms.get('wait_p90_min'))}"
            f"{measure_cell(ms.get('service_level'), share=True)}<td>{tgt}</td>"
            f"{measure_cell(ms.get('abandonment_rate'), share=True)}</tr>"
        )
    channels = table(
        ["Channel", "Contacts per week", "Share of contacts (%)", "Mean wait (min)",
         "90th percentile of wait (min)", "Seen within target (%)", "Target wait",
         "Left before service (%)"],
        body, "Contacts and service per channel: mean over replications, 95&nbsp;% interval below")
    note = ('<p class="note">A contact is a ticket, call, session or trip. Online self-service has no queue, '
            "so it has no wait, service level or abandonment.</p>")
    return section(HEAD_CHANNELS, channels, note, anchor="channels"), channel_figure(rows)


def _error_bars(ms_list: list[dict]) -> dict:
    """Plotly error bars from intervals: the distance of each end from the mean."""
    means = [finite(m.get("mean")) for m in ms_list]
    plus = [(finite(m.get("ci_high")) - mu) if mu is not None and finite(m.get("ci_high")) is not None else None
            for m, mu in zip(ms_list, means)]
    minus = [(mu - finite(m.get("ci_low"))) if mu is not None and finite(m.get("ci_low")) is not None else None
             for m, mu in zip(ms_list, means)]
    return dict(type="data", array=plus, arrayminus=minus, visible=True, color="#444")


def channel_figure(rows: list[tuple[str, dict]]) -> go.Figure:
    """Two small bar charts with 95 % intervals: contacts per week and mean wait."""
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Contacts per week", "Mean wait of served contacts"),
                        horizontal_spacing=0.12)
    names = [_channel_label(ch) for ch, _ in rows]
    volume = [ms.get("contacts_per_week") or {} for _, ms in rows]
    fig.add_bar(x=names, y=[finite(m.get("mean")) for m in volume], error_y=_error_bars(volume),
                marker_color="#36c", name="contacts per week", showlegend=False,
                hovertemplate="%{x}: %{y:,.0f} contacts per week<extra></extra>", row=1, col=1)
    waited = [(n, ms.get("wait_mean_min") or {}) for n, (_, ms) in zip(names, rows)
              if finite((ms.get("wait_mean_min") or {}).get("mean")) is not None]
    fig.add_bar(x=[n for n, _ in waited], y=[finite(m.get("mean")) for _, m in waited],
                error_y=_error_bars([m for _, m in waited]), marker_color="#e08a2c", name="mean wait",
                showlegend=False, hovertemplate="%{x}: %{y:.1f} min<extra></extra>", row=1, col=2)
    fig.update_yaxes(title_text="contacts per week", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title_text="mean wait (min)", rangemode="tozero", row=1, col=2)
    fig.update_xaxes(title_text="channel")
    fig.update_layout(title_text=TITLE_CHANNELS + " (bars: 95 % intervals)", height=380)
    return fig
