"""A client's journey through the network, contact by contact.

A client from a zone holds one *bundle* of needs (proactive ones already
removed). Each contact uses a channel (:mod:`simoffice.model.channels`),
chosen by the segment's preferences among those the open needs allow
(:mod:`simoffice.engine.choice`); how the contact goes depends on the kind of
unit that serves the channel (:mod:`simoffice.engine.contacts`): a trip to an
office or a mobile office, a booked appointment or video session, a call to
the contact centre, an online session.

What a ticket carries and where needs not handled go depends on the *design*:
``siloed`` (one need per ticket, others another day), ``co_located`` (one need
per ticket, re-queue in the same visit), ``one_stop`` (one ticket for every
open need; a desk settles all it has the skill for). A handled need is settled,
needs another contact (a missing document), or is escalated to the expert
centre, which decides it without the client (some decisions need one more
contact). A client who reneges, is sent away or finds a point closed comes back
another day with the segment's ``return_prob``, else abandons the bundle. The
bundle ends when every need is settled, when the client gives up, or after
``max_visits`` contacts.

All of a client's random draws are made when the client is created (see
:mod:`simoffice.engine.clients`), so two runs with the same seed see the same
clients whatever their policies.
"""

from __future__ import annotations

from simoffice.engine.calendar import Calendar
from simoffice.engine.choice import Choice
from simoffice.engine.clients import Client
from simoffice.engine.clock import Agenda
from simoffice.engine.contacts import Contacts
from simoffice.engine.expert import Case
from simoffice.engine.office import CONNECT, Desk, Ticket
from simoffice.engine.reach import Reach
from simoffice.engine.recorder import (
    ABANDONED,
    IN_SERVICE_AT_END,
    OPEN,
    RENEGED,
    SENT_AWAY,
    SERVED,
    SETTLED,
    WAITING_AT_END,
)
from simoffice.model.channels import CHANNEL_TABLE, WALK_IN, WALK_IN_CLASS, Channel
from simoffice.model.spec import CONTACT_CENTRE, MOBILE_OFFICE, OFFICE, VIDEO_CENTRE, ModelSpec

NAN = float("nan")


class Journey(Contacts):
    """Moves clients between contacts, queues and desks; writes contacts, bundles and cases."""

    # Slots rather than an instance dict: with this many attributes, a dict would make
    # every look-up of a method or attribute (many per contact) take the slow path.
    __slots__ = ("env", "agenda", "spec", "rec", "_contact_rows", "_pack_contact", "_bundle_rows", "_pack_bundle",
                 "timetables", "access", "offices", "expert", "open_clients", "services", "skill_of", "one_need",
                 "same_visit", "return_prob", "digital", "max_visits", "appt", "phone", "tickets_issued",
                 "calendars", "can", "walk", "booked", "joint", "round_trip", "reach", "kind", "physical", "choice",
                 "walk_in_only", "centre", "queue", "one_ticket", "retries", "at_point", "advises", "planners",
                 "arrive_booked", "walk_in_channel")

    def __init__(self, env, spec: ModelSpec, recorder, timetables, access):
        self.env = env
        self.agenda = Agenda(env)  # contacts in later hours
        self.spec = spec
        self.rec = recorder
        # Contact and bundle rows are packed and appended here, not through a method of
        # the recorder: once per ticket and once per bundle.
        self._contact_rows, self._pack_contact = recorder.contacts.rows, recorder.contacts.pack
        self._bundle_rows, self._pack_bundle = recorder.bundles.rows, recorder.bundles.pack
        self.timetables = timetables  # per unit
        self.access = access  # per unit: a Timetable, or a dict zone -> Timetable (mobile)
        self.offices = []  # OfficeModel per unit, set by the replication
        self.expert = None  # ExpertCentre, set by the replication
        self.open_clients: dict[int, Client] = {}
        self.services = spec.services
        self.skill_of = [s.skill for s in spec.services]
        self.one_need = spec.design.needs_per_ticket == "one"
        self.same_visit = spec.design.other_needs == "same_visit"
        self.return_prob = [s.return_prob for s in spec.segments]
        self.digital = [s.digital_skill for s in spec.segments]
        self.max_visits = spec.max_visits
        self.appt = spec.appointments
        self.phone = spec.phone
        self.tickets_issued = 0
        units = spec.offices
        self.calendars = {
            u: Calendar(timetables[u].intervals, unit.slots.slot_min, unit.slots.per_slot)
            for u, unit in enumerate(units) if unit.slots is not None
        }
        reach = Reach(spec, access)
        self.can, self.walk, self.booked, self.joint = reach.can, reach.walk, reach.booked, reach.joint
        self.round_trip, self.reach = reach.round_trip, reach
        self.kind = [unit.kind for unit in units]
        self.physical = [unit.physical for unit in units]
        self.choice = Choice(env, spec, reach)
        self.walk_in_only = self.choice.walk_in_only
        self._channel_tables(spec)

    def _channel_tables(self, spec: ModelSpec) -> None:
        """Per channel code, what the journey needs from the channel table."""
        centres = {CONTACT_CENTRE: spec.contact_centre, VIDEO_CENTRE: spec.video_centre}
        self.centre = [centres.get(ch.unit) for ch in CHANNEL_TABLE]  # the unit serving it; None: a choice of points
        self.queue = [ch.queue for ch in CHANNEL_TABLE]
        self.one_ticket = [ch.one_ticket for ch in CHANNEL_TABLE]
        self.retries = [ch.retries for ch in CHANNEL_TABLE]
        self.at_point = [ch.physical for ch in CHANNEL_TABLE]
        # Per service, whether the channel only advises on it; None: a channel that takes
        # every need a desk can handle (it keeps no record of the needs it took up).
        self.advises = [None if ch.takes is None else [ch.mode(s) == "advise" for s in spec.services]
                        for ch in CHANNEL_TABLE]
        self.planners = [self._planner(ch) for ch in CHANNEL_TABLE]
        arrivals = {OFFICE: self._arrive_at_office, VIDEO_CENTRE: self._arrive_for_session}
        self.arrive_booked = [arrivals[ch.unit] if ch.booked else None for ch in CHANNEL_TABLE]
        # The channel of a walk-in at each unit: at a mobile office, a visit to it.
        walk_ins = {ch.unit: ch.code for ch in CHANNEL_TABLE if ch.physical and not ch.booked}
        self.walk_in_channel = [walk_ins.get(unit.kind) for unit in spec.offices]

    def _planner(self, ch: Channel):
        """How a contact on channel ``ch`` is planned, by the kind of unit that serves it:
        a method called as ``planner(client, channel, contact, first, now)``."""
        if ch.booked:
            return self.book
        return {None: self._plan_online, CONTACT_CENTRE: self._plan_call, OFFICE: self.plan_walk_in,
                MOBILE_OFFICE: self.plan_walk_in}[ch.unit]

    # --- arrival and the next contact -------------------------------------------------
    def arrive(self, c: Client) -> None:
        """The bundle occurs: the client's first contact, from their creation time."""
        self.open_clients[c.id] = c
        if not c.open:  # every need delivered proactively
            self.finish(c, SETTLED, c.created)
            return
        self.plan(c, True)

    def _at(self, when: float | None, fn, *args, first: bool = False) -> None:
        """Call ``fn(*args)`` at ``when`` (None: never, past the horizon). A first
        contact due now starts at once: it comes straight from an arrival or an
        online session, never from inside a unit's queue handling."""
        if when is None:
            return
        if first and when == self.env.now:
            fn(*args)
        else:
            self.agenda.call_at(when, fn, *args)

    def plan(self, c: Client, first: bool) -> None:
        """Choose and schedule the client's next contact."""
        v = c.visits
        now = self.env.now
        if self.walk_in_only:
            self.plan_walk_in(c, WALK_IN, v, first, now)
            return
        ch = self.choice.channel(c, v)
        c.to_office = False
        self.planners[ch](c, ch, v, first, now)

    def _plan_online(self, c: Client, channel: int, v: int, first: bool, now: float) -> None:
        """A self-service session: now, or on a later day for a client coming back."""
        self._at(self.choice.when(c, None, first, v), self.online, c, channel, first=first)

    def _plan_call(self, c: Client, channel: int, v: int, first: bool, now: float) -> None:
        """A call to the channel's centre, when :meth:`Choice.when` says."""
        when = self.choice.when(c, self.timetables[self.centre[channel]], first, v)
        self._at(when, self.call, c, channel, first=first)

    def plan_walk_in(self, c: Client, channel: int, v: int, first: bool, now: float, unit: int | None = None) -> None:
        """A trip to ``unit`` (default: a service point the client chooses); at a mobile
        office the trip is a visit to it (``channel`` mobile), on a day it stops in the zone."""
        if unit is None:
            unit = self.choice.unit(c, v, self.walk[c.zone][c.services[c.open[0]]], now)
        channel = self.walk_in_channel[unit]
        if self.kind[unit] == MOBILE_OFFICE:
            # A mobile office's visit day is known in the zones on its route: clients wait for it.
            tt = self.reach.timetable_for(unit, c.zone)
            self._at(self.choice.when(c, tt, first, v, informed=True), self.visit, c, unit, channel, first=first)
            return
        tt = self.access[unit]
        if first and (not c.informed or tt.is_open(now)):
            self.visit(c, unit, channel)  # as choice.when and _at would decide: now
            return
        self._at(self.choice.when(c, tt, first, v), self.visit, c, unit, channel, first=first)

    # --- at the desk ---------------------------------------------------------------
    def begin_service(self, tk: Ticket, desk: Desk, now: float) -> tuple[list[int], float]:
        """Which of the ticket's needs this desk handles, and the service time (minutes)."""
        if tk.kind == CONNECT:
            return [], self.spec.connect_min
        c = tk.client
        handled = tk.needs
        # The desk has the skill of the ticket's first need; it may lack others' (one_stop, phone).
        if len(handled) > 1:
            skill_of, services, skills = self.skill_of, c.services, desk.skills
            handled = [j for j in handled if skill_of[services[j]] in skills]
        # c.service_time(j, c.attempts[j], channel), written out: once per service.
        d, attempts = c.draws, c.attempts
        values = d.times[tk.channel]
        base, a = c.row * d.k, d.a
        duration = 0.0
        for j in handled:
            duration += values[(base + j) * a + attempts[j]]
        return handled, duration

    def end_service(self, tk: Ticket, desk: Desk, start: float, now: float, handled: list[int]) -> None:
        """A desk has finished the ticket: each need it handled is settled, waits for a
        missing document, is escalated, or (a channel that only advises) sends the
        client to an office; then the client's next ticket, contact or end."""
        c = tk.client
        channel = tk.channel
        if tk.kind == CONNECT:  # connected at the joint point: on to the remote advisor
            self._contact(tk, SERVED, now, start, desk)
            self._join_session(c, tk.needs, now, channel)
            return
        settled = 0
        services = self.services
        advises = self.advises[channel]
        d = c.draws
        missing, base, n_attempts = d.missing, c.row * d.k, d.a
        for j in handled:
            s = c.services[j]
            svc = services[s]
            if advises is not None:
                c.took_up(channel, j)
                if advises[s]:
                    c.to_office = True
                    continue
            a = c.attempts[j]
            c.attempts[j] = a + 1
            c.tried |= 1 << j
            if missing[(base + j) * n_attempts + a]:  # c.missing(j, a), written out
                continue
            c.open.remove(j)
            if svc.escalation_prob > 0 and not c.escalated >> j & 1 and c.need_u("escalate", j) < svc.escalation_prob:
                c.escalated |= 1 << j
                c.pending += 1
                self.expert.add(Case(c, j, svc.skill, now, c.need_u("expert", j)))
            else:
                settled += 1
        c.served_this_visit = True
        self._contact(tk, SERVED, now, start, desk, settled)
        if not c.open:
            if c.pending:  # self._no_open_needs, written out: once per bundle
                c.idle = True
            else:
                self.finish(c, SETTLED, now)
            return
        if self.same_visit and self.at_point[channel]:
            can = self.can[WALK_IN_CLASS][tk.unit]  # other needs of the visit: as a walk-in
            candidates = [j for j in c.open if not c.tried >> j & 1 and can[c.services[j]]]
            if candidates:
                self.ticket(c, tk.unit, candidates, now, requeue=True, channel=channel)
                return
        self.end_visit(c, now, left_early=False)

    def ticket_left(self, tk: Ticket, outcome: int, t: float) -> None:
        """A ticket that ended without service: reneged at ``t`` or sent away at closing."""
        c = tk.client
        self._contact(tk, outcome, t)
        if self.retries[tk.channel] and outcome == RENEGED and c.visits < self.max_visits \
                and c.u("retry", c.visits - 1) < self.phone.retry_prob:
            when = max(t + self.phone.retry_after_min, self.env.now)
            tt = self.timetables[tk.unit]
            if not tt.is_open(when):
                window = tt.next_window(when)
                when = None if window is None else window[0]
            self._at(when, self.call, c, tk.channel)
            return
        if outcome == SENT_AWAY and not c.served_this_visit and self.physical[tk.unit]:
            c.failed_trips += 1
        self.end_visit(c, t, left_early=True)

    # --- the expert centre -----------------------------------------------------------
    def decided(self, case: Case, expert, start: float, end: float) -> None:
        """The expert centre decided a case; some decisions need one more contact."""
        c, j = case.client, case.need
        follow = c.need_u("follow_up", j) < self.services[c.services[j]].follow_up_prob
        self.rec.case(c.id, c.zone, c.segment, c.services[j], case.skill, expert.id, case.t, start, end, int(follow))
        c.pending -= 1
        if c.done:
            return
        if follow:
            c.open.append(j)
            if c.idle:
                c.idle = False
                self.end_visit(c, end, left_early=False)
        elif c.idle and not c.open and not c.pending:
            self.finish(c, SETTLED, end)

    # --- between contacts ----------------------------------------------------------
    def _no_open_needs(self, c: Client, t: float) -> None:
        if c.pending:
            c.idle = True  # waits for the expert centre
        else:
            self.finish(c, SETTLED, t)

    def end_visit(self, c: Client, t: float, left_early: bool) -> None:
        """The contact ended with needs open: another contact, or the client gives up."""
        if not c.open:
            self._no_open_needs(c, t)
            return
        v = c.visits
        if v >= self.max_visits:
            self.finish(c, ABANDONED, t)
            return
        if left_early and c.u("return_u", v - 1) >= self.return_prob[c.segment]:
            self.finish(c, ABANDONED, t)
            return
        self.plan(c, False)

    def finish(self, c: Client, status: int, t: float) -> None:
        del self.open_clients[c.id]
        c.done = True
        self._bundle_row(c, status, t)

    def _bundle_row(self, c: Client, status: int, t: float) -> None:
        n = len(c.services)
        self._bundle_rows.append(self._pack_bundle(
            c.id, c.first_unit, c.segment, c.btype, c.created, c.first_visit, t, c.visits, c.tickets, c.failed_trips,
            n, n - len(c.open) - c.pending, status, c.zone, c.proactive, c.travel, c.escalated.bit_count()))

    def _contact(self, tk: Ticket, outcome: int, end: float, start: float = NAN, desk: Desk | None = None,
                 settled: int = 0) -> None:
        """Write one ticket's row (times in minutes)."""
        c = tk.client
        if desk is None:
            group = desk_id = -1
        else:
            group, desk_id = desk.group, desk.id
        self._contact_rows.append(self._pack_contact(
            c.id, tk.visit, tk.unit, c.segment, c.services[tk.needs[0]], tk.skill, len(tk.needs), settled, group,
            desk_id, c.priority, tk.t, start, end, outcome, tk.channel, c.zone, tk.travel))

    # --- end of the run ------------------------------------------------------------
    def close_books(self, horizon: float) -> None:
        """At the end of the run, write what is still under way: tickets waiting (or
        reneged but not yet noticed), tickets in service, desks on duty, cases at the
        expert centre and open bundles."""
        for office in self.offices:
            for tk in list(office.waiting()):
                if tk.deadline <= horizon:
                    self._contact(tk, RENEGED, tk.deadline)
                else:
                    self._contact(tk, WAITING_AT_END, horizon)
            for desk in office.desks:
                if desk.current is not None:
                    self._contact(desk.current, IN_SERVICE_AT_END, horizon, desk.since, desk)
            office.close_duty(horizon)
        if self.expert is not None:
            for case in list(self.expert.waiting()):
                self._open_case(case, -1, NAN)
            for e in self.expert.experts:
                if e.current is not None:
                    self._open_case(e.current, e.id, e.since)
        for c in self.open_clients.values():
            self._bundle_row(c, OPEN, NAN)
        self.open_clients.clear()

    def _open_case(self, case: Case, expert: int, start: float) -> None:
        c = case.client
        self.rec.case(c.id, c.zone, c.segment, c.services[case.need], case.skill, expert, case.t, start, NAN, 0)
