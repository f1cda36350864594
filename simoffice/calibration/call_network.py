"""The contact centre in a calibrated network config, and a network of a call log alone.

:func:`contact_centre_block` writes a :class:`~simoffice.calibration.fitted.CallCentreFit`
as a network's ``contact_centre`` (its own opening hours, shifts and agents, the
callers' patience, retries). :func:`calls_only_calibration` fits a network to a
call log with no ticket log: a contact-centre network, in which

- the services are the call types, with their talk times (handled on the phone:
  ``phone: settle``), and a bundle per call type with its share of first attempts;
- the arrival profile is the calls' own (queue entries by weekday × bin); with call
  types, each type's callers are a zone and segment of their own with the type's own
  profile (:func:`callers`);
- the callers phone only (``channels: {phone: 1}``), never return once they give
  up (``return_prob`` 0: callers who call again are the centre's retries);
- the model needs an office for its clients to live at (and a staffed desk there for
  every service, walking in being every client's last resort): one office,
  :data:`CALLERS`, with the callers' demand, never open (nobody walks in), and one
  desk of every skill on the schedule's first shift. That desk is idle: its staff
  hours are not the contact centre's (the summary says so).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any, Collection, Sequence

import numpy as np

from simoffice.calibration import on_duty as duty_fit
from simoffice.calibration import visits
from simoffice.calibration.calls import POOLED, fit_calls
from simoffice.calibration.demand_zones import ZoneDemand, write_zones
from simoffice.calibration.fitted import Calibration, CallCentreFit
from simoffice.calibration.fitting import round_significant
from simoffice.calibration.logs import Described, Log, LogError
from simoffice.vocabulary import WEEKDAYS

__all__ = ["CALLERS", "callers", "contact_centre_block", "calls_only_network", "calls_only_calibration",
           "centre_calibration"]

# The office where a contact-centre network's callers live (it has no desks and never opens).
CALLERS = "callers"
# A caller's contacts before giving up the need: room for the retries.
CALLS_MAX_VISITS = 10


def _r(x: float, digits: int = 4) -> float:
    return round_significant(float(x), digits)


def contact_centre_block(cc: CallCentreFit, phone_services: list[str]) -> dict[str, Any]:
    """The network's ``contact_centre``: hours, shifts, agents (with every service handled by
    phone as a skill), callers' patience, and retries (``retry_prob`` 0 without customer ids)."""
    retries = cc.retries
    block: dict[str, Any] = {
        "opening_hours": dict(cc.opening_hours),
        "shifts": cc.shifts,
        "desk_groups": [{"name": "agents", "skills": list(phone_services), "staff": dict(cc.agents.staff)}],
        "patience": None if cc.patience is None else cc.patience.best.config(),
        "retry_prob": 0.0 if retries is None else _r(retries.prob),
    }
    if retries is not None and retries.prob > 0:
        block["retry_after_min"] = _r(max(retries.after_min, 0.1), 3)
    return block


def callers(cc: CallCentreFit, bundles: dict[str, tuple[str, float]], segment: dict[str, Any], reach: list[str],
            taken: Collection[str]) -> dict[str, ZoneDemand]:
    """The callers as zones (:mod:`~simoffice.calibration.demand_zones`): one per call type,
    each at the times of its own calls, when the log gives the calls' types; else one, at
    the times of all calls. They phone only and never come back once they give up
    (``return_prob`` 0: callers who call again are the centre's retries).

    Args:
        bundles: per call type, its bundle and first calls a week.
        segment: the settings of the segment the callers' are copied from.
        reach: the offices the callers' zones reach (every need needs a walk-in point,
            every client's last resort; unused).
        taken: zone names in use (the offices').
    """
    settings = {**copy.deepcopy(segment), "return_prob": 0.0, "channels": {"phone": 1.0}}
    own = cc.arrivals_by_service
    if len(bundles) > 1 and all(s in own for s in bundles):
        groups = {f"{CALLERS} about {s}": ({bundle: v}, own[s]) for s, (bundle, v) in bundles.items()}
    else:
        groups = {CALLERS: (dict(bundles.values()), cc.arrivals)}
    out = {}
    for name, (mine, profile) in groups.items():
        while name in taken:
            name += " (contact centre)"
        out[name] = ZoneDemand(name, copy.deepcopy(settings), mine, {o: 0.0 for o in reach}, profile.config())
    return out


def calls_only_network(cal: Calibration, segment: str) -> dict[str, Any]:
    """The network config of a calibration from a call log alone (``cal.offices`` empty)."""
    cc = cal.calls
    types = sorted(cal.service_fits)
    per_type = {s: cc.calls_by_service.get(s, 0.0) for s in types}
    total = sum(per_type.values())
    net = {
        "name": cal.name,
        "max_visits": CALLS_MAX_VISITS,
        "return_after_days": 1,
        "arrival_profile": cc.arrivals.config(),
        "segments": {segment: {"share": 1.0, "patience": None, "priority": 0, "return_prob": 0.0,
                               "informed_share": 1.0, "channels": {"phone": 1.0}}},
        "services": {s: {"skill": s, "service_time": cal.service_fits[s].best.config(), "phone": "settle"}
                     for s in types},
        "bundles": {s: {"needs": [s], "share": _r(per_type[s] / total) if total > 0 else _r(1 / len(types))}
                    for s in types},
        "offices": [{"name": CALLERS, "bundles_per_week": _r(cc.calls_per_week),
                     "opening_hours": {d: None for d in WEEKDAYS},
                     "desk_groups": [{"name": "idle desk", "skills": list(types),
                                      "staff": {cal.shifts[0].name: 1}}]}],
        "contact_centre": contact_centre_block(cc, types),
    }
    zones = callers(cc, {s: (s, per_type[s]) for s in types}, net["segments"][segment], [CALLERS], ())
    if len(zones) > 1:  # a zone per call type, each with its own arrival profile
        write_zones(net, zones)
    return net


def calls_only_calibration(calls: Log, *, name: str, shifts: list[duty_fit.ShiftDef], bin_min: int = 60,
                           holidays: Sequence[dt.date] = (), detect_holidays: bool = True,
                           short_abandon_sec: float = 0.0, schedule_name: str = "five_day") -> Calibration:
    """A :class:`Calibration` of a call log alone: the contact centre's fit, its call types
    as the services (talk times) and its callers' patience; no offices, no tickets.
    ``shifts``: the schedule's (the first staffs the callers' office's idle desk).

    Raises:
        LogError: a ticket log given, or a call log with nothing to fit.
    """
    if calls.kind != "calls":
        raise LogError("call_id", None, "a call log", Described(f"a ticket log: {calls.source}"))
    notes: list[str] = []
    cc = fit_calls(calls, None, notes, bin_min=bin_min, holidays=holidays, detect=detect_holidays,
                   short_abandon_sec=short_abandon_sec)
    return centre_calibration(cc, notes, name=name, shifts=shifts, schedule_name=schedule_name)


def centre_calibration(cc: CallCentreFit, notes: list[str], *, name: str, shifts: list[duty_fit.ShiftDef],
                       schedule_name: str = "five_day") -> Calibration:
    """A :class:`Calibration` of a contact centre alone, fitted from a call log or an interval
    report (``cc.log``): its call types as the services, with their talk times; no offices."""
    fits = {s: f for s, f in cc.call_times.items() if s != POOLED} or {"calls": cc.call_times[POOLED]}
    samples = {s: cc.call_samples.get(s, cc.call_samples.get(POOLED, np.zeros(0))) for s in fits}
    if set(fits) != set(cc.calls_by_service):
        cc.calls_by_service = {s: cc.calls_by_service.get(s, 0.0) for s in fits} if cc.log.has_services \
            else {"calls": cc.calls_per_week}
    days = cc.log.frame["arrived" if cc.log.kind == "calls" else "start"]
    counts = {"tickets": 0, "served": 0, "reneged": 0, "sent_away": 0, "no_show": 0, "appointment": 0}
    returns = visits.ReturnsFit(False, 0, {s: (0.0, 0) for s in fits}, (0.0, 0), 1, CALLS_MAX_VISITS,
                                np.ones(len(cc.log.frame), dtype=bool))
    what = "a call log" if cc.log.kind == "calls" else "an interval report"
    notes.append(f"{what} alone: a contact-centre network; its callers live at the office '{CALLERS}', "
                 f"which never opens: its one desk (on shift {shifts[0].name!r}, every skill, needed by the model "
                 "as every client's last resort) is idle and not part of the contact centre")
    if cc.arrivals_by_service:
        notes.append("each call type's callers are a zone of their own, with the type's own arrival profile")
    return Calibration(name, cc.log, days.min().date(), days.max().date(), schedule_name, shifts, cc.arrivals,
                       fits, samples, cc.patience, cc.patience_sample, [], returns, [], counts, cc, notes)
