"""A client's journey through the offices, visit by visit.

A client holds one *bundle* of needs. Each visit (trip) to the office either
finds it closed (a failed trip), or gives the client a ticket; what a ticket
carries and where needs not handled go depends on the *design*:

- ``siloed``: one need per ticket, other needs wait for another visit;
- ``co_located``: one need per ticket, the client re-queues in the same visit;
- ``one_stop``: one ticket for every open need; a desk settles all it has the skill for.

A handled need is settled unless a document is missing, which brings the client
back another day. A client who reneges, is sent away at closing or finds the
office closed comes back another day with the segment's ``return_prob``, else
abandons the bundle. The bundle ends when every need is settled, when the client
gives up, or after ``max_visits`` visits.

All of a client's random draws are made when the client is created (see
:mod:`simoffice.replication`), so two runs with the same seed see the same
clients whatever their policies.
"""

from __future__ import annotations

from simoffice.office import Ticket
from simoffice.recorder import (
    ABANDONED, CLOSED, IN_SERVICE_AT_END, OPEN, RENEGED, SENT_AWAY, SERVED, SETTLED, WAITING_AT_END,
)
from simoffice.timetable import DAY

NAN = float("nan")


class Draws:
    """The random draws of one office's clients of one week, in flat lists.

    Per client (``row``): ``service`` and ``missing`` hold ``k × a`` values (need
    position, then handling), ``patience``, ``return_u`` and ``day_u`` hold ``a``
    values (visit); ``a`` is the visit limit.
    """

    __slots__ = ("k", "a", "service", "missing", "patience", "return_u", "day_u")

    def __init__(self, k, a, service, missing, patience, return_u, day_u):
        self.k, self.a = k, a
        self.service, self.missing, self.patience = service, missing, patience
        self.return_u, self.day_u = return_u, day_u


class Client:
    """A client with one bundle, and the draws made for them at creation."""

    __slots__ = ("id", "office", "segment", "btype", "services", "level", "priority", "informed",
                 "created", "draws", "row", "open", "attempts", "tried", "visits", "tickets",
                 "failed_trips", "first_visit", "served_this_visit")

    def __init__(self, id, office, segment, btype, services, level, priority, informed, created, draws, row):
        self.id = id
        self.office = office
        self.segment = segment
        self.btype = btype
        self.services = services  # service index of each need position
        self.level = level
        self.priority = priority
        self.informed = informed
        self.created = created
        self.draws = draws
        self.row = row
        self.open = list(range(len(services)))
        self.attempts = [0] * len(services)
        self.tried = ()
        self.visits = 0
        self.tickets = 0
        self.failed_trips = 0
        self.first_visit = NAN
        self.served_this_visit = False

    def service_time(self, j: int, a: int) -> float:
        """Minutes to handle need ``j`` the ``a``-th time (from 0)."""
        d = self.draws
        return d.service[(self.row * d.k + j) * d.a + a]

    def missing(self, j: int, a: int) -> bool:
        """Whether a document is missing when need ``j`` is handled the ``a``-th time."""
        d = self.draws
        return d.missing[(self.row * d.k + j) * d.a + a]

    def patience(self, v: int) -> float:
        """Minutes the client waits in the queue at visit ``v`` (from 0)."""
        return self.draws.patience[self.row * self.draws.a + v]

    def return_u(self, v: int) -> float:
        """Uniform deciding whether the client comes back after visit ``v`` ends early."""
        return self.draws.return_u[self.row * self.draws.a + v]

    def day_u(self, v: int) -> float:
        """Uniform placing visit ``v`` in its day."""
        return self.draws.day_u[self.row * self.draws.a + v]


class Journey:
    """Moves clients between visits, tickets and desks; writes contacts and bundles."""

    def __init__(self, env, spec, recorder, timetables, profile):
        self.env = env
        self.rec = recorder
        self.timetables = timetables
        self.profile = profile
        self.offices = []  # OfficeModel, set by the replication
        self.open_clients: dict[int, Client] = {}
        self.skill_of = [s.skill for s in spec.services]
        self.one_need = spec.design.needs_per_ticket == "one"
        self.same_visit = spec.design.other_needs == "same_visit"
        self.return_prob = [s.return_prob for s in spec.segments]
        self.max_visits = spec.max_visits
        self.return_days = spec.return_after_days
        self.start_weekday = spec.run.start_weekday
        self.tickets_issued = 0

    # --- arrival and visits --------------------------------------------------------
    def arrive(self, c: Client) -> None:
        """The client's first trip, at their creation time."""
        self.open_clients[c.id] = c
        now = self.env.now
        tt = self.timetables[c.office]
        if not tt.is_open(now) and c.informed:
            # Knows the hours: comes at the next open time instead.
            window = tt.next_window(now)
            if window is None:
                return  # after the horizon: stays open
            t = self.profile.time_in_window(c.day_u(0), *window, self.start_weekday)
            self.env.timeout(t - now).callbacks.append(lambda _: self.visit(c))
            return
        self.visit(c)

    def visit(self, c: Client) -> None:
        now = self.env.now
        c.visits += 1
        if c.visits == 1:
            c.first_visit = now
        c.tried = set()
        c.served_this_visit = False
        if not self.timetables[c.office].is_open(now):
            c.failed_trips += 1
            need = c.services[c.open[0]]
            self.rec.contact(c.id, c.visits, c.office, c.segment, need, self.skill_of[need], 0, 0,
                             -1, -1, c.priority, now, NAN, now, CLOSED)
            self.end_visit(c, now, left_early=True)
            return
        self.ticket(c, c.open, now)

    def ticket(self, c: Client, candidates: list[int], now: float, requeue: bool = False) -> None:
        """A ticket for the first of ``candidates`` (or all of them, one_stop);
        ``requeue``: the client was just served for another need in this visit."""
        needs = candidates[:1] if self.one_need else list(candidates)
        skill = self.skill_of[c.services[needs[0]]]
        patience = c.patience(c.visits - 1)
        c.tickets += 1
        self.tickets_issued += 1
        tk = Ticket(c, needs, skill, c.level, now, now + patience, c.visits)
        if requeue:
            self.offices[c.office].requeue(tk)
        else:
            self.offices[c.office].add(tk)

    # --- at the desk ---------------------------------------------------------------
    def begin_service(self, tk, desk, now: float) -> tuple[list[int], float]:
        """Which of the ticket's needs this desk handles, and the service time (minutes)."""
        c = tk.client
        if self.one_need:
            handled = tk.needs
        else:
            skill_of, services, skills = self.skill_of, c.services, desk.skills
            handled = [j for j in tk.needs if skill_of[services[j]] in skills]
        duration = 0.0
        for j in handled:
            duration += c.service_time(j, c.attempts[j])
        return handled, duration

    def end_service(self, tk, desk, start: float, now: float, handled: list[int]) -> None:
        c = tk.client
        settled = 0
        for j in handled:
            a = c.attempts[j]
            c.attempts[j] = a + 1
            c.tried.add(j)
            if not c.missing(j, a):
                settled += 1
                c.open.remove(j)
        c.served_this_visit = True
        self._contact(tk, SERVED, now, start, desk, settled)
        if not c.open:
            self.finish(c, SETTLED, now)
            return
        if self.same_visit:
            candidates = [j for j in c.open if j not in c.tried]
            if candidates:
                self.ticket(c, candidates, now, requeue=True)
                return
        self.end_visit(c, now, left_early=False)

    def ticket_left(self, tk, outcome: int, t: float) -> None:
        """A ticket that ended without service: reneged at ``t`` or sent away at closing."""
        c = tk.client
        self._contact(tk, outcome, t)
        if outcome == SENT_AWAY and not c.served_this_visit:
            c.failed_trips += 1
        self.end_visit(c, t, left_early=True)

    # --- between visits ------------------------------------------------------------
    def end_visit(self, c: Client, t: float, left_early: bool) -> None:
        """The client leaves with needs open: comes back another day, or gives up."""
        v = c.visits
        if v >= self.max_visits:
            self.finish(c, ABANDONED, t)
            return
        if left_early and c.return_u(v - 1) >= self.return_prob[c.segment]:
            self.finish(c, ABANDONED, t)
            return
        # Another day; never earlier than now (a renege may be noticed after it happened).
        day = int(t // DAY) + self.return_days
        window = self.timetables[c.office].next_window(max(day * DAY, self.env.now))
        if window is None:
            return  # the next open day is past the horizon: the bundle stays open
        when = self.profile.time_in_window(c.day_u(v), *window, self.start_weekday)
        self.env.timeout(when - self.env.now).callbacks.append(lambda _: self.visit(c))

    def finish(self, c: Client, status: int, t: float) -> None:
        del self.open_clients[c.id]
        self._bundle_row(c, status, t)

    def _bundle_row(self, c: Client, status: int, t: float) -> None:
        self.rec.bundle(c.id, c.office, c.segment, c.btype, c.created, c.first_visit, t, c.visits,
                        c.tickets, c.failed_trips, len(c.services), len(c.services) - len(c.open), status)

    def _contact(self, tk, outcome: int, end: float, start: float = NAN, desk=None, settled: int = 0) -> None:
        """Write one ticket's row (times in minutes)."""
        c = tk.client
        group, desk_id = (desk.group, desk.id) if desk is not None else (-1, -1)
        self.rec.contact(c.id, tk.visit, c.office, c.segment, c.services[tk.needs[0]], tk.skill, len(tk.needs),
                         settled, group, desk_id, c.priority, tk.t, start, end, outcome)

    # --- end of the run ------------------------------------------------------------
    def close_books(self, horizon: float) -> None:
        """At the end of the run, write what is still under way: tickets waiting (or
        reneged but not yet noticed), tickets in service, desks on duty and open bundles."""
        for office in self.offices:
            for tk in list(office.waiting()):
                if tk.deadline <= horizon:
                    self._contact(tk, RENEGED, tk.deadline)
                else:
                    self._contact(tk, WAITING_AT_END, horizon)
            for desk in office.desks:
                if desk.current is not None:
                    self._contact(desk.current, IN_SERVICE_AT_END, horizon, desk.since, desk)
                if desk.active:
                    self.rec.duty(office.index, desk.group, desk.id, desk.on, horizon, desk.end)
        for c in self.open_clients.values():
            self._bundle_row(c, OPEN, NAN)
        self.open_clients.clear()
