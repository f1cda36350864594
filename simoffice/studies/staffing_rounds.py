"""The staffing search's rounds: requirements, rosters, and their own simulation.

Every round rosters each unit's desk groups against the current requirement
(:meth:`Rounds.rosters`, an integer program per group), simulates the roster
(the same seed every round: the same clients) and moves an interval's
requirement by one desk on clear evidence only (:func:`decide`): up where its
target measure clearly misses the goal (the whole 95 % interval over
replications on the wrong side), down where it is clearly met (the whole
interval on the right side) and one desk less has not been tried. The rounds stop when no requirement changes, or
after ``staffing.max_rounds`` (:func:`run_rounds`).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from simoffice.model.roster import RosterRules
from simoffice.run.results import Results
from simoffice.studies.rostering import Roster, solve_roster
from simoffice.studies.staffing_configs import rostered_configs, split
from simoffice.studies.staffing_intervals import (
    Unit,
    clearly_met,
    interval_levels,
    interval_lookup,
    misses,
)
from simoffice.vocabulary import WEEKDAYS


def share_out(shifts: pd.DataFrame, weights: tuple[float, ...]) -> pd.DataFrame:
    """A pooled roster's persons shared out over desk groups that are alike, in
    proportion to ``weights`` (their baseline hours; equal shares when none is
    positive): each person, in order of start, goes to the group furthest below its
    share of the paid minutes so far. A row split between groups becomes a row each."""
    w = np.array(weights, dtype=float)
    w = w / w.sum() if w.sum() > 0 else np.full(len(w), 1 / len(w))
    given = np.zeros(len(w))
    parts = []
    for row in shifts.sort_values(["weekday", "start_min", "end_min"], kind="stable").itertuples(index=False):
        counts = np.zeros(len(w), dtype=np.int64)
        for _ in range(int(row.count)):
            g = int(np.argmax(w * (given.sum() + row.paid_min) - given))
            counts[g] += 1
            given[g] += row.paid_min
        for g in np.flatnonzero(counts):
            parts.append({**row._asdict(), "count": int(counts[g]), "group": int(g)})
    return pd.DataFrame(parts, columns=[*shifts.columns, "group"])


def group_requirements(unit: Unit, rows: pd.DataFrame, staff: np.ndarray) -> list[np.ndarray]:
    """A unit's requirement (desks per interval row of ``rows``) split over its desk
    groups (:func:`~simoffice.studies.staffing_configs.split`), each as a (7, n) matrix
    over the unit's grid."""
    out = [np.zeros((7, unit.n_intervals), dtype=np.int64) for _ in unit.groups]
    for r, n in zip(rows.itertuples(), staff):
        for g, part in enumerate(split(int(n), unit.weights, unit.required)):
            out[g][r.day, r.k] = part
    return out


def _roster(need: np.ndarray, start_min: int, rules: RosterRules, opening: tuple, cost_per_hour: float,
            label: str) -> Roster:
    return solve_roster(need, start_min, rules, opening, cost_per_hour, unit=label, where="roster.templates")


class Rounds:
    """The rosters and simulations of a search. A group is solved again only when its
    requirement changed; each roster set is simulated once."""

    def __init__(self, base: dict, network: dict, schedule: dict, units: list[Unit], intervals: pd.DataFrame,
                 rules: RosterRules, cost_per_hour: float, kind: str, names: tuple[str, str],
                 progress: bool | None, say: Callable[[str], None]):
        self.base, self.network, self.schedule = base, network, schedule
        self.units, self.intervals, self.rules, self.kind = units, intervals, rules, kind
        self.cost_per_hour, self.names, self.progress, self.say = cost_per_hour, names, progress, say
        self.lookup = interval_lookup(intervals, len(units))
        self.solved: dict[tuple[int, int], tuple[bytes, Roster]] = {}
        self.history: list[pd.DataFrame] = []
        self.solve_seconds = 0.0
        self.simulate_seconds = 0.0

    def rosters(self, staff: np.ndarray) -> dict[tuple[int, int], Roster]:
        """Each unit rostered against ``staff`` (desks per interval row): as one pool whose
        persons are then shared out over its desk groups when the groups are alike
        (key ``(unit, -1)``), else desk group by desk group (key ``(unit, group)``). Every
        roster's ``shifts`` has a ``group`` column (the desk group's position).

        Raises:
            ConfigError: an interval no shift template can cover (named)."""
        started = time.perf_counter()
        out: dict = {}
        tasks: dict = {}
        unit_of = self.intervals["unit"].to_numpy()
        for u, unit in enumerate(self.units):
            rows = self.intervals[unit_of == u]
            if unit.floor:  # groups with skills of their own: each rostered against its share
                needs = dict(enumerate(group_requirements(unit, rows, staff[unit_of == u])))
            else:
                need = np.zeros((7, unit.n_intervals), dtype=np.int64)
                need[rows["day"].to_numpy(), rows["k"].to_numpy()] = staff[unit_of == u]
                needs = {-1: need}
            for g, need in needs.items():
                if not need.any():
                    continue
                key = need.tobytes()
                if (u, g) not in self.solved or self.solved[(u, g)][0] != key:
                    label = unit.name if g < 0 or len(unit.groups) == 1 else f"{unit.name} ({unit.groups[g]})"
                    tasks[(u, g)] = (key, (need, unit.start_min, self.rules, unit.opening, self.cost_per_hour, label))
                out[(u, g)] = None
        for (u, g), roster in zip(tasks, self._solve([args for _, args in tasks.values()])):
            shifts = share_out(roster.shifts, self.units[u].weights) if g < 0 else roster.shifts.assign(group=g)
            self.solved[(u, g)] = (tasks[(u, g)][0], replace(roster, shifts=shifts))
        out = {k: self.solved[k][1] for k in out}
        self.solve_seconds += time.perf_counter() - started
        return out

    def _solve(self, tasks: list[tuple]) -> list[Roster]:
        """The rosters of ``tasks`` (:func:`_roster`'s arguments), solved in ``run.jobs``
        worker processes when there are several (the integer programs are independent)."""
        jobs = int((self.base.get("run") or {}).get("jobs") or os.cpu_count() or 1)
        if jobs < 2 or len(tasks) < 2:
            return [_roster(*t) for t in tasks]
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
        with ProcessPoolExecutor(min(jobs, len(tasks)), mp_context=ctx) as pool:
            return list(pool.map(_roster, *zip(*tasks), chunksize=max(1, len(tasks) // (4 * jobs))))

    def configs(self, rosters: dict[tuple[int, int], Roster]) -> tuple[dict, dict]:
        """The network and schedule configs of a roster set."""
        return rostered_configs(self.network, self.schedule, self.units, rosters, *self.names)

    def simulate(self, rosters: dict[tuple[int, int], Roster], label: str) -> Results:
        """The run of a roster set (``label`` names it in the log)."""
        from simoffice.run.simulate import simulate

        net, sched = self.configs(rosters)
        started = time.perf_counter()
        results = simulate({**self.base, "network": net, "schedule": sched}, self.progress)
        self.simulate_seconds += time.perf_counter() - started
        persons = sum(int(r.shifts["count"].sum()) for r in rosters.values())
        self.say(f"{label}: simulated {persons} rostered shifts a week in {time.perf_counter() - started:.1f} s")
        return results

    def on_duty(self, rosters: dict[tuple[int, int], Roster]) -> np.ndarray:
        """Rostered desks on duty (not on a break) per interval row."""
        out = np.zeros(len(self.intervals), dtype=np.int64)
        for (u, _), roster in rosters.items():
            rows = np.flatnonzero(self.intervals["unit"].to_numpy() == u)
            part = self.intervals.iloc[rows]
            out[rows] += roster.on_duty[part["day"].to_numpy(), part["k"].to_numpy()]
        return out

    def levels(self, results: Results, staff: np.ndarray, rosters: dict, round: int) -> pd.DataFrame:
        """The interval levels of a round's run, recorded in the history."""
        levels = interval_levels(results.contacts, self.units, self.lookup, len(self.intervals), self.kind)
        self.history.append(pd.DataFrame({
            "round": round, "interval": range(len(self.intervals)), "requirement": staff,
            "rostered": self.on_duty(rosters), "value": levels["mean"].to_numpy(),
            "ci_low": levels["ci_low"].to_numpy(), "ci_high": levels["ci_high"].to_numpy(),
            "n": levels["n"].to_numpy()}))
        return levels


def decide(staff: np.ndarray, levels: pd.DataFrame, tested: dict, floor: np.ndarray, kind: str,
           goal: float) -> np.ndarray:
    """The next round's requirement, interval by interval. A requirement changes only
    on clear evidence, the 95 % interval of the interval's target measure in the
    roster's run (the mean, with a single replication):

    - one desk more where the whole interval is on the wrong side of the goal;
    - one desk less where the whole interval is on the right side, unless one desk
      less was tried there already (the roster may be leaner than the theory);
    - otherwise it stays.

    ``tested`` remembers every (interval, requirement) simulated.
    """
    new = staff.copy()
    missed = misses(levels, kind, goal)
    clear = clearly_met(levels, kind, goal)
    for i, c in enumerate(staff):
        c = int(c)
        if np.isnan(levels["mean"].iat[i]):
            continue  # nobody queued there: keep the requirement
        tested[(i, c)] = True
        if missed[i]:
            new[i] = c + 1
        elif clear[i] and c - 1 >= floor[i] and (i, c - 1) not in tested:
            new[i] = c - 1
    return new


class Found(NamedTuple):
    """Where the rounds ended: the final requirement (desks per interval row), its
    rosters, their run and interval levels, the rounds simulated, whether the
    rounds settled, and how many intervals still clearly missed the goal."""

    staff: np.ndarray
    rosters: dict
    results: Results
    levels: pd.DataFrame
    rounds: int
    converged: bool
    missing: int


def run_rounds(rounds: Rounds, staff: np.ndarray, floor: np.ndarray, goal: float, max_rounds: int,
               say: Callable[[str], None]) -> Found:
    """Roster and simulate from the theory's requirement ``staff`` until no requirement
    changes (:func:`decide`) or ``max_rounds`` rounds have run; ``floor``: the fewest
    desks of each interval. When the last round still has intervals that clearly miss
    the goal, the desks it adds (not those it would take away) are rostered and
    simulated once more."""
    staff = staff.copy()
    tested: dict = {}
    r = 0
    while True:
        r += 1
        rosters = rounds.rosters(staff)
        results = rounds.simulate(rosters, f"round {r}")
        levels = rounds.levels(results, staff, rosters, r)
        new = decide(staff, levels, tested, floor, rounds.kind, goal)
        missed = misses(levels, rounds.kind, goal)
        up, down = int((new > staff).sum()), int((new < staff).sum())
        settled = not up and not down
        if settled or r > max_rounds or (r == max_rounds and not missed.any()):
            return Found(staff, rosters, results, levels, r, settled, int(missed.sum()))
        where = rounds.intervals[missed]
        worst = ", ".join(f"{o} {WEEKDAYS[d]} {s}" for o, d, s in
                          where[["office", "day", "interval_start"]].head(3).itertuples(index=False))
        say(f"round {r}: one desk more in {up} intervals ({int(missed.sum())} clearly miss the target"
            + (f", e.g. {worst}" if worst else "") + f"), one desk less in {down} (clearly above it)")
        if r == max_rounds:
            say(f"round {r} was the last (staffing.max_rounds) and {int(missed.sum())} intervals clearly miss the "
                "target: one more run with the desks it adds, not those it would take away")
            new = np.maximum(new, staff)
        staff = new
