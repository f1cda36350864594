"""The expert centre: a back office that decides escalated cases without the client.

A case is one escalated need. It waits in a FIFO queue per skill; an expert on
duty takes the oldest case among the skills they have. Processing counts
working time only: a case needing 90 minutes begun 30 minutes before the end
of a shift is finished 60 minutes into the expert's next duty period.
"""

from __future__ import annotations

import math
from collections import deque


class Case:
    """An escalated need: ``work`` working minutes, taken at ``t``."""

    __slots__ = ("client", "need", "skill", "t", "work")

    def __init__(self, client, need, skill, t, work):
        self.client, self.need, self.skill, self.t, self.work = client, need, skill, t, work


class Expert:
    __slots__ = ("id", "skills", "duty", "wake", "off", "current", "since")

    def __init__(self, id, skills, duty):
        self.id, self.skills, self.duty = id, tuple(sorted(skills)), duty
        self.wake = None
        self.off = 0.0  # while idle: the end of the duty period
        self.current = None
        self.since = 0.0


def finish_time(start: float, work: float, duty: list[tuple[float, float]], i: int) -> float:
    """When ``work`` working minutes begun at ``start`` (inside ``duty[i]``) end;
    infinity if the duty periods run out first."""
    t, left = start, work
    for lo, hi in duty[i:]:
        t = max(t, lo)
        if t + left <= hi:
            return t + left
        left -= hi - t
    return math.inf


class ExpertCentre:
    """Queues and experts; ``decided(case, expert, start, end)`` is called when an
    expert has decided a case (times in minutes). ``invariants`` (a
    :class:`simoffice.engine.invariants.Invariants`, or None) checks that an expert
    starts a case only on duty."""

    def __init__(self, env, experts: list[Expert], n_skills: int, decided, invariants=None):
        self.env = env
        self.invariants = invariants  # checks each start (run.check_invariants), or None
        self.experts = experts
        self.queues = [deque() for _ in range(n_skills)]
        self.idle: list[Expert] = []
        self.decided = decided
        for e in experts:
            env.process(self._expert(e))

    def add(self, case: Case) -> None:
        now = self.env.now
        for i, e in enumerate(self.idle):
            # An expert whose duty period ends at this very moment is going home: not them.
            if case.skill in e.skills and e.off > now:
                del self.idle[i]
                e.wake.succeed(case)
                return
        self.queues[case.skill].append(case)

    def _pull(self, e: Expert) -> Case | None:
        best = None
        for skill in e.skills:
            q = self.queues[skill]
            if q and (best is None or q[0].t < best.t):
                best = q[0]
        if best is not None:
            self.queues[best.skill].popleft()
        return best

    def waiting(self):
        for q in self.queues:
            yield from q

    def _expert(self, e: Expert):
        env = self.env
        duty = e.duty
        i = 0
        while i < len(duty):
            lo, hi = duty[i]
            if env.now >= hi:
                i += 1
                continue
            if env.now < lo:
                yield env.timeout(lo - env.now)
            case = self._pull(e)
            if case is None:
                e.wake = wake = env.event()
                e.off = hi
                self.idle.append(e)
                yield wake | env.timeout(hi - env.now)
                if not wake.triggered:
                    self.idle.remove(e)
                    continue
                case = wake.value
            start = env.now
            if self.invariants is not None:
                self.invariants.expert_starts(e, i, case, start)
            end = finish_time(start, case.work, duty, i)
            e.current, e.since = case, start
            if math.isinf(end):
                return  # still in progress at the end of the run
            yield env.timeout(end - start)
            e.current = None
            self.decided(case, e, start, env.now)
