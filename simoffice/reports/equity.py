"""The report's views of who gets what: per client group (segment) and per zone.

Each view has a table of the clients' side of the measures per group, with 95 %
intervals, and then the largest gaps between groups in plain sentences ("Clients
in North wait 4.2 min longer on average than clients in South (1.1–7.3)"), from
the ``equity`` part of the summary: the groups with the highest and the lowest
mean of a measure and an interval for their paired difference.
"""

from __future__ import annotations

from typing import Any, Callable

from simoffice.reports.kit import esc, finite, num, section, table
from simoffice.reports.labels import cap, label
from simoffice.reports.run_facts import coverage_target, group_intervals, measure_cell, spec_of

HEAD_SEGMENTS = "Client groups"
HEAD_ZONES = "Zones: coverage and travel"

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

SEGMENT_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("contacts_per_week", "Contacts per week", False),
    ("wait_mean_min", "Mean wait (min)", False),
    ("service_level", "Seen within target (%)", True),
    ("abandonment_rate", "Left before service (%)", True),
    ("visits_per_bundle_mean", "Contacts per bundle", False),
    ("one_visit_resolution", "Bundles settled in one contact (%)", True),
    ("travel_min_per_bundle", "Travel per bundle (min)", False),
)

# ``who(name, first)`` phrases a group in a gap sentence, ``first`` when it opens the sentence.
Phrase = Callable[[str, bool], str]


def _signed(x: float, decimals: int) -> str:
    return f"{x:.{decimals}f}".replace("-", "−")


def gap_lines(gaps: dict, who: Phrase, coverage_target_min: float | None) -> list[str]:
    """Plain-language ``<li>`` lines for an ``equity`` split, one per measure with a gap."""
    lines = []
    for key, (sentence, unit, share, dec) in GAP_SENTENCES.items():
        g = gaps.get(key)
        if not g:
            continue
        interval = g.get("gap") or {}
        scale = 100.0 if share else 1.0
        mean = finite(interval.get("mean"))
        if mean is None or abs(scale * mean) < 0.5 * 10 ** -dec:
            continue
        lo, hi = finite(interval.get("ci_low")), finite(interval.get("ci_high"))
        if lo is None or hi is None:
            ci = " (one replication: no interval)"
        else:
            ci = f" ({_signed(scale * lo, dec)}–{_signed(scale * hi, dec)})"
            if lo <= 0 <= hi:
                ci += ", which could also be no gap at all"
        target = f"{coverage_target_min:g} min" if coverage_target_min is not None else "the coverage target"
        text = sentence.format(hi=who(g.get("highest", "?"), True), lo=who(g.get("lowest", "?"), False),
                               gap=f"{_signed(scale * mean, dec)} {unit}", target=target)
        lines.append(f"<li>{cap(text)}{ci}.</li>")
    return lines


def gap_list(lines: list[str], what: str) -> str:
    """The gap lines as a list with a note on how to read them (or a note that there are none)."""
    if not lines:
        return f'<p class="note">No gaps between {what} could be measured in this run.</p>'
    return (f'<p class="note">For each measure, the {what} with the highest and the lowest mean, and the gap '
            f"between them with its 95&nbsp;% interval in brackets.</p><ul class=\"gaps\">{''.join(lines)}</ul>")


def _ordered(groups: dict, names: list[str]) -> list[str]:
    return [n for n in names if n in groups] + [n for n in groups if n not in names]


def segment_section(results: Any) -> str:
    """Client groups: their measures side by side, then the gaps between them."""
    segs = group_intervals(results, "segment")
    if not segs:
        return section(HEAD_SEGMENTS, '<p class="note">No measures per client group were recorded in this run.</p>',
                       anchor="segments")
    if len(segs) == 1:
        only = next(iter(segs))
        return section(HEAD_SEGMENTS, f'<p class="note">All clients belong to one client group '
                                      f"({esc(label(only))}): there are no groups to compare.</p>",
                       anchor="segments")
    order = _ordered(segs, [s.name for s in getattr(spec_of(results), "segments", ())])
    body = []
    for name in order:
        cells = "".join(measure_cell(segs[name].get(k), share) for k, _, share in SEGMENT_COLUMNS)
        body.append(f"<tr><td>{esc(label(name))}</td>{cells}</tr>")
    groups = table(["Client group"] + [h for _, h, _ in SEGMENT_COLUMNS], body,
                   "The clients' side per client group: mean over replications, 95&nbsp;% interval below")
    gaps = (results.summary.get("equity") or {}).get("segment") or {}
    lines = gap_lines(gaps, lambda n, first: esc(label(n)), coverage_target(results))
    return section(HEAD_SEGMENTS, groups, "<h3>Gaps between client groups</h3>", gap_list(lines, "client groups"),
                   anchor="segments")


def _nearest(spec: Any, zone: Any) -> tuple[str, float | None]:
    """The service point clients of a zone can reach fastest (HTML), and its travel minutes."""
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
    name = esc(office.name) + (" (mobile office)" if office.kind == "mobile" else "")
    return name, float(minutes)


def _zone_row(spec: Any, zone: Any, name: str, ms: dict) -> str:
    """A zone's row: residents, rural, its nearest service point, coverage, travel and wait."""
    if zone is not None:
        nearest, minutes = _nearest(spec, zone)
        pop = f"{zone.population:,.0f}" if zone.population > 0 else "–"
        rural = "yes" if zone.rural else "no"
    else:
        nearest, minutes, pop, rural = "–", None, "–", "–"
    cov = finite((ms.get("coverage_within_min") or {}).get("mean"))
    return (f"<tr><td>{esc(name)}</td><td class=\"num\">{pop}</td><td>{rural}</td><td>{nearest}</td>"
            f'<td class="num">{num(minutes)}</td><td class="num">{num(None if cov is None else 100 * cov)}</td>'
            f"{measure_cell(ms.get('travel_min_per_bundle'))}{measure_cell(ms.get('wait_mean_min'))}</tr>")


def zone_section(results: Any) -> str:
    """Zones: coverage and travel per zone, then the largest gaps between zones."""
    spec = spec_of(results)
    zone_groups = group_intervals(results, "zone")
    zones = list(getattr(spec, "zones", ()))
    names = [z.name for z in zones] if zones else list(zone_groups)
    if not names:
        return section(HEAD_ZONES, '<p class="note">No measures per zone were recorded in this run.</p>',
                       anchor="zones")
    if len(names) < 2:
        return section(HEAD_ZONES, '<p class="note">All clients live in one zone: there is no coverage or '
                                   "travel to compare between zones.</p>", anchor="zones")
    target = coverage_target(results)
    within = f"{target:g} min" if target is not None else "the target"
    by_name = {z.name: z for z in zones}
    body = [_zone_row(spec, by_name.get(name), name, zone_groups.get(name, {}))
            for name in (_ordered(zone_groups, names) if zone_groups else names)]
    coverage = table(
        ["Zone", "Residents", "Rural", "Nearest service point", "Travel to it (min, one way)",
         f"Days with a service point open within {within} (% of all days)", "Client travel per bundle (min)",
         "Mean wait (min)"],
        body, "Coverage and travel per zone: travel and wait are means over replications, 95&nbsp;% interval below")
    note = (f'<p class="note">Coverage counts every calendar day, weekends and holidays included; a zone is '
            f"covered on a day when a service point open to its clients that day is within {within} of travel. "
            "A mobile office covers a zone only on the days it stops there.</p>")
    gaps = (results.summary.get("equity") or {}).get("zone") or {}
    lines = gap_lines(gaps, lambda n, first: ("Clients in " if first else "clients in ") + esc(n), target)
    return section(HEAD_ZONES, coverage, note, "<h3>Largest gaps between zones</h3>", gap_list(lines, "zones"),
                   anchor="zones")
