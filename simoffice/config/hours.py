"""Opening hours, shifts and the schedule, from their typed config.

Clock times are ``"HH:MM"`` strings in a config and minutes since midnight in
the model; weekdays are ``mon`` … ``sun`` in a config and 0 (Monday) … 6 in
the model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Mapping

from simoffice.config.checks import nonempty, one_of, weekday
from simoffice.config.network_schema import ShiftConfig
from simoffice.config.schema import ScheduleConfig
from simoffice.errors import ConfigError
from simoffice.model.spec import Run, Schedule, Shift
from simoffice.model.timetable import parse_clock, parse_hours

CLOSING_POLICIES = ("serve_waiting", "send_away")


def opening(hours: Mapping[str, Any] | None, key: str) -> tuple:
    """Weekly opening hours: 7 entries, Monday first, each ``(open_min, close_min)`` or None (closed).

    Raises:
        ConfigError: not a mapping weekday -> ``"HH:MM-HH:MM"`` or null, an unknown
            weekday, or hours that are not an interval within a day.
    """
    if not isinstance(hours, Mapping):
        raise ConfigError(key, "a mapping weekday -> 'HH:MM-HH:MM' or null", hours)
    out: list = [None] * 7
    for day, text in hours.items():
        i = weekday(day, f"{key}.{day}")
        out[i] = None if text is None else parse_hours(text, f"{key}.{day}")
    return tuple(out)


def shifts(cfg: Mapping[str, ShiftConfig] | None, key: str) -> tuple[Shift, ...]:
    """Named shifts, each from ``start`` to ``end`` (after the start) on some weekdays.

    Raises:
        ConfigError: no shift, a time that is not a clock time, an end at or
            before the start, no weekday or an unknown one.
    """
    out = []
    for name, sh in nonempty(cfg, key, "shift").items():
        k = f"{key}.{name}"
        start = parse_clock(sh.start, f"{k}.start", allow_24=False)
        end = parse_clock(sh.end, f"{k}.end")
        if end <= start:
            raise ConfigError(f"{k}.end", f"a time after the start ({sh.start})", sh.end)
        days = nonempty(sh.days, f"{k}.days", "weekday")
        out.append(Shift(name, start, end, frozenset(weekday(d, f"{k}.days[{i}]") for i, d in enumerate(days))))
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
