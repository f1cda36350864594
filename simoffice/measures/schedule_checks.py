"""Warnings about a unit's opening hours and staffing, read off the spec before any run.

A manager who closes an office on Fridays in the schedule but keeps the
office's own opening hours on Fridays gets an office open with nobody at a
desk: every client who comes that day makes a failed trip, and the measures
only show it as lower service. These checks say it in words, from the weekly
pattern alone (public holidays close the office and send its staff home
alike, so they change nothing here):

- ``no_desk_on_duty``: minutes a unit is open to clients (its opening hours; a
  mobile office's stops) with no desk on duty: no desk group's shift with
  desks covering them, or every such desk on a break.
- ``skill_not_on_duty``: minutes a unit is open, with desks on duty, but none
  with a skill that the services reaching it need (as
  :mod:`simoffice.engine.reach`: a skill the unit staffs at some time, of a
  service some bundle needs and whose agency the unit serves; for the contact
  centre the services settled or advised by phone, for the video centre those
  served by video).
- ``opening_vs_shifts``: desks on duty while the unit is closed: on a weekday
  it is closed, or for more than :data:`CLOSED_DUTY_TOLERANCE_MIN` minutes on
  end of a day it is open (a shift that starts well before opening or ends
  well after closing).
- ``staff_only_while_closed``: a desk group's desks on a shift that never
  meets the unit's opening hours: paid hours with no client to serve (said
  once, per group and shift, and not again as ``opening_vs_shifts``).
- ``desk_group_unused``: a desk group with desks that no client can reach:
  none of its skills is needed at the unit (no service some bundle needs, of an
  agency the unit serves, has it), or it serves only appointments at a unit
  where nobody books one (no segment chooses the appointment channel, nor video
  at the unit's video stations).

A desk's duty is as the engine builds it (:mod:`simoffice.engine.duty`): the
unit's shifts (a centre's own, an office's the schedule's) without the breaks
that desk takes; a mobile office's desks are on duty during its stops. Times
are minutes since midnight; only the minutes a unit is open count as open (the
overtime of the closing policy does not).
"""

from __future__ import annotations

import numpy as np

from simoffice.model.channels import CHOOSABLE
from simoffice.model.spec import (
    CONTACT_CENTRE,
    MOBILE_OFFICE,
    PHONE_NONE,
    VIDEO_CENTRE,
    DeskGroup,
    ModelSpec,
    Office,
    Shift,
)
from simoffice.model.timetable import day_pairs
from simoffice.vocabulary import DAY, WEEKDAY_NAMES, hhmm

# Staff come in before opening to get ready and stay after closing to finish
# the day's files: an hour on either side is ordinary, more is worth a look.
CLOSED_DUTY_TOLERANCE_MIN = 60

Week = np.ndarray  # bool (7, DAY): minute m of weekday d (0 = Monday) is in the set
Interval = tuple[int, int]  # minutes since midnight, end excluded


def schedule_warnings(spec: ModelSpec) -> list[dict]:
    """Every warning about the units' opening hours and staffing.

    Returns:
        A list of ``{"kind", "unit", "text"}``: kind ``no_desk_on_duty``,
        ``skill_not_on_duty``, ``opening_vs_shifts``, ``staff_only_while_closed``
        or ``desk_group_unused``, the unit's name and one
        plain sentence (names as they are, not escaped). Units come in the
        spec's order, then the kinds in that order, then by the first weekday
        of the warning (Monday first); weekdays with the same minutes share
        one warning.
    """
    needed = _needed_services(spec)
    out: list[dict] = []
    for unit in spec.offices:
        out.extend(_unit_warnings(spec, unit, needed))
    return out


def _unit_warnings(spec: ModelSpec, unit: Office, needed: set[int]) -> list[dict]:
    opened = _open_week(unit)
    groups = [g for g in unit.desk_groups if any(n > 0 for _, n in g.staff)]
    duty = {g.name: _group_duty(spec, unit, [g], opened) for g in groups}
    on_duty = np.zeros((7, DAY), bool)
    for d in duty.values():
        on_duty |= d
    out = []

    def warn(kind: str, minutes: Week, before: str, after: str) -> None:
        for days, intervals in _by_days(minutes):
            when = f"{_days(days)} {_intervals(intervals)}"
            out.append({"kind": kind, "unit": unit.name, "text": before + when + after})

    verb = {CONTACT_CENTRE: "call", VIDEO_CENTRE: "connect"}.get(unit.kind, "come")
    warn("no_desk_on_duty", opened & ~on_duty, f"{unit.name} is open on ",
         f" with no desk on duty: clients who {verb} then cannot be served.")
    for skill in sorted(_needed_skills(spec, unit, needed)):
        with_skill = np.zeros((7, DAY), bool)
        for g in groups:
            if skill in g.skills:
                with_skill |= duty[g.name]
        warn("skill_not_on_duty", opened & on_duty & ~with_skill,
             f"{unit.name}: no desk with skill '{spec.skills[skill]}' on duty on ", " while open.")
    idle = _idle_shifts(spec, unit, groups, opened)
    # Shifts on duty only while closed are said below, per group and shift, not again here.
    working = on_duty if not idle else _group_duty(spec, unit, groups, opened, leave_out=idle)
    warn("opening_vs_shifts", _duty_while_closed(opened, working), f"{unit.name}: desks are on duty on ",
         " while it is closed.")
    for g, s, count, minutes in idle:
        desks = f"the {count} desk{'s' if count > 1 else ''} of '{g.name}' on shift '{_shifts(spec, unit)[s].name}'"
        for days, intervals in _by_days(minutes):
            out.append({"kind": "staff_only_while_closed", "unit": unit.name,
                        "text": f"{unit.name}: {desks} {'are' if count > 1 else 'is'} on duty only while it is "
                                f"closed ({_days(days)} {_intervals(intervals)}): paid hours with no client to serve."})
    for g in groups:
        why = _unused(spec, unit, g, needed)
        if why:
            n = sum(count for _, count in g.staff)
            desks = f"its {n} desks serve" if n > 1 else "its desk serves"
            out.append({"kind": "desk_group_unused", "unit": unit.name,
                        "text": f"{unit.name}: desk group '{g.name}' {why}: {desks} nobody."})
    return out


def _shifts(spec: ModelSpec, unit: Office) -> tuple[Shift, ...]:
    return unit.shifts or spec.schedule.shifts


def _shift_duty(shift: Shift, count: int) -> Week:
    """When at least one of ``count`` desks on ``shift`` is on duty (not on a break)."""
    week = np.zeros((7, DAY), bool)
    # Desks k and k + len(breaks) of a staggered shift take the same break.
    for k in range(min(count, max(1, len(shift.breaks)))):
        for lo, hi in shift.periods(k):
            for d in shift.days:
                week[d, int(lo):int(hi)] = True
    return week


def _idle_shifts(spec: ModelSpec, unit: Office, groups: list[DeskGroup],
                 opened: Week) -> list[tuple[DeskGroup, int, int, Week]]:
    """(group, shift index, desks, duty) of each staffed shift of a group that is
    on duty only while the unit is closed (a mobile office's desks work its stops)."""
    if unit.kind == MOBILE_OFFICE:
        return []
    out = []
    for g in groups:
        for s, count in g.staff:
            if count > 0:
                minutes = _shift_duty(_shifts(spec, unit)[s], count)
                if minutes.any() and not (minutes & opened).any():
                    out.append((g, s, count, minutes))
    return out


def _unused(spec: ModelSpec, unit: Office, group: DeskGroup, needed: set[int]) -> str:
    """Why no client reaches a staffed desk group ("" when some can)."""
    if not group.skills & _needed_skills(spec, unit, needed, staffed=group.skills):
        skills = ", ".join(spec.skills[k] for k in sorted(group.skills))
        return f"has no skill that a service reaching {unit.name} needs (skills: {skills})"
    if group.serves == "appointment" and not _booked_at(spec, unit):
        return "serves only appointments, and no client books one there (no segment chooses the appointment channel)"
    return ""


def _booked_at(spec: ModelSpec, unit: Office) -> bool:
    """Whether some client can come to the unit by appointment: a booking in its
    calendar, or a video session at its stations."""
    def chosen(channel: str) -> bool:
        return any(seg.channels[CHOOSABLE.index(channel)] > 0 for seg in spec.segments)

    return ((unit.slots is not None and chosen("appointment"))
            or (unit.video_stations > 0 and spec.video_centre is not None and chosen("video")))


def _open_week(unit: Office) -> Week:
    """When the unit is open to clients: its opening hours, or a mobile office's stops."""
    week = np.zeros((7, DAY), bool)
    if unit.kind == MOBILE_OFFICE:
        for st in unit.stops:
            week[st.weekday, int(st.start):int(st.end)] = True
    else:
        for d, entry in enumerate(unit.opening):
            for lo, hi in day_pairs(entry):
                week[d, int(lo):int(hi)] = True
    return week


def _group_duty(spec: ModelSpec, unit: Office, groups: list[DeskGroup], opened: Week,
                leave_out: list[tuple[DeskGroup, int, int, Week]] = ()) -> Week:
    """When at least one desk of the staffed desk groups is on duty (not on a
    break), the shifts of ``leave_out`` (group, shift index, …) left out."""
    if unit.kind == MOBILE_OFFICE:  # on board during every stop
        return opened.copy()
    skip = {(id(g), s) for g, s, _, _ in leave_out}
    week = np.zeros((7, DAY), bool)
    for g in groups:
        for s, count in g.staff:
            if count > 0 and (id(g), s) not in skip:
                week |= _shift_duty(_shifts(spec, unit)[s], count)
    return week


def _needed_services(spec: ModelSpec) -> set[int]:
    """The services some bundle needs."""
    return {j for b in spec.bundles if b.share > 0 for j in b.needs}


def _needed_skills(spec: ModelSpec, unit: Office, needed: set[int], staffed: frozenset[int] | None = None) -> set[int]:
    """The skills of the services that reach the unit and that it can handle
    (with ``staffed`` skills; default: those the unit staffs)."""
    staffed = unit.staffed_skills() if staffed is None else staffed
    out = set()
    for j in needed:
        svc = spec.services[j]
        if unit.kind == CONTACT_CENTRE and svc.phone == PHONE_NONE:
            continue
        if unit.kind == VIDEO_CENTRE and not svc.video:
            continue
        if unit.serves(svc, staffed):
            out.add(svc.skill)
    return out


def _duty_while_closed(opened: Week, on_duty: Week) -> Week:
    """Duty on a closed weekday, and on an open one its stretches while closed
    longer than :data:`CLOSED_DUTY_TOLERANCE_MIN`."""
    out = on_duty & ~opened
    for d in range(7):
        if not opened[d].any():
            continue
        for lo, hi in _runs(out[d]):
            if hi - lo <= CLOSED_DUTY_TOLERANCE_MIN:
                out[d, lo:hi] = False
    return out


def _runs(minutes: np.ndarray) -> list[Interval]:
    """The stretches of a day's bool minutes, as (start, end) in order."""
    edges = np.diff(np.concatenate(([0], minutes.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def _by_days(week: Week) -> list[tuple[list[int], tuple[Interval, ...]]]:
    """The weekdays with some minutes, those with the same stretches together,
    in order of their first weekday."""
    groups: dict[tuple[Interval, ...], list[int]] = {}
    for d in range(7):
        runs = tuple(_runs(week[d]))
        if runs:
            groups.setdefault(runs, []).append(d)
    return [(days, runs) for runs, days in groups.items()]


def _days(days: list[int]) -> str:
    """Weekdays in words: ``[0, 1, 2, 4]`` -> ``Mon–Wed, Fri`` (three or more in a row as a range)."""
    parts, i = [], 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and days[j + 1] == days[j] + 1:
            j += 1
        if j - i >= 2:
            parts.append(f"{WEEKDAY_NAMES[days[i]]}–{WEEKDAY_NAMES[days[j]]}")
        else:
            parts.extend(WEEKDAY_NAMES[d] for d in days[i:j + 1])
        i = j + 1
    return ", ".join(parts)


def _intervals(intervals: tuple[Interval, ...]) -> str:
    return _and([f"{hhmm(lo)}–{hhmm(hi)}" for lo, hi in intervals])


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
