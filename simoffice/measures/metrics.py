"""Measures: pure functions of one replication's log.

Nothing here touches SimPy. Every measure is computed over the measured window
``[warmup_weeks, weeks)`` (in minutes): contacts whose ticket was taken in it,
bundles created in it (followed to their end, through the drain period), and
desk time inside it. The measure names are the public contract (the "Measures" table of docs/pages/outputs.md).

Staff time: ``overtime_min`` is desk time on duty outside the scheduled duty
periods (a client finished past a shift's end or a break's start, the waiting
served after closing); the paid (rostered) hours are the scheduled duty and the
paid breaks; ``staff_hours`` = paid hours + overtime, and ``cost`` prices them.
``fte``, the staff to employ, is each unit's staff hours / (1 − its shrinkage),
summed, over the hours of a full-time contract.

A measure is computed from a tally of the log (:mod:`simoffice.measures.tally`),
which adds up across parts of the log; the time series are in
:mod:`simoffice.measures.timeseries`.
"""

from __future__ import annotations

import numpy as np

from simoffice.measures.tally import ClientTally, UnitTally, client_tally, unit_tally
from simoffice.model.measure_names import MEASURES  # noqa: F401  (the names, where a config can check them)
from simoffice.vocabulary import WEEK

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
    "overtime_min": "min per week", "staff_hours": "hours per week", "cost": "per week", "fte": "FTE",
    "contacts_per_week": "contacts per week", "queue_length_mean": "clients",
    "expert_turnaround_days": "days", "expert_backlog": "cases", "expert_cases_per_week": "cases per week",
    "coverage_within_min": "share", "coverage_open_days": "share",
}
# Measures that are shares, in [0, 1]; every other measure is >= 0. Intervals are cut to these ranges.
SHARES = tuple(m for m, unit in UNITS.items() if unit == "share")


def _ratio(num: float, den: float) -> float:
    return float(num / den) if den else float("nan")


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


def _expert_results(t: "UnitTally", window: tuple[float, float]) -> dict[str, float]:
    w0, w1 = window
    return {
        "expert_turnaround_days": _ratio(t.sum_turnaround_days, t.n_decided),
        "expert_backlog": float(t.backlog_area / (w1 - w0)),
        "expert_cases_per_week": float(t.n_cases / ((w1 - w0) / WEEK)),
    }


def unit_results(t: UnitTally, window: tuple[float, float], cost_per_hour: float = 0.0,
                 fixed_cost: float = 0.0, contract_hours: float = float("nan")) -> dict[str, float]:
    """The staff's and the expert centre's measures from their tally: ``staff_hours``
    (paid hours and overtime, per week), ``cost`` (``cost_per_hour`` a staff hour,
    plus ``fixed_cost`` over the window) and ``fte`` (against ``contract_hours`` a
    week; NaN when not given)."""
    w0, w1 = window
    weeks = (w1 - w0) / WEEK
    r = {
        "utilisation": _ratio(t.busy, t.on_duty) if t.on_duty > 0 else float("nan"),
        "overtime_min": t.overtime / weeks,
        "staff_hours": float((t.on_duty + t.paid_break) / 60.0 / weeks),
        "fte": float(t.employed / 60.0 / weeks / contract_hours),
        "queue_length_mean": float(t.queue_area / (w1 - w0)),
    }
    r["cost"] = r["staff_hours"] * cost_per_hour + fixed_cost / weeks
    if t.n_case_rows:  # else not applicable (NaN): no expert centre, or no case in the run
        r.update(_expert_results(t, window))
    return r


def results(client: ClientTally, unit: UnitTally, window: tuple[float, float], cost_per_hour: float = 0.0,
            fixed_cost: float = 0.0, coverage: tuple[float, float] = (float("nan"), float("nan")),
            contract_hours: float = float("nan")) -> dict[str, float]:
    """Every summary measure from the tallies of a log (see :func:`measures`);
    ``coverage``: per calendar day and per open day."""
    r = client_results(client, window)
    r.update(unit_results(unit, window, cost_per_hour, fixed_cost, contract_hours))
    r["coverage_within_min"], r["coverage_open_days"] = coverage
    return {m: r.get(m, float("nan")) for m in MEASURES}


def measures(contacts: dict, bundles: dict, duty: dict, window: tuple[float, float],
             targets: np.ndarray, physical: np.ndarray,
             cases: dict | None = None, cost_per_hour: float = 0.0, fixed_cost: float = 0.0,
             coverage: tuple[float, float] = (float("nan"), float("nan")), shrinkage: np.ndarray | None = None,
             contract_hours: float = float("nan")) -> dict[str, float]:
    """Every summary measure of one replication (or one unit's part of it).

    Args:
        contacts, bundles, duty, cases: the replication's log columns (numpy arrays).
        window: measured window (start, end) in minutes.
        targets: service-level target (minutes of wait) per channel code.
        physical: per unit, whether clients travel to it.
        cost_per_hour: price of a staff hour; ``fixed_cost``: other costs in the window
            (mobile offices' vehicles); ``coverage``: the share of population covered,
            per calendar day and per open day.
        shrinkage: per unit, the share of paid hours lost to absence and training
            (None: none); ``contract_hours``: a full-time contract's hours a week
            (for ``fte``; NaN: not computed).
    """
    return results(client_tally(contacts, bundles, window, targets, physical, exact=True),
                   unit_tally(contacts, duty, cases, window, shrinkage), window, cost_per_hour, fixed_cost, coverage,
                   contract_hours)


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
