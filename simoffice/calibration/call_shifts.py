"""Agents on duty per interval, written as shifts: a contact centre's own shift pattern.

A contact centre staffs its hours with many overlapping shifts, not one
office-style day shift. Given the agents on duty in each interval of each
weekday (observed from agent ids, or required per interval), :func:`shifts_for`
chooses whole agents on shifts of :data:`LENGTHS_H` hours starting on the half
hour, so that the agents they put on duty are closest to those given:

    minimise  Σ_intervals |on duty − given| (agent-hours)  +  SHIFT_COST × (agents on shifts)

an integer program per weekday (``scipy.optimize.milp``, HiGHS) against the
agents rounded to whole ones per interval, the second term (a cost per agent
on a shift) favouring longer shifts, so fewer of them. Weekdays whose agents differ
by less than :data:`POOL_GAP` on average (over the intervals either has agents)
are taken to be the same day seen with noise: they share the mean of their agents
and one pattern. Shifts of the same hours and agents on several weekdays are
written once, with those days. Intervals are
``bin_min`` minutes (15 or 30 usually); times are minutes since midnight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, sparse

from simoffice.vocabulary import DAY, WEEKDAYS, hhmm

__all__ = ["AgentShifts", "shifts_for", "LENGTHS_H", "SHIFT_COST", "POOL_GAP"]

# Shift lengths (hours) to choose from; shifts start on the half hour.
LENGTHS_H = (2, 3, 4, 5, 6, 7, 8, 9, 10)
START_STEP_MIN = 30
# The cost of one more agent on a shift, in agent-hours off the profile: a shift
# worth less than this is left out, and longer shifts are favoured over several short ones.
SHIFT_COST = 0.25
# Weekdays whose agents on duty differ by less than this many agents on average share a pattern.
POOL_GAP = 0.5
# The solver's limits per weekday.
TIME_LIMIT_S = 5.0
MIP_GAP = 0.02


@dataclass
class AgentShifts:
    """Agents on shifts: ``shifts`` (name -> ``{start, end, days}``, a config's
    ``shifts`` block), ``staff`` (name -> agents) and ``scheduled`` (7, bins):
    agents on duty per weekday × interval with them."""

    shifts: dict[str, dict]
    staff: dict[str, int]
    scheduled: np.ndarray
    bin_min: int

    def gap_hours(self, given: np.ndarray) -> tuple[float, float]:
        """Agent-hours a week (over, under) the ``given`` agents on duty."""
        d = self.scheduled - given
        h = self.bin_min / 60
        return float(np.clip(d, 0, None).sum() * h), float(np.clip(-d, 0, None).sum() * h)


def shifts_for(on_duty: np.ndarray, bin_min: int, pool: bool = True) -> AgentShifts:
    """Whole agents on shifts whose agents on duty are closest to ``on_duty``.

    Args:
        on_duty: (7, DAY // bin_min) agents on duty (or needed) per weekday ×
            interval, Monday first; fractions allowed (means over days).
        bin_min: the intervals' width in minutes (a divisor of 1440 and of 30, or 60).
        pool: give weekdays that differ by less than :data:`POOL_GAP` one pattern.

    Raises:
        ValueError: ``on_duty`` of the wrong shape or with negative values.
    """
    on_duty = np.asarray(on_duty, dtype=float)
    n_bins = DAY // bin_min
    if on_duty.shape != (7, n_bins) or (on_duty < 0).any() or not np.isfinite(on_duty).all():
        raise ValueError(f"agents on duty: expected 7 x {n_bins} non-negative numbers (got shape {on_duty.shape})")
    if pool:
        on_duty = _pooled(on_duty)
    step = START_STEP_MIN if START_STEP_MIN % bin_min == 0 else bin_min * max(1, START_STEP_MIN // bin_min)
    solved: dict[bytes, dict[tuple[int, int], int]] = {}  # weekdays with the same agents: one solution
    per_day: list[dict[tuple[int, int], int]] = []
    for d in range(7):
        key = on_duty[d].tobytes()
        if key not in solved:
            solved[key] = _day(on_duty[d], bin_min, step) if on_duty[d].sum() > 0 else {}
        per_day.append(solved[key])
    # One shift per (start, end, agents) with the weekdays it is worked on.
    pattern: dict[tuple[int, int, int], list[int]] = {}
    for d, chosen in enumerate(per_day):
        for (start, end), n in chosen.items():
            pattern.setdefault((start, end, n), []).append(d)
    shifts, staff = {}, {}
    scheduled = np.zeros((7, n_bins))
    edges = np.arange(n_bins + 1) * bin_min
    for (start, end, n), days in sorted(pattern.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[1])):
        name = _name(start, end, shifts)
        shifts[name] = {"start": hhmm(start), "end": hhmm(end), "days": [WEEKDAYS[d] for d in days]}
        staff[name] = n
        cover = np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], start), 0, None) / bin_min
        for d in days:
            scheduled[d] += n * cover
    return AgentShifts(shifts, staff, scheduled, bin_min)


def _pooled(on_duty: np.ndarray) -> np.ndarray:
    """``on_duty`` with each group of alike weekdays (see :data:`POOL_GAP`) set to its mean."""
    groups: list[list[int]] = []
    for d in range(7):
        if on_duty[d].sum() <= 0:
            continue
        for g in groups:
            ref = on_duty[g].mean(axis=0)
            either = (ref > 0) | (on_duty[d] > 0)
            if np.abs(ref - on_duty[d])[either].mean() < POOL_GAP:
                g.append(d)
                break
        else:
            groups.append([d])
    out = on_duty.copy()
    for g in groups:
        out[g] = on_duty[g].mean(axis=0)
    return out


def _name(start: int, end: int, taken: dict) -> str:
    base = f"{hhmm(start).replace(':', '')}-{hhmm(end).replace(':', '')}"
    name, k = base, 2
    while name in taken:
        name, k = f"{base} {k}", k + 1
    return name


def _day(target: np.ndarray, bin_min: int, step: int) -> dict[tuple[int, int], int]:
    """(start, end) -> agents for one weekday: the integer program of the module docstring,
    against the agents rounded to whole ones per interval (the intervals covered by a shift
    are consecutive, so the program's linear relaxation has whole solutions: it is solved at once)."""
    target = np.round(target)
    if target.sum() == 0:
        return {}
    n_bins = len(target)
    busy = np.flatnonzero(target > 0)
    lo, hi = int(busy[0]) * bin_min, int(busy[-1] + 1) * bin_min
    cands = sorted({(s, s + 60 * h) for s in range(lo // step * step, hi, step) for h in LENGTHS_H
                    if s + 60 * h <= min(DAY, max(hi, s + 60 * LENGTHS_H[0]))})
    edges = np.arange(n_bins + 1) * bin_min
    cover = np.array([np.clip(np.minimum(edges[1:], e) - np.maximum(edges[:-1], s), 0, None) / bin_min
                      for s, e in cands]).T  # (bins, candidates)
    k, b = len(cands), n_bins
    # Variables: x (agents per candidate, integer), u, o (under, over per bin): cover x + u - o = target.
    cost = np.concatenate([np.full(k, SHIFT_COST * 60 / bin_min), np.ones(b), np.ones(b)])
    eye = sparse.identity(b, format="csr")
    balance = sparse.hstack([sparse.csr_matrix(cover), eye, -eye])
    integrality = np.concatenate([np.ones(k), np.zeros(2 * b)])
    res = optimize.milp(cost, constraints=[optimize.LinearConstraint(balance, target, target)],
                        integrality=integrality, bounds=optimize.Bounds(0, np.inf),
                        options={"time_limit": TIME_LIMIT_S, "mip_rel_gap": MIP_GAP})
    if res.x is None:  # no solution in the time limit: the one span of the day, at the mean agents
        return {(lo, hi): max(1, int(round(target[busy].mean())))}
    x = np.round(res.x[:k]).astype(int)
    return {cands[i]: int(x[i]) for i in np.flatnonzero(x > 0)}
