"""The contacts themselves, one kind of unit at a time: a trip, a call, a session.

- at an office or a mobile office (``walk_in``, ``mobile``): a trip to a
  service point, where the client takes a ticket, or finds it closed (a failed
  trip);
- a booked slot (``appointment`` at an office, ``video`` with the video
  centre): the client does not come (no-show), or comes, maybe late; a video
  client without a connection at home goes to a joint service point, where a
  desk connects them;
- at the contact centre (``phone``): callers who hang up may call again;
  needs the phone can only advise on send the client to an office;
- self-service (``online``): settles each need it allows with the segment's
  digital skill; the rest fall back to another channel at once.

Which of these a channel's contact is comes from the channel table
(:mod:`simoffice.model.channels`): the journey dispatches on the kind of unit
that serves it.
"""

from __future__ import annotations

import math

from simoffice.engine.clients import Client
from simoffice.engine.office import CONNECT, HANDLE, Ticket
from simoffice.engine.reach import EMPTY
from simoffice.engine.recorder import ABANDONED, CLOSED, FAILED_ONLINE, NO_SHOW, SENT_AWAY, SERVED
from simoffice.model.channels import WALK_IN, WALK_IN_CLASS
from simoffice.vocabulary import DAY

NAN = float("nan")


class Contacts:
    """The contacts of each kind of unit: a part of :class:`simoffice.engine.journey.Journey`,
    whose attributes it uses (its choice, units, calendars and per-channel tables:
    ``centre``, ``queue``, ``one_ticket``, ``arrive_booked``)."""

    __slots__ = ()

    def _start_contact(self, c: Client, unit: int) -> None:
        c.visits += 1
        if c.visits == 1:
            c.first_visit = self.env.now
            c.first_unit = unit
        c.tried = 0
        c.served_this_visit = False

    def _trip(self, c: Client, unit: int) -> float:
        """Travel time there and back from the client's zone to ``unit`` (0 if it is not listed)."""
        travel = self.round_trip[c.zone].get(unit, 0.0)
        c.travel += travel
        return travel

    def _closed_row(self, c: Client, unit: int, channel: int, travel: float, outcome: int = CLOSED) -> None:
        now = self.env.now
        need = c.services[c.open[0]] if c.open else c.services[0]
        self.rec.contact(c.id, c.visits, unit, c.segment, need, self.skill_of[need], 0, 0, -1, -1, c.priority,
                         now, NAN, now, outcome, channel, c.zone, travel)

    # --- at a service point ------------------------------------------------------------
    def visit(self, c: Client, unit: int, channel: int) -> None:
        """A walk-in trip to a service point."""
        self._start_contact(c, unit)
        travel = self.round_trip[c.zone].get(unit, 0.0)  # self._trip, written out
        c.travel += travel
        tt = self.access[unit]
        if isinstance(tt, dict):  # a mobile office: open to each zone during its stops there
            tt = tt.get(c.zone, EMPTY)
        if tt.is_open(self.env.now):
            self._ticket_here(c, unit, channel, self.queue[channel], travel)
        else:
            self._failed_trip(c, unit, channel, travel)

    def _failed_trip(self, c: Client, unit: int, channel: int, travel: float) -> None:
        """The trip found the point closed; the client then decides what next."""
        c.failed_trips += 1
        self._closed_row(c, unit, channel, travel)
        self.end_visit(c, self.env.now, left_early=True)

    def _ticket_here(self, c: Client, unit: int, channel: int, cls: int, travel: float) -> None:
        can, services = self.can[cls][unit], c.services
        needs = []
        for j in c.open:  # (a loop, not a comprehension: no function object to make, once per visit)
            if can[services[j]]:
                needs.append(j)
        now = self.env.now
        if not needs:  # nothing this point can do (a need came back from the expert centre)
            self._closed_row(c, unit, channel, travel, SENT_AWAY)
            self.end_visit(c, now, left_early=False)
            return
        self.ticket(c, unit, needs, now, False, channel, cls, HANDLE, travel)

    def ticket(self, c: Client, unit: int, candidates: list[int], now: float, requeue: bool = False,
               channel: int = WALK_IN, cls: int = WALK_IN_CLASS, kind: int = HANDLE, travel: float = 0.0) -> None:
        """A ticket for the first of ``candidates`` (or all of them, one_stop, and
        always on a channel with ``one_ticket``; the ticket keeps the list);
        ``requeue``: the client was just served for another need in this visit."""
        needs = candidates if (not self.one_need or self.one_ticket[channel] or kind == CONNECT) else candidates[:1]
        skill = self.skill_of[c.services[needs[0]]]
        d = c.draws  # c.patience(c.visits - 1, channel), written out: once per ticket
        patience = d.patiences[channel][c.row * d.a + c.visits - 1]
        c.tickets += 1
        self.tickets_issued += 1
        tk = Ticket(c, needs, skill, c.level, now, now + patience, c.visits, cls, kind, channel, unit, travel)
        if requeue:
            self.offices[unit].requeue(tk)
        else:
            self.offices[unit].add(tk)

    # --- at a centre and online --------------------------------------------------------
    def call(self, c: Client, channel: int) -> None:
        """A call to the contact centre."""
        unit = self.centre[channel]
        self._start_contact(c, unit)
        now = self.env.now
        if not self.timetables[unit].is_open(now):
            self._closed_row(c, unit, channel, 0.0)
            self.end_visit(c, now, left_early=True)
            return
        needs = self.choice.needing(c, channel)
        if not needs:
            self.end_visit(c, now, left_early=False)
            return
        self.ticket(c, unit, needs, now, channel=channel, cls=self.queue[channel])

    def online(self, c: Client, channel: int) -> None:
        """A self-service session: settles each need it allows with the segment's
        digital skill; the rest fall back to another channel at once."""
        now = self.env.now
        self._start_contact(c, -1)
        tried = self.choice.needing(c, channel)
        settled = 0
        skill = self.digital[c.segment]
        for j in tried:
            c.took_up(channel, j)
            if c.need_u("online", j) < skill:
                c.open.remove(j)
                settled += 1
        need = c.services[tried[0]] if tried else c.services[0]
        self.rec.contact(c.id, c.visits, -1, c.segment, need, self.skill_of[need], len(tried), settled, -1, -1,
                         c.priority, now, NAN, now, SERVED if settled else FAILED_ONLINE, channel, c.zone, 0.0)
        if not c.open:
            self._no_open_needs(c, now)
        elif c.visits >= self.max_visits:
            self.finish(c, ABANDONED, now)
        else:
            self.plan(c, True)

    # --- booked slots ------------------------------------------------------------------
    def book(self, c: Client, channel: int, v: int, first: bool, now: float) -> None:
        """Book a slot from the next day on, within the booking horizon: the one nearest
        to the client's preferred slot (``appointments.preferred``: ``profile``), or the
        first (``earliest``); when none is free, the first after the horizon if the
        client waits (past the end of the run if need be). At the channel's centre, or
        at an office the client chooses. Without one the client walks in instead (at
        that office)."""
        unit = self.centre[channel]
        if unit is None:
            unit = self.choice.unit(c, v, self.booked[c.zone][c.services[c.open[0]]], now)
        cal = self.calendars[unit]
        earliest = (now // DAY + 1) * DAY
        latest = earliest + self.appt.horizon_days * DAY
        preferred = None
        if self.appt.preferred == "profile":
            choice = self.choice
            d = c.draws  # c.u("booking", v), written out
            preferred = cal.preferred(d.booking[c.row * d.a + v], earliest, latest,
                                      self.appt.preferred_profile or choice.profiles[c.zone], choice.start_weekday)
        # What the unit could offer (its first free slot), whatever the client then prefers:
        # the appointment standard judges the calendar, not the client's choice.
        offered = cal.first(earliest, latest)
        slot = cal.book(earliest, latest, preferred)
        if slot is None and self.appt.when_full == "wait":
            slot = offered = cal.book(latest, math.inf)
        self.rec.booking(unit, channel, now, NAN if slot is None else slot, NAN if offered is None else offered)
        if slot is None and self.appt.when_full == "wait":
            return  # every slot of the run is taken: the client's lies past the horizon, the bundle stays open
        if slot is None:
            self.plan_walk_in(c, WALK_IN, v, first, now, unit if self.centre[channel] is None else None)
            return
        self._at(slot, self.appointment, c, unit, channel)

    def appointment(self, c: Client, unit: int, channel: int) -> None:
        """The booked slot: the client does not come, or comes (maybe late)."""
        self._start_contact(c, unit)
        v = c.visits - 1
        if c.u("no_show", v) < self.appt.no_show_prob:
            self._closed_row(c, unit, channel, 0.0, NO_SHOW)
            self.end_visit(c, self.env.now, left_early=True)
            return
        late = c.u("lateness", v) if c.draws.lateness is not None else 0.0
        arrive = self.arrive_booked[channel]
        if late > 0:
            self._at(self.env.now + late, arrive, c, unit, channel)
        else:
            arrive(c, unit, channel)

    def _arrive_at_office(self, c: Client, unit: int, channel: int) -> None:
        """At the office for a booked slot: a ticket in its appointment queue."""
        travel = self._trip(c, unit)
        if self.timetables[unit].is_open(self.env.now):
            self._ticket_here(c, unit, channel, self.queue[channel], travel)
        else:
            self._failed_trip(c, unit, channel, travel)

    def _arrive_for_session(self, c: Client, unit: int, channel: int) -> None:
        """A booked session: joined from home, or at a joint service point where a desk
        connects the client (the nearest one that serves the need)."""
        now = self.env.now
        needs = self.choice.needing(c, channel)
        if not needs:
            self.end_visit(c, now, left_early=False)
            return
        cands = self.joint[c.zone][c.services[needs[0]]]
        if c.home or not cands:  # from home (also when no joint service point serves the need)
            self._join_session(c, needs, now, channel)
            return
        joint = self.choice.unit(c, c.visits - 1, cands, now)
        travel = self._trip(c, joint)
        if self.timetables[joint].is_open(now):
            self.ticket(c, joint, needs, now, channel=channel, cls=self.queue[channel], kind=CONNECT, travel=travel)
        else:
            self._failed_trip(c, joint, channel, travel)

    def _join_session(self, c: Client, needs: list[int], now: float, channel: int) -> None:
        """Join the remote advisors' queue; a client who comes after the centre has
        closed (late, or connected late) finds no one and leaves."""
        unit = self.centre[channel]
        if not self.timetables[unit].is_open(now):
            self._closed_row(c, unit, channel, 0.0)
            self.end_visit(c, now, left_early=True)
            return
        self.ticket(c, unit, needs, now, channel=channel, cls=self.queue[channel])
