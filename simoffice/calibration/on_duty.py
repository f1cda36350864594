"""Desks on duty, read from the desks' activity in a ticket log, and written as shifts.

A ticket log says when each desk called and finished each client, not when it
was staffed. A desk is taken to be on duty on a day from its first call to the
end of its last service that day (idle gaps in between count as duty; a desk
that served nobody that day was not on duty). Summing over a desk group's desks
gives the desks on duty in each 15-minute bin of each day; the mean over the
ordinary days of a weekday is the group's typical staffing of that weekday.

The model staffs desk groups by shifts of the schedule (``staff: {full: 2,
peak: 1}``), so the typical staffing is written as non-negative whole desks per
shift: the counts whose sum over the shifts covering each bin is closest (least
squares over the week's bins) to the observed desks on duty.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import optimize

from simoffice.model.timetable import parse_clock
from simoffice.vocabulary import DAY, WEEKDAYS

STAFF_BIN_MIN = 15
BINS = DAY // STAFF_BIN_MIN


@dataclass(frozen=True)
class ShiftDef:
    """A schedule shift: ``name``, ``start``/``end`` minutes since midnight, weekdays (0 = Monday)."""

    name: str
    start: int
    end: int
    days: frozenset[int]

    def coverage(self) -> np.ndarray:
        """(7, BINS): the share of each 15-minute bin the shift covers."""
        edges = np.arange(BINS + 1) * STAFF_BIN_MIN
        part = np.clip(np.minimum(edges[1:], self.end) - np.maximum(edges[:-1], self.start), 0, None) / STAFF_BIN_MIN
        out = np.zeros((7, BINS))
        for d in self.days:
            out[d] = part
        return out


def shifts_from_config(shifts: Mapping[str, Mapping]) -> list[ShiftDef]:
    """Shifts of a schedule config (``name -> {start, end, days}``)."""
    out = []
    for name, sh in shifts.items():
        key = f"schedule.shifts.{name}"
        out.append(ShiftDef(str(name), parse_clock(sh["start"], f"{key}.start", allow_24=False),
                            parse_clock(sh["end"], f"{key}.end"),
                            frozenset(WEEKDAYS.index(d) for d in sh["days"])))
    return out


@dataclass
class DeskGroupFit:
    """Desks of an office that served the same services.

    Attributes:
        name: a name derived from the desks' names.
        desks: the desks (names in the log).
        services: the services they served.
        on_duty: (7, BINS) mean desks on duty per weekday × 15-minute bin.
        staff: whole desks per shift (shift name -> count; shifts with 0 left out).
        scheduled: (7, BINS) desks on duty with ``staff``.
        busy_min, duty_min: service minutes and on-duty minutes over the counted days.
    """

    name: str
    desks: tuple[str, ...]
    services: tuple[str, ...]
    on_duty: np.ndarray
    staff: dict[str, int]
    scheduled: np.ndarray
    busy_min: float
    duty_min: float

    @property
    def utilisation(self) -> float:
        return self.busy_min / self.duty_min if self.duty_min > 0 else float("nan")

    @property
    def observed_desk_hours(self) -> float:
        """Desk hours on duty in a typical week."""
        return float(self.on_duty.sum() * STAFF_BIN_MIN / 60)

    @property
    def uncovered_desk_hours(self) -> float:
        """Observed desk hours per week that no shift covers (the schedule lacks
        shifts at those times)."""
        return float(np.clip(self.on_duty - self.scheduled, 0, None).sum() * STAFF_BIN_MIN / 60)


def desk_spans(served: pd.DataFrame) -> pd.DataFrame:
    """A row per desk and day: ``office``, ``desk``, ``day``, ``start`` and ``end``
    (minutes since midnight) from the first call to the last end of service,
    and ``busy`` (minutes of service)."""
    s = served.dropna(subset=["desk"])
    day = s["called"].dt.normalize()
    start = (s["called"] - day).dt.total_seconds() / 60
    end = (s["ended"] - day).dt.total_seconds() / 60
    frame = pd.DataFrame({"office": s["office"].to_numpy(), "desk": s["desk"].to_numpy(), "day": day.to_numpy(),
                          "start": start.to_numpy(), "end": np.minimum(end.to_numpy(), DAY),
                          "busy": s["service_min"].to_numpy()})
    return frame.groupby(["office", "desk", "day"], as_index=False).agg(
        start=("start", "min"), end=("end", "max"), busy=("busy", "sum"))


def _on_duty(spans: pd.DataFrame, days: pd.DatetimeIndex) -> np.ndarray:
    """(7, BINS) mean desks on duty over ``days`` (each day's desks summed)."""
    edges = np.arange(BINS + 1) * STAFF_BIN_MIN
    per_day = np.zeros((len(days), BINS))
    index = {d: i for i, d in enumerate(days)}
    for row in spans.itertuples(index=False):
        i = index.get(pd.Timestamp(row.day))
        if i is None:
            continue
        overlap = np.minimum(edges[1:], row.end) - np.maximum(edges[:-1], row.start)
        per_day[i] += np.clip(overlap, 0, None) / STAFF_BIN_MIN
    out = np.zeros((7, BINS))
    wd = days.day_of_week
    for d in range(7):
        if (wd == d).any():
            out[d] = per_day[wd == d].mean(axis=0)
    return out


def fit_staff(on_duty: np.ndarray, shifts: list[ShiftDef], weekdays: Sequence[int] | None = None) -> dict[str, int]:
    """Whole desks per shift whose staffing is closest to ``on_duty`` (least squares).

    Only the ``weekdays`` observed count (default all seven): a weekday with no
    day in the log says nothing about its staff. Non-negative least squares
    gives real counts; each is then rounded down or up, keeping the combination
    with the smallest squared error.
    """
    if not shifts:
        return {}
    rows = list(range(7)) if weekdays is None else sorted(set(weekdays))
    a = np.stack([s.coverage()[rows].ravel() for s in shifts], axis=1)
    y = on_duty[rows].ravel()
    x, _ = optimize.nnls(a, y)
    best, best_err = None, np.inf
    for combo in itertools.product(*[sorted({int(np.floor(v)), int(np.ceil(v))}) for v in x]):
        err = float(np.sum((a @ np.array(combo, dtype=float) - y) ** 2))
        if err < best_err - 1e-9:
            best, best_err = combo, err
    return {s.name: int(n) for s, n in zip(shifts, best) if n > 0}


def scheduled(staff: dict[str, int], shifts: list[ShiftDef]) -> np.ndarray:
    """(7, BINS) desks on duty with ``staff`` desks per shift."""
    out = np.zeros((7, BINS))
    for s in shifts:
        out += staff.get(s.name, 0) * s.coverage()
    return out


def group_name(desks: list[str], taken: set[str], fallback: str) -> str:
    """The desks' common name without their numbers ("family desks 1", "family desks 2"
    -> "family desks"), else ``fallback``; never one in ``taken``, nor ``???`` (what a
    config reads as a missing value)."""
    stems = {re.sub(r"[\s_\-#.:/]*\d+$", "", d).strip() for d in desks}
    name = stems.pop() if len(stems) == 1 else ""
    if not name or name == "???" or name in taken:
        name = fallback
    k = 2
    base = name
    while name in taken:
        name, k = f"{base} {k}", k + 1
    return name


def fit_desk_groups(served: pd.DataFrame, days: pd.DatetimeIndex, shifts: list[ShiftDef]) -> list[DeskGroupFit]:
    """The desk groups of one office: desks that served the same set of services.

    Args:
        served: the office's served tickets with a desk (``desk``, ``service``,
            ``called``, ``ended``, ``service_min``).
        days: the days to average over (the office's ordinary open days).
        shifts: the schedule's shifts to express the staffing in.
    """
    served = served.dropna(subset=["desk"])
    skills = served.groupby("desk")["service"].agg(lambda s: tuple(sorted(set(s))))
    spans = desk_spans(served)
    spans = spans[spans["day"].isin(days)]
    groups: dict[tuple[str, ...], list[str]] = {}
    for desk, services in skills.items():
        groups.setdefault(services, []).append(str(desk))
    out: list[DeskGroupFit] = []
    taken: set[str] = set()
    # Larger groups first, then by their services: a stable, readable order.
    for i, (services, desks) in enumerate(sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))):
        desks = sorted(desks, key=_natural)
        name = group_name(desks, taken, f"desk group {i + 1}")
        taken.add(name)
        mine = spans[spans["desk"].isin(desks)]
        on_duty = _on_duty(mine, days)
        staff = fit_staff(on_duty, shifts, weekdays=set(days.day_of_week))
        out.append(DeskGroupFit(name, tuple(desks), services, on_duty, staff, scheduled(staff, shifts),
                                float(mine["busy"].sum()), float((mine["end"] - mine["start"]).sum())))
    return out


def _natural(text: str) -> list:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]
