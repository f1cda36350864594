"""A client's journey through the network, contact by contact.

A client from a zone holds one *bundle* of needs (proactive ones already
removed). Each contact uses a channel, chosen by the segment's preferences
among those the open needs allow:

- ``walk_in``: a trip to a service point (an office, or a mobile office on the
  days it stops in the client's zone), picked by travel time and opening hours;
  a point found closed is a failed trip;
- ``appointment``: a booked slot at an office (no-shows, lateness; when no slot
  is free within the horizon the client walks in or waits for a later one);
- ``phone``: a call to the contact centre; callers who hang up may call again;
  needs the phone can only advise on send the client to an office;
- ``video``: a booked session with a remote advisor, from home or from a joint
  service point where a desk connects the client;
- ``online``: self-service, which settles a need with the segment's digital
  skill and otherwise falls back to another channel at once.

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
:mod:`simoffice.engine.replication`), so two runs with the same seed see the same
clients whatever their policies.
"""

from __future__ import annotations

import math

from simoffice.config.build import serves_need, staffed_skills
from simoffice.engine.calendar import Calendar
from simoffice.engine.clock import Agenda
from simoffice.engine.expert import Case
from simoffice.engine.office import APPOINTMENT_CLASS, CONNECT, HANDLE, WALK_IN_CLASS, Ticket
from simoffice.engine.recorder import (
    ABANDONED, CLOSED, FAILED_ONLINE, IN_SERVICE_AT_END, NO_SHOW, OPEN, RENEGED, SENT_AWAY, SERVED,
    SETTLED, WAITING_AT_END,
)
from simoffice.model.spec import (
    APPOINTMENT, MOBILE, MOBILE_OFFICE, OFFICE, ONLINE, PHONE, PHONE_ADVISE, PHONE_NONE, VIDEO, WALK_IN,
)
from simoffice.model.timetable import Timetable
from simoffice.vocabulary import DAY

NAN = float("nan")
PHYSICAL = (WALK_IN, APPOINTMENT, MOBILE)


class Draws:
    """The random draws of one zone's clients of one week, in flat lists.

    Per client (``row``): ``service``, ``phone``, ``video`` and ``missing`` hold
    ``k × a`` values (need position, then handling); ``patience``,
    ``phone_patience``, ``return_u``, ``day_u``, ``channel``, ``point``,
    ``no_show``, ``lateness`` and ``retry`` hold ``a`` values (contact);
    ``online``, ``escalate``, ``expert`` and ``follow_up`` hold ``k`` values
    (need position); ``a`` is the contact limit. Sources a network does not use
    are None.
    """

    __slots__ = ("k", "a", "service", "phone", "video", "missing", "patience", "phone_patience", "return_u",
                 "day_u", "channel", "point", "no_show", "lateness", "retry", "online", "escalate", "expert",
                 "follow_up")

    def __init__(self, k, a, **lists):
        self.k, self.a = k, a
        for name in self.__slots__[2:]:
            setattr(self, name, lists.get(name))


class Client:
    """A client with one bundle, and the draws made for them at creation."""

    __slots__ = ("id", "zone", "segment", "btype", "services", "level", "priority", "informed", "home",
                 "created", "draws", "row", "open", "attempts", "tried", "visits", "tickets",
                 "failed_trips", "first_visit", "served_this_visit", "first_unit", "travel", "proactive",
                 "phoned", "online_tried", "video_tried", "escalated", "pending", "idle", "done",
                 "to_office")

    def __init__(self, id, zone, segment, btype, services, level, priority, informed, created, draws, row,
                 open_needs, proactive=0, home=False):
        self.id = id
        self.zone = zone
        self.segment = segment
        self.btype = btype
        self.services = services  # service index of each need position
        self.level = level
        self.priority = priority
        self.informed = informed
        self.home = home  # can connect to a video session from home
        self.created = created
        self.draws = draws
        self.row = row
        self.open = open_needs  # positions of the needs not delivered proactively
        self.proactive = proactive
        self.attempts = [0] * len(services)
        self.tried = 0  # bit j: need j handled in this contact
        self.visits = 0
        self.tickets = 0
        self.failed_trips = 0
        self.first_visit = NAN
        self.served_this_visit = False
        self.first_unit = -1
        self.travel = 0.0
        # Bit masks over need positions (bit j: need j), cheaper to create than sets.
        self.phoned = 0
        self.online_tried = 0
        self.video_tried = 0
        self.escalated = 0
        self.pending = 0  # needs at the expert centre
        self.idle = False  # nothing under way: waiting for the expert centre
        self.done = False
        self.to_office = False  # advised by phone: the next contact is at an office

    # The accessors index the flat draws directly: they run for every contact.
    def service_time(self, j: int, a: int, channel: int) -> float:
        """Minutes to handle need ``j`` the ``a``-th time (from 0) on ``channel``."""
        d = self.draws
        values = d.phone if channel == PHONE else d.video if channel == VIDEO else d.service
        return values[(self.row * d.k + j) * d.a + a]

    def missing(self, j: int, a: int) -> bool:
        """Whether a document is missing when need ``j`` is handled the ``a``-th time."""
        d = self.draws
        return d.missing[(self.row * d.k + j) * d.a + a]

    def patience(self, v: int, channel: int) -> float:
        """Minutes the client waits in the queue at contact ``v`` (from 0)."""
        d = self.draws
        return (d.phone_patience if channel == PHONE else d.patience)[self.row * d.a + v]

    def u(self, source: str, v: int) -> float:
        """The uniform of a per-contact source (``return_u``, ``day_u``, ``channel`` …) at contact ``v``."""
        d = self.draws
        return getattr(d, source)[self.row * d.a + v]

    def need_u(self, source: str, j: int) -> float:
        """The draw of a per-need source (``online``, ``escalate``, ``expert``, ``follow_up``) for need ``j``."""
        d = self.draws
        return getattr(d, source)[self.row * d.k + j]


class Journey:
    """Moves clients between contacts, queues and desks; writes contacts, bundles and cases."""

    # Slots rather than an instance dict: with this many attributes, a dict would make
    # every look-up of a method or attribute (many per contact) take the slow path.
    __slots__ = ("env", "agenda", "spec", "rec", "_contact_rows", "_pack_contact", "_bundle_rows", "_pack_bundle",
                 "timetables", "access", "profile", "offices", "expert", "open_clients", "services", "skill_of",
                 "takes", "bundle_takes", "one_need", "same_visit", "return_prob", "digital", "channel_weights",
                 "walk_in_only", "max_visits", "return_days", "start_weekday", "appt", "phone", "cc", "vc", "scale",
                 "day_value", "tickets_issued", "calendars", "can", "walk", "booked", "joint", "kind", "round_trip")

    def __init__(self, env, spec, recorder, timetables, access, profile):
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
        self.profile = profile
        self.offices = []  # OfficeModel per unit, set by the replication
        self.expert = None  # ExpertCentre, set by the replication
        self.open_clients: dict[int, Client] = {}
        self.services = spec.services
        self.skill_of = [s.skill for s in spec.services]
        # Per remote channel, per service: whether the channel can take the service up.
        self.takes = {PHONE: [s.phone != PHONE_NONE for s in spec.services], VIDEO: [s.video for s in spec.services],
                      ONLINE: [s.online for s in spec.services]}
        # The same per bundle type, as bit masks over its need positions (bit j: need j): {channel: mask}.
        self.bundle_takes = [{ch: sum(1 << j for j, s in enumerate(b.needs) if takes[s])
                              for ch, takes in self.takes.items()} for b in spec.bundles]
        self.one_need = spec.design.needs_per_ticket == "one"
        self.same_visit = spec.design.other_needs == "same_visit"
        self.return_prob = [s.return_prob for s in spec.segments]
        self.digital = [s.digital_skill for s in spec.segments]
        self.channel_weights = [s.channels for s in spec.segments]
        self.walk_in_only = not spec.has_channels
        self.max_visits = spec.max_visits
        self.return_days = spec.return_after_days
        self.start_weekday = spec.run.start_weekday
        self.appt = spec.appointments
        self.phone = spec.phone
        self.cc = spec.contact_centre
        self.vc = spec.video_centre
        self.scale = spec.choice_scale_min
        self.day_value = spec.choice_day_value_min
        self.tickets_issued = 0
        units = spec.offices
        self.calendars = {
            u: Calendar(timetables[u].intervals, unit.slots.slot_min, unit.slots.per_slot)
            for u, unit in enumerate(units) if unit.slots is not None
        }
        # can[cls][u][service]: a desk of unit u taking tickets of class cls can handle the service.
        self.can = [None, None]
        for cls, clients in ((APPOINTMENT_CLASS, "appointment"), (WALK_IN_CLASS, "walk_in")):
            self.can[cls] = [[serves_need(unit, svc, staffed_skills(unit, clients)) for svc in spec.services]
                             for unit in units]
        can_walk, can_book = self.can[WALK_IN_CLASS], self.can[APPOINTMENT_CLASS]
        n_services = len(spec.services)
        # Service points each zone can reach, per service, as choose_unit weighs them:
        # [(unit, travel there and back in minutes, when it is open to the zone's clients,
        # whether everyone knows its days (a mobile office))].
        def points(z: int, zone, s: int, can_go) -> list[tuple[int, float, Timetable, bool]]:
            return [(u, 2.0 * t, self.timetable_for(u, z), units[u].kind == MOBILE_OFFICE)
                    for u, t in zone.travel if can_go(u, s)]

        zones = list(enumerate(spec.zones))
        self.walk = [[points(z, zone, s, lambda u, s: can_walk[u][s]) for s in range(n_services)]
                     for z, zone in zones]
        self.booked = [[points(z, zone, s, lambda u, s: units[u].kind == OFFICE and units[u].slots is not None
                               and can_book[u][s]) for s in range(n_services)] for z, zone in zones]
        self.joint = [[points(z, zone, s, lambda u, s: units[u].video_stations > 0 and can_book[u][s])
                       for s in range(n_services)] for z, zone in zones]
        self.kind = [unit.kind for unit in units]
        # Per zone: unit -> travel time there and back (minutes).
        self.round_trip = [{u: 2.0 * t for u, t in z.travel} for z in spec.zones]

    # --- arrival and the choice of the next contact -------------------------------
    def arrive(self, c: Client) -> None:
        """The bundle occurs: the client's first contact, from their creation time."""
        self.open_clients[c.id] = c
        if not c.open:  # every need delivered proactively
            self.finish(c, SETTLED, c.created)
            return
        self.plan(c, True)

    def _open_needing(self, c: Client, channel: int) -> list[int]:
        """Open needs the channel can take up next."""
        takes = self.takes.get(channel)
        if takes is None:
            return c.open
        tried = c.phoned if channel == PHONE else c.video_tried if channel == VIDEO else c.online_tried
        services = c.services
        return [j for j in c.open if takes[services[j]] and not tried >> j & 1]

    def _first_needing(self, c: Client, channel: int) -> int | None:
        """The first of :meth:`_open_needing` (phone, video, online), or None; without
        building the list, as choosing a channel only asks whether there is one."""
        tried = c.phoned if channel == PHONE else c.video_tried if channel == VIDEO else c.online_tried
        takes, services = self.takes[channel], c.services
        for j in c.open:
            if takes[services[j]] and not tried >> j & 1:
                return j
        return None

    def choose_channel(self, c: Client, v: int) -> int:
        """The channel of contact ``v``: the segment's preferences over what is available."""
        if self.walk_in_only:
            return WALK_IN
        weights = list(self.channel_weights[c.segment])
        if c.to_office:
            weights[PHONE] = weights[VIDEO] = weights[ONLINE] = 0.0
        need = c.services[c.open[0]]
        if weights[APPOINTMENT] and not self.booked[c.zone][need]:
            weights[APPOINTMENT] = 0.0
        if weights[PHONE] or weights[ONLINE]:
            # Whether the phone and online can take up an open need: bit masks over need positions.
            open_mask = 0
            for j in c.open:
                open_mask |= 1 << j
            bundle_takes = self.bundle_takes[c.btype]
            if weights[PHONE] and not open_mask & bundle_takes[PHONE] & ~c.phoned:
                weights[PHONE] = 0.0
            if weights[ONLINE] and not open_mask & bundle_takes[ONLINE] & ~c.online_tried:
                weights[ONLINE] = 0.0
        if weights[VIDEO]:
            j = self._first_needing(c, VIDEO)
            if j is None or not (c.home or self.joint[c.zone][c.services[j]]):
                weights[VIDEO] = 0.0
        total = sum(weights)
        if total <= 0:
            return WALK_IN
        d = c.draws  # c.u("channel", v), written out: once per contact
        x = d.channel[c.row * d.a + v] * total
        for ch, w in enumerate(weights):
            x -= w
            if x < 0 and w > 0:
                return ch
        return max(ch for ch, w in enumerate(weights) if w > 0)

    def choose_unit(self, c: Client, v: int, cands: list, now: float) -> int:
        """A service point among ``cands`` (entries of :attr:`walk`, :attr:`booked` or
        :attr:`joint`), by a logit on the trip's cost: travel there and back, plus the
        days until it opens for clients who know the hours."""
        if len(cands) == 1:
            return cands[0][0]
        day_value = self.day_value
        informed = c.informed
        costs = []
        for _, cost, tt, mobile in cands:
            if (informed or mobile) and day_value:
                cost += tt.days_until_open(now) * day_value
            costs.append(cost)
        best = min(costs)
        if math.isinf(best):
            return cands[costs.index(best)][0]
        scale, weights = self.scale, []
        for cost in costs:  # (a loop, not a comprehension: no function object to make)
            weights.append(math.exp(-(cost - best) / scale))
        d = c.draws  # c.u("point", v), written out
        x = d.point[c.row * d.a + v] * sum(weights)
        for cand, w in zip(cands, weights):
            x -= w
            if x < 0:
                return cand[0]
        return cands[-1][0]

    def timetable_for(self, u: int, zone: int):
        """When unit ``u`` is open to clients of ``zone``."""
        tt = self.access[u]
        return tt.get(zone, EMPTY) if isinstance(tt, dict) else tt

    def _when(self, c: Client, tt, first: bool, v: int, informed: bool = False) -> float | None:
        """When contact ``v`` happens at a unit with timetable ``tt`` (None: always
        open): now for a first contact (the next open time for a client who knows
        the hours, or is ``informed`` of them), else at the usual time of a day
        from ``return_after_days`` on."""
        now = self.env.now
        if first:
            if tt is None or not (c.informed or informed) or tt.is_open(now):
                return now
            window = tt.next_window(now)
        else:
            day_start = (int(now // DAY) + self.return_days) * DAY
            if tt is None:  # online: on a day when clients seek service (demand in the profile)
                day = day_start // DAY
                for _ in range(7):
                    if self.profile.weights[(self.start_weekday + int(day)) % 7].sum() > 0:
                        break
                    day += 1
                window = (day * DAY, day * DAY + DAY) if day * DAY < self.spec.run.horizon else None
            else:
                window = tt.next_window(max(day_start, now))
        if window is None:
            return None  # past the horizon: the bundle stays open
        return self.profile.time_in_window(c.u("day_u", v), *window, self.start_weekday)

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
        now = self.env._now
        if self.walk_in_only:
            self.plan_walk_in(c, v, first, now)
            return
        ch = self.choose_channel(c, v)
        c.to_office = False
        if ch == ONLINE:
            self._at(self._when(c, None, first, v), self.online, c, first=first)
        elif ch == PHONE:
            self._at(self._when(c, self.timetables[self.cc], first, v), self.call, c, first=first)
        elif ch == APPOINTMENT or ch == VIDEO:
            self.book(c, ch, v, first)
        else:
            self.plan_walk_in(c, v, first, now)

    def plan_walk_in(self, c: Client, v: int, first: bool, now: float, unit: int | None = None) -> None:
        if unit is None:
            unit = self.choose_unit(c, v, self.walk[c.zone][c.services[c.open[0]]], now)
        if self.kind[unit] == MOBILE_OFFICE:
            # A mobile office's visit day is known in the zones on its route: clients wait for it.
            tt = self.timetable_for(unit, c.zone)
            self._at(self._when(c, tt, first, v, informed=True), self.visit, c, unit, MOBILE, first=first)
            return
        tt = self.access[unit]
        if first and (not c.informed or tt.is_open(now)):
            self.visit(c, unit, WALK_IN)  # as _when and _at would decide: now
            return
        self._at(self._when(c, tt, first, v), self.visit, c, unit, WALK_IN, first=first)

    # --- contacts --------------------------------------------------------------------
    def _start_contact(self, c: Client, unit: int) -> None:
        c.visits += 1
        if c.visits == 1:
            c.first_visit = self.env._now
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

    def visit(self, c: Client, unit: int, channel: int) -> None:
        """A walk-in trip to a service point."""
        self._start_contact(c, unit)
        travel = self.round_trip[c.zone].get(unit, 0.0)  # self._trip, written out
        c.travel += travel
        tt = self.access[unit]
        if isinstance(tt, dict):  # a mobile office: open to each zone during its stops there
            tt = tt.get(c.zone, EMPTY)
        if tt.is_open(self.env._now):
            self._ticket_here(c, unit, channel, WALK_IN_CLASS, travel)
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
        now = self.env._now
        if not needs:  # nothing this point can do (a need came back from the expert centre)
            self._closed_row(c, unit, channel, travel, SENT_AWAY)
            self.end_visit(c, now, left_early=False)
            return
        self.ticket(c, unit, needs, now, False, channel, cls, HANDLE, travel)

    def ticket(self, c: Client, unit: int, candidates: list[int], now: float, requeue: bool = False,
               channel: int = WALK_IN, cls: int = WALK_IN_CLASS, kind: int = HANDLE, travel: float = 0.0) -> None:
        """A ticket for the first of ``candidates`` (or all of them, one_stop, and
        always on the phone; the ticket keeps the list); ``requeue``: the client was
        just served for another need in this visit."""
        needs = candidates if (not self.one_need or channel == PHONE or kind == CONNECT) else candidates[:1]
        skill = self.skill_of[c.services[needs[0]]]
        d = c.draws  # c.patience(c.visits - 1, channel), written out: once per ticket
        patience = (d.phone_patience if channel == PHONE else d.patience)[c.row * d.a + c.visits - 1]
        c.tickets += 1
        self.tickets_issued += 1
        tk = Ticket(c, needs, skill, c.level, now, now + patience, c.visits, cls, kind, channel, unit, travel)
        if requeue:
            self.offices[unit].requeue(tk)
        else:
            self.offices[unit].add(tk)

    def call(self, c: Client) -> None:
        """A call to the contact centre."""
        unit = self.cc
        self._start_contact(c, unit)
        if not self.timetables[unit].is_open(self.env.now):
            self._closed_row(c, unit, PHONE, 0.0)
            self.end_visit(c, self.env.now, left_early=True)
            return
        needs = self._open_needing(c, PHONE)
        if not needs:
            self.end_visit(c, self.env.now, left_early=False)
            return
        self.ticket(c, unit, needs, self.env.now, channel=PHONE)

    def online(self, c: Client) -> None:
        """An online self-service session: settles each need it allows with the
        segment's digital skill; the rest fall back to another channel at once."""
        now = self.env.now
        self._start_contact(c, -1)
        tried = self._open_needing(c, ONLINE)
        settled = 0
        skill = self.digital[c.segment]
        for j in tried:
            c.online_tried |= 1 << j
            if c.need_u("online", j) < skill:
                c.open.remove(j)
                settled += 1
        need = c.services[tried[0]] if tried else c.services[0]
        self.rec.contact(c.id, c.visits, -1, c.segment, need, self.skill_of[need], len(tried), settled, -1, -1,
                         c.priority, now, NAN, now, SERVED if settled else FAILED_ONLINE, ONLINE, c.zone, 0.0)
        if not c.open:
            self._no_open_needs(c, now)
        elif c.visits >= self.max_visits:
            self.finish(c, ABANDONED, now)
        else:
            self.plan(c, True)

    def book(self, c: Client, channel: int, v: int, first: bool) -> None:
        """Book a slot from the next day on, within the booking horizon (or later,
        if the client waits, past the end of the run if need be); without one
        the client walks in instead."""
        now = self.env.now
        if channel == APPOINTMENT:
            unit = self.choose_unit(c, v, self.booked[c.zone][c.services[c.open[0]]], now)
        else:
            unit = self.vc
        cal = self.calendars[unit]
        earliest = (now // DAY + 1) * DAY
        latest = earliest + self.appt.horizon_days * DAY
        slot = cal.book(earliest, latest)
        if slot is None and self.appt.when_full == "wait":
            slot = cal.book(latest, math.inf)
            if slot is None:  # every slot of the run is taken: the client's lies past the horizon
                return  # and the bundle stays open
        if slot is None:
            self.plan_walk_in(c, v, first, now, unit if channel == APPOINTMENT else None)
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
        if late > 0:
            self._at(self.env.now + late, self.arrive_booked, c, unit, channel)
        else:
            self.arrive_booked(c, unit, channel)

    def arrive_booked(self, c: Client, unit: int, channel: int) -> None:
        now = self.env.now
        if channel == APPOINTMENT:
            travel = self._trip(c, unit)
            if self.timetables[unit].is_open(now):
                self._ticket_here(c, unit, APPOINTMENT, APPOINTMENT_CLASS, travel)
            else:
                self._failed_trip(c, unit, channel, travel)
            return
        needs = self._open_needing(c, VIDEO)
        if not needs:
            self.end_visit(c, now, left_early=False)
            return
        cands = self.joint[c.zone][c.services[needs[0]]]
        if c.home or not cands:  # from home (also when no joint service point serves the need)
            self._join_video(c, needs, now)
            return
        joint = self.choose_unit(c, c.visits - 1, cands, now)
        travel = self._trip(c, joint)
        if self.timetables[joint].is_open(now):
            self.ticket(c, joint, needs, now, channel=VIDEO, cls=APPOINTMENT_CLASS, kind=CONNECT, travel=travel)
        else:
            self._failed_trip(c, joint, VIDEO, travel)

    def _join_video(self, c: Client, needs: list[int], now: float) -> None:
        """Join the remote advisors' queue; a client who comes after the video centre
        has closed (late, or connected late) finds no one and leaves."""
        if not self.timetables[self.vc].is_open(now):
            self._closed_row(c, self.vc, VIDEO, 0.0)
            self.end_visit(c, now, left_early=True)
            return
        self.ticket(c, self.vc, needs, now, channel=VIDEO, cls=APPOINTMENT_CLASS)

    # --- at the desk ---------------------------------------------------------------
    def begin_service(self, tk, desk, now: float) -> tuple[list[int], float]:
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
        d, channel, attempts = c.draws, tk.channel, c.attempts
        values = d.phone if channel == PHONE else d.video if channel == VIDEO else d.service
        base, a = c.row * d.k, d.a
        duration = 0.0
        for j in handled:
            duration += values[(base + j) * a + attempts[j]]
        return handled, duration

    def end_service(self, tk, desk, start: float, now: float, handled: list[int]) -> None:
        c = tk.client
        if tk.kind == CONNECT:  # connected at the joint point: on to the remote advisor
            self._contact(tk, SERVED, now, start, desk)
            self._join_video(c, tk.needs, now)
            return
        channel = tk.channel
        settled = 0
        services = self.services
        d = c.draws
        missing, base, n_attempts = d.missing, c.row * d.k, d.a
        for j in handled:
            svc = services[c.services[j]]
            if channel == PHONE:
                c.phoned |= 1 << j
                if svc.phone == PHONE_ADVISE:
                    c.to_office = True
                    continue
            elif channel == VIDEO:
                c.video_tried |= 1 << j
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
        if self.same_visit and channel in PHYSICAL:
            can = self.can[WALK_IN_CLASS][tk.unit]  # other needs of the visit: as a walk-in
            candidates = [j for j in c.open if not c.tried >> j & 1 and can[c.services[j]]]
            if candidates:
                self.ticket(c, tk.unit, candidates, now, requeue=True, channel=channel)
                return
        self.end_visit(c, now, left_early=False)

    def ticket_left(self, tk, outcome: int, t: float) -> None:
        """A ticket that ended without service: reneged at ``t`` or sent away at closing."""
        c = tk.client
        self._contact(tk, outcome, t)
        if tk.channel == PHONE and outcome == RENEGED and c.visits < self.max_visits \
                and c.u("retry", c.visits - 1) < self.phone.retry_prob:
            when = max(t + self.phone.retry_after_min, self.env.now)
            tt = self.timetables[self.cc]
            if not tt.is_open(when):
                window = tt.next_window(when)
                when = None if window is None else window[0]
            self._at(when, self.call, c)
            return
        if outcome == SENT_AWAY and not c.served_this_visit and self.kind[tk.unit] in (OFFICE, MOBILE_OFFICE):
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

    def _contact(self, tk, outcome: int, end: float, start: float = NAN, desk=None, settled: int = 0) -> None:
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
                if desk.active:
                    self.rec.duty(office.index, desk.group, desk.id, desk.on, horizon, desk.end)
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


class _Never:
    """The timetable of a unit that never serves a zone."""

    intervals: list = []

    def is_open(self, t: float) -> bool:
        return False

    def next_window(self, t: float):
        return None

    def days_until_open(self, t: float) -> float:
        return math.inf


EMPTY = _Never()
