"""Measures: pure functions of one replication's log.

Nothing here touches SimPy. Every measure is computed over the measured window
``[warmup_weeks, weeks)`` (in minutes): contacts whose ticket was taken in it,
bundles created in it (followed to their end, through the drain period), and
desk time inside it. The measure names are the public contract (DESIGN.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from simoffice.engine.recorder import (
    CLOSED, IN_SERVICE_AT_END, NO_SHOW, OPEN, RENEGED, SENT_AWAY, SERVED, SETTLED,
)
from simoffice.model.spec import ONLINE
from simoffice.vocabulary import DAY, WEEK

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
    if n == 1:  # one bin (a whole window): every interval lies in it
        return np.bincount(np.zeros(len(s), np.intp), weights=e - s, minlength=1)
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


# --- tallies: sums and counts that add up across parts of a log -----------------------
#
# Every measure is a ratio of sums, a time integral or a percentile. A tally holds
# those sums for some rows of a log; tallies of disjoint parts add up to the tally
# of the whole, so a long run can fold its log into tallies week by week
# (``run.keep_contacts=false``) and get the measures of the whole log. Only
# percentiles need every wait: a tally keeps a histogram of waits in
# WAIT_BIN_MIN bins (zero waits exactly), and the raw waits when asked (``exact``).

WAIT_BIN_MIN = 0.1


class WaitHistogram:
    """Counts of waits by bin: key -1 holds waits of exactly zero, key k >= 0 the
    waits in ``[k, k + 1) × WAIT_BIN_MIN``. Stored sparse (only bins that occur)."""

    __slots__ = ("keys", "counts")

    def __init__(self, keys: np.ndarray | None = None, counts: np.ndarray | None = None):
        self.keys = np.zeros(0, np.int64) if keys is None else keys
        self.counts = np.zeros(0, np.int64) if counts is None else counts

    @classmethod
    def of(cls, waits: np.ndarray) -> "WaitHistogram":
        keys = np.where(waits <= 0, -1, np.floor(waits / WAIT_BIN_MIN)).astype(np.int64)
        k, n = np.unique(keys, return_counts=True)
        return cls(k, n.astype(np.int64))

    def __add__(self, other: "WaitHistogram") -> "WaitHistogram":
        if not len(other.keys):
            return self
        if not len(self.keys):
            return other
        keys = np.concatenate((self.keys, other.keys))
        counts = np.concatenate((self.counts, other.counts))
        k, inverse = np.unique(keys, return_inverse=True)
        return WaitHistogram(k, np.bincount(inverse, weights=counts, minlength=len(k)).astype(np.int64))

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile as numpy's default (linear) method gives it, with
        each wait replaced by its bin's middle (0 for zero waits): within half a
        bin of the exact value."""
        n = int(self.counts.sum())
        if n == 0:
            return float("nan")
        values = np.where(self.keys < 0, 0.0, (self.keys + 0.5) * WAIT_BIN_MIN)
        cum = np.cumsum(self.counts)
        h = (n - 1) * q / 100.0
        lo = int(np.floor(h))
        hi = min(lo + 1, n - 1)
        x_lo, x_hi = values[np.searchsorted(cum, [lo, hi], side="right")]
        return float(x_lo + (h - lo) * (x_hi - x_lo))


@dataclass
class ClientTally:
    """Sums behind the clients' side of the measures (see :func:`client_tally`)."""

    n_queued: int = 0
    n_reneged: int = 0
    n_in_time: int = 0
    n_waits: int = 0
    sum_waits: float = 0.0
    n_trips: int = 0
    n_failed_trips: int = 0
    n_contacts: int = 0
    # Bundles (absent for a split by channel).
    bundles: bool = False
    n_ended: int = 0
    sum_visits: float = 0.0
    sum_travel: float = 0.0
    n_contacted: int = 0
    n_one_visit: int = 0
    n_days: int = 0
    sum_days: float = 0.0
    hist: WaitHistogram = field(default_factory=WaitHistogram)
    waits: np.ndarray | None = None  # every wait, for exact percentiles (a whole log)

    def without_bundles(self) -> "ClientTally":
        """The same tally with its bundle sums left out (as for a split by channel)."""
        empty = ClientTally()
        return replace(self, bundles=False, **{f: getattr(empty, f) for f in _BUNDLE_SUMS})

    def __add__(self, other: "ClientTally") -> "ClientTally":
        out = ClientTally(**{f: getattr(self, f) + getattr(other, f) for f in _SUMS})
        out.bundles = self.bundles or other.bundles
        out.hist = self.hist + other.hist
        if self.waits is not None and other.waits is not None:
            out.waits = np.concatenate((self.waits, other.waits))
        return out


_BUNDLE_SUMS = ("n_ended", "sum_visits", "sum_travel", "n_contacted", "n_one_visit", "n_days", "sum_days")
_SUMS = ("n_queued", "n_reneged", "n_in_time", "n_waits", "sum_waits", "n_trips", "n_failed_trips",
         "n_contacts") + _BUNDLE_SUMS


@dataclass
class UnitTally:
    """Sums behind the staff's and the expert centre's side of the measures (see :func:`unit_tally`)."""

    busy: float = 0.0  # desk minutes in service, inside the window
    on_duty: float = 0.0  # desk minutes on duty, inside the window
    overtime: float = 0.0
    queue_area: float = 0.0  # time integral of the number waiting
    n_case_rows: int = 0
    n_cases: int = 0  # escalated in the window
    n_decided: int = 0
    sum_turnaround_days: float = 0.0
    backlog_area: float = 0.0

    def __add__(self, other: "UnitTally") -> "UnitTally":
        return UnitTally(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(UnitTally)})


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else float("nan")


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Positions where a run of equal values begins in a sorted array."""
    if not len(ordered):
        return np.zeros(0, np.intp)
    return np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))


def client_tally(contacts: dict, bundles: dict | None, window: tuple[float, float], targets: np.ndarray,
                 physical: np.ndarray, exact: bool = False) -> ClientTally:
    """The sums behind :func:`client_measures` for some rows of a log.

    The rows of one contact (the tickets of a visit) must all be in the same part.
    ``exact`` keeps every wait, for exact percentiles.
    """
    w0, w1 = window
    arr = contacts["arrival_min"]
    inw = (arr >= w0) & (arr < w1)
    out = contacts["outcome"][inw]
    start = contacts["start_min"][inw]
    arrival = arr[inw]
    channel = contacts["channel"][inw]
    queued = (out != CLOSED) & (out != NO_SHOW) & (channel != ONLINE)
    started = ~np.isnan(start)
    waits = start[started] - arrival[started]
    t = ClientTally(
        n_queued=int(queued.sum()),
        n_reneged=int((out == RENEGED).sum()),
        n_in_time=int((waits <= targets[channel[started]]).sum()),
        n_waits=len(waits),
        sum_waits=float(waits.sum()),
        hist=WaitHistogram.of(waits),
        waits=waits if exact else None,
    )
    # A contact is a trip, call, session or no-show: tickets of one visit (re-queues, a
    # video client connected at a joint service point) are one contact. Rows come
    # nearly in order of bundle, so a stable (merging) sort of the key is quick.
    key = contacts["bundle"][inw] * 1000 + contacts["visit"][inw]
    order = np.argsort(key, kind="stable")
    key = key[order]
    t.n_contacts = len(_firsts(key))
    # Trips: a visit to a service point fails when it found the point closed or was
    # sent away with nothing handled.
    office = contacts["office"][inw]
    trip = (office >= 0) & (out != NO_SHOW)
    trip[trip] = physical[office[trip]]
    trip = trip[order]
    firsts = _firsts(key[trip])
    t.n_trips = len(firsts)
    if t.n_trips:
        o = out[order][trip]
        served_trip = np.logical_or.reduceat((o == SERVED) | (o == IN_SERVICE_AT_END), firsts)
        bad_trip = np.logical_or.reduceat((o == CLOSED) | (o == SENT_AWAY), firsts)
        t.n_failed_trips = int((bad_trip & ~served_trip).sum())
    if bundles is not None:
        t.bundles = True
        # Bundles created in the window and ended by the end of the run.
        b_in = (bundles["created_min"] >= w0) & (bundles["created_min"] < w1)
        status = bundles["status"][b_in]
        ended = status != OPEN
        visits = bundles["visits"][b_in][ended]
        t.n_ended = len(visits)
        t.sum_visits = float(visits.astype(float).sum())
        t.sum_travel = float(bundles["travel_min"][b_in][ended].sum())
        # Bundles delivered proactively (no contact) are left out.
        contacted = visits > 0
        t.n_contacted = int(contacted.sum())
        t.n_one_visit = int(((status[ended][contacted] == SETTLED) & (visits[contacted] == 1)).sum())
        settled = status == SETTLED
        days = (bundles["end_min"][b_in][settled] - bundles["first_visit_min"][b_in][settled]) / DAY
        days = days[~np.isnan(days)]
        t.n_days = len(days)
        t.sum_days = float(days.sum())
    return t


def client_results(t: ClientTally, window: tuple[float, float]) -> dict[str, float]:
    """The clients' side of the measures from their tally: exact percentiles when the
    tally kept every wait, else from its histogram (within WAIT_BIN_MIN / 2)."""
    w0, w1 = window
    r = {"wait_mean_min": _ratio(t.sum_waits, t.n_waits)}
    for q in (50, 90, 95):
        if t.waits is not None:
            r[f"wait_p{q}_min"] = float(np.percentile(t.waits, q)) if len(t.waits) else float("nan")
        else:
            r[f"wait_p{q}_min"] = t.hist.percentile(q)
    r["service_level"] = _ratio(t.n_in_time, t.n_queued)
    r["abandonment_rate"] = _ratio(t.n_reneged, t.n_queued)
    r["failed_trip_rate"] = _ratio(t.n_failed_trips, t.n_trips)
    r["contacts_per_week"] = float(t.n_contacts / ((w1 - w0) / WEEK))
    if t.bundles:
        r["visits_per_bundle_mean"] = _ratio(t.sum_visits, t.n_ended)
        r["one_visit_resolution"] = _ratio(t.n_one_visit, t.n_contacted)
        r["bundle_completion_days_mean"] = _ratio(t.sum_days, t.n_days)
        r["travel_min_per_bundle"] = _ratio(t.sum_travel, t.n_ended)
    return r


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
    return client_results(client_tally(contacts, bundles, window, targets, physical, exact=True), window)


def expert_measures(cases: dict, window: tuple[float, float]) -> dict[str, float]:
    """Turnaround (days from escalation to decision, cases escalated in the window),
    backlog (time-average cases at the expert centre) and cases a week."""
    return _expert_results(unit_tally(None, None, cases, window, []), window)


def _expert_results(t: "UnitTally", window: tuple[float, float]) -> dict[str, float]:
    w0, w1 = window
    return {
        "expert_turnaround_days": _ratio(t.sum_turnaround_days, t.n_decided),
        "expert_backlog": float(t.backlog_area / (w1 - w0)),
        "expert_cases_per_week": float(t.n_cases / ((w1 - w0) / WEEK)),
    }


def unit_tally(contacts: dict | None, duty: dict | None, cases: dict | None, window: tuple[float, float],
               opening: list[np.ndarray]) -> UnitTally:
    """The sums behind the staff's and the expert centre's measures for some rows of
    a log (any split of the rows adds up)."""
    w0, w1 = window
    edges = np.array([w0, w1])
    t = UnitTally()
    if duty is not None:
        t.on_duty = float(occupancy(duty["start_min"], duty["end_min"], edges)[0])
        t.overtime = overtime(duty, opening, window)
    if contacts is not None:
        s_all, e_all = contacts["start_min"], contacts["end_min"]
        busy_rows = ~np.isnan(s_all)
        t.busy = float(occupancy(s_all[busy_rows], e_all[busy_rows], edges)[0])
        leave = np.where(np.isnan(s_all), e_all, s_all)
        out, channel = contacts["outcome"], contacts["channel"]
        queued = (out != CLOSED) & (out != NO_SHOW) & (channel != ONLINE)
        t.queue_area = float(occupancy(contacts["arrival_min"][queued], leave[queued], edges)[0])
    if cases is not None:
        esc, end = cases["escalated_min"], cases["end_min"]
        inw = (esc >= w0) & (esc < w1)
        done = inw & ~np.isnan(end)
        still = np.where(np.isnan(end), np.inf, end)
        t.n_case_rows = len(esc)
        t.n_cases = int(inw.sum())
        t.n_decided = int(done.sum())
        t.sum_turnaround_days = float(((end[done] - esc[done]) / DAY).sum())
        t.backlog_area = float(occupancy(esc, still, edges)[0])
    return t


def unit_results(t: UnitTally, window: tuple[float, float], cost_per_hour: float = 0.0,
                 fixed_cost: float = 0.0) -> dict[str, float]:
    """The staff's and the expert centre's measures from their tally."""
    w0, w1 = window
    weeks = (w1 - w0) / WEEK
    r = {
        "utilisation": _ratio(t.busy, t.on_duty) if t.on_duty > 0 else float("nan"),
        "overtime_min": t.overtime / weeks,
        "staff_hours": float(t.on_duty / 60.0 / weeks),
        "queue_length_mean": float(t.queue_area / (w1 - w0)),
    }
    r["cost"] = r["staff_hours"] * cost_per_hour + fixed_cost / weeks
    if t.n_case_rows:  # else not applicable (NaN): no expert centre, or no case in the run
        r.update(_expert_results(t, window))
    return r


def results(client: ClientTally, unit: UnitTally, window: tuple[float, float], cost_per_hour: float = 0.0,
            fixed_cost: float = 0.0, coverage: float = float("nan")) -> dict[str, float]:
    """Every summary measure from the tallies of a log (see :func:`measures`)."""
    r = client_results(client, window)
    r.update(unit_results(unit, window, cost_per_hour, fixed_cost))
    r["coverage_within_min"] = coverage
    return {m: r.get(m, float("nan")) for m in MEASURES}


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
    return results(client_tally(contacts, bundles, window, targets, physical, exact=True),
                   unit_tally(contacts, duty, cases, window, opening), window, cost_per_hour, fixed_cost, coverage)


def split(columns: dict, key: np.ndarray, n_groups: int):
    """``(group, columns of its rows)`` for each group code 0 … n_groups-1, by one
    stable sort instead of a mask per group."""
    if len(key) and key[0] == key.min() == key.max():  # one group holds every row (a single office …)
        g = int(key[0])
        empty = {k: v[:0] for k, v in columns.items()}
        for h in range(n_groups):
            yield h, columns if h == g else empty
        return
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    cols = {k: v[order] for k, v in columns.items()}
    bounds = np.searchsorted(sorted_key, np.arange(n_groups + 1), side="left")
    for g in range(n_groups):
        lo, hi = bounds[g], bounds[g + 1]
        yield g, {k: v[lo:hi] for k, v in cols.items()}


def subset(columns: dict, mask: np.ndarray) -> dict:
    return {k: v[mask] for k, v in columns.items()}


def series(group_skills: list[tuple[int, frozenset[int]]], n_offices: int) -> list[tuple[int, int]]:
    """The time series of a run, in table order: (office, desk group) with desk
    group -1 for an office's total, followed by its own desk groups.

    Args:
        group_skills: (office, skills) of each network-wide desk group.
    """
    out = []
    for o in range(n_offices):
        out.append((o, -1))
        out.extend((o, g) for g, (office, _) in enumerate(group_skills) if office == o)
    return out


def _occupancy_part(starts: np.ndarray, ends: np.ndarray, window: tuple[float, float],
                    bin_min: float) -> tuple[int, np.ndarray] | None:
    """:func:`occupancy` per ``bin_min`` bin of the window, worked out only on the bins
    the intervals touch: ``(lo, values)`` for bins ``lo, lo + 1, …``, or None if no
    interval reaches into the window."""
    w0, w1 = window
    s = np.clip(starts, w0, w1)
    e = np.clip(ends, w0, w1)
    keep = e > s
    if not keep.any():
        return None
    s, e = s[keep], e[keep]
    n_bins = int(round((w1 - w0) / bin_min))
    lo = max(int((s.min() - w0) // bin_min) - 1, 0)
    hi = min(int(np.ceil((e.max() - w0) / bin_min)) + 1, n_bins)
    return lo, occupancy(s, e, w0 + np.arange(lo, hi + 1) * bin_min)


def _add_part(out: np.ndarray, part: tuple[int, np.ndarray] | None) -> None:
    """Add a :func:`_occupancy_part` into ``out``, which has a value per bin of the
    window, or fewer: then bin ``i`` of the window adds into ``out[i % len(out)]`` (a
    week's bins fold the window onto one week)."""
    if part is None:
        return
    lo, values = part
    hi = lo + len(values)
    if hi <= len(out):
        out[lo:hi] += values
    else:
        out += np.bincount(np.arange(lo, hi) % len(out), weights=values, minlength=len(out))


def timeseries_add(acc: np.ndarray, contacts: dict, duty: dict, group_skills: list[tuple[int, frozenset[int]]],
                   n_offices: int, window: tuple[float, float], bin_min: float = 15.0) -> None:
    """Add some rows of a log to the time integrals ``acc`` (series × queue, busy,
    on duty × bin; series as :func:`series`; bins of the window, or of a week to fold
    the window onto one week): any split of the rows adds up."""
    start, end, arr = contacts["start_min"], contacts["end_min"], contacts["arrival_min"]
    queued = (contacts["outcome"] != CLOSED) & (contacts["outcome"] != NO_SHOW) & (contacts["channel"] != ONLINE)
    leave = np.where(np.isnan(start), end, start)
    busy_rows = ~np.isnan(start)
    totals = None  # the office's rows and parts, for a desk group whose rows are the same
    for i, (o, g) in enumerate(series(group_skills, n_offices)):
        if g < 0:
            tq = queued & (contacts["office"] == o)
            bq = busy_rows & (contacts["office"] == o)
            dq = duty["office"] == o
        else:
            tq = queued & (contacts["office"] == o) & np.isin(contacts["skill"], list(group_skills[g][1]))
            bq = busy_rows & (contacts["desk_group"] == g)
            dq = duty["desk_group"] == g
        masks = (tq, bq, dq)
        if g >= 0 and all(np.array_equal(a, b) for a, b in zip(masks, totals[0])):
            parts = totals[1]  # e.g. an office's only desk group
        else:
            parts = (_occupancy_part(arr[tq], leave[tq], window, bin_min),
                     _occupancy_part(start[bq], end[bq], window, bin_min),
                     _occupancy_part(duty["start_min"][dq], duty["end_min"][dq], window, bin_min))
        if g < 0:
            totals = (masks, parts)
        for k, part in enumerate(parts):
            _add_part(acc[i, k], part)


def timeseries_table(acc: np.ndarray, group_skills: list[tuple[int, frozenset[int]]], n_offices: int,
                     window: tuple[float, float], bin_min: float = 15.0) -> dict[str, np.ndarray]:
    """The time series as columns, from the time integrals of :func:`timeseries_add`
    (folded onto a week, each bin's integral is averaged over the weeks of the window)."""
    keys = series(group_skills, n_offices)
    n_bins = acc.shape[2] if acc.ndim == 3 else 0
    w0, w1 = window
    folds = (w1 - w0) / (n_bins * bin_min) if n_bins else 1.0
    if not keys:
        return {k: np.array([]) for k in ("office", "desk_group", "bin_start_min", "queue_mean", "busy_mean",
                                          "on_duty_mean")}
    scale = bin_min * folds
    return {
        "office": np.repeat(np.array([o for o, _ in keys], np.int16), n_bins),
        "desk_group": np.repeat(np.array([g for _, g in keys], np.int16), n_bins),
        "bin_start_min": np.tile(w0 + np.arange(n_bins) * bin_min, len(keys)),
        "queue_mean": (acc[:, 0] / scale).ravel(),
        "busy_mean": (acc[:, 1] / scale).ravel(),
        "on_duty_mean": (acc[:, 2] / scale).ravel(),
    }


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
    acc = np.zeros((len(series(group_skills, n_offices)), 3, int(round((w1 - w0) / bin_min))))
    timeseries_add(acc, contacts, duty, group_skills, n_offices, window, bin_min)
    return timeseries_table(acc, group_skills, n_offices, window, bin_min)
