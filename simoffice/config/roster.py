"""The ``roster`` group: shift templates and the rules a unit's roster is built by.

The schema dataclasses here hold the defaults (like :mod:`simoffice.config.schema`,
which composes them into the config); :func:`roster_rules` checks the values
and turns them into the model's :class:`~simoffice.model.roster.RosterRules`,
which the roster solver (:mod:`simoffice.studies.rostering`) reads::

    roster:
      interval_min: 30
      templates:
        full_time: {min_hours: 7.5, max_hours: 9, rest_break: {length_min: 30, after_hours: 3.5}}
        part_time: {min_hours: 4, max_hours: 6, part_time: true}
        weekly: {min_hours: 8, max_hours: 8, days_per_week: 4}

A template set to null (``roster.templates.part_time=null``) is left out. Hours
are hours, ``*_min`` keys minutes, clock times ``"HH:MM"`` strings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, is_dataclass
from typing import Any, Dict, Optional

from omegaconf import MISSING

from simoffice.config.checks import boolean, integer, nonempty, number, probability
from simoffice.errors import ConfigError
from simoffice.model.roster import RosterRules, ShiftBreak, ShiftTemplate
from simoffice.model.timetable import parse_clock

INTERVALS_MIN = (15, 30, 60)  # the requirement grids a roster may be built on
DEFAULT_STEP_MIN = 30  # shifts start on the half hour unless a template says otherwise (start_step_min: null)


@dataclass
class BreakConfig:
    """A shift's break: ``length_min`` minutes, ``paid`` or not, starting
    ``after_hours`` hours after the shift starts at the earliest and at most
    ``window_hours`` later (on the ``roster.interval_min`` grid). (The key is
    ``rest_break``: ``break`` is a Python keyword and cannot name a schema field.)"""

    length_min: int = 30
    paid: bool = False
    after_hours: float = 3.5
    window_hours: float = 2.0


@dataclass
class ShiftTemplateConfig:
    """Shifts a unit may roster.

    ``min_hours`` … ``max_hours``: a shift's span from start to end, break
    included, a multiple of ``start_step_min`` (a shift may also end at the
    day's last closing). ``start_step_min``: shifts start on this grid of minutes
    from the unit's first interval, a multiple of ``roster.interval_min`` (null:
    30 minutes, or ``roster.interval_min`` if that is longer; a shift may also
    start at the day's first opening). A finer grid lets a roster fit the
    requirement more closely but gives the solver more shifts to choose from.
    ``earliest_start`` / ``latest_end``: ``"HH:MM"``, or null for the day's
    first opening / last closing. ``rest_break``: null for none.
    ``days_per_week``: null when each day is rostered on its own; ``k`` when a
    person works ``k`` of the unit's open days, starting and ending at the same
    times each day (a tour; the break may move from day to day within its window).
    ``part_time``: paid hours count toward ``roster.part_time_max_share``.
    ``cost_factor``: multiplies the hourly cost of the template's paid hours.
    """

    min_hours: float = MISSING
    max_hours: float = MISSING
    start_step_min: Optional[int] = None
    earliest_start: Optional[str] = None
    latest_end: Optional[str] = None
    rest_break: Optional[BreakConfig] = None
    days_per_week: Optional[int] = None
    part_time: bool = False
    cost_factor: float = 1.0


def _default_templates() -> Dict[str, Optional[ShiftTemplateConfig]]:
    """A full-time day of 7.5–9 h with an unpaid half-hour break 3.5–5.5 h in, and part-time shifts of 4–6 h."""
    return {
        "full_time": ShiftTemplateConfig(min_hours=7.5, max_hours=9.0, rest_break=BreakConfig()),
        "part_time": ShiftTemplateConfig(min_hours=4.0, max_hours=6.0, part_time=True),
    }


@dataclass
class RosterConfig:
    """How the staffing search rosters a unit's desks.

    ``interval_min``: the requirement intervals and the grid of shift starts and
    breaks, 15, 30 or 60 minutes. ``min_staff``: desks on duty in every interval
    a unit is open, at least. ``part_time_max_share``: the share of a unit's
    weekly paid hours in part-time templates, at most (null: no limit).
    ``templates``: name -> :class:`ShiftTemplateConfig` (a null one is left out).
    """

    interval_min: int = 30
    min_staff: int = 1
    part_time_max_share: Optional[float] = 0.5
    templates: Dict[str, Optional[ShiftTemplateConfig]] = field(default_factory=_default_templates)


def roster_rules(cfg: Any) -> RosterRules:
    """The checked :class:`RosterRules` of the ``roster`` group (a typed
    :class:`RosterConfig`, a DictConfig or plain mappings; keys not given take
    the schema's defaults).

    Raises:
        ConfigError: an unknown key, or a value out of range, in one line naming
            its key path (``roster.templates.<name>.<field>``).
    """
    if not is_dataclass(cfg):
        # strict reads this module's schema through simoffice.config.schema: imported here, not above.
        from simoffice.config.strict import section
        cfg = section(cfg if cfg is not None else {}, RosterConfig, "roster")
    interval = integer(cfg.interval_min, "roster.interval_min")
    if interval not in INTERVALS_MIN:
        raise ConfigError("roster.interval_min", "15, 30 or 60 (minutes)", cfg.interval_min)
    share = cfg.part_time_max_share
    share = None if share is None else probability(share, "roster.part_time_max_share")
    given = nonempty(cfg.templates, "roster.templates", "shift template")
    templates = tuple(_template(t, str(name), interval) for name, t in given.items() if t is not None)
    nonempty(templates, "roster.templates", "shift template that is not null")
    if share is not None and share < 1 and all(t.part_time for t in templates):
        raise ConfigError("roster.part_time_max_share", "1 or null when every template is part-time", share)
    return RosterRules(
        interval_min=interval,
        min_staff=integer(cfg.min_staff, "roster.min_staff", 0),
        part_time_max_share=share,
        templates=templates,
    )


def _template(t: ShiftTemplateConfig, name: str, interval: int) -> ShiftTemplate:
    """One template, checked; ``interval``: ``roster.interval_min``."""
    k = f"roster.templates.{name}"
    lo_h = number(t.min_hours, f"{k}.min_hours", 0, strict=True)
    if lo_h > 24:
        raise ConfigError(f"{k}.min_hours", "a number of hours > 0 and <= 24", t.min_hours)
    hi_h = number(t.max_hours, f"{k}.max_hours", 0, strict=True)
    if not lo_h <= hi_h <= 24:
        raise ConfigError(f"{k}.max_hours", f"a number of hours >= min_hours ({lo_h:g}) and <= 24", t.max_hours)
    lo, hi = math.ceil(lo_h * 60 - 1e-9), math.floor(hi_h * 60 + 1e-9)
    step = max(DEFAULT_STEP_MIN, interval) if t.start_step_min is None else integer(
        t.start_step_min, f"{k}.start_step_min", 1)
    if step % interval:
        raise ConfigError(f"{k}.start_step_min", f"a multiple of roster.interval_min ({interval}) or null", step)
    if -(-lo // step) * step > hi:
        raise ConfigError(f"{k}.max_hours", f"hours from min_hours ({lo_h:g}) that hold a whole number of "
                          f"start_step_min ({step} min)", t.max_hours)
    earliest = None if t.earliest_start is None else parse_clock(t.earliest_start, f"{k}.earliest_start",
                                                                 allow_24=False)
    latest = None if t.latest_end is None else parse_clock(t.latest_end, f"{k}.latest_end")
    if earliest is not None and latest is not None and latest - earliest < lo:
        raise ConfigError(f"{k}.latest_end", f"a time at least min_hours ({lo_h:g} h) after earliest_start "
                          f"({t.earliest_start})", t.latest_end)
    days = None if t.days_per_week is None else integer(t.days_per_week, f"{k}.days_per_week", 1)
    if days is not None and days > 7:
        raise ConfigError(f"{k}.days_per_week", "an integer from 1 to 7, or null", t.days_per_week)
    return ShiftTemplate(
        name=name,
        min_length_min=lo,
        max_length_min=hi,
        start_step_min=step,
        earliest_start_min=earliest,
        latest_end_min=latest,
        rest_break=None if t.rest_break is None else _rest_break(t.rest_break, f"{k}.rest_break", hi_h, interval),
        days_per_week=days,
        part_time=boolean(t.part_time, f"{k}.part_time"),
        cost_factor=number(t.cost_factor, f"{k}.cost_factor", 0, strict=True),
    )


def _rest_break(b: BreakConfig, k: str, longest_h: float, interval: int) -> ShiftBreak:
    """A template's break, checked: its window holds a start on the grid of
    ``interval`` minutes, and it ends before the longest shift (``longest_h`` hours) does."""
    length = integer(b.length_min, f"{k}.length_min", 1)
    after_h = number(b.after_hours, f"{k}.after_hours", 0)
    window_h = number(b.window_hours, f"{k}.window_hours", 0)
    after, window = round(after_h * 60), round(window_h * 60)
    first = -(-after // interval) * interval  # the first break start on the grid
    if first > after + window:
        raise ConfigError(f"{k}.window_hours", f"a window from after_hours ({after_h:g}) that holds a multiple of "
                          f"roster.interval_min ({interval} min)", b.window_hours)
    if first + length >= math.floor(longest_h * 60 + 1e-9):
        raise ConfigError(f"{k}.after_hours", f"a break that ends before the longest shift ends "
                          f"(max_hours {longest_h:g})", b.after_hours)
    return ShiftBreak(length_min=length, paid=boolean(b.paid, f"{k}.paid"), after_min=after,
                      window_min=window)
