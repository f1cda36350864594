"""Measures: pure functions of one replication's log.

Nothing here touches SimPy. Every measure is computed over the measured window
``[warmup_weeks, weeks)`` (in minutes): contacts whose ticket was taken in it,
bundles created in it (followed to their end, through the drain period), and
desk time inside it. The measure names are the public contract (DESIGN.md).
"""

from __future__ import annotations

import numpy as np

from simoffice.recorder import (
    CLOSED, IN_SERVICE_AT_END, NO_SHOW, OPEN, RENEGED, SENT_AWAY, SERVED, SETTLED,
)
from simoffice.spec import ONLINE

MEASURES = (
    "wait_mean_min", "wait_p50_min", "wait_p90_min", "wait_p95_min", "service_level",
    "abandonment_rate", "visits_per_bundle_mean", "one_visit_resolution",
    "bundle_completion_days_mean", "failed_trip_rate", "travel_min_per_bundle", "utilisation",
    "overtime_min", "staff_hours", "cost", "contacts_per_week", "queue_length_mean",
    "expert_turnaround_days", "expert_backlog", "expert_cases_per_week", "coverage_within_min",
)
# Measures of the clients' side, computed for every segment, zone and channel too.
CLIENT_MEASURES = (
    "wait_mean_min", "wait_p90_min", "service_level", "abandonment_rate", "visits_per_bundle_mean",
    "one_visit_resolution", "bundle_completion_days_mean", "failed_trip_rate", "travel_min_per_bundle",
    "contacts_per_week",
)
UNITS = {
    "wait_mean_min": "min", "wait_p50_min": "min", "wait_p90_min": "min", "wait_p95_min": "min",
    "service_level": "share", "abandonment_rate": "share", "visits_per_bundle_mean": "contacts",
    "one_visit_resolution": "share", "bundle_completion_days_mean": "days",
    "failed_trip_rate": "share", "travel_min_per_bundle": "min", "utilisation": "share",
    "overtime_min": "min per week", "staff_hours": "hours per week", "cost": "per week",
    "contacts_per_week": "contacts per week", "queue_length_mean": "clients",
    "expert_turnaround_days": "days", "expert_backlog": "cases", "expert_cases_per_week": "cases per week",
    "coverage_within_min": "share",
}


def occupancy(starts: np.ndarray, ends: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Time integral (minutes) of the number of intervals open, per bin between ``edges``.

    Each interval ``[start, end)`` is clipped to the edges and split at them: its
    first and last bins get their partial lengths, the bins in between their full
    width (counted with a difference array). Only local differences are
    summed, so the result is exact to rounding however long the run.
    """
    n = len(edges) - 1
    s = np.clip(starts, edges[0], edges[-1])
    e = np.clip(ends, edges[0], edges[-1])
    keep = e > s
    s, e = s[keep], e[keep]
    first = np.minimum(np.searchsorted(edges, s, side="right") - 1, n - 1)
    last = np.searchsorted(edges, e, side="left") - 1  # a bin holds its right edge's end
    one = first == last
    out = np.zeros(n)
    out += np.bincount(first[one], weights=e[one] - s[one], minlength=n)
    m = ~one
    out += np.bincount(first[m], weights=edges[first[m] + 1] - s[m], minlength=n)
    out += np.bincount(last[m], weights=e[m] - edges[last[m]], minlength=n)
    full = np.bincount(first[m] + 1, minlength=n + 1) - np.bincount(last[m], minlength=n + 1)
    out += np.cumsum(full)[:n] * np.diff(edges)
    return out


def _mean(x: np.ndarray) -> float:
    return float(x.mean()) if len(x) else float("nan")


def _share(mask: np.ndarray) -> float:
    return float(mask.mean()) if len(mask) else float("nan")


def open_time_before(x: np.ndarray, intervals: np.ndarray) -> np.ndarray:
    """Total open time (minutes) before each time in ``x``, for sorted disjoint ``(start, end)`` rows."""
    if len(intervals) == 0:
        return np.zeros(len(x))
    starts, lengths = intervals[:, 0], intervals[:, 1] - intervals[:, 0]
    before = np.concatenate(([0.0], np.cumsum(lengths)))
    k = np.searchsorted(starts, x, side="right") - 1  # the last interval starting at or before x
    j = np.maximum(k, 0)
    return np.where(k >= 0, before[j] + np.clip(x - starts[j], 0.0, lengths[j]), 0.0)


def overtime(duty: dict, opening: list[np.ndarray], window: tuple[float, float]) -> float:
    """Desk minutes in the window past the end of a shift while the office is closed."""
    w0, w1 = window
    a = np.clip(np.maximum(duty["start_min"], duty["scheduled_end_min"]), w0, w1)
    b = np.clip(duty["end_min"], w0, w1)
    late = b > a
    total = 0.0
    for o in np.unique(duty["office"][late]):
        rows = late & (duty["office"] == o)
        open_part = open_time_before(b[rows], opening[o]) - open_time_before(a[rows], opening[o])
        total += float(((b[rows] - a[rows]) - open_part).sum())
    return total


def client_measures(contacts: dict, bundles: dict | None, window: tuple[float, float],
                    targets: np.ndarray, physical: np.ndarray) -> dict[str, float]:
    """The clients' side of the measures (see :data:`CLIENT_MEASURES`).

    Args:
        contacts, bundles: log columns (numpy arrays); ``bundles`` None leaves the
            bundle measures out (a split by channel).
        window: measured window (start, end) in minutes.
        targets: service-level target (minutes of wait) per channel code.
        physical: per unit, whether clients travel to it (trips can fail there).
    """
    w0, w1 = window
    weeks = (w1 - w0) / 10080.0
    arr = contacts["arrival_min"]
    inw = (arr >= w0) & (arr < w1)
    out = contacts["outcome"][inw]
    start = contacts["start_min"][inw]
    arrival = arr[inw]
    channel = contacts["channel"][inw]
    queued = (out != CLOSED) & (out != NO_SHOW) & (channel != ONLINE)
    started = ~np.isnan(start)
    waits = start[started] - arrival[started]
    n_queued = int(queued.sum())
    r = {}
    r["wait_mean_min"] = _mean(waits)
    for q in (50, 90, 95):
        r[f"wait_p{q}_min"] = float(np.percentile(waits, q)) if len(waits) else float("nan")
    in_time = (waits <= targets[channel[started]]).sum()
    r["service_level"] = float(in_time / n_queued) if n_queued else float("nan")
    r["abandonment_rate"] = float((out == RENEGED).sum() / n_queued) if n_queued else float("nan")
    # Trips: a visit to a service point fails when it found the point closed or was
    # sent away with nothing handled.
    office = contacts["office"][inw]
    trip = (office >= 0) & (out != NO_SHOW)
    trip[trip] = physical[office[trip]]
    key = contacts["bundle"][inw][trip] * 1000 + contacts["visit"][inw][trip]
    o = out[trip]
    trips, inverse = np.unique(key, return_inverse=True)
    served_trip = np.zeros(len(trips), bool)
    np.logical_or.at(served_trip, inverse, (o == SERVED) | (o == IN_SERVICE_AT_END))
    bad_trip = np.zeros(len(trips), bool)
    np.logical_or.at(bad_trip, inverse, (o == CLOSED) | (o == SENT_AWAY))
    r["failed_trip_rate"] = _share(bad_trip & ~served_trip)
    # A contact is a trip, call, session or no-show: tickets of one visit (re-queues, a
    # video client connected at a joint service point) are one contact.
    contact_keys = contacts["bundle"][inw] * 1000 + contacts["visit"][inw]
    r["contacts_per_week"] = float(len(np.unique(contact_keys)) / weeks)
    if bundles is not None:
        # Bundles created in the window and ended by the end of the run.
        b_in = (bundles["created_min"] >= w0) & (bundles["created_min"] < w1)
        status = bundles["status"][b_in]
        ended = status != OPEN
        visits = bundles["visits"][b_in][ended]
        r["visits_per_bundle_mean"] = _mean(visits.astype(float))
        # Bundles delivered proactively (no contact) are left out.
        contacted = visits > 0
        r["one_visit_resolution"] = _share((status[ended][contacted] == SETTLED) & (visits[contacted] == 1))
        settled = status == SETTLED
        days = (bundles["end_min"][b_in][settled] - bundles["first_visit_min"][b_in][settled]) / 1440.0
        r["bundle_completion_days_mean"] = _mean(days[~np.isnan(days)])
        r["travel_min_per_bundle"] = _mean(bundles["travel_min"][b_in][ended])
    return r


def expert_measures(cases: dict, window: tuple[float, float]) -> dict[str, float]:
    """Turnaround (days from escalation to decision, cases escalated in the window),
    backlog (time-average cases at the expert centre) and cases a week."""
    w0, w1 = window
    esc, end = cases["escalated_min"], cases["end_min"]
    inw = (esc >= w0) & (esc < w1)
    done = inw & ~np.isnan(end)
    still = np.where(np.isnan(end), np.inf, end)
    return {
        "expert_turnaround_days": _mean((end[done] - esc[done]) / 1440.0),
        "expert_backlog": float(occupancy(esc, still, np.array([w0, w1]))[0] / (w1 - w0)),
        "expert_cases_per_week": float(inw.sum() / ((w1 - w0) / 10080.0)),
    }


def measures(contacts: dict, bundles: dict, duty: dict, window: tuple[float, float],
             targets: np.ndarray, opening: list[np.ndarray], physical: np.ndarray,
             cases: dict | None = None, cost_per_hour: float = 0.0, fixed_cost: float = 0.0,
             coverage: float = float("nan")) -> dict[str, float]:
    """Every summary measure of one replication (or one unit's part of it).

    Args:
        contacts, bundles, duty, cases: the replication's log columns (numpy arrays).
        window: measured window (start, end) in minutes.
        targets: service-level target (minutes of wait) per channel code.
        opening: per unit, its open intervals over the run as an (n, 2) array.
        physical: per unit, whether clients travel to it.
        cost_per_hour: price of a staff hour; ``fixed_cost``: other costs in the window
            (mobile offices' vehicles); ``coverage``: the share of population covered.
    """
    w0, w1 = window
    weeks = (w1 - w0) / 10080.0
    r = client_measures(contacts, bundles, window, targets, physical)
    # Desk time inside the window.
    edges = np.array([w0, w1])
    on_duty = occupancy(duty["start_min"], duty["end_min"], edges)[0]
    s_all, e_all = contacts["start_min"], contacts["end_min"]
    busy_rows = ~np.isnan(s_all)
    busy = occupancy(s_all[busy_rows], e_all[busy_rows], edges)[0]
    r["utilisation"] = float(busy / on_duty) if on_duty > 0 else float("nan")
    r["overtime_min"] = overtime(duty, opening, window) / weeks
    r["staff_hours"] = float(on_duty / 60.0 / weeks)
    expert = expert_measures(cases, window) if cases is not None and len(cases["escalated_min"]) else {
        k: float("nan") for k in ("expert_turnaround_days", "expert_backlog", "expert_cases_per_week")}
    r.update(expert)
    r["cost"] = r["staff_hours"] * cost_per_hour + fixed_cost / weeks
    arr = contacts["arrival_min"]
    leave = np.where(np.isnan(s_all), e_all, s_all)
    queued = (contacts["outcome"] != CLOSED) & (contacts["outcome"] != NO_SHOW) & (contacts["channel"] != ONLINE)
    r["queue_length_mean"] = float(occupancy(arr[queued], leave[queued], edges)[0] / (w1 - w0))
    r["coverage_within_min"] = coverage
    return {m: r.get(m, float("nan")) for m in MEASURES}


def split(columns: dict, key: np.ndarray, n_groups: int):
    """``(group, columns of its rows)`` for each group code 0 … n_groups-1, by one
    stable sort instead of a mask per group."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    cols = {k: v[order] for k, v in columns.items()}
    bounds = np.searchsorted(sorted_key, np.arange(n_groups + 1), side="left")
    for g in range(n_groups):
        lo, hi = bounds[g], bounds[g + 1]
        yield g, {k: v[lo:hi] for k, v in cols.items()}


def subset(columns: dict, mask: np.ndarray) -> dict:
    return {k: v[mask] for k, v in columns.items()}


def timeseries(contacts: dict, duty: dict, group_skills: list[tuple[int, frozenset[int]]],
               n_offices: int, window: tuple[float, float], bin_min: float = 15.0) -> dict[str, np.ndarray]:
    """Time-average queue length, busy desks and desks on duty per bin.

    One row per office × desk group × bin, plus one per office × bin with
    ``desk_group = -1`` for the office totals. A desk group's queue counts the
    tickets waiting for a skill it has.

    Args:
        group_skills: (office, skills) of each network-wide desk group.
    """
    w0, w1 = window
    edges = np.arange(w0, w1 + bin_min / 2, bin_min)
    n_bins = len(edges) - 1
    start, end, arr = contacts["start_min"], contacts["end_min"], contacts["arrival_min"]
    queued = (contacts["outcome"] != CLOSED) & (contacts["outcome"] != NO_SHOW) & (contacts["channel"] != ONLINE)
    leave = np.where(np.isnan(start), end, start)
    busy_rows = ~np.isnan(start)
    rows: dict[str, list] = {k: [] for k in ("office", "desk_group", "bin_start_min", "queue_mean", "busy_mean", "on_duty_mean")}

    def add(office, group, q, b, d):
        rows["office"].append(np.full(n_bins, office, np.int16))
        rows["desk_group"].append(np.full(n_bins, group, np.int16))
        rows["bin_start_min"].append(edges[:-1])
        for k, v in (("queue_mean", q), ("busy_mean", b), ("on_duty_mean", d)):
            rows[k].append(v / bin_min)

    for o in range(n_offices):
        in_o = contacts["office"] == o
        d_o = duty["office"] == o
        tq = queued & in_o
        add(o, -1,
            occupancy(arr[tq], leave[tq], edges),
            occupancy(start[busy_rows & in_o], end[busy_rows & in_o], edges),
            occupancy(duty["start_min"][d_o], duty["end_min"][d_o], edges))
        for g, (office, skills) in enumerate(group_skills):
            if office != o:
                continue
            tg = tq & np.isin(contacts["skill"], list(skills))
            bg = busy_rows & (contacts["desk_group"] == g)
            dg = duty["desk_group"] == g
            add(o, g, occupancy(arr[tg], leave[tg], edges), occupancy(start[bg], end[bg], edges),
                occupancy(duty["start_min"][dg], duty["end_min"][dg], edges))
    return {k: np.concatenate(v) if v else np.array([]) for k, v in rows.items()}
