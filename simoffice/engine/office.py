"""An office at run time: one queue, and desks that pull work from it.

A client takes a *ticket* for one or more needs. The office keeps one queue,
split by ticket class (appointment, walk-in), priority level and skill into
FIFO deques. A free desk pulls the longest-waiting ticket of the highest
priority level among the classes and skills it serves (appointments first when
they have priority); an idle desk is handed a new ticket directly. The same
model serves a mobile office (open during its stops), a contact centre (agents)
and a video centre (advisors). A desk is a small state machine driven by calls
on the event queue (:mod:`simoffice.engine.clock`): one scheduled call per service,
instead of a process and a resource request per client.

Reneging is lazy: a ticket carries its deadline (arrival + patience) and a desk
that meets an expired ticket at the head of a deque records it as reneged at
its deadline. The outcome is exactly that of a client who leaves when patience
runs out; only the moment it is written down differs.

Desks follow their duty periods: their shifts without their breaks
(:mod:`simoffice.engine.duty`). A period that ends (a shift's end, a break's
start) lets the desk finish its client, then it goes off duty; the office stays
open. A desk still serving when its next period begins (a break shorter than the
service) is on duty in that period from its start: its duty rows never overlap
and cover every scheduled minute. At closing time, under ``serve_waiting`` desks
on duty stay until no ticket they can serve is left (overtime) and tickets
nobody on duty can serve are sent away; under ``send_away`` every waiting ticket
is sent away (a failed trip for a client who had nothing handled).

Each duty period a desk worked is one row of the recorder's duty log: when it
went on and off duty, its scheduled end, and when its paid time ends (the end of
a paid break that follows, else the scheduled end). Time on duty past the
scheduled end is overtime.
"""

from __future__ import annotations

from collections import deque
from heapq import heappush
from typing import Any, Callable

from simoffice.engine.clock import NORMAL
from simoffice.engine.recorder import RENEGED, SENT_AWAY
from simoffice.model.channels import WALK_IN_CLASS
from simoffice.model.timetable import Timetable

# What a desk does with a ticket: handle needs, or connect a client to a remote video advisor.
HANDLE, CONNECT = 0, 1


class Ticket:
    """A place in a unit's queue for some of a client's needs."""

    __slots__ = ("client", "needs", "skill", "level", "t", "deadline", "visit", "cls", "kind", "channel",
                 "unit", "travel")

    def __init__(self, client, needs, skill, level, t, deadline, visit, cls=WALK_IN_CLASS, kind=HANDLE,
                 channel=0, unit=0, travel=0.0):
        self.client = client
        self.needs = needs  # positions in the client's bundle
        self.skill = skill
        self.level = level  # 0 = served first
        self.t = t
        self.deadline = deadline
        self.visit = visit
        self.cls = cls
        self.kind = kind
        self.channel = channel
        self.unit = unit  # the unit whose queue holds it
        self.travel = travel  # travel time (there and back) of the trip it starts, else 0


class Desk:
    """One staffed position of a desk group."""

    __slots__ = ("id", "group", "skills", "skill_list", "duty", "paid_until", "period", "active", "on", "end",
                 "current", "since", "handled", "classes", "lanes")

    def __init__(self, id, group, skills, duty, classes=(WALK_IN_CLASS,), paid_until=None):
        self.id = id
        self.group = group  # network-wide desk-group index
        self.skills = skills
        self.skill_list = tuple(sorted(skills))
        self.classes = classes  # ticket classes it serves, in order of precedence
        self.duty = duty  # [(start, end)] in minutes, sorted and disjoint
        # Per period, when its paid time ends: the end of a paid break after it, else its end.
        self.paid_until = [hi for _, hi in duty] if paid_until is None else paid_until
        self.period = -1  # index of the current (or last) duty period
        self.active = False
        self.on = 0.0  # start of the current duty period
        self.end = 0.0  # its scheduled end
        self.current = None  # ticket in service
        self.since = 0.0  # its service start
        self.handled = None  # the needs of the current ticket it handles
        self.lanes = []  # per class it serves, per priority level: the deques of its skills (set by its unit)


class OfficeModel:
    """Queue, desks and clock of one office.

    Args:
        env: the SimPy environment.
        index: office index in the spec.
        timetable: the office's open intervals.
        desks: its desks.
        n_levels: priority levels; n_skills: skills in the network.
        serve_waiting: closing policy (True: overtime; False: send away).
        begin: ``begin(ticket, desk, now)`` when a desk starts a ticket; returns the
            needs the desk handles and the service time in minutes.
        end: ``end(ticket, desk, start, now, handled)`` when the desk has finished it.
        left: ``left(ticket, outcome, t)`` when a ticket ends without service:
            reneged at ``t``, or sent away.
        call_at: ``call_at(t, fn, *args)`` calls ``fn(*args)`` at time ``t`` (a desk
            going on duty later).
        recorder: receives the desks' duty periods.
        classes_first: a desk serving both classes takes appointments first (else the
            longest-waiting ticket of the highest level of either class).
    """

    def __init__(self, env, index: int, timetable: Timetable, desks: list[Desk], n_levels: int, n_skills: int,
                 serve_waiting: bool, begin: Callable, end: Callable, left: Callable,
                 call_at: Callable[..., Any], recorder, classes_first: bool = True):
        self.env = env
        self.index = index
        self.timetable = timetable
        self.desks = desks
        # queues[class][level][skill]
        self.queues = [[[deque() for _ in range(n_skills)] for _ in range(n_levels)] for _ in range(2)]
        for desk in desks:
            desk.lanes = [[[level[s] for s in desk.skill_list] for level in self.queues[cls]] for cls in desk.classes]
        self.classes_first = classes_first
        self.idle: list[Desk] = []
        self.serve_waiting = serve_waiting
        self.recorder = recorder
        # What happens when a desk starts a ticket and when a waiting ticket leaves the
        # queue (reneged, sent away): a checked office wraps them (simoffice.engine.invariants).
        # A ticket refused before it joined the queue goes to ``refused``, never wrapped.
        self.begin, self.left = begin, left
        self.end, self.refused, self.call_at = end, left, call_at
        for desk in desks:
            self._next_period(desk)
        env.process(self._clock())

    # --- queue ---------------------------------------------------------------------
    def requeue(self, tk: Ticket) -> None:
        """A ticket for another need of a client just served: as :meth:`add`, except that
        after closing (desks working overtime) it follows the closing policy at once. It
        waits only if the policy serves those waiting and a desk on duty has its skill;
        otherwise the client is sent away."""
        if not self.timetable.is_open(tk.t):
            if not (self.serve_waiting and any(d.active and tk.skill in d.skills and tk.cls in d.classes
                                               for d in self.desks)):
                self.refused(tk, SENT_AWAY, tk.t)  # it never joined the queue
                return
        self.add(tk)

    def add(self, tk: Ticket) -> None:
        """Hand the ticket to an idle desk that can serve it, or queue it. A desk whose
        shift ends at this very moment (the clock has not yet sent it home) takes it
        only for overtime, as it would from the queue."""
        idle = self.idle
        if idle:
            skill, cls = tk.skill, tk.cls
            for i, desk in enumerate(idle):
                if skill in desk.skills and cls in desk.classes:
                    now = self.env.now
                    if desk.end <= now and not (self.serve_waiting and not self.timetable.is_open(now)):
                        continue
                    del idle[i]
                    self._serve(desk, tk, now)
                    return
        self.queues[tk.cls][tk.level][tk.skill].append(tk)

    def pull(self, desk: Desk, now: float) -> Ticket | None:
        """Remove and return the ticket this desk serves next, or None."""
        lanes = desk.lanes
        if len(lanes) > 1 and not self.classes_first:
            return self._pull_either_class(lanes, now)
        for levels in lanes:  # the classes it serves, in order of precedence
            for lane in levels:  # the highest priority level first
                for q in lane:  # anyone waiting? (most lanes are empty: no call then)
                    if q:
                        break
                else:
                    continue
                q = self._head(lane, now)
                if q is not None:
                    return q.popleft()
        return None

    def _pull_either_class(self, lanes, now: float) -> Ticket | None:
        """As :meth:`pull` with both classes on an equal footing: the highest level,
        then the longest wait (the first class on a tie)."""
        for level in range(len(lanes[0])):
            best = None
            for levels in lanes:
                q = self._head(levels[level], now)
                if q is not None and (best is None or q[0].t < best[0].t):
                    best = q
            if best is not None:
                return best.popleft()
        return None

    def _head(self, lane, now: float):
        """The deque of ``lane`` whose head has waited longest (the first on a tie), or
        None if all are empty; expired tickets met at a head are written off as reneged."""
        best = None
        for q in lane:
            while q:
                tk = q[0]
                if tk.deadline <= now:
                    q.popleft()
                    self.left(tk, RENEGED, tk.deadline)
                    continue
                if best is None or tk.t < best[0].t:
                    best = q
                break
        return best

    def waiting(self):
        """Every ticket still in the queue."""
        for levels in self.queues:
            for level in levels:
                for q in level:
                    yield from q

    # --- desks ---------------------------------------------------------------------
    # A desk goes on duty at the start of each duty period, then looks for work each
    # time it is free (:meth:`_look`): it serves, waits idle until handed a ticket or
    # woken by the clock, or goes off duty. A shift that ends lets it finish its client.
    def _next_period(self, desk: Desk) -> None:
        """Go on duty for the next duty period, now or when it starts."""
        desk.period += 1
        if desk.period < len(desk.duty):
            start = desk.duty[desk.period][0]
            if start > self.env.now:
                self.call_at(start, self._on_duty, desk)
            else:
                self._on_duty(desk)

    def _on_duty(self, desk: Desk) -> None:
        desk.active, desk.on, desk.end = True, self.env.now, desk.duty[desk.period][1]
        self._look(desk)

    def _look(self, desk: Desk) -> None:
        """A free desk on duty: serve the next ticket, wait idle, or go off duty."""
        now = self.env.now
        if now >= desk.end and desk.period + 1 < len(desk.duty) and desk.duty[desk.period + 1][0] < now:
            self._carry_on(desk, now)
        # After the shift: stay only for overtime once the office has closed. While the
        # office is closed only overtime calls clients: a desk coming on duty at the
        # moment of closing leaves those waiting to be sent away. (Whether the office
        # is open is asked only when the answer matters: this runs once per service.)
        if self.serve_waiting:
            if now >= desk.end and self.timetable.is_open(now):
                self._off_duty(desk)
                return
            tk = self.pull(desk, now)
        elif now >= desk.end:
            self._off_duty(desk)
            return
        else:
            tk = self.pull(desk, now) if self.timetable.is_open(now) else None
        if tk is not None:
            self._serve(desk, tk, now)
        elif now >= desk.end:
            self._off_duty(desk)
        else:
            self.idle.append(desk)

    # The callbacks are called through a local name, once per service: written
    # ``self.begin(...)``, CPython looks ``begin`` up as a method first, the slow way.
    def _serve(self, desk: Desk, tk: Ticket, now: float) -> None:
        desk.current, desk.since = tk, now
        begin = self.begin
        desk.handled, duration = begin(tk, desk, now)
        # env.call_at written out: once per service. A duration is never negative.
        env = self.env
        heappush(env.queue, (now + duration, NORMAL, next(env.ids), self._served, (desk,)))

    def _served(self, desk: Desk) -> None:
        tk, desk.current = desk.current, None
        end = self.end
        end(tk, desk, desk.since, self.env.now, desk.handled)
        self._look(desk)

    def _off_duty(self, desk: Desk) -> None:
        desk.active = False
        self._duty_row(desk, self.env.now)
        self._next_period(desk)

    def _duty_row(self, desk: Desk, end: float) -> None:
        self.recorder.duty(self.index, desk.group, desk.id, desk.on, end, desk.end, desk.paid_until[desk.period])

    def _carry_on(self, desk: Desk, now: float) -> None:
        """A desk on duty past its period's end at ``now``, after its next period began
        (still serving through a break): it is on duty in that period from its start,
        and the row of the period it overran ends there."""
        duty = desk.duty
        while now >= desk.end and desk.period + 1 < len(duty) and duty[desk.period + 1][0] < now:
            start, end = duty[desk.period + 1]
            self._duty_row(desk, start)
            desk.period += 1
            desk.on, desk.end = start, end

    def close_duty(self, horizon: float) -> None:
        """At the end of the run: the duty rows of the desks still on duty, ending at ``horizon``."""
        for desk in self.desks:
            if desk.active:
                self._carry_on(desk, horizon)
                self._duty_row(desk, horizon)

    def _clock(self):
        """Wake idle desks at every shift end and closing time; apply the closing policy."""
        env = self.env
        closing = {hi for _, hi in self.timetable.intervals}
        times = sorted(closing | {end for d in self.desks for _, end in d.duty})
        for t in times:
            if t > env.now:
                yield env.timeout(t - env.now)
            if t in closing:
                self._close(t)
            idle, self.idle = self.idle, []
            for desk in idle:  # woken: each looks at its shift and the queue again
                self._look(desk)

    def _close(self, now: float) -> None:
        idle = set(map(id, self.idle))
        covered = (set(), set())  # skills still served, per ticket class
        if self.serve_waiting:
            for d in self.desks:
                # Busy desks go on into overtime; idle ones stay only if their shift does.
                if d.active and (id(d) not in idle or d.end > now):
                    for cls in d.classes:
                        covered[cls].update(d.skills)
        for cls, levels in enumerate(self.queues):
            for level in levels:
                for skill, q in enumerate(level):
                    if not q or skill in covered[cls]:
                        continue
                    for tk in q:
                        if tk.deadline <= now:
                            self.left(tk, RENEGED, tk.deadline)
                        else:
                            self.left(tk, SENT_AWAY, now)
                    q.clear()
