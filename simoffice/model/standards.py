"""Service standards: published promises with a target, each measured and judged.

A :class:`Standard` says what share of some clients or cases must meet a time
limit (``served_within``: contacts of a channel seen within a wait;
``appointment_within``: booking requests given a slot within some days;
``expert_within``: expert cases decided within some days; ``bundle_within``:
bundles settled within some days of their first contact), or what share may at
most fail (``abandonment``: contacts of a channel that left the queue). A
standard may set another limit or target for some units.
"""

from __future__ import annotations

from dataclasses import dataclass

# kind -> (unit of the limit, the direction of the target)
STANDARD_KINDS: dict[str, tuple[str | None, str]] = {
    "served_within": ("min", "at_least"),
    "abandonment": (None, "at_most"),
    "appointment_within": ("days", "at_least"),
    "expert_within": ("days", "at_least"),
    "bundle_within": ("days", "at_least"),
}
# Kinds measured on the contacts of one channel.
CHANNEL_KINDS = ("served_within", "abandonment")
# The expert centre is not a unit of ``ModelSpec.offices``: its standards are
# reported under this name.
EXPERT_CENTRE = "expert centre"


@dataclass(frozen=True)
class Standard:
    """One service standard.

    ``within``: the limit, in minutes (``served_within``) or days (the other
    timed kinds; None for ``abandonment``); ``target``: the share that must meet
    it (at least) or, for ``abandonment``, the share that may abandon (at most).
    ``channels``: the channel codes (:mod:`simoffice.model.channels`) of the
    contacts counted, for the channel kinds, else empty. ``by_unit``: (unit index, within, target) for units with
    limits of their own.
    """

    name: str
    kind: str
    channels: tuple[int, ...]
    within: float | None
    target: float
    by_unit: tuple[tuple[int, float | None, float], ...]
    label: str
    source: str

    @property
    def direction(self) -> str:
        """``at_least`` or ``at_most`` the target."""
        return STANDARD_KINDS[self.kind][1]

    @property
    def within_unit(self) -> str | None:
        """``min``, ``days`` or None (no time limit)."""
        return STANDARD_KINDS[self.kind][0]

    def limit(self, unit: int | None) -> tuple[float | None, float]:
        """(within, target) at ``unit`` (None: the network's)."""
        for u, within, target in self.by_unit:
            if u == unit:
                return within, target
        return self.within, self.target


def status(mean: float | None, low: float | None, high: float | None, target: float, direction: str) -> str:
    """``met`` when the whole interval is on the right side of the target, ``missed``
    when it is wholly on the wrong side, else ``cannot_tell`` (also without an
    interval: one replication)."""
    if mean is None or low is None or high is None:
        return "cannot_tell"
    if direction == "at_least":
        return "met" if low >= target else "missed" if high < target else "cannot_tell"
    return "met" if high <= target else "missed" if low > target else "cannot_tell"
