"""Shift templates and the rules a roster is built by.

A *template* describes the shifts a unit may roster: how long a shift lasts,
when it may start and end, its break and how many days a week a person works
it. The roster solver (:mod:`simoffice.studies.rostering`) picks how many
persons work each shift the templates allow, so that every interval's
requirement is covered at least cost. All times are in minutes (clock times in
minutes since midnight). No field has a default: :func:`simoffice.config.roster.roster_rules`
gives every one, from the config or from the schema's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ShiftBreak:
    """A template's break: ``length_min`` minutes, paid or not, starting between
    ``after_min`` and ``after_min + window_min`` minutes after the shift starts,
    on the interval grid."""

    length_min: int
    paid: bool
    after_min: int
    window_min: int


@dataclass(frozen=True)
class ShiftTemplate:
    """Shifts of ``min_length_min`` … ``max_length_min`` minutes from start to end
    (break included), starting on a grid of ``start_step_min`` minutes.

    ``earliest_start_min`` / ``latest_end_min``: minutes since midnight, or None
    for the day's first opening / last closing. ``rest_break``: None for no
    break. ``days_per_week``: None when each day is rostered on its own; ``k``
    when a person works ``k`` of the unit's open days, at the same times each
    day (a *tour*). ``part_time``: the template's paid hours count toward
    :attr:`RosterRules.part_time_max_share`. ``cost_factor`` multiplies the
    hourly cost of its paid hours.
    """

    name: str
    min_length_min: int
    max_length_min: int
    start_step_min: int
    earliest_start_min: int | None
    latest_end_min: int | None
    rest_break: ShiftBreak | None
    days_per_week: int | None
    part_time: bool
    cost_factor: float


@dataclass(frozen=True)
class RosterRules:
    """How a unit is rostered: requirement intervals of ``interval_min`` minutes
    (also the grid of breaks), at least ``min_staff`` desks on duty in every open
    interval, at most ``part_time_max_share`` of the paid hours in part-time
    templates (None: no limit), and the ``templates`` to draw shifts from
    (a full-time contract's hours, for FTE, are the network's
    ``contract_hours_per_week``)."""

    interval_min: int
    min_staff: int
    part_time_max_share: float | None
    templates: tuple[ShiftTemplate, ...]
