"""Calls scheduled on SimPy's event queue.

Most of what happens to a client is a plain function call at a simulated time:
the client arrives, a desk finishes a service. :func:`call_at` puts such a call
on the environment's queue as a minimal event (one small object, no
``Timeout``, no generator to resume), so it costs a fraction of a SimPy process
step; it runs in time order with every other event of the environment
(processes, timeouts) and, at equal times, in the order scheduled.

Calls due on a later day (a client's return, a booked appointment) wait in an
:class:`Agenda`, one list per day, and join the event queue when their day
begins: the queue then holds about a day of events rather than the whole
future, and each event costs less to take from it as the network grows.
"""

from __future__ import annotations

from typing import Any, Callable

from simpy.core import NORMAL

from simoffice.timetable import DAY


def _fire(event: "Call") -> None:
    event.fn(*event.args)


class Call:
    """A function call waiting on the event queue (what ``Environment.step`` needs of an event)."""

    __slots__ = ("callbacks", "fn", "args")
    _ok = True  # it never fails

    def __init__(self, fn: Callable[..., Any], args: tuple):
        self.callbacks = [_fire]
        self.fn = fn
        self.args = args


def call_at(env, t: float, fn: Callable[..., Any], *args: Any) -> None:
    """Call ``fn(*args)`` at simulated time ``t`` (minutes, ``t >= env.now``).

    Raises:
        ValueError: ``t`` is before ``env.now`` (SimPy's negative-delay error).
    """
    delay = t - env.now
    if delay < 0:
        raise ValueError(f"Negative delay {delay}")
    env.schedule(Call(fn, args), NORMAL, delay)


class Agenda:
    """Calls for later days, kept by day until the day begins (see the module docstring)."""

    def __init__(self, env):
        self.env = env
        self.days: dict[int, list[tuple[float, Call]]] = {}

    def call_at(self, t: float, fn: Callable[..., Any], *args: Any) -> None:
        """As :func:`call_at`; a call on a later day than now waits in the agenda.

        Raises:
            ValueError: ``t`` is before ``env.now``.
        """
        env = self.env
        day = int(t // DAY)
        if day <= env.now // DAY:
            call_at(env, t, fn, *args)
            return
        calls = self.days.get(day)
        if calls is None:
            calls = self.days[day] = []
            call_at(env, day * DAY, self._begin_day, day)
        calls.append((t, Call(fn, args)))

    def _begin_day(self, day: int) -> None:
        env, now = self.env, self.env.now
        for t, call in self.days.pop(day):
            env.schedule(call, NORMAL, t - now)
