"""The contact centre from a call log: call times, callers' patience, hours and agents.

A call log (:mod:`simoffice.calibration.logs`) gives the calls a week per
service, the call times (fitted per service, and over every call together as
:data:`POOLED`), the callers' patience (censored by the calls answered), the
centre's opening hours, and its agents on one shift of its own from their
activity (:mod:`simoffice.calibration.on_duty`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simoffice.calibration import fitting, visits
from simoffice.calibration import on_duty as duty_fit
from simoffice.calibration.arrivals import detect_holidays
from simoffice.calibration.fitted import CallCentreFit
from simoffice.calibration.logs import Described, Log, LogError
from simoffice.vocabulary import WEEKDAYS, hhmm

__all__ = ["POOLED", "fit_calls"]

# The key of the call-time fit of every call together.
POOLED = "(all calls)"


def fit_calls(calls: Log, ticket_services: list[str], notes: list[str]) -> CallCentreFit:
    """The contact centre: call times per service, callers' patience, hours and agents
    (on the centre's own shift, from the agents' activity)."""
    if calls.kind != "calls":
        raise LogError("call_id", None, "a call log after --calls",
                       Described(f"a ticket log: {calls.source}"))
    f = calls.frame
    period = pd.date_range(f["arrived"].min().normalize(), f["arrived"].max().normalize(), freq="D")
    daily = f["arrived"].dt.normalize().value_counts().reindex(period, fill_value=0)
    holidays = set(detect_holidays(daily))
    ordinary = pd.DatetimeIndex([d for d in period if d.date() not in holidays])
    as_tickets = f.rename(columns={"arrived": "issued"})
    hours = visits.opening_hours(as_tickets["issued"], ordinary)
    per_week = visits.per_week(as_tickets, period)
    services = sorted(f["service"].unique())
    by_service = {sv: visits.per_week(as_tickets[(as_tickets["service"] == sv).to_numpy()], period)
                  for sv in services}
    ok = f[f["service_ok"]]
    fits, samples = {}, {}
    pooled = ok["service_min"].to_numpy(dtype=float)
    if pooled.size == 0:
        raise LogError("answered_at", None, "some answered calls with a duration",
                       Described("none"))
    samples[POOLED], fits[POOLED] = pooled, fitting.fit_durations(pooled)
    for sv in services:
        x = ok.loc[ok["service"] == sv, "service_min"].to_numpy(dtype=float)
        if x.size and calls.has_services:
            samples[sv], fits[sv] = x, fitting.fit_durations(x)
    unknown = [sv for sv in services if calls.has_services and sv not in ticket_services]
    if unknown:
        n = int(f["service"].isin(unknown).sum())
        notes.append(f"{n} calls about services no ticket has ({', '.join(unknown)}) are left out: "
                     "every service needs a desk at the offices")
    w = f[f["wait_ok"]]
    t, event = w["wait_min"].to_numpy(dtype=float), (w["outcome"] == "abandoned").to_numpy()
    patience = fitting.fit_patience(t, event)
    # The centre's own shift: its opening hours on its open days.
    spans = {d: h for d, h in hours.items() if h is not None}
    if not spans:
        raise LogError("arrived_at", None, "calls on at least half of the days of some weekday",
                       Described("fewer"))
    lo = min(h[0] for h in spans.values())
    hi = max(h[1] for h in spans.values())
    shift = duty_fit.ShiftDef("day", lo, hi, frozenset(WEEKDAYS.index(d) for d in spans))
    answered = f[(f["outcome"] == "answered").to_numpy()].rename(
        columns={"agent": "desk", "answered": "called"}).assign(service="calls", office="contact centre")
    open_days = pd.DatetimeIndex(sorted(set(f["arrived"].dt.normalize()) & set(ordinary)))
    groups = duty_fit.fit_desk_groups(answered, open_days, [shift])
    on_duty = sum(g.on_duty for g in groups) if groups else np.zeros((7, duty_fit.BINS))
    staff = duty_fit.fit_staff(on_duty, [shift], weekdays=set(open_days.day_of_week)) or {"day": 1}
    agents = duty_fit.DeskGroupFit("agents", tuple(d for g in groups for d in g.desks), tuple(services), on_duty,
                                   staff, duty_fit.scheduled(staff, [shift]),
                                   sum(g.busy_min for g in groups), sum(g.duty_min for g in groups))
    notes.append("calls follow the offices' arrival profile (one profile for every channel); callers who "
                 "call again are counted as new calls (the call log has no caller id)")
    return CallCentreFit(calls, per_week, by_service, fits, samples, patience, (t, event),
                         visits.hours_text(hours),
                         agents, {"day": {"start": hhmm(lo), "end": hhmm(hi), "days": list(spans)}})
