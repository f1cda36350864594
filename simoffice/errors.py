"""Errors a user can cause, reported in one line.

A :class:`ConfigError` names the config key path, what was expected and what was
given, e.g. ``network.offices[2].desk_groups[0].staff.full: expected an integer
>= 0 (got -1)``. The command line prints it without a traceback.
"""

from __future__ import annotations

from typing import Any


class ConfigError(ValueError):
    """A configuration value that cannot be simulated.

    Attributes:
        key: dotted key path, with list indices in brackets.
        expected: what a valid value looks like.
        got: the value given.
    """

    def __init__(self, key: str, expected: str, got: Any):
        self.key = key
        self.expected = expected
        self.got = got
        super().__init__(f"{key}: expected {expected} (got {got!r})")

    def __reduce__(self):
        # Pickled as it is (a worker process's error reaches the parent whole), subclasses too.
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type, args: tuple, state: dict) -> ConfigError:
    """A pickled :class:`ConfigError` (or subclass) as it was."""
    err = Exception.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


class InvariantError(RuntimeError):
    """The engine broke one of its own invariants (``run.check_invariants``): a bug
    in simoffice, not in the config.

    The message names the unit, the simulated time in minutes and as a day,
    weekday and clock time, and what went wrong, e.g. ``City centre at t =
    1033.5 min (day 0, Mon 17:13): desk 3 (family desks) starts a service while
    the unit is closed and the closing policy sends clients away``.

    Attributes:
        unit: the unit's name (office, mobile office, centre).
        t: simulated minutes from the start of the run.
        when: ``t`` as ``day d, Www HH:MM``.
        what: the broken invariant.
    """

    def __init__(self, unit: str, t: float, when: str, what: str):
        # The fields are the args: SimPy re-raises a process's exception as type(e)(*e.args),
        # and pickling (from a worker process) rebuilds it the same way.
        super().__init__(unit, t, when, what)
        self.unit = unit
        self.t = t
        self.when = when
        self.what = what

    def __str__(self) -> str:
        return f"{self.unit} at t = {self.t:.1f} min ({self.when}): {self.what}"


class RunInterrupted(KeyboardInterrupt):
    """A run stopped by the user (SIGINT, or SIGTERM turned into an interrupt by the
    command line) before every replication had finished; nothing was returned.

    Attributes:
        finished: replications that had finished.
        total: replications asked for.
    """

    def __init__(self, finished: int, total: int):
        super().__init__(finished, total)
        self.finished = finished
        self.total = total

    def __str__(self) -> str:
        return f"interrupted after {self.finished} of {self.total} replications had finished"
