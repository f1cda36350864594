"""The report's map: zones and service points where the network gives coordinates.

A network may place its zones and offices on a flat map (``xy_km``: km east and
north; a synthetic network always does). The map is a plain plotly scatter on
those kilometres, with equal scales on both axes and no map tiles, so the page
stays offline and self-contained:

- zones are circles whose area grows with their residents, coloured by the share
  of days a service point is open within the coverage target, or — picked in
  the figure's menu — by the clients' mean travel per bundle;
- offices are squares whose area grows with their contacts a week;
- a mobile office is its weekly route: a line through its stops' zones, in the
  order of the week, with an open diamond (the zone shows through) at each stop,
  sized like an office.

Places without coordinates (the contact and video centres have none) are left
off, and said so when some zone or office lacks them. Names come from configs:
plotly draws text as its own small HTML, so every name is escaped.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
import plotly.io as pio

from simoffice.model.spec import MOBILE_OFFICE, OFFICE
from simoffice.reports.kit import FIGURE_CONFIG, esc, finite, section
from simoffice.reports.run_facts import coverage_target, group_intervals, spec_of
from simoffice.vocabulary import WEEKDAY_NAMES, hhmm

HEAD = "Map"
DIV_ID = "fig-map"
HEIGHT_PX = 640
# Marker diameters in pixels: the smallest and the largest of each kind (area grows with the amount).
ZONE_PX = (10.0, 40.0)
POINT_PX = (12.0, 36.0)
MAX_ZONE_LABELS = 15  # more zones than this are named on hover only
OFFICE_COLOUR = "#1f3b73"
ROUTE_COLOUR = "#7b2d8e"
NO_DATA_COLOUR = "#bbbbbb"

# The measures zones can be coloured by: (measure, menu label, colour bar title, share, colour scale).
ZONE_COLOURS = (
    ("coverage_within_min", "Colour zones by: days with a service point open nearby", "days covered (%)", True,
     "RdYlGn"),
    ("travel_min_per_bundle", "Colour zones by: travel per bundle", "travel per bundle (min)", False, "RdYlGn_r"),
)


def label(name: str) -> str:
    """A name as plotly text: plotly reads ``<b>``, ``<br>`` … as markup and turns
    ``&lt;``, ``&gt;`` and ``&amp;`` back into characters, but not ``&quot;``."""
    return html.escape(str(name), quote=False)


def map_section(results: Any) -> str:
    """The map section of a run's report (HTML), or "" when the network has no coordinates
    (or the results have no spec). The figure draws itself once the page has loaded, so
    the section may come before the figure that inlines plotly.js; the page must have one."""
    places = Places.of(spec_of(results))
    if places is None:
        return ""
    fig = map_figure(results, places)
    return section(HEAD, f'<p class="note">{_caption(results, places)}</p>', deferred_div(fig, DIV_ID),
                   anchor="map")


def map_figure(results: Any, places: "Places | None" = None) -> go.Figure | None:
    """The map as a plotly figure (x, y in km), or None without coordinates."""
    places = places or Places.of(spec_of(results))
    if places is None:
        return None
    fig = go.Figure()
    menu = _zone_traces(fig, results, places)
    _office_trace(fig, results, places)
    for route in places.routes:
        _route_trace(fig, results, route, places)
    fig.update_layout(
        template="plotly_white", height=HEIGHT_PX, margin=dict(t=70, l=60, r=30, b=60),
        xaxis=dict(title="km east", zeroline=False, range=_span(fig, "x")),
        yaxis=dict(title="km north", zeroline=False, range=_span(fig, "y"), scaleanchor="x", scaleratio=1),
        legend=dict(orientation="h", x=0.0, y=-0.12, xanchor="left", yanchor="top"),
        hoverlabel=dict(align="left"),
    )
    fig.update_traces(cliponaxis=False)  # names near the edge stay whole
    if menu:
        fig.update_layout(updatemenus=[dict(type="dropdown", direction="down", x=0.0, y=1.12, xanchor="left",
                                            yanchor="top", showactive=True, buttons=menu)])
    return fig


def _span(fig: go.Figure, axis: str) -> list[float]:
    """An axis's range: every place, with room around them for the markers and names
    (the other axis widens its range to keep the scales equal)."""
    values = [v for trace in fig.data for v in (getattr(trace, axis) or ())]
    lo, hi = min(values), max(values)
    pad = max(0.1 * (hi - lo), 2.0)
    return [lo - pad, hi + pad]


def deferred_div(fig: go.Figure, div_id: str) -> str:
    """A figure's div and the script that draws it once the page has loaded (plotly.js
    may be inlined further down the page). The figure's JSON escapes ``<``, so names
    cannot close the script."""
    height = int(fig.layout.height or HEIGHT_PX)
    figure = pio.to_json(fig, validate=False)
    return (f'<div id="{div_id}" class="plotly-graph-div" style="height:{height}px; width:100%;"></div>'
            f'<script>document.addEventListener("DOMContentLoaded", function () {{'
            f'var f = {figure}; Plotly.newPlot("{div_id}", f.data, f.layout, {json.dumps(FIGURE_CONFIG)});'
            f"}});</script>")


# --- what is on the map -----------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    """A mobile office on the map: its stops in the order of the week, as (zone index, label)."""

    name: str
    stops: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Places:
    """The zones and service points that have coordinates (indices into the spec), and
    the names of those that should have had one but have not."""

    spec: Any
    zones: tuple[int, ...]
    offices: tuple[int, ...]
    routes: tuple[Route, ...]
    missing: tuple[str, ...]

    @classmethod
    def of(cls, spec: Any) -> "Places | None":
        """The places of ``spec`` on the map, or None when nothing has coordinates."""
        if spec is None:
            return None
        zones, offices = getattr(spec, "zones", ()), getattr(spec, "offices", ())
        residents = any(z.population > 0 for z in zones)  # else each office is its own zone: drawn as the office
        fixed = [i for i, u in enumerate(offices) if u.kind == OFFICE]
        placed_zones = tuple(i for i, z in enumerate(zones) if residents and z.xy is not None)
        placed_offices = tuple(i for i in fixed if offices[i].xy is not None)
        if not placed_zones and not placed_offices:
            return None
        missing = [z.name for z in zones if residents and z.xy is None]
        missing += [offices[i].name for i in fixed if offices[i].xy is None]
        routes = []
        for u in offices:
            if u.kind != MOBILE_OFFICE:
                continue
            stops = tuple((st.zone, f"{WEEKDAY_NAMES[st.weekday]} {hhmm(st.start)}–{hhmm(st.end)}")
                          for st in sorted(u.stops, key=lambda st: (st.weekday, st.start))
                          if zones[st.zone].xy is not None)
            if stops:
                routes.append(Route(u.name, stops))
        return cls(spec, placed_zones, placed_offices, tuple(routes), tuple(missing))


# --- what the map shows -----------------------------------------------------------------

def contacts_per_week(results: Any, unit: str) -> float | None:
    """A unit's contacts a week, mean over replications: from the summary's ``units``
    when it has them, else from the replications table; None when neither has it."""
    units = results.summary.get("units") or {}
    value = finite(((units.get(unit) or {}).get("contacts_per_week") or {}).get("mean"))
    if value is not None:
        return value
    reps = getattr(results, "replications", None)
    if reps is None or len(reps) == 0:
        return None
    rows = reps[((reps["office"].astype(str) == unit) & (reps["measure"] == "contacts_per_week")).to_numpy(bool)]
    return finite(rows["value"].mean()) if len(rows) else None


def sizes(values: list[float | None], smallest: float, largest: float) -> list[float]:
    """Marker diameters (pixels) whose areas grow in proportion to ``values`` (missing: the smallest)."""
    top = max((v for v in values if v is not None and v > 0), default=0.0)
    return [smallest + (largest - smallest) * math.sqrt(max(v, 0.0) / top) if v is not None and top > 0
            else smallest for v in values]


def _zone_traces(fig: go.Figure, results: Any, places: Places) -> list[dict]:
    """Zone circles, one set per colour measure the run has (the first visible), and the
    menu that switches between them (empty with fewer than two)."""
    if not places.zones:
        return []
    spec = places.spec
    zones = [spec.zones[i] for i in places.zones]
    by_zone = group_intervals(results, "zone")
    size = sizes([z.population for z in zones], *ZONE_PX)
    x, y = [z.xy[0] for z in zones], [z.xy[1] for z in zones]
    names = [label(z.name) for z in zones]
    target = coverage_target(results)
    values = {key: [finite(((by_zone.get(z.name) or {}).get(key) or {}).get("mean")) for z in zones]
              for key, *_ in ZONE_COLOURS}
    hover = [_zone_hover(z, values["coverage_within_min"][k], values["travel_min_per_bundle"][k], target)
             for k, z in enumerate(zones)]
    text_mode = "markers+text" if len(zones) <= MAX_ZONE_LABELS else "markers"
    common = dict(mode=text_mode, textposition="middle right", textfont=dict(size=10, color="#555"),
                  hoverinfo="text", legendgroup="zones")
    measures = [c for c in ZONE_COLOURS if any(v is not None for v in values[c[0]])]
    if not measures:
        fig.add_scatter(x=x, y=y, text=names, hovertext=hover, name="Zones (area: residents)",
                        marker=dict(size=size, color=NO_DATA_COLOUR, line=dict(width=1, color="white")), **common)
        return []
    groups = []
    for n, (key, _, title, share, scale) in enumerate(measures):
        scale_by = 100.0 if share else 1.0
        vals = values[key]
        have = [k for k, v in enumerate(vals) if v is not None]
        lack = [k for k, v in enumerate(vals) if v is None]
        top = 100.0 if share else max(scale_by * vals[k] for k in have) or 1.0
        first = len(fig.data)
        fig.add_scatter(
            x=[x[k] for k in have], y=[y[k] for k in have], text=[names[k] for k in have],
            hovertext=[hover[k] for k in have], name="Zones (area: residents)", visible=n == 0,
            marker=dict(size=[size[k] for k in have], color=[scale_by * vals[k] for k in have], colorscale=scale,
                        cmin=0.0, cmax=top, opacity=0.85, line=dict(width=1, color="white"),
                        colorbar=dict(title=dict(text=title), thickness=14, len=0.8)),
            **common)
        if lack:
            fig.add_scatter(x=[x[k] for k in lack], y=[y[k] for k in lack], text=[names[k] for k in lack],
                            hovertext=[hover[k] for k in lack], name="Zones without data", visible=n == 0,
                            marker=dict(size=[size[k] for k in lack], color=NO_DATA_COLOUR), **common)
        groups.append(range(first, len(fig.data)))
    if len(groups) < 2:
        return []
    order = [i for g in groups for i in g]
    return [dict(label=measures[n][1], method="restyle", args=[{"visible": [i in g for i in order]}, order])
            for n, g in enumerate(groups)]


def _zone_hover(zone: Any, coverage: float | None, travel: float | None, target: float | None) -> str:
    lines = [f"<b>{label(zone.name)}</b>", f"{zone.population:,.0f} residents" + (" (rural)" if zone.rural else "")]
    within = f"within {target:g} min" if target is not None else "nearby"
    if coverage is not None:
        lines.append(f"a service point open {within} on {100 * coverage:.0f}% of days")
    if travel is not None:
        lines.append(f"travel per bundle {travel:.1f} min")
    return "<br>".join(lines)


def _office_trace(fig: go.Figure, results: Any, places: Places) -> None:
    if not places.offices:
        return
    units = [places.spec.offices[i] for i in places.offices]
    contacts = [contacts_per_week(results, u.name) for u in units]
    fig.add_scatter(
        x=[u.xy[0] for u in units], y=[u.xy[1] for u in units], mode="markers+text",
        text=[label(u.name) for u in units], textposition="top center", textfont=dict(size=12, color=OFFICE_COLOUR),
        hovertext=[_point_hover(u.name, c) for u, c in zip(units, contacts)], hoverinfo="text",
        name="Offices (area: contacts a week)",
        marker=dict(symbol="square", size=sizes(contacts, *POINT_PX), color=OFFICE_COLOUR, opacity=0.8,
                    line=dict(width=1.5, color="white")),
    )


def _route_trace(fig: go.Figure, results: Any, route: Route, places: Places) -> None:
    """A mobile office's route through its stops' zones, a diamond at each stop."""
    zones = places.spec.zones
    points: list[tuple[int, list[str]]] = []  # consecutive stops in one zone share a point
    for zone, when in route.stops:
        if points and points[-1][0] == zone:
            points[-1][1].append(when)
        else:
            points.append((zone, [when]))
    contacts = contacts_per_week(results, route.name)
    peers = [contacts_per_week(results, places.spec.offices[i].name) for i in places.offices]
    size = sizes([contacts, *peers], *POINT_PX)[0]
    fig.add_scatter(
        x=[zones[z].xy[0] for z, _ in points], y=[zones[z].xy[1] for z, _ in points], mode="lines+markers+text",
        text=[label(route.name)] + [""] * (len(points) - 1), textposition="top center",
        textfont=dict(size=12, color=ROUTE_COLOUR),
        hovertext=[_point_hover(route.name, contacts, f"stops at {label(zones[z].name)}: {', '.join(when)}")
                   for z, when in points], hoverinfo="text",
        name=f"{label(route.name)} (mobile office's route)",
        line=dict(color=ROUTE_COLOUR, width=2.5, dash="dot"),
        marker=dict(symbol="diamond-open", size=size, color=ROUTE_COLOUR, line=dict(width=2.5)),
    )


def _point_hover(name: str, contacts: float | None, extra: str | None = None) -> str:
    lines = [f"<b>{label(name)}</b>"]
    lines.append("contacts a week: –" if contacts is None else f"{contacts:,.0f} contacts a week")
    if extra:
        lines.append(extra)
    return "<br>".join(lines)


def _caption(results: Any, places: Places) -> str:
    """The one line under the heading: what the marks mean (HTML)."""
    target = coverage_target(results)
    within = f"within {target:g}&nbsp;min" if target is not None else "nearby"
    parts = []
    if places.zones:
        parts.append(f"Zones are circles sized by residents and coloured by the share of days with a service "
                     f"point open {within} (the menu switches to travel per bundle)")
    if places.offices:
        parts.append("offices are squares sized by contacts a week")
    if places.routes:
        parts.append("a mobile office is its weekly route through its stops")
    text = "; ".join(parts) + "; km on a flat map."
    if places.missing:
        text += f" Not on the map (no <code>xy_km</code>): {esc(', '.join(places.missing))}."
    return text[0].upper() + text[1:]

