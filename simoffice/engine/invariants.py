"""Invariant mode (``run.check_invariants=true``): the engine checks itself as it runs.

Some things must hold whatever the config; a run that breaks one has met a bug
in simoffice. With the mode on, each unit is a :class:`CheckedOfficeModel` and
the expert centre checks each case it starts; the first broken invariant raises
:class:`~simoffice.errors.InvariantError`, naming the unit, the simulated time
and what went wrong:

- a ticket leaves a unit's queue (served, reneged or sent away) only if it is
  waiting there, once: queue lengths never go below zero and no client is
  counted twice;
- a desk starts a service only while on duty, for a ticket of a class and skill
  it serves, and never more desks are busy than are on duty;
- no service starts while its unit is closed, except under the overtime policy
  (``serve_waiting``, and always for a remote unit finishing the calls and
  sessions queued at closing), for a client who took a ticket in the opening
  period that just ended or is being served for another need of the same visit;
- an expert starts a case only within a duty period.

With the mode off the engine builds plain units and nothing is checked: the
choice is made once, when the replication is built.
"""

from __future__ import annotations

from bisect import bisect_right

from simoffice.engine.office import OfficeModel
from simoffice.engine.recorder import OUTCOMES
from simoffice.errors import InvariantError
from simoffice.model.spec import ModelSpec
from simoffice.model.timetable import clock


class Invariants:
    """Names and clock of a replication, to report a broken invariant."""

    def __init__(self, spec: ModelSpec):
        self.units = [u.name for u in spec.offices]
        self.groups = [g.name for u in spec.offices for g in u.desk_groups]
        self.start_weekday = spec.run.start_weekday

    def fail(self, unit: str, t: float, what: str) -> None:
        raise InvariantError(unit, t, clock(t, self.start_weekday), what)

    def expert_starts(self, expert, i: int, case, now: float) -> None:
        """An expert starts a case: inside its duty period ``i``."""
        lo, hi = expert.duty[i]
        if not lo <= now < hi:
            self.fail("expert centre", now,
                      f"expert {expert.id} starts a case (bundle {case.client.id}) off duty "
                      f"(its duty period is {lo:.1f}–{hi:.1f} min)")
        if expert.current is not None:
            self.fail("expert centre", now, f"expert {expert.id} starts a case while working on another")


class CheckedOfficeModel(OfficeModel):
    """An :class:`~simoffice.engine.office.OfficeModel` that checks every ticket joining and
    leaving its queue and every service start (see the module docstring)."""

    def __init__(self, *args, invariants: Invariants, **kwargs):
        super().__init__(*args, **kwargs)
        self.invariants = invariants
        self.name = invariants.units[self.index]
        self.in_queue: set = set()  # tickets waiting here (a ticket hashes by identity)
        self._begin_service, self._ticket_left = self.begin, self.left
        self.begin, self.left = self._checked_begin, self._checked_left
        intervals = self.timetable.intervals
        self._open_starts = [lo for lo, _ in intervals]

    def fail(self, now: float, what: str) -> None:
        self.invariants.fail(self.name, now, what)

    def add(self, tk) -> None:
        if tk in self.in_queue:
            self.fail(tk.t, f"a ticket of bundle {tk.client.id} joins the queue twice")
        self.in_queue.add(tk)
        super().add(tk)

    def _leaves(self, tk, now: float, how: str) -> None:
        if tk not in self.in_queue:
            self.fail(now, f"a ticket of bundle {tk.client.id} {how} without waiting in the queue "
                           "(it left before, or never joined: the queue length would go below zero)")
        self.in_queue.remove(tk)

    def _checked_left(self, tk, outcome: int, t: float) -> None:
        self._leaves(tk, self.env.now, f"leaves ({OUTCOMES[outcome]})")
        self._ticket_left(tk, outcome, t)

    def _checked_begin(self, tk, desk, now: float):
        self._leaves(tk, now, "is served")
        who = f"desk {desk.id} ({self.invariants.groups[desk.group]})"
        if not desk.active or now < desk.on:
            self.fail(now, f"{who} starts a service while off duty")
        is_open = self.timetable.is_open(now)
        if now >= desk.end and (is_open or not self.serve_waiting):
            self.fail(now, f"{who} starts a service after its shift ended at {desk.end:.1f} min "
                           f"while {'the unit is open' if is_open else 'the closing policy sends clients away'}")
        if tk.skill not in desk.skills or tk.cls not in desk.classes:
            self.fail(now, f"{who} starts a ticket of a skill or class it does not serve")
        if not is_open:
            if not self.serve_waiting:
                self.fail(now, f"{who} starts a service while the unit is closed and the closing policy "
                               "sends clients away")
            if not (self._issued_in_last_period(tk.t, now) or tk.client.served_this_visit):
                self.fail(now, f"{who} starts, while the unit is closed, a ticket taken at {tk.t:.1f} min, "
                               "outside the opening period that just ended")
        busy = sum(d.current is not None for d in self.desks)
        on_duty = sum(d.active for d in self.desks)
        if busy > on_duty:
            self.fail(now, f"{busy} desks busy but only {on_duty} on duty")
        return self._begin_service(tk, desk, now)

    def _issued_in_last_period(self, t: float, now: float) -> bool:
        """Whether ``t`` falls in the last opening period that began at or before ``now``."""
        i = bisect_right(self._open_starts, now) - 1
        if i < 0:
            return False
        lo, hi = self.timetable.intervals[i]
        return lo <= t < hi
