"""Rosters by integer programming: the shifts that cover a unit's requirement at least cost.

A unit's *requirement* is the number of desks it needs in every interval of
``rules.interval_min`` minutes of every weekday. The templates of
:class:`~simoffice.model.roster.RosterRules` allow *candidate shifts*: a start
and an end on one weekday, with a break in a window if the template has one —
or, for a template with ``days_per_week = k``, a *tour*: the same start and end
on ``k`` of the unit's open days, worked by one person. A shift *covers* an
interval when it is on duty for the whole of the interval's open part (the
whole interval if the unit is closed then, e.g. for lunch) and not on its break.
:func:`solve_roster` finds how many persons work each shift, and when they take
their breaks, so that every interval has its requirement — and at least
``rules.min_staff`` where the unit is open — at the least weekly cost, with at
most ``rules.part_time_max_share`` of the paid hours part-time. The integer
program is in :mod:`simoffice.studies.roster_program`, how it is solved
(scipy's ``milp``, HiGHS) in :mod:`simoffice.studies.roster_solver`.

Candidates: a shift starts on the grid of ``start_step_min`` minutes from the
unit's first interval (``start_min``), or at the day's first opening, and ends a
multiple of ``start_step_min`` later within the template's bounds, or at the
day's last closing. A break starts on the interval grid within its window and
ends before the shift does. Times are minutes since midnight.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from simoffice.errors import ConfigError
from simoffice.model.roster import RosterRules, ShiftTemplate
from simoffice.model.timetable import day_pairs
from simoffice.studies.roster_program import (
    Grid,
    build_program,
    candidates_covering,
    hand_out_breaks,
    shift_window,
    tour_days,
)
from simoffice.studies.roster_solver import solve
from simoffice.vocabulary import WEEKDAY_NAMES, WEEKDAYS, hhmm

__all__ = ["Roster", "solve_roster"]

SHIFT_COLUMNS = ["template", "weekday", "start_min", "end_min", "break_start_min", "break_end_min",
                 "break_paid", "count", "paid_min", "tour"]


@dataclass(frozen=True)
class Roster:
    """A unit's weekly roster.

    ``shifts``: a row per weekday × shift worked (and break time): ``template``,
    ``weekday`` (``mon`` …), ``start_min``, ``end_min``, ``break_start_min``,
    ``break_end_min`` (NaN without a break), ``break_paid``, ``count`` (persons),
    ``paid_min`` (per person that day) and ``tour`` (for a ``days_per_week``
    template: an id shared by the rows of the persons who work the same start
    and end on the same weekdays, their breaks free to differ from day to day;
    -1 otherwise). ``on_duty``: (7, n_intervals) persons on duty and not on a
    break for the whole of each weekday × interval (its open part).
    ``paid_hours`` and ``cost`` are per week; ``optimal``: HiGHS proved the cost
    least (within :data:`~simoffice.studies.roster_solver.MIP_REL_GAP`).
    """

    shifts: pd.DataFrame
    on_duty: np.ndarray
    paid_hours: float
    cost: float
    optimal: bool


def solve_roster(requirement: np.ndarray, start_min: int, rules: RosterRules, opening: Sequence,
                 cost_per_hour: float = 1.0, unit: str = "unit", where: str = "roster",
                 time_limit_s: float = 20.0) -> Roster:
    """The least-cost weekly roster of ``rules.templates`` that covers ``requirement``.

    Args:
        requirement: (7, n) desks needed per weekday (0 = Monday) × interval;
            interval ``k`` covers ``[start_min + k * rules.interval_min,
            start_min + (k + 1) * rules.interval_min)`` in minutes since midnight.
            A fraction is rounded up.
        start_min: the start of the first interval, minutes since midnight.
        rules: the templates and rules (:func:`simoffice.config.roster.roster_rules`).
        opening: 7 entries, Monday first, each None (closed) or a tuple of
            ``(open_min, close_min)`` pairs (several: closed in between). Shifts
            lie within the day's first opening and last closing; an interval the
            unit is open for some of needs at least ``rules.min_staff``.
        cost_per_hour: cost of a paid hour (before a template's ``cost_factor``).
        unit: the unit's name, for messages.
        where: the config key an uncoverable interval is reported under.
        time_limit_s: HiGHS's time limit in seconds, for the whole roster; when it
            is reached the best roster found is returned with ``optimal`` False.

    Raises:
        ConfigError: in one line, when the templates cannot cover an interval
            (``<where>: expected shifts that cover <unit> Tue 18:30–19:00 (got 'no
            template can: latest end 18:00')``), when only part-time shifts could
            and ``roster.part_time_max_share`` forbids them, or when HiGHS finds no
            roster within the time limit.
        ValueError: a requirement that is not a (7, n) array of finite numbers >= 0,
            or opening hours that are not 7 entries.
    """
    need, grid = _needs(requirement, start_min, rules, opening)
    program = build_program(rules, grid, need)
    _check_coverable(need, candidates_covering(program, grid, rules), rules, grid, unit, where)
    share = rules.part_time_max_share
    if share == 0 and program.part_time.any():
        _check_part_time(need, candidates_covering(program, grid, rules, ~program.part_time), grid, unit)
    if not (need > 0).any():
        x, w, optimal = np.zeros(program.m, dtype=np.int64), np.zeros(len(program.breaks), dtype=np.int64), True
    else:
        solution = solve(program, share, time_limit_s)
        if solution.x is None:
            if solution.status == 2:
                raise ConfigError("roster.part_time_max_share", f"a share with which {unit} can be covered", share)
            raise ConfigError(where, f"a roster of {unit} found within {time_limit_s:g} s",
                              f"none found ({solution.message})")
        x, w, optimal = solution.x, solution.w, solution.optimal
    shifts = _shifts(program, x, w, rules)
    hours = float((shifts["paid_min"] * shifts["count"]).sum() / 60)
    return Roster(shifts=shifts, on_duty=_on_duty(shifts, grid), paid_hours=hours,
                  cost=float(program.cost @ x) * cost_per_hour, optimal=optimal)


# --- the intervals ----------------------------------------------------------------------------------------------

def _needs(requirement, start_min: int, rules: RosterRules, opening: Sequence) -> tuple[np.ndarray, Grid]:
    """Desks needed (7, n): the requirement rounded up, at least ``rules.min_staff``
    where the unit is open for some of the interval; and the unit's grid."""
    req = np.asarray(requirement, dtype=float)
    if req.ndim != 2 or req.shape[0] != 7 or not np.isfinite(req).all() or (req < 0).any():
        raise ValueError(f"requirement: expected a (7, n) array of finite numbers >= 0 (got shape {req.shape})")
    if len(opening) != 7:
        raise ValueError(f"opening: expected 7 entries, Monday first (got {len(opening)})")
    n, step = req.shape[1], rules.interval_min
    a = start_min + step * np.arange(n)
    b = a + step
    spans = np.zeros((7, n, 2), dtype=np.int64)
    is_open = np.zeros((7, n), dtype=bool)
    days: list[tuple[int, int] | None] = []
    for d in range(7):
        pairs = sorted((int(lo), int(hi)) for lo, hi in day_pairs(opening[d]))
        days.append((pairs[0][0], max(hi for _, hi in pairs)) if pairs else None)
        lo = np.full(n, np.iinfo(np.int64).max)
        hi = np.full(n, np.iinfo(np.int64).min)
        for p, q in pairs:
            inside = (a < q) & (b > p)
            lo = np.where(inside, np.minimum(lo, np.maximum(a, p)), lo)
            hi = np.where(inside, np.maximum(hi, np.minimum(b, q)), hi)
        is_open[d] = hi > lo
        spans[d, :, 0] = np.where(is_open[d], lo, a)  # closed: the whole interval
        spans[d, :, 1] = np.where(is_open[d], hi, b)
    need = np.ceil(req - 1e-9).astype(np.int64)
    need = np.where(is_open, np.maximum(need, rules.min_staff), need)
    return need, Grid(start_min=int(start_min), interval_min=step, spans=spans, days=tuple(days))


# --- what cannot be covered -------------------------------------------------------------------------------------

def _first_gap(need: np.ndarray, coverable: np.ndarray) -> tuple[int, int, int] | None:
    """The first weekday with an interval in need that nothing covers: (weekday,
    first, last interval) of the first run of such intervals; None if there is none."""
    gap = (need > 0) & ~coverable
    if not gap.any():
        return None
    d = int(np.flatnonzero(gap.any(axis=1))[0])
    k0 = int(np.flatnonzero(gap[d])[0])
    k1 = k0
    while k1 + 1 < gap.shape[1] and gap[d, k1 + 1]:
        k1 += 1
    return d, k0, k1


def _interval_name(unit: str, grid: Grid, d: int, k0: int, k1: int) -> str:
    """``<unit> Tue 18:30–19:00``."""
    lo, hi = grid.start_min + k0 * grid.interval_min, grid.start_min + (k1 + 1) * grid.interval_min
    return f"{unit} {WEEKDAY_NAMES[d]} {hhmm(lo)}–{hhmm(hi)}"


def _check_coverable(need, coverable, rules, grid, unit, where) -> None:
    """Raise ConfigError naming the first intervals in need that no candidate covers, and why."""
    gap = _first_gap(need, coverable)
    if gap is None:
        return
    d, k0, k1 = gap
    span = (int(grid.spans[d, k0, 0]), int(grid.spans[d, k1, 1]))
    reasons = [_why(t, d, span, grid.days) for t in rules.templates]
    if len(set(reasons)) == 1:
        got = reasons[0]
    else:
        got = "; ".join(f"{t.name}: {r}" for t, r in zip(rules.templates, reasons))
    raise ConfigError(where, f"shifts that cover {_interval_name(unit, grid, d, k0, k1)}", f"no template can: {got}")


def _why(t: ShiftTemplate, d: int, span: tuple[int, int], days: tuple) -> str:
    """Why template ``t`` has no shift covering ``span`` (minutes) on weekday ``d``."""
    day = days[d]
    if day is None:
        return f"the unit is closed on {WEEKDAY_NAMES[d]}"
    n_open = sum(x is not None for x in days)
    if t.days_per_week is not None and t.days_per_week > n_open:
        return f"{t.days_per_week} days a week, the unit opens on {n_open}"
    lo, hi = shift_window(t, day)
    if span[1] > hi:
        return f"latest end {hhmm(hi)}" if hi != day[1] else f"the unit closes at {hhmm(hi)}"
    if span[0] < lo:
        return f"earliest start {hhmm(lo)}" if lo != day[0] else f"the unit opens at {hhmm(lo)}"
    if hi - lo < t.min_length_min:
        return f"shifts of at least {t.min_length_min / 60:g} h do not fit in {hhmm(lo)}–{hhmm(hi)}"
    if t.days_per_week is not None:
        return f"no shift at the same times on {t.days_per_week} open days covers it"
    return "no shift of it is on duty over the whole interval, off its break"


def _check_part_time(need, coverable, grid, unit) -> None:
    """Raise ConfigError when an interval in need only part-time shifts could cover
    (``roster.part_time_max_share`` is 0)."""
    gap = _first_gap(need, coverable)
    if gap is not None:
        raise ConfigError("roster.part_time_max_share", f"a share above 0, for only part-time shifts can cover "
                          f"{_interval_name(unit, grid, *gap)}", 0.0)


# --- the roster -------------------------------------------------------------------------------------------------

def _shifts(program, x: np.ndarray, w: np.ndarray, rules: RosterRules) -> pd.DataFrame:
    """The table of shifts worked (see :class:`Roster`): persons of each candidate by
    break start; a tour's persons by the weekdays they work."""
    breaks = hand_out_breaks(program, x, w)
    rows = []

    def add(j: int, persons: list[int], tour: int) -> None:
        t = rules.templates[program.template[j]]
        brk = t.rest_break
        for bs in sorted(set(persons)):
            rows.append({"template": t.name, "weekday": WEEKDAYS[program.day[j]], "start_min": int(program.start[j]),
                         "end_min": int(program.end[j]), "break_start_min": float(bs) if bs >= 0 else np.nan,
                         "break_end_min": float(bs + brk.length_min) if bs >= 0 else np.nan,
                         "break_paid": bool(brk.paid) if brk is not None else False, "count": persons.count(bs),
                         "paid_min": int(program.paid[j]), "tour": tour, "_day": int(program.day[j])})

    def persons(j: int) -> list[int]:
        """Each person's break start (-1: no break)."""
        return breaks.get(j, []) if rules.templates[program.template[j]].rest_break else [-1] * int(x[j])

    for j in np.flatnonzero((x > 0) & (program.tour < 0)):
        add(int(j), persons(int(j)), -1)
    tour_id = 0
    for v, (ti, _, _) in enumerate(program.tours):
        on = {int(program.day[j]): int(j) for j in np.flatnonzero((program.tour == v) & (x > 0))}
        left = {j: persons(j) for j in on.values()}
        for days, count in tour_days({d: int(x[j]) for d, j in on.items()}, rules.templates[ti].days_per_week):
            for d in days:
                j = on[d]
                add(j, left[j][:count], tour_id)
                left[j] = left[j][count:]
            tour_id += 1
    frame = pd.DataFrame(rows, columns=[*SHIFT_COLUMNS, "_day"])
    frame = frame.sort_values(["_day", "start_min", "end_min", "break_start_min", "template", "tour"], kind="stable")
    return frame.drop(columns="_day").reset_index(drop=True).astype(
        {"start_min": "int64", "end_min": "int64", "count": "int64", "paid_min": "int64", "tour": "int64",
         "break_paid": bool, "break_start_min": float, "break_end_min": float})


def _on_duty(shifts: pd.DataFrame, grid: Grid) -> np.ndarray:
    """(7, n) persons of ``shifts`` on duty, off their break, over each weekday × interval's span."""
    out = np.zeros((7, grid.n), dtype=np.int64)
    for row in shifts.itertuples():
        d = WEEKDAYS.index(row.weekday)
        a, b = grid.spans[d, :, 0], grid.spans[d, :, 1]
        on = (row.start_min <= a) & (row.end_min >= b)
        if not np.isnan(row.break_start_min):
            on &= ~((a < row.break_end_min) & (b > row.break_start_min))
        out[d] += on * row.count
    return out
