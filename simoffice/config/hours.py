"""Opening hours, shifts and the schedule, from their typed config.

Clock times are ``"HH:MM"`` strings in a config and minutes since midnight in
the model; weekdays are ``mon`` … ``sun`` in a config and 0 (Monday) … 6 in
the model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from simoffice.config.checks import boolean, nonempty, one_of, weekday
from simoffice.config.network_schema import ShiftConfig
from simoffice.config.schema import ScheduleConfig
from simoffice.errors import ConfigError
from simoffice.model.spec import Run, Schedule, Shift
from simoffice.model.timetable import parse_clock, parse_opening
from simoffice.vocabulary import hhmm

CLOSING_POLICIES = ("serve_waiting", "send_away")


def opening(hours: Mapping[str, Any] | None, key: str) -> tuple:
    """Weekly opening hours: 7 entries, Monday first, each None (closed) or the day's
    open intervals, ``((open_min, close_min), ...)`` disjoint and in order: one
    (``"08:00-17:00"``) or several (``"08:00-12:00,13:00-17:00"``, closed for lunch).
    A weekday left out is closed.

    Raises:
        ConfigError: not a mapping weekday -> ``"HH:MM-HH:MM"`` or null, an unknown
            weekday, hours that are not intervals within a day, or intervals that
            overlap or are out of order.
    """
    if not isinstance(hours, Mapping):
        raise ConfigError(key, "a mapping weekday -> 'HH:MM-HH:MM' or null "
                               "(several intervals a day: 'HH:MM-HH:MM,HH:MM-HH:MM')", hours)
    out: list = [None] * 7
    for day, text in hours.items():
        i = weekday(day, f"{key}.{day}")
        out[i] = None if text is None else parse_opening(text, f"{key}.{day}")
    return tuple(out)


def shifts(cfg: Mapping[str, ShiftConfig] | None, key: str) -> tuple[Shift, ...]:
    """Named shifts, each from ``start`` to ``end`` (after the start) on some weekdays,
    with their breaks (:func:`breaks`).

    Raises:
        ConfigError: no shift, a time that is not a clock time, an end at or
            before the start, no weekday or an unknown one, a break out of place.
    """
    out = []
    for name, sh in nonempty(cfg, key, "shift").items():
        k = f"{key}.{name}"
        start = parse_clock(sh.start, f"{k}.start", allow_24=False)
        end = parse_clock(sh.end, f"{k}.end")
        if end <= start:
            raise ConfigError(f"{k}.end", f"a time after the start ({sh.start})", sh.end)
        days = nonempty(sh.days, f"{k}.days", "weekday")
        stagger = boolean(sh.stagger, f"{k}.stagger")
        out.append(Shift(name, start, end, frozenset(weekday(d, f"{k}.days[{i}]") for i, d in enumerate(days)),
                         breaks(sh, k, start, end, stagger), stagger))
    return tuple(out)


def breaks(sh: ShiftConfig, key: str, start: int, end: int, stagger: bool) -> tuple[tuple[int, int, bool], ...]:
    """A shift's breaks as ``(start_min, end_min, paid)``: each strictly inside the
    shift (``start``–``end``, minutes since midnight). Without ``stagger`` a desk takes
    every break, so they come in order, each after the previous one has ended
    (touching breaks are one break: write them as one); staggered breaks are taken
    by different desks and may overlap.

    Raises:
        ConfigError: ``<key>.breaks[i].start`` (or ``.end``, ``.paid``): not a clock
            time, not inside the shift, an end not after the start, or a break
            that overlaps or touches the one before it.
    """
    given = sh.breaks or []
    if not isinstance(given, (list, tuple)):
        raise ConfigError(f"{key}.breaks", "a list of breaks {start: 'HH:MM', end: 'HH:MM', paid: false}", given)
    out: list[tuple[int, int, bool]] = []
    for i, br in enumerate(given):
        k = f"{key}.breaks[{i}]"
        lo = parse_clock(br.start, f"{k}.start", allow_24=False)
        hi = parse_clock(br.end, f"{k}.end")
        inside = f"inside the shift {hhmm(start)}–{hhmm(end)}"
        if not start < lo < end:
            raise ConfigError(f"{k}.start", f"a time after the shift's start, {inside}", br.start)
        if not lo < hi < end:
            raise ConfigError(f"{k}.end", f"a time after the break's start ({br.start}) and before the shift's "
                              f"end, {inside}", br.end)
        if out and not stagger and lo <= out[-1][1]:
            raise ConfigError(f"{k}.start", f"a time after breaks[{i - 1}] ends ({hhmm(out[-1][1])}): a desk "
                              "takes every break of an unstaggered shift, in order, apart", br.start)
        out.append((lo, hi, boolean(br.paid, f"{k}.paid")))
    return tuple(out)


def schedule(s: ScheduleConfig, run: Run) -> tuple[Schedule, tuple]:
    """The schedule, and its weekly opening hours (the offices' default).
    Holidays become day indices from ``run.start_date``.

    Raises:
        ConfigError: a shift, opening hours, a holiday or the closing policy out of range.
    """
    start = dt.date.fromisoformat(run.start_date)
    holidays = set()
    staff_shifts = shifts(s.shifts, "schedule.shifts")
    for i, h in enumerate(s.holidays or []):
        try:
            day = (dt.date.fromisoformat(str(h)) - start).days
        except ValueError:
            raise ConfigError(f"schedule.holidays[{i}]", "an ISO date such as 2026-01-07", h) from None
        holidays.add(day)
    return Schedule(
        name=str(s.name),
        shifts=staff_shifts,
        holidays=frozenset(holidays),
        closing_policy=one_of(s.closing_policy, "schedule.closing_policy", CLOSING_POLICIES),
    ), opening(s.opening_hours, "schedule.opening_hours")
