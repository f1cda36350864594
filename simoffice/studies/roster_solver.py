"""Solving the roster's integer program (:mod:`simoffice.studies.roster_program`) with
scipy's ``milp`` (HiGHS), and the part-time share that couples the days.

Without tours or a part-time share, a week's days are independent: each is a
small program that HiGHS solves in a fraction of a second. The share — the
part-time paid hours of the whole week at most a share of all — couples them
with one row, and HiGHS can take long on it, above all on a week of alike days
(symmetric: the same rosters in many orders), whose programs' relaxations are
weak. :func:`solve` therefore tries the cheap ways first and the whole week last.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from simoffice.studies.roster_program import Program

# HiGHS stops when the roster's cost is within this share of the best bound.
MIP_REL_GAP = 1e-6
# The share of the time left that looking for a roster of least excess at the least cost may take.
LEAN_SHARE = 0.2
# The share of the time left kept for a roster of full-time shifts only, should HiGHS find none with the share.
FALLBACK_SHARE = 0.25
# The least difference between two days' part-time excesses (minutes) that counts.
EXCESS_STEP = 1e-3
# Weeks of at most this many different days keep the part-time share day by day (_keep_share_by_day):
# HiGHS is slow on a week of alike days (symmetric), and their days' fronts are few to find.
SAME_DAYS = 2


@dataclass(frozen=True)
class Solution:
    """Persons per candidate ``x``, breaks per break variable ``w``; ``optimal``:
    HiGHS proved the cost least; ``status``/``message``: HiGHS's last word
    (``x`` None: no roster found, status 2: infeasible)."""

    x: np.ndarray | None
    w: np.ndarray | None
    optimal: bool
    status: int
    message: str


def objective(program: Program) -> np.ndarray:
    """The cost HiGHS minimises: when every candidate has the same cost factor,
    paid minutes in units of their greatest common divisor — whole numbers, so
    that HiGHS rounds its bound up and proves a roster one unit dearer than the
    bound optimal; otherwise the cost itself."""
    if program.m and np.unique(program.cost / np.maximum(program.paid, 1e-9)).size <= 1:
        unit = np.gcd.reduce(program.paid.astype(np.int64))
        if unit > 0:
            return program.paid / unit
    return program.cost


def solve(program: Program, share: float | None, time_limit_s: float) -> Solution:
    """The least-cost roster of ``program``, with at most ``share`` of the paid
    hours in part-time candidates (None: no limit; 0: none, their candidates held at 0).

    Without tours or a part-time share the days are independent, and each is
    solved on its own. Then, in turn, until a roster keeps the share:

    1. (days on their own, or no share) the least-cost roster, the share left
       out: it is optimal if it keeps the share;
    2. (days on their own) the roster of least part-time *excess* (part-time paid
       minutes less ``share`` of all paid minutes) among those of that least cost:
       optimal if the excess is at most 0;
    3. the week with the share: by HiGHS, or (days on their own, a week of at
       most :data:`SAME_DAYS` different days, which HiGHS finds hard) by
       :func:`_keep_share_by_day`. Should HiGHS find none in time, the roster
       of full-time shifts only (not proved optimal).

    The time limit is for all of it."""
    deadline = time.monotonic() + time_limit_s
    m = program.m
    limited = share is not None and 0 < share < 1 and bool(program.part_time.any())
    allowed = ~program.part_time if share == 0 else np.ones(m, dtype=bool)
    by_day = bool((program.var_day >= 0).all())
    if by_day:
        days = {d: (np.flatnonzero(program.var_day == d), np.flatnonzero(program.row_day == d)) for d in range(7)}
        days = {d: (cols, rows) for d, (cols, rows) in days.items() if (cols < m).any() and rows.size}
    else:
        days = {-1: (np.arange(program.matrix.shape[1]), np.arange(program.matrix.shape[0]))}
    if by_day or not limited:
        cheapest = {d: _milp(program, cols, rows, allowed, deadline) for d, (cols, rows) in days.items()}
        week = _joined(program, days, cheapest)
        if week.x is None or not limited or _share_kept(program, week.x, share):
            return week
    if by_day:
        # (HiGHS may take long to find a roster at exactly a given cost: a share of the time left.)
        cost = objective(program)
        soon = time.monotonic() + LEAN_SHARE * max(deadline - time.monotonic(), 0.0)
        lean = {d: _milp(program, cols, rows, allowed, soon, share, np.inf,
                         float(cost @ _full(program, cols, cheapest[d])), least_excess=True)
                for d, (cols, rows) in days.items()}
        week_lean = _joined(program, days, lean)
        if week_lean.x is not None and _share_kept(program, week_lean.x, share):
            # As cheap as the week without the share: optimal if that was.
            return Solution(week_lean.x, week_lean.w, week.optimal, week.status, "")
        if len({_signature(program, c, r, allowed) for c, r in days.values()}) <= SAME_DAYS:
            return _keep_share_by_day(program, days, cheapest, allowed, share, deadline)
    soon = time.monotonic() + (1 - FALLBACK_SHARE) * max(deadline - time.monotonic(), 0.0)
    found = _milp(program, None, None, allowed, soon, share)
    if found.x is not None:
        return found
    fallback = _joined(program, days, {d: _milp(program, cols, rows, allowed & ~program.part_time, deadline)
                                       for d, (cols, rows) in days.items()})
    if fallback.x is None:
        return found
    return Solution(fallback.x, fallback.w, False, found.status, found.message)


def _full(program: Program, cols: np.ndarray, part: Solution) -> np.ndarray:
    """A part's persons per candidate as a vector over all candidates."""
    x = np.zeros(program.m, dtype=np.int64)
    x[cols[cols < program.m]] = part.x
    return x


def _share_kept(program: Program, x: np.ndarray, share: float) -> bool:
    return float(program.paid * (program.part_time - share) @ x) <= 1e-6


def _joined(program: Program, days: dict, parts: dict) -> Solution:
    """The week's roster from each part's (``parts[d]`` on the variables ``days[d][0]``);
    the first part without a roster if there is one."""
    for part in parts.values():
        if part.x is None:
            return part
    m, q = program.m, len(program.breaks)
    x = np.zeros(m, dtype=np.int64)
    w = np.zeros(q, dtype=np.int64)
    for d, part in parts.items():
        cols = days[d][0]
        x[cols[cols < m]] = part.x
        w[cols[(cols >= m) & (cols < m + q)] - m] = part.w
    optimal = all(part.optimal for part in parts.values())
    return Solution(x, w, optimal, 0 if optimal else 1, "")


def _keep_share_by_day(program: Program, days: dict, cheapest: dict, allowed: np.ndarray, share: float,
                       deadline: float) -> Solution:
    """The cheapest week that keeps the part-time share, the days solved on their own.

    The week keeps the share when the days' part-time excesses add up to at most
    0. For each day, its Pareto front of cost and excess — the cheapest roster
    for every cap on the excess, with the least excess at that cost — is found by
    solving it again and again with the excess capped just below the last
    roster's, as far as it can be of use; then one roster per day is chosen, the
    cheapest with a total excess of at most 0. Days with the same program share
    their front."""
    cost = objective(program)
    excess = program.paid * (program.part_time - share)

    def value(d: int, part: Solution) -> tuple[float, float]:
        x = _full(program, days[d][0], part)
        return float(cost @ x), float(excess @ x)

    # The cost of a week that keeps the share: each day full-time only, or keeping the share on
    # its own (none such if a day only part-time shifts can cover: no bound).
    bound = 0.0
    for d, (cols, rows) in days.items():
        part = _milp(program, cols, rows, allowed & ~program.part_time, deadline)
        if part.x is None:
            part = _milp(program, cols, rows, allowed, deadline, share)
        bound += np.inf if part.x is None else value(d, part)[0]
    least = {d: value(d, part)[0] for d, part in cheapest.items()}
    most = {d: value(d, part)[1] for d, part in cheapest.items()}
    keys = {d: _signature(program, cols, rows, allowed) for d, (cols, rows) in days.items()}
    first = {key: d for d, key in reversed(list(keys.items()))}  # the day that stands for its like
    fronts = {key: [(least[d], most[d], cheapest[d])] for key, d in first.items()}
    growing = set(fronts)
    optimal = all(part.optimal for part in cheapest.values())
    while growing:
        for key in sorted(growing):
            d = first[key]
            cols, rows = days[d]
            # Of no use: dearer than the best week so far with the other days at their cheapest,
            # or less excess than the other days' cheapest rosters make up for.
            cap = bound - sum(least.values()) + least[d]
            floor = -(sum(most.values()) - most[d])
            if fronts[key][-1][1] <= floor + 1e-6:
                growing.discard(key)
                continue
            if time.monotonic() >= deadline:
                optimal = False
                growing.discard(key)
                continue
            below = fronts[key][-1][1] - EXCESS_STEP
            part = _milp(program, cols, rows, allowed, deadline, share, below, cap if np.isfinite(cap) else None)
            if part.x is None:
                optimal = optimal and part.status == 2  # infeasible: the front ends there
                growing.discard(key)
                continue
            lean = _milp(program, cols, rows, allowed, deadline, share, below, value(d, part)[0], least_excess=True)
            part = lean if lean.x is not None else part
            optimal = optimal and part.optimal
            fronts[key].append((*value(d, part), part))
        chosen = _cheapest_choice([fronts[keys[d]] for d in days])
        if chosen is not None:
            bound = min(bound, sum(fronts[keys[d]][k][0] for d, k in zip(days, chosen)))
    chosen = _cheapest_choice([fronts[keys[d]] for d in days])
    if chosen is None:  # (out of time before the fronts reached a week that keeps the share)
        return _milp(program, None, None, allowed, deadline, share)
    week = _joined(program, days, {d: fronts[keys[d]][k][2] for d, k in zip(days, chosen)})
    return Solution(week.x, week.w, optimal, 0 if optimal else 1, "")


def _signature(program: Program, cols: np.ndarray, rows: np.ndarray, allowed: np.ndarray) -> bytes:
    """A day's program, as bytes: days with the same have the same rosters (variables in the same order)."""
    part = program.matrix[rows][:, cols]
    shifts = cols[cols < program.m]
    return b"|".join(np.ascontiguousarray(a).tobytes() for a in (
        part.indptr, part.indices, part.data, program.lower[rows], program.upper[rows], program.integer[cols],
        program.var_upper[cols], program.cost[shifts], program.paid[shifts], program.part_time[shifts],
        allowed[shifts]))


def _cheapest_choice(fronts: list[list]) -> list[int] | None:
    """One point of each front (cost, excess, …), the cheapest in total with a total
    excess of at most 0; None if there is none."""
    least_cost = [min(p[0] for p in f) for f in fronts]
    least_excess = [min(p[1] for p in f) for f in fronts]
    best: list = [np.inf, None]

    def search(i: int, cost: float, excess: float, picks: list[int]) -> None:
        if cost + sum(least_cost[i:]) >= best[0] - 1e-9 or excess + sum(least_excess[i:]) > 1e-6:
            return
        if i == len(fronts):
            best[:] = [cost, list(picks)]
            return
        for k in sorted(range(len(fronts[i])), key=lambda k: fronts[i][k][0]):
            search(i + 1, cost + fronts[i][k][0], excess + fronts[i][k][1], picks + [k])

    search(0, 0.0, 0.0, [])
    return best[1]


def _milp(program: Program, cols, rows, allowed: np.ndarray, deadline: float, share: float | None = None,
          excess: float = 0.0, cutoff: float | None = None, least_excess: bool = False) -> Solution:
    """HiGHS on the variables ``cols`` and rows ``rows`` of ``program`` (None: all),
    candidates not ``allowed`` held at 0; unless ``share`` is None, with the
    part-time excess (part-time paid minutes less ``share`` of all paid minutes) at
    most ``excess``; unless ``cutoff`` is None, with the :func:`objective` at most
    ``cutoff`` (and no candidate worked by more persons than that affords).
    Minimises the :func:`objective`, or the excess if ``least_excess``."""
    m = program.m
    cols = np.arange(program.matrix.shape[1]) if cols is None else cols
    rows = np.arange(program.matrix.shape[0]) if rows is None else rows
    is_shift = cols < m
    shift = np.minimum(cols, m - 1)
    cost = np.where(is_shift, objective(program)[shift], 0.0)
    constraints = [LinearConstraint(program.matrix[rows][:, cols], program.lower[rows], program.upper[rows])]
    weights = None
    if share is not None:
        weights = np.where(is_shift, (program.paid * (program.part_time - share))[shift], 0.0)
        if np.isfinite(excess):
            constraints.append(LinearConstraint(sparse.csr_matrix(weights[None, :]), -np.inf, excess))
    upper = np.where(is_shift & ~allowed[shift], 0.0, program.var_upper[cols])
    if cutoff is not None:
        constraints.append(LinearConstraint(sparse.csr_matrix(cost[None, :]), -np.inf, cutoff + 1e-6))
        upper = np.where(is_shift, np.minimum(upper, np.floor(cutoff / np.maximum(cost, 1e-12) + 1e-9)), upper)
    res = milp(c=weights if least_excess else cost, constraints=constraints, integrality=program.integer[cols],
               bounds=Bounds(0, upper), options={"time_limit": max(deadline - time.monotonic(), 0.5),
                                                 "mip_rel_gap": MIP_REL_GAP, "disp": False})
    message = res.message.splitlines()[0] if res.message else str(res.status)
    if res.x is None:
        return Solution(None, None, False, int(res.status), message)
    values = np.round(res.x).astype(np.int64)
    is_break = (cols >= m) & (cols < m + len(program.breaks))
    return Solution(values[is_shift], values[is_break], res.status == 0, int(res.status), message)


