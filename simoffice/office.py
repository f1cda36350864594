"""An office at run time: one queue, and desks that pull work from it.

A client takes a *ticket* for one or more needs. The office keeps one queue,
split by priority level and skill into FIFO deques. A free desk pulls the
longest-waiting ticket of the highest priority level among the skills it has;
an idle desk is handed a new ticket directly. This costs one timeout per
service instead of a process and a resource request per client.

Reneging is lazy: a ticket carries its deadline (arrival + patience) and a desk
that meets an expired ticket at the head of a deque records it as reneged at
its deadline. The outcome is exactly that of a client who leaves when patience
runs out; only the moment it is written down differs.

Desks follow their duty intervals (shifts). A shift that ends lets the desk
finish its client. At closing time, under ``serve_waiting`` desks on duty stay
until no ticket they can serve is left (overtime) and tickets nobody on duty
can serve are sent away; under ``send_away`` every waiting ticket is sent away
(a failed trip for a client who had nothing handled).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from simoffice.recorder import RENEGED, SENT_AWAY
from simoffice.timetable import Timetable

if TYPE_CHECKING:
    from simoffice.journey import Journey


class Ticket:
    """A place in an office's queue for some of a client's needs."""

    __slots__ = ("client", "needs", "skill", "level", "t", "deadline", "visit")

    def __init__(self, client, needs, skill, level, t, deadline, visit):
        self.client = client
        self.needs = needs  # positions in the client's bundle
        self.skill = skill
        self.level = level  # 0 = served first
        self.t = t
        self.deadline = deadline
        self.visit = visit


class Desk:
    """One staffed position of a desk group."""

    __slots__ = ("id", "group", "skills", "skill_list", "duty", "wake", "active", "on", "end",
                 "current", "since")

    def __init__(self, id, group, skills, duty):
        self.id = id
        self.group = group  # network-wide desk-group index
        self.skills = skills
        self.skill_list = tuple(sorted(skills))
        self.duty = duty  # [(start, end)] in minutes
        self.wake = None
        self.active = False
        self.on = 0.0  # start of the current duty period
        self.end = 0.0  # its scheduled end
        self.current = None  # ticket in service
        self.since = 0.0  # its service start


class OfficeModel:
    """Queue, desks and clock of one office.

    Args:
        env: the SimPy environment.
        index: office index in the spec.
        timetable: the office's open intervals.
        desks: its desks.
        n_levels: priority levels; n_skills: skills in the network.
        serve_waiting: closing policy (True: overtime; False: send away).
        journey: receives tickets that end (served, reneged, sent away).
    """

    def __init__(self, env, index: int, timetable: Timetable, desks: list[Desk], n_levels: int,
                 n_skills: int, serve_waiting: bool, journey: "Journey", recorder):
        self.env = env
        self.index = index
        self.timetable = timetable
        self.desks = desks
        self.queues = [[deque() for _ in range(n_skills)] for _ in range(n_levels)]
        self.idle: list[Desk] = []
        self.serve_waiting = serve_waiting
        self.journey = journey
        self.recorder = recorder
        for desk in desks:
            env.process(self._desk(desk))
        env.process(self._clock())

    # --- queue ---------------------------------------------------------------------
    def requeue(self, tk: Ticket) -> None:
        """A ticket for another need of a client just served: as :meth:`add`, except that
        after closing (desks working overtime) it follows the closing policy at once. It
        waits only if the policy serves those waiting and a desk on duty has its skill;
        otherwise the client is sent away."""
        if not self.timetable.is_open(tk.t):
            if not (self.serve_waiting and any(d.active and tk.skill in d.skills for d in self.desks)):
                self.journey.ticket_left(tk, SENT_AWAY, tk.t)
                return
        self.add(tk)

    def add(self, tk: Ticket) -> None:
        """Hand the ticket to an idle desk that can serve it, or queue it."""
        idle = self.idle
        if idle:
            skill = tk.skill
            for i, desk in enumerate(idle):
                if skill in desk.skills:
                    del idle[i]
                    desk.wake.succeed(tk)
                    return
        self.queues[tk.level][tk.skill].append(tk)

    def pull(self, desk: Desk, now: float) -> Ticket | None:
        """Remove and return the ticket this desk serves next, or None."""
        for level in self.queues:
            best = best_q = None
            for skill in desk.skill_list:
                q = level[skill]
                while q:
                    tk = q[0]
                    if tk.deadline <= now:
                        q.popleft()
                        self.journey.ticket_left(tk, RENEGED, tk.deadline)
                        continue
                    if best is None or tk.t < best.t:
                        best, best_q = tk, q
                    break
            if best is not None:
                best_q.popleft()
                return best
        return None

    def waiting(self):
        """Every ticket still in the queue."""
        for level in self.queues:
            for q in level:
                yield from q

    # --- desks ---------------------------------------------------------------------
    def _desk(self, desk: Desk):
        env = self.env
        journey = self.journey
        is_open = self.timetable.is_open
        for start, end in desk.duty:
            if env.now < start:
                yield env.timeout(start - env.now)
            desk.active, desk.on, desk.end = True, env.now, end
            while True:
                now = env.now
                # After the shift: stay only for overtime once the office has closed.
                if now >= end and not (self.serve_waiting and not is_open(now)):
                    break
                tk = self.pull(desk, now)
                if tk is None:
                    if now >= end:
                        break
                    desk.wake = ev = env.event()
                    self.idle.append(desk)
                    tk = yield ev
                    if tk is None:  # woken by the clock: look at the shift again
                        continue
                    now = env.now
                desk.current, desk.since = tk, now
                handled, duration = journey.begin_service(tk, desk, now)
                yield env.timeout(duration)
                desk.current = None
                journey.end_service(tk, desk, now, env.now, handled)
            desk.active = False
            self.recorder.duty(self.index, desk.group, desk.id, desk.on, env.now, end)

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
            for desk in idle:
                desk.wake.succeed(None)

    def _close(self, now: float) -> None:
        idle = set(map(id, self.idle))
        covered = set()
        if self.serve_waiting:
            for d in self.desks:
                # Busy desks go on into overtime; idle ones stay only if their shift does.
                if d.active and (id(d) not in idle or d.end > now):
                    covered |= d.skills
        for level in self.queues:
            for skill, q in enumerate(level):
                if not q or skill in covered:
                    continue
                for tk in q:
                    if tk.deadline <= now:
                        self.journey.ticket_left(tk, RENEGED, tk.deadline)
                    else:
                        self.journey.ticket_left(tk, SENT_AWAY, now)
                q.clear()
