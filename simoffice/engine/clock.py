"""The simulation clock: SimPy's environment, with plain function calls as events.

Most of what happens to a client is a plain function call at a simulated time:
the client arrives, a desk finishes a service. :meth:`Environment.call_at` puts
such a call on SimPy's event queue as a bare entry ``(time, NORMAL, id, fn,
args)`` — no event object, no callbacks, no generator to resume — and
:meth:`Environment.run` calls it directly when its time comes. SimPy's own
events (processes, timeouts) go on the same queue as calls of the method that
processes an event, so every entry is run the same way: calls run in time order
with every other event of the environment and, at equal times, in the order
scheduled.

Calls due later (a client's return, a booked appointment) wait in an
:class:`Agenda`, one list per hour, and join the event queue when their hour
begins: the queue then holds about an hour of such calls rather than the whole
future, and each event costs less to take from it as the network grows.

This is the only module that touches SimPy's internals (the environment's
``_queue``, ``_eid`` and ``_now``, an event's ``_ok`` and ``_value``), as SimPy
4.1 lays them out; importing it with another SimPy raises ImportError. Other
modules read the time as ``env.now`` (a plain attribute here) and may write a
call out on a hot path as ``heappush(env.queue, (t, NORMAL, next(env.ids), fn,
args))``, exactly what :meth:`Environment.call_at` does after its check.
"""

from __future__ import annotations

import re
from heapq import heappop, heappush
from typing import Any, Callable

import simpy
from simpy.core import NORMAL, URGENT, EmptySchedule, StopSimulation

# The SimPy releases whose internals this module was written for (pyproject: simpy>=4.1,<4.2).
SIMPY_RELEASES = re.compile(r"4\.1(\.|$)")


def check_simpy(version: str | None) -> None:
    """Refuse a SimPy release this module was not written for.

    Raises:
        ImportError: ``version`` is not a 4.1 release (None: unknown).
    """
    if version is None or not SIMPY_RELEASES.match(version):
        raise ImportError(
            f"simoffice needs SimPy 4.1 (got simpy {version or 'of unknown version'}): its clock "
            "(simoffice/engine/clock.py) works inside SimPy 4.1's event queue; install 'simpy>=4.1,<4.2'")


check_simpy(getattr(simpy, "__version__", None))


class _Stop(Exception):
    """Raised by the entry that marks the end of a run."""


def _stop() -> None:
    raise _Stop


class Environment(simpy.Environment):
    """A SimPy environment that also runs plain function calls at simulated times.

    Everything SimPy offers (processes, timeouts, events) works as usual. Every
    queue entry is a call of five items where SimPy's events take four (an event
    is scheduled as a call of :meth:`_process`); SimPy's own ``step`` cannot read
    them, so this class brings its own :meth:`schedule`, :meth:`step` and
    :meth:`run`.

    Attributes:
        now: the simulated time in minutes: a plain attribute that this class's
            loop sets (SimPy's is a property, slower to read on every event).
        queue: the event queue, a heap of ``(time, priority, id, fn, args)``.
        ids: the ids of entries, in the order scheduled (``next(env.ids)``).
    """

    now: float = 0.0  # shadows SimPy's property: an instance attribute from __init__ on

    def __init__(self, initial_time: float = 0) -> None:
        super().__init__(initial_time)
        self.queue = self._queue
        self.ids = self._eid

    # SimPy's own methods keep the time in ``_now``: here it is ``now``.
    @property
    def _now(self) -> float:
        return self.now

    @_now.setter
    def _now(self, t: float) -> None:
        self.now = t

    def call_at(self, t: float, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` at simulated time ``t`` (minutes, ``t >= now``).

        Raises:
            ValueError: ``t`` is before ``now`` (SimPy's negative-delay error).
        """
        if t < self.now:
            raise ValueError(f"Negative delay {t - self.now}")
        heappush(self.queue, (t, NORMAL, next(self.ids), fn, args))

    def schedule(self, event: simpy.Event, priority: int = NORMAL, delay: float = 0) -> None:
        """Schedule a SimPy event to be processed after ``delay`` minutes."""
        heappush(self.queue, (self.now + delay, priority, next(self.ids), self._process, (event,)))

    def step(self) -> None:
        """Process the next event or call.

        Raises:
            simpy.core.EmptySchedule: nothing is scheduled.
        """
        try:
            self.now, _, _, fn, args = heappop(self.queue)
        except IndexError:
            raise EmptySchedule from None
        fn(*args)

    def _process(self, event: simpy.Event) -> None:
        # As simpy.Environment.step, for an event already taken from the queue.
        callbacks, event.callbacks = event.callbacks, None
        try:
            for callback in callbacks:
                callback(event)
        except StopSimulation:
            event.callbacks = callbacks[callbacks.index(callback) + 1:]
            self.schedule(event, URGENT)
            raise
        if not event._ok and not hasattr(event, "_defused"):
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc

    def run(self, until: Any = None) -> Any:
        """Run until simulated time ``until`` (minutes; events at ``until`` itself
        are left for later, as in SimPy), or until nothing is scheduled (None).
        An event as ``until`` runs as in SimPy.

        Raises:
            ValueError: ``until`` is not after ``now``.
        """
        if until is None or isinstance(until, simpy.Event):
            return super().run(until)  # step by step (SimPy's loop, with this class's step)
        until = float(until)
        if until <= self.now:
            raise ValueError(f"until ({until}) must be greater than the current simulation time")
        queue, pop = self.queue, heappop
        # Taken before any event of its time: URGENT, and an id below every other.
        heappush(queue, (until, URGENT, -1, _stop, ()))
        try:
            # The loop of step(), written out: it runs once per event of the run. The
            # end-of-run entry is always on the queue, so pop() never finds it empty.
            while True:
                self.now, _, _, fn, args = pop(queue)
                fn(*args)
        except _Stop:
            return None


def call_at(env: Environment, t: float, fn: Callable[..., Any], *args: Any) -> None:
    """``env.call_at(t, fn, *args)``: call ``fn(*args)`` at simulated time ``t``."""
    env.call_at(t, fn, *args)


class Agenda:
    """Calls for later hours, kept by hour until the hour begins (see the module docstring).

    Args:
        span: the length of the periods the calls are kept by (minutes).
    """

    def __init__(self, env: Environment, span: float = 60.0):
        self.env = env
        self.span = span
        self.periods: dict[int, list[tuple[float, Callable[..., Any], tuple]]] = {}

    def call_at(self, t: float, fn: Callable[..., Any], *args: Any) -> None:
        """As :meth:`Environment.call_at`; a call in a later period than now waits in the agenda.

        Raises:
            ValueError: ``t`` is before ``env.now``.
        """
        env, span = self.env, self.span
        period = int(t // span)
        if period <= env.now // span:  # env.call_at, written out: once per contact
            if t < env.now:
                raise ValueError(f"Negative delay {t - env.now}")
            heappush(env.queue, (t, NORMAL, next(env.ids), fn, args))
            return
        calls = self.periods.get(period)
        if calls is None:
            calls = self.periods[period] = []
            env.call_at(period * span, self._begin, period)
        calls.append((t, fn, args))

    def _begin(self, period: int) -> None:
        queue, ids = self.env.queue, self.env.ids
        for t, fn, args in self.periods.pop(period):
            heappush(queue, (t, NORMAL, next(ids), fn, args))
