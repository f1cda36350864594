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
