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
from simoffice.calibration.fitting import Fits
from simoffice.calibration.logs import Log, OddRows

__all__ = ["OfficeFit", "CallCentreFit", "Calibration"]


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
    network: dict = field(default_factory=dict)
