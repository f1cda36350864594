"""Calls scheduled on SimPy's event queue.

Most of what happens to a client is a plain function call at a simulated time:
the client arrives, a desk finishes a service. :func:`call_at` puts such a call
on the environment's queue as a minimal event (one small object, no
``Timeout``, no generator to resume), so it costs a fraction of a SimPy process
step; it runs in time order with every other event of the environment
(processes, timeouts) and, at equal times, in the order scheduled.
"""

from __future__ import annotations

from typing import Any, Callable

from simpy.core import NORMAL


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
