"""What a calibration found: each office's fit, the contact centre's, and the whole.

:func:`simoffice.calibration.calibrate.calibrate` fills a :class:`Calibration`
from a ticket log (and a call log, for a :class:`CallCentreFit`); the network
config, its YAML, the text summary and the ``calibration.html`` page are all
written from it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from simoffice.calibration import on_duty as duty_fit
from simoffice.calibration import visits
from simoffice.calibration.arrivals import ArrivalFit
from simoffice.calibration.busyness import BusynessFit
from simoffice.calibration.call_retries import RetryFit
from simoffice.calibration.fitting import Fits
from simoffice.calibration.logs import Log, OddRows

__all__ = ["OfficeFit", "IntervalFit", "CallCentreFit", "Calibration"]


@dataclass
class OfficeFit:
    """One office: its demand, opening hours and desk groups."""

    name: str
    tickets: int
    bundles_per_week: float
    opening_hours: dict[str, str | None]
    desk_groups: list[duty_fit.DeskGroupFit]
    open_days: int


@dataclass
class IntervalFit:
    """What an interval report (ACD half-hours) says beyond a call log's fit
    (:mod:`simoffice.calibration.interval_report`).

    Attributes:
        interval_min: the report's interval length (minutes).
        profile: (7, 1440 // interval_min) mean calls offered per weekday × interval
            from 00:00, over the report's ordinary days.
        offered, handled, abandoned: calls over the report.
        patience_from: how patience was fitted: ``"erlang_a"`` (abandoned and ASA,
            with Erlang A for the waits of the callers who abandoned), ``"abandon_time"``
            (the report's mean time to abandon: exact) or ``"none"`` (nobody abandoned).
        abandoned_share, asa_min: the report's abandoned / (handled + abandoned) and
            average speed of answer (minutes), over the intervals the patience fit used.
        erlang_a_abandoned_share, erlang_a_asa_min: the same from Erlang A with the
            report's agents, handle times, offered calls and the fitted patience (a check).
    """

    interval_min: int
    profile: np.ndarray
    offered: int
    handled: int
    abandoned: int
    patience_from: str
    abandoned_share: float
    asa_min: float
    erlang_a_abandoned_share: float
    erlang_a_asa_min: float


@dataclass
class CallCentreFit:
    """The contact centre, from a call log."""

    log: Log
    calls_per_week: float
    calls_by_service: dict[str, float]
    call_times: dict[str, Fits]
    call_samples: dict[str, np.ndarray]
    patience: Fits | None
    patience_sample: tuple[np.ndarray, np.ndarray]
    opening_hours: dict[str, str | None]
    agents: duty_fit.DeskGroupFit
    shifts: dict[str, dict]
    # Set when the centre was fitted from an interval report instead of a call log.
    intervals: IntervalFit | None = None
    # From a call log: the centre's own arrival profile (queue entries), callers who call
    # again (customer ids), and calls by outcome (calls, answered, abandoned, short abandons dropped).
    arrivals: ArrivalFit | None = None
    retries: RetryFit | None = None
    counts: dict[str, int] = field(default_factory=dict)
    # Per call type (when the log gives types), its own arrival profile: first attempts, holidays as above.
    arrivals_by_service: dict[str, ArrivalFit] = field(default_factory=dict)


@dataclass
class Calibration:
    """Everything fitted from a log, and the network config written from it."""

    name: str
    log: Log
    first_day: dt.date
    last_day: dt.date
    schedule_name: str
    shifts: list[duty_fit.ShiftDef]
    arrivals: ArrivalFit
    service_fits: dict[str, Fits]
    service_samples: dict[str, np.ndarray]
    patience: Fits | None
    patience_sample: tuple[np.ndarray, np.ndarray]
    offices: list[OfficeFit]
    returns: visits.ReturnsFit
    odd: list[OddRows]
    counts: dict[str, int]
    calls: CallCentreFit | None = None
    notes: list[str] = field(default_factory=list)
    busyness: BusynessFit | None = None  # day-to-day variability of the offices' daily arrivals
    network: dict = field(default_factory=dict)
