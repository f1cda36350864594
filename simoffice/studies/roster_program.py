"""The roster's integer program: candidate shifts, breaks and tours placed implicitly, HiGHS.

A *candidate* is a shift a template allows on one weekday: a start and an end.
Its variable ``x_j`` counts the persons who work it that day. Breaks are placed
*implicitly* (Bechtold and Jacobs 1990): instead of a variable per shift and
break time, a variable ``w_t`` counts the breaks of a template that start at grid
time ``t`` of a day, and constraints make sure that the breaks can be handed out,
each within the window of the shift it belongs to. Tours are implicit too: a
template with ``days_per_week = k`` has, per start and end, a variable ``T`` for
the persons who work it ``k`` days a week, and its candidates' day counts are
those of ``T`` persons each on ``k`` different days when they add up to ``k T``
and none is above ``T``::

    minimise    Σ_j cost_j x_j
    subject to  Σ_j spans[j, i] x_j − Σ_t overlaps[t, i] w_t  >=  need_i   (on duty, off a break)
                Σ_j x_j (shifts with breaks)  =  Σ_t w_t                    (a break each)
                Σ_{j: window_j ⊆ [a, b]} x_j  <=  Σ_{t ∈ [a, b]} w_t      (spans [a, b] of break times)
                Σ_d x_(d, tour)  =  k T_tour,   x_(d, tour)  <=  T_tour      (tours)
                Σ_j paid_j (part_time_j − share) x_j  <=  0               (the part-time share, if limited)
                x, w, T  integer >= 0

per weekday and template with a break. The third line is Hall's condition for
windows that are intervals of break times; it is enough for the breaks to be
handed out (:func:`hand_out_breaks`, earliest window end first). A break may only
overlap intervals its shift is on duty for all of, so subtracting the breaks that
overlap an interval counts exactly who is on a break in it. The program has a
variable per shift and day rather than per shift, break time and set of days,
and HiGHS solves it many times faster. :mod:`simoffice.studies.roster_solver`
solves it. Times are minutes since midnight.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import sparse

from simoffice.model.roster import RosterRules, ShiftTemplate


@dataclass(frozen=True)
class Grid:
    """A unit's requirement grid: interval ``k`` of weekday ``d`` is covered when on
    duty over ``spans[d, k]`` (minutes: its open part, or all of it when the unit
    is closed then); ``days[d]``: the weekday's first opening and last closing, or None."""

    start_min: int
    interval_min: int
    spans: np.ndarray  # (7, n, 2)
    days: tuple

    @property
    def n(self) -> int:
        return self.spans.shape[1]


@dataclass(frozen=True)
class Program:
    """The candidates and the constraints of a unit's roster.

    Per candidate ``j``: ``template`` (index), ``day`` (weekday), ``tour`` (index
    into ``tours``, or -1), ``start``, ``end``, ``paid`` (paid minutes a person),
    ``cost`` (paid hours × cost factor), ``part_time``; ``spans`` (candidates, 7 n)
    whether it is on duty over each weekday × interval; ``window`` (candidates, 2)
    the first and last break start of its window (-1 without a break). ``breaks``:
    per break variable (weekday, template, start); ``tours``: per tour variable
    (template, start, end). ``matrix`` (rows, variables) with bounds ``lower`` /
    ``upper``; the variables are the candidates, breaks, slacks and tours, in that
    order, ``integer`` or not and at most ``var_upper``; ``row_day`` / ``var_day``:
    the weekday of each (-1: several days)."""

    template: np.ndarray
    day: np.ndarray
    tour: np.ndarray
    start: np.ndarray
    end: np.ndarray
    paid: np.ndarray
    cost: np.ndarray
    part_time: np.ndarray
    spans: sparse.csr_matrix
    window: np.ndarray
    breaks: list
    tours: list
    matrix: sparse.csr_matrix
    lower: np.ndarray
    upper: np.ndarray
    row_day: np.ndarray
    var_day: np.ndarray
    integer: np.ndarray
    var_upper: np.ndarray

    @property
    def m(self) -> int:
        """Candidates."""
        return len(self.start)


# --- candidates -------------------------------------------------------------------------------------------------

def shift_window(t: ShiftTemplate, day: tuple[int, int]) -> tuple[int, int]:
    """The earliest start and latest end of the template's shifts on a day open ``day``."""
    lo = day[0] if t.earliest_start_min is None else max(day[0], t.earliest_start_min)
    hi = day[1] if t.latest_end_min is None else min(day[1], t.latest_end_min)
    return lo, hi


def _grid_up(x: int, origin: int, step: int) -> int:
    """The first point of the grid ``origin + k step`` at or after ``x``."""
    return origin + -(-(x - origin) // step) * step


def day_shifts(t: ShiftTemplate, d: int, grid: Grid) -> dict[tuple[int, int], tuple[np.ndarray, int, int]]:
    """The template's shifts on weekday ``d``: (start, end) -> (on duty over each
    interval (n,), first and last break start, -1 without a break).

    A shift starts on the grid of ``start_step_min`` from ``grid.start_min`` or at
    the day's opening, and ends a multiple of ``start_step_min`` later or at the
    closing. A break starts on the interval grid in its window, ends before the
    shift does and overlaps only intervals the shift is on duty for all of; a
    shift whose break fits nowhere is left out."""
    lo, hi = shift_window(t, grid.days[d])
    step, interval = t.start_step_min, grid.interval_min
    a, b = grid.spans[d, :, 0], grid.spans[d, :, 1]
    starts = sorted({lo, *range(_grid_up(lo, grid.start_min, step), hi, step)})
    lengths = range(-(-t.min_length_min // step) * step, t.max_length_min + 1, step)
    brk = t.rest_break
    out = {}
    for s in starts:
        ends = {s + length for length in lengths if s + length <= hi}
        if t.min_length_min <= hi - s <= t.max_length_min:
            ends.add(hi)  # ends at the closing
        for e in sorted(ends):
            on_duty = (s <= a) & (e >= b)
            if brk is None:
                out[(s, e)] = (on_duty, -1, -1)
                continue
            first = s + brk.after_min
            times = np.arange(_grid_up(first, grid.start_min, interval), first + brk.window_min + 1, interval)
            times = times[times + brk.length_min < e]
            overlaps = (a[None, :] < times[:, None] + brk.length_min) & (b[None, :] > times[:, None])
            ok = ~(overlaps & ~on_duty[None, :]).any(axis=1)
            if ok.any():  # (the first run of break starts that fit)
                k0 = int(np.argmax(ok))
                k1 = k0 + int(np.argmin(ok[k0:])) - 1 if not ok[k0:].all() else ok.size - 1
                out[(s, e)] = (on_duty, int(times[k0]), int(times[k1]))
    return out


def build_program(rules: RosterRules, grid: Grid, need: np.ndarray) -> Program:
    """Every candidate of ``rules.templates`` on ``grid``, and the constraints that
    cover ``need`` (7, n) with them."""
    n = grid.n
    open_days = [d for d in range(7) if grid.days[d] is not None]
    cols: dict[str, list] = {k: [] for k in ("template", "day", "tour", "start", "end", "paid", "cost", "part_time",
                                             "window")}
    span_rows: list[np.ndarray] = []
    span_cols: list[np.ndarray] = []
    tours: list[tuple[int, int, int]] = []
    for ti, t in enumerate(rules.templates):
        per_day = {d: day_shifts(t, d, grid) for d in open_days}
        brk = t.rest_break
        unpaid = 0 if brk is None or brk.paid else brk.length_min
        tour_of: dict[tuple[int, int], int] = {}
        if t.days_per_week is not None:  # a tour for every start and end on enough days
            on_days = itertools.chain.from_iterable(per_day.values())
            for key in sorted(k for k in set(on_days) if sum(k in per_day[d] for d in open_days) >= t.days_per_week):
                tour_of[key] = len(tours)
                tours.append((ti, *key))
        for d in open_days:
            for (s, e), (on_duty, w0, w1) in per_day[d].items():
                if t.days_per_week is not None and (s, e) not in tour_of:
                    continue
                j = len(cols["start"])
                idx = np.flatnonzero(on_duty)
                span_rows.append(np.full(idx.size, j))
                span_cols.append(idx + d * n)
                paid = e - s - unpaid
                for key, value in (("template", ti), ("day", d), ("tour", tour_of.get((s, e), -1)), ("start", s),
                                   ("end", e), ("paid", paid), ("cost", paid / 60 * t.cost_factor),
                                   ("part_time", t.part_time), ("window", (w0, w1))):
                    cols[key].append(value)
    m = len(cols["start"])
    rows = np.concatenate(span_rows) if span_rows else np.zeros(0, dtype=np.int64)
    where = np.concatenate(span_cols) if span_cols else np.zeros(0, dtype=np.int64)
    arrays = {k: np.array(v, dtype=float if k in ("paid", "cost") else bool if k == "part_time" else np.int64)
              for k, v in cols.items()}
    arrays["window"] = arrays["window"].reshape(m, 2)
    spans = sparse.csr_matrix((np.ones(rows.size), (rows, where)), shape=(m, 7 * n))
    parts = _constraints(rules, grid, need, arrays, spans, tours)
    return Program(spans=spans, tours=tours, **arrays, **parts)


def _constraints(rules: RosterRules, grid: Grid, need: np.ndarray, cols: dict, spans: sparse.csr_matrix,
                 tours: list) -> dict:
    """The program's rows and its variables besides the candidates'.

    Rows: per weekday and template with a break, Hall's condition for every span
    of break times that starts at the first one (*forward*) or ends at the last one
    (*backward*), as equalities with a slack each, written as differences of
    consecutive times so that a shift appears in one forward and one backward row
    (Bechtold and Jacobs 1990); Hall's condition for any other span a window
    strictly contains (where windows nest, which the forward and backward rows
    do not imply); the tours' rows; then coverage, for the intervals in need."""
    n, m, interval = grid.n, len(cols["start"]), grid.interval_min
    breaks: list[tuple[int, int, int]] = []
    slack_day: list[int] = []
    slack_upper: list[float] = []
    entries: list[tuple[int, int, float]] = []  # (row, variable, coefficient); slack s as variable -1 - s
    lower: list[float] = []
    upper: list[float] = []
    row_day: list[int] = []
    off_duty: list[tuple[int, int]] = []  # (weekday × interval, break variable): the break overlaps the interval

    def add_rows(count: int, lo: float, hi: float, d: int) -> int:
        first = len(lower)
        lower.extend([lo] * count)
        upper.extend([hi] * count)
        row_day.extend([d] * count)
        return first

    for ti, t in enumerate(rules.templates):
        if t.rest_break is None:
            continue
        length = t.rest_break.length_min
        for d in range(7):
            js = np.flatnonzero((cols["template"] == ti) & (cols["day"] == d))
            if not js.size:
                continue
            lo, hi = cols["window"][js, 0], cols["window"][js, 1]
            times = np.arange(lo.min(), hi.max() + 1, interval)
            k_lo, k_hi = (lo - times[0]) // interval, (hi - times[0]) // interval
            size = times.size
            first_w = m + len(breaks)
            breaks.extend((d, ti, int(tb)) for tb in times)
            a, b = grid.spans[d, :, 0], grid.spans[d, :, 1]
            for v, tb in enumerate(times):
                off_duty.extend((d * n + int(k), first_w + v) for k in np.flatnonzero((a < tb + length) & (b > tb)))
            # Forward: shifts whose windows end by time k take no more breaks than start by then
            # (slack p_k >= 0, p_last = 0: a break each); backward: likewise from time k on (q_k, q_0 = 0).
            first_p, first_q = len(slack_day), len(slack_day) + size
            slack_day.extend([d] * 2 * size)
            slack_upper.extend([np.inf] * (size - 1) + [0.0] + [0.0] + [np.inf] * (size - 1))
            for ends, first_s, step in ((k_hi, first_p, -1), (k_lo, first_q, 1)):
                row0 = add_rows(size, 0.0, 0.0, d)
                for k in range(size):
                    entries.extend((row0 + k, int(j), 1.0) for j in js[ends == k])
                    entries.append((row0 + k, first_w + k, -1.0))
                    entries.append((row0 + k, -1 - (first_s + k), 1.0))
                    if 0 <= k + step < size:
                        entries.append((row0 + k, -1 - (first_s + k + step), -1.0))
            for w0 in np.unique(lo):
                for w1 in np.unique(hi):
                    inside = (lo >= w0) & (hi <= w1)
                    if w1 < w0 or not inside.any() or lo[inside].min() != w0 or hi[inside].max() != w1:
                        continue
                    if not ((lo < w0) & (hi > w1)).any():
                        continue  # implied by the forward and backward rows
                    r = add_rows(1, -np.inf, 0.0, d)
                    entries.extend((r, int(j), 1.0) for j in js[inside])
                    entries.extend((r, first_w + v, -1.0) for v in range((w0 - times[0]) // interval,
                                                                          (w1 - times[0]) // interval + 1))
    first_slack = m + len(breaks)
    first_tour = first_slack + len(slack_day)
    n_vars = first_tour + len(tours)
    # Tours: their day counts add up to k persons' days, none above the persons.
    for v, (ti, _, _) in enumerate(tours):
        js = np.flatnonzero(cols["tour"] == v)
        r = add_rows(1, 0.0, 0.0, -1)
        entries.extend((r, int(j), 1.0) for j in js)
        entries.append((r, first_tour + v, -float(rules.templates[ti].days_per_week)))
        for j in js:
            r = add_rows(1, -np.inf, 0.0, -1)
            entries.extend(((r, int(j), 1.0), (r, first_tour + v, -1.0)))
    r, c, x = (np.array(v) for v in zip(*entries)) if entries else (np.zeros(0, dtype=np.int64),) * 3
    c = np.where(c < 0, first_slack - 1 - c, c)
    other = sparse.csr_matrix((x.astype(float), (r.astype(np.int64), c.astype(np.int64))), shape=(len(lower), n_vars))
    # Coverage: on duty over an interval in need, less the breaks that overlap it.
    duty = spans.T.tocoo()
    r = np.concatenate([duty.row, np.array([k for k, _ in off_duty], dtype=np.int64)])
    c = np.concatenate([duty.col, np.array([v for _, v in off_duty], dtype=np.int64)])
    x = np.concatenate([np.ones(duty.nnz), -np.ones(len(off_duty))])
    needed = np.flatnonzero(need.ravel() > 0)
    cover = sparse.csr_matrix((x, (r, c)), shape=(7 * n, n_vars))[needed]
    tour_day = [-1] * len(tours)
    return {
        "breaks": breaks,
        "matrix": sparse.vstack([other, cover]).tocsr(),
        "lower": np.concatenate([lower, need.ravel()[needed]]).astype(float),
        "upper": np.concatenate([upper, np.full(needed.size, np.inf)]),
        "row_day": np.concatenate([row_day, needed // n]).astype(np.int64),
        "var_day": np.concatenate([np.where(cols["tour"] >= 0, -1, cols["day"]), [br[0] for br in breaks],
                                   slack_day, tour_day]).astype(np.int64),
        "integer": np.concatenate([np.ones(first_slack, dtype=bool), np.zeros(len(slack_day), dtype=bool),
                                   np.ones(len(tours), dtype=bool)]),
        "var_upper": np.concatenate([np.full(first_slack, np.inf), slack_upper, np.full(len(tours), np.inf)]),
    }


# --- the roster -------------------------------------------------------------------------------------------------

def hand_out_breaks(program: Program, x: np.ndarray, w: np.ndarray) -> dict[int, list[int]]:
    """The break start of each person of each candidate with a break: candidate ->
    break starts (as many as ``x``). Break times are handed out in time order, each
    to the waiting person whose window ends first.

    Raises:
        RuntimeError: the breaks cannot be handed out (Hall's condition broken: a bug)."""
    out: dict[int, list[int]] = {}
    by_class: dict[tuple[int, int], list[int]] = {}
    for v, (d, ti, tb) in enumerate(program.breaks):
        by_class.setdefault((d, ti), []).extend([tb] * int(w[v]))
    for (d, ti), times in by_class.items():
        persons = sorted((int(program.window[j, 0]), int(program.window[j, 1]), int(j))
                         for j in np.flatnonzero((program.template == ti) & (program.day == d) & (x > 0))
                         for _ in range(int(x[j])))
        if len(persons) != len(times):
            raise RuntimeError(f"{len(times)} breaks for {len(persons)} shifts on weekday {d}")
        waiting: list[tuple[int, int]] = []
        nxt = 0
        for tb in sorted(times):
            while nxt < len(persons) and persons[nxt][0] <= tb:
                heapq.heappush(waiting, (persons[nxt][1], persons[nxt][2]))
                nxt += 1
            if not waiting or waiting[0][0] < tb:
                raise RuntimeError(f"a break at {tb} min on weekday {d} fits no shift's window")
            _, j = heapq.heappop(waiting)
            out.setdefault(j, []).append(tb)
    return out


def tour_days(counts: dict[int, int], k: int) -> list[tuple[tuple[int, ...], int]]:
    """Persons of a tour, each on ``k`` different days, from the persons on it each
    day (``counts``: weekday -> persons; they add up to ``k`` × persons and none is
    above the persons): (weekdays, persons) for each set of weekdays worked.
    Each person in turn takes the ``k`` days with the most persons left.

    Raises:
        RuntimeError: the counts are not those of persons on k days each (a bug)."""
    left = {d: c for d, c in counts.items() if c > 0}
    total = sum(left.values())
    if total % k or (left and max(left.values()) > total // k):
        raise RuntimeError(f"day counts {counts} are not those of persons on {k} days each")
    out: dict[tuple[int, ...], int] = {}
    while left:
        days = tuple(sorted(sorted(left, key=lambda d: (-left[d], d))[:k]))
        if len(days) < k:
            raise RuntimeError(f"day counts {counts} are not those of persons on {k} days each")
        for d in days:
            left[d] -= 1
            if not left[d]:
                del left[d]
        out[days] = out.get(days, 0) + 1
    return sorted(out.items())


def candidates_covering(program: Program, grid: Grid, rules: RosterRules, keep: Sequence[bool] | None = None
                        ) -> np.ndarray:
    """(7, n) whether some candidate (of those ``keep`` marks) can cover each interval:
    on duty over it, with its break (if any) placed elsewhere in its window."""
    n = grid.n
    out = np.zeros((7, n), dtype=bool)
    keep_arr = np.ones(program.m, dtype=bool) if keep is None else np.asarray(keep, dtype=bool)
    lengths = np.array([0 if t.rest_break is None else t.rest_break.length_min for t in rules.templates])
    for d in range(7):
        js = np.flatnonzero(keep_arr & (program.day == d))
        if not js.size:
            continue
        on = program.spans[js][:, d * n:(d + 1) * n].toarray() > 0
        lo, hi = program.window[js, 0][:, None], program.window[js, 1][:, None]
        length = lengths[program.template[js]][:, None]
        a, b = grid.spans[d, :, 0][None, :], grid.spans[d, :, 1][None, :]
        free = (lo < 0) | (hi >= b) | (lo + length <= a)  # a break start in the window off the interval
        out[d] = (on & free).any(axis=0)
    return out
