"""The staffing search's units and intervals: where desks are rostered, the load, the measured target.

A *unit* is an office or the contact centre whose desks the search rosters; an
*interval* is a ``roster.interval_min``-minute stretch of a unit's day on one
weekday (a row of the table :func:`unit_intervals` returns). Every unit has one
grid for all its weekdays, from its earliest opening to its latest closing, so
a day's requirement is a vector the roster solver covers. Per interval, the
pilot run gives the arrival rate of the contacts that queued
(:func:`measured_arrivals`), and every simulation round the target measure of
those contacts with its interval over replications (:func:`interval_levels`).
Times are minutes of the day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simoffice.config.build import weekly_staff_hours
from simoffice.measures.intervals import t_interval
from simoffice.model.spec import CONTACT_CENTRE, OFFICE, ModelSpec
from simoffice.model.timetable import day_pairs
from simoffice.run.results import Results
from simoffice.vocabulary import DAY, WEEKDAYS, hhmm

# Outcomes that never queued (a trip to a closed office, a booked appointment not kept).
NOT_QUEUED = ("closed", "no_show")


@dataclass(frozen=True)
class Unit:
    """A unit whose staff are rostered: an office or the contact centre.

    ``weights``: baseline weekly paid hours of each desk group (how an
    interval's requirement is split); ``required``: groups that keep a desk in
    every open interval (their skills or clients differ from the other
    groups'). ``start_min`` and ``n_intervals`` give the unit's grid;
    ``opening`` its weekly hours (7 entries, Monday first, None or (open, close) pairs)."""

    index: int
    name: str
    kind: str
    target_min: float
    groups: tuple[str, ...]
    weights: tuple[float, ...]
    required: tuple[bool, ...]
    opening: tuple
    start_min: int
    n_intervals: int

    @property
    def floor(self) -> int:
        """The fewest desks the unit has in an open interval: one per required desk group."""
        return sum(self.required)


def searched_units(spec: ModelSpec, contact_centre: bool, interval_min: int) -> list[Unit]:
    """The offices, and the contact centre if ``contact_centre``, with their target
    waits (minutes) and grids of ``interval_min`` minutes (the grid starts on a
    multiple of ``interval_min`` and ends at or after the latest closing)."""
    hours = weekly_staff_hours(spec)
    units = []
    for i, unit in enumerate(spec.offices):
        if unit.kind == CONTACT_CENTRE and contact_centre:
            target = spec.phone.target_min
        elif unit.kind == OFFICE:
            target = spec.run.service_level_target_min
        else:
            continue
        pairs = [p for day in unit.opening for p in day_pairs(day)]
        if not pairs:
            continue
        lo = min(p[0] for p in pairs) // interval_min * interval_min
        hi = -(-max(p[1] for p in pairs) // interval_min) * interval_min
        weights = tuple(hours.get((unit.name, g.name), 0.0) for g in unit.desk_groups)
        staffed = [g for g, w in zip(unit.desk_groups, weights) if w > 0]
        alike = len({(g.skills, g.serves) for g in staffed}) <= 1
        required = tuple(w > 0 and not alike for w in weights)
        units.append(Unit(i, unit.name, unit.kind, target, tuple(g.name for g in unit.desk_groups), weights,
                          required, unit.opening, int(lo), int((hi - lo) // interval_min)))
    return units


def open_mask(unit: Unit, interval_min: int) -> np.ndarray:
    """(7, n) True where the unit is open for some of the interval."""
    mask = np.zeros((7, unit.n_intervals), dtype=bool)
    starts = unit.start_min + interval_min * np.arange(unit.n_intervals)
    for day, entry in enumerate(unit.opening):
        for lo, hi in day_pairs(entry):
            mask[day] |= (starts < hi) & (starts + interval_min > lo)
    return mask


def unit_intervals(units: list[Unit], interval_min: int) -> pd.DataFrame:
    """A row per unit × weekday × interval of the unit's grid where it is open."""
    rows = []
    for u, unit in enumerate(units):
        mask = open_mask(unit, interval_min)
        for day in range(7):
            for k in np.flatnonzero(mask[day]):
                start = unit.start_min + int(k) * interval_min
                rows.append({"unit": u, "office": unit.name, "kind": unit.kind, "weekday": WEEKDAYS[day],
                             "day": day, "k": int(k), "start_min": start, "end_min": start + interval_min,
                             "interval_start": hhmm(start), "interval_end": hhmm(start + interval_min)})
    return pd.DataFrame(rows, columns=["unit", "office", "kind", "weekday", "day", "k", "start_min", "end_min",
                                       "interval_start", "interval_end"])


def interval_lookup(intervals: pd.DataFrame, n_units: int) -> np.ndarray:
    """Interval row per (unit, weekday, minute of the day); -1 outside every interval."""
    table = np.full((n_units, 7, DAY), -1, dtype=np.int64)
    for i, row in enumerate(intervals.itertuples()):
        table[row.unit, row.day, row.start_min:min(row.end_min, DAY)] = i
    return table


def open_days(spec: ModelSpec) -> np.ndarray:
    """Days of each weekday in the measured window that are not public holidays."""
    w0, w1 = spec.run.window
    days = np.arange(int(w0 // DAY), int(w1 // DAY))
    days = days[~np.isin(days, list(spec.schedule.holidays))]
    return np.bincount((days + spec.run.start_weekday) % 7, minlength=7)


def queued(contacts: pd.DataFrame, units: list[Unit], lookup: np.ndarray | None = None) -> pd.DataFrame:
    """Contacts that queued at a searched unit in the measured window: replication,
    unit, wait (NaN: never started), time in the queue, whether they reneged, and
    with a ``lookup`` the interval of their arrival (those outside every interval left out)."""
    position = {u.name: i for i, u in enumerate(units)}
    c = contacts
    keep = (c["in_window"].to_numpy(dtype=bool) & ~c["outcome"].isin(NOT_QUEUED).to_numpy(dtype=bool)
            & (c["channel"] != "online").to_numpy(dtype=bool)
            & c["office"].isin(list(position)).to_numpy(dtype=bool))
    c = c[keep]
    unit = c["office"].astype(str).map(position).to_numpy(dtype=np.int64)
    wait = c["start_min"].to_numpy() - c["arrival_min"].to_numpy()
    out = pd.DataFrame({"replication": c["replication"].to_numpy(), "unit": unit,
                        "wait": wait, "reneged": (c["outcome"] == "reneged").to_numpy(dtype=bool),
                        "queue_time": np.where(np.isnan(wait), c["end_min"].to_numpy() - c["arrival_min"].to_numpy(),
                                               wait)})
    if lookup is None:
        return out
    minute = (c["arrival_min"].to_numpy() % DAY).astype(np.int64)
    out["interval"] = lookup[unit, c["weekday"].to_numpy(dtype=np.int64), minute]
    return out[out["interval"] >= 0]


def measured_arrivals(results: Results, units: list[Unit], intervals: pd.DataFrame, lookup: np.ndarray,
                      interval_min: int) -> pd.DataFrame:
    """Per interval: arrivals per minute of the contacts that queued (mean over the
    weekday's open days and replications), and per interval its unit's mean service
    time and mean patience (minutes; NaN where no contact reneged)."""
    q = queued(results.contacts, units, lookup)
    counts = q.groupby("interval").size().reindex(range(len(intervals)), fill_value=0).to_numpy()
    occurrences = open_days(results.spec)[intervals["day"].to_numpy()] * results.spec.run.replications
    per_min = np.where(occurrences > 0, counts / np.maximum(occurrences, 1) / interval_min, 0.0)
    c = results.contacts
    served = c[c["in_window"].to_numpy(dtype=bool) & (c["outcome"] == "served").to_numpy(dtype=bool)]
    mean_s = served.groupby(served["office"].astype(str))["service_min"].mean()
    service = np.array([float(mean_s.get(units[u].name, np.nan)) for u in intervals["unit"]])
    # Exponential patience, censored by service: time spent queuing over abandonments.
    time_in_queue = q.groupby("unit")["queue_time"].sum()
    reneges = q.groupby("unit")["reneged"].sum()
    patience = np.array([float(time_in_queue.get(u, 0.0) / reneges[u]) if reneges.get(u, 0) > 0 else np.nan
                         for u in intervals["unit"]])
    return pd.DataFrame({"arrivals_per_hour": per_min * 60, "service_mean_min": service,
                         "patience_mean_min": patience})


# The measure each target kind reads from a queued contact, and whether more of it is better.
TARGET_MEASURES = {
    "service_level": ("within the target wait", True),
    "asa": ("mean wait (min)", False),
    "p_wait": ("share who waited", False),
    "abandonment": ("share who abandoned", False),
}


def contact_values(q: pd.DataFrame, units: list[Unit], kind: str) -> np.ndarray:
    """Each queued contact's value of the target measure (NaN where it does not count)."""
    wait = q["wait"].to_numpy()
    if kind == "service_level":
        targets = np.array([u.target_min for u in units])[q["unit"].to_numpy()]
        return (~np.isnan(wait) & (wait <= targets + 1e-9)).astype(float)
    if kind == "asa":
        return wait  # the mean wait of those whose service started
    if kind == "p_wait":
        return (np.isnan(wait) | (wait > 1e-9)).astype(float)
    return q["reneged"].to_numpy(dtype=float)


def interval_levels(contacts: pd.DataFrame, units: list[Unit], lookup: np.ndarray, n_intervals: int,
                    kind: str) -> pd.DataFrame:
    """Per interval: the target measure of the contacts that queued in it, as a mean
    over replications with its 95 % interval and ``n`` (replications with a contact
    there), and ``queued`` (contacts, all replications). Shares are clipped to [0, 1]."""
    q = queued(contacts, units, lookup)
    q = q.assign(value=contact_values(q, units, kind)).dropna(subset=["value"])
    per_rep = q.groupby(["interval", "replication"])["value"].mean()
    rows = [{"interval": i, **t_interval(values.to_numpy())} for i, values in per_rep.groupby(level="interval")]
    out = pd.DataFrame(rows, columns=["interval", "mean", "ci_low", "ci_high", "n"]).set_index("interval")
    out = out.reindex(range(n_intervals))
    out["n"] = out["n"].fillna(0).astype(int)
    out["queued"] = q.groupby("interval").size().reindex(range(n_intervals), fill_value=0).to_numpy()
    out = out.astype({"mean": float, "ci_low": float, "ci_high": float})
    lo, hi = (0.0, None) if kind == "asa" else (0.0, 1.0)
    for col in ("ci_low", "ci_high"):
        out[col] = out[col].clip(lo, hi)
    return out


def _bounds(levels: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each interval's 95 % interval, or its mean twice where there is none (one replication)."""
    mean, low, high = (levels[k].to_numpy() for k in ("mean", "ci_low", "ci_high"))
    return np.where(np.isnan(low), mean, low), np.where(np.isnan(high), mean, high)


def misses(levels: pd.DataFrame, kind: str, goal: float) -> np.ndarray:
    """Intervals whose whole 95 % interval is on the wrong side of the goal (the mean,
    with a single replication)."""
    low, high = _bounds(levels)
    with np.errstate(invalid="ignore"):
        return (high < goal) if TARGET_MEASURES[kind][1] else (low > goal)


def clearly_met(levels: pd.DataFrame, kind: str, goal: float) -> np.ndarray:
    """Intervals whose whole 95 % interval is on the right side of the goal (the mean,
    with a single replication)."""
    low, high = _bounds(levels)
    with np.errstate(invalid="ignore"):
        return (low >= goal) if TARGET_MEASURES[kind][1] else (high <= goal)


def meets(levels: pd.DataFrame, kind: str, goal: float) -> np.ndarray:
    """Intervals whose mean meets the goal (False where nobody queued)."""
    mean = levels["mean"].to_numpy()
    with np.errstate(invalid="ignore"):
        return (mean >= goal - 1e-12) if TARGET_MEASURES[kind][1] else (mean <= goal + 1e-12)
