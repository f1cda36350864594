"""The staffing search's units and blocks: where desks are searched, the load, the service level.

A *unit* is an office or the contact centre whose desks the search sets; a
*block* is a ``staffing.block_min``-minute stretch of a unit's opening hours on
one weekday (a row of the table :func:`unit_blocks` returns). Per block, the pilot
run gives the offered load (:func:`offered_load`), Erlang C a first guess of the
desks (:func:`erlang_guess`), and every simulation round the share of clients
seen within the target wait (:func:`block_service_levels`). Times are minutes
of the day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simoffice.config.build import weekly_staff_hours
from simoffice.measures import theory
from simoffice.measures.intervals import t_interval
from simoffice.model.spec import CONTACT_CENTRE, OFFICE, ModelSpec
from simoffice.run.results import Results
from simoffice.vocabulary import DAY, WEEKDAYS, hhmm

# Outcomes that never queued (a trip to a closed office, a booked appointment not kept).
NOT_QUEUED = ("closed", "no_show")


@dataclass(frozen=True)
class Unit:
    """A unit whose staff are searched: an office or the contact centre.

    ``weights``: baseline weekly hours of each desk group (how a block's desks
    are split); ``required``: groups that keep a desk in every block (their
    skills or clients differ from the other groups')."""

    index: int
    name: str
    kind: str
    target_min: float
    groups: tuple[str, ...]
    weights: tuple[float, ...]
    required: tuple[bool, ...]

    @property
    def floor(self) -> int:
        """The fewest desks the unit has in a block: one per required desk group."""
        return sum(self.required)


def searched_units(spec: ModelSpec, contact_centre: bool) -> list[Unit]:
    """The offices, and the contact centre if ``contact_centre``, with their target waits (minutes)."""
    hours = weekly_staff_hours(spec)
    units = []
    for i, unit in enumerate(spec.offices):
        if unit.kind == CONTACT_CENTRE and contact_centre:
            target = spec.phone.target_min
        elif unit.kind == OFFICE:
            target = spec.run.service_level_target_min
        else:
            continue
        weights = tuple(hours[(unit.name, g.name)] for g in unit.desk_groups)
        staffed = [g for g, w in zip(unit.desk_groups, weights) if w > 0]
        alike = len({(g.skills, g.serves) for g in staffed}) <= 1
        required = tuple(w > 0 and not alike for w in weights)
        units.append(Unit(i, unit.name, unit.kind, target, tuple(g.name for g in unit.desk_groups), weights,
                          required))
    return units


def unit_blocks(spec: ModelSpec, units: list[Unit], block_min: int) -> pd.DataFrame:
    """A row per unit × weekday × block of the unit's opening hours: blocks of
    ``block_min`` minutes from opening time, the last one cut at closing."""
    rows = []
    for u, unit in enumerate(units):
        for day, hours in enumerate(spec.offices[unit.index].opening):
            if hours is None:
                continue
            lo, hi = hours
            for start in range(lo, hi, block_min):
                end = min(start + block_min, hi)
                rows.append({"unit": u, "office": unit.name, "kind": unit.kind, "weekday": WEEKDAYS[day],
                             "day": day, "start_min": start, "end_min": end, "block_start": hhmm(start),
                             "block_end": hhmm(end), "shift": f"{WEEKDAYS[day]}_{hhmm(start).replace(':', '')}"
                             f"_{hhmm(end).replace(':', '')}"})
    return pd.DataFrame(rows, columns=["unit", "office", "kind", "weekday", "day", "start_min", "end_min",
                                       "block_start", "block_end", "shift"])


def block_lookup(blocks: pd.DataFrame, n_units: int) -> np.ndarray:
    """Block index per (unit, weekday, minute of the day); -1 outside every block."""
    table = np.full((n_units, 7, DAY), -1, dtype=np.int64)
    for b, row in enumerate(blocks.itertuples()):
        table[row.unit, row.day, row.start_min:row.end_min] = b
    return table


def _open_days(spec: ModelSpec) -> np.ndarray:
    """Days of each weekday in the measured window that are not public holidays."""
    w0, w1 = spec.run.window
    days = np.arange(int(w0 // DAY), int(w1 // DAY))
    days = days[~np.isin(days, list(spec.schedule.holidays))]
    return np.bincount((days + spec.run.start_weekday) % 7, minlength=7)


def _queued(contacts: pd.DataFrame, units: list[Unit], lookup: np.ndarray) -> pd.DataFrame:
    """Contacts that queued at a searched unit in the measured window, with their
    block and whether they started within the unit's target wait."""
    position = {u.name: i for i, u in enumerate(units)}
    c = contacts
    keep = (c["in_window"].to_numpy(dtype=bool) & ~c["outcome"].isin(NOT_QUEUED).to_numpy(dtype=bool)
            & (c["channel"] != "online").to_numpy(dtype=bool)
            & c["office"].isin(list(position)).to_numpy(dtype=bool))
    c = c[keep]
    unit = c["office"].astype(str).map(position).to_numpy(dtype=np.int64)
    minute = (c["arrival_min"].to_numpy() % DAY).astype(np.int64)
    block = lookup[unit, c["weekday"].to_numpy(dtype=np.int64), minute]
    targets = np.array([u.target_min for u in units])
    wait = c["start_min"].to_numpy() - c["arrival_min"].to_numpy()
    in_time = ~np.isnan(wait) & (wait <= targets[unit] + 1e-9)
    out = pd.DataFrame({"replication": c["replication"].to_numpy(), "block": block, "in_time": in_time})
    return out[out["block"] >= 0]


def block_service_levels(contacts: pd.DataFrame, units: list[Unit], lookup: np.ndarray,
                         n_blocks: int) -> pd.DataFrame:
    """Per block: the share of contacts that queued in the block and started within
    the target, as a mean over replications with its 95 % interval and ``n``
    (replications with a contact there), and ``queued`` (contacts, all replications)."""
    q = _queued(contacts, units, lookup)
    per_rep = q.groupby(["block", "replication"])["in_time"].mean()
    rows = []
    for b, values in per_rep.groupby(level="block"):
        rows.append({"block": b, **t_interval(values.to_numpy())})
    out = pd.DataFrame(rows, columns=["block", "mean", "ci_low", "ci_high", "n"]).set_index("block")
    out = out.reindex(range(n_blocks))
    out["n"] = out["n"].fillna(0).astype(int)
    out["queued"] = q.groupby("block").size().reindex(range(n_blocks), fill_value=0).to_numpy()
    return out.astype({"mean": float, "ci_low": float, "ci_high": float})


def offered_load(results: Results, spec: ModelSpec, units: list[Unit], blocks: pd.DataFrame,
                 lookup: np.ndarray) -> pd.DataFrame:
    """Per block: arrivals per hour of contacts that queued, the unit's mean service
    time (served contacts in the window) and the offered load in Erlangs."""
    q = _queued(results.contacts, units, lookup)
    counts = q.groupby("block").size().reindex(range(len(blocks)), fill_value=0).to_numpy()
    occurrences = _open_days(spec)[blocks["day"].to_numpy()] * results.spec.run.replications
    minutes = (blocks["end_min"] - blocks["start_min"]).to_numpy()
    per_min = np.where(occurrences > 0, counts / np.maximum(occurrences, 1) / minutes, 0.0)
    c = results.contacts
    served = c[c["in_window"].to_numpy(dtype=bool) & (c["outcome"] == "served").to_numpy(dtype=bool)]
    mean_s = served.groupby(served["office"].astype(str))["service_min"].mean()
    service = np.array([float(mean_s.get(units[u].name, np.nan)) for u in blocks["unit"]])
    return pd.DataFrame({"arrivals_per_hour": per_min * 60, "service_mean_min": service,
                         "load": np.where(np.isfinite(service), per_min * service, 0.0)})


def erlang_guess(per_min: float, service_mean: float, target_min: float, level: float, floor: int) -> int:
    """The fewest desks with an Erlang C service level of at least ``level``
    (``floor`` at least; ``floor`` for a block with no load)."""
    if not per_min > 0 or not np.isfinite(service_mean) or service_mean <= 0:
        return floor
    return max(floor, theory.erlang_c_staffing(per_min, 1.0 / service_mean, target_min, level))


def block_staff(spec: ModelSpec, units: list[Unit], blocks: pd.DataFrame) -> np.ndarray:
    """Desks of each block's unit on duty at the block's start in ``spec``."""
    out = np.zeros(len(blocks), dtype=np.int64)
    for b, row in enumerate(blocks.itertuples()):
        unit = spec.offices[units[row.unit].index]
        shifts = unit.shifts or spec.schedule.shifts
        for g in unit.desk_groups:
            for s, n in g.staff:
                sh = shifts[s]
                if row.day in sh.days and sh.start <= row.start_min < sh.end:
                    out[b] += n
    return out


def erlang_level(c: int, per_min: float, service_mean: float, target_min: float) -> float:
    """Erlang C's service level with ``c`` desks; NaN with no load or an unstable queue."""
    if not per_min > 0 or not np.isfinite(service_mean) or c / service_mean <= per_min:
        return float("nan")
    return theory.erlang_c_service_level(c, per_min, 1.0 / service_mean, target_min)
