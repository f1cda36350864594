"""The contact centre from a call log: its calls, talk times, callers' patience, hours and agents.

A call log (:mod:`simoffice.calibration.call_log`) gives, for the centre on its own:

- the **arrival profile**: calls joining the queue per weekday × time-of-day bin
  over the ordinary days (holidays given or detected left out;
  :func:`simoffice.calibration.arrivals.fit_arrivals`), and the calls a week
  per call type (``service``), counting first attempts only when customer ids
  show retries; with several call types, each type's own profile too;
- **talk times** per call type, and over every call together as :data:`POOLED`
  (:func:`simoffice.calibration.fitting.fit_durations`);
- the callers' **patience**, by censored maximum likelihood: an abandoned call's
  wait is the patience, an answered call's wait a lower bound of it;
- **retries** from customer ids (:mod:`simoffice.calibration.call_retries`);
- **opening hours** from the first and last calls of the days
  (:func:`simoffice.calibration.visits.opening_hours`), and the **agents** on
  duty per 15-minute interval from their activity (first answer to last end of
  each agent's day, from the opening or to the closing when within
  :data:`SNAP_MIN` of it), written as the
  centre's own shifts (:mod:`simoffice.calibration.call_shifts`).

Abandoned calls shorter than ``short_abandon_sec`` (a misdial, a caller who hung
up at once) may be dropped: counted, and left out of every fit.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from simoffice.calibration import fitting, visits
from simoffice.calibration import on_duty as duty_fit
from simoffice.calibration.arrivals import ArrivalFit, detect_holidays, fit_arrivals
from simoffice.calibration.call_retries import fit_retries
from simoffice.calibration.call_shifts import shifts_for
from simoffice.calibration.fitted import CallCentreFit
from simoffice.calibration.logs import Described, Log, LogError
from simoffice.vocabulary import DAY, WEEKDAYS

__all__ = ["POOLED", "fit_calls"]

# The key of the call-time fit of every call together.
POOLED = "(all calls)"
# An agent's first answer (last end) of a day this close to the opening (closing) means on duty from it.
SNAP_MIN = 45
# Call types get arrival profiles of their own when a test of one profile for all rejects it at this level.
PROFILE_ALPHA = 0.01


def fit_calls(calls: Log, ticket_services: list[str] | None, notes: list[str], *, bin_min: int = 60,
              holidays: Sequence[dt.date] = (), detect: bool = True, short_abandon_sec: float = 0.0
              ) -> CallCentreFit:
    """The contact centre of a call log.

    Args:
        calls: a call log from :func:`simoffice.calibration.logs.read_log`.
        ticket_services: the ticket log's services (a call type no ticket has is noted),
            or None for a call log on its own.
        notes: what the summary should say is appended here.
        bin_min: the arrival profile's bins (minutes, a divisor of 1440).
        holidays, detect: days to leave out of the profile, and whether to detect more.
        short_abandon_sec: abandoned calls that waited less than this are dropped.

    Raises:
        LogError: a ticket log given as the call log, no answered call, or calls on
            too few days to tell the opening hours.
    """
    if calls.kind != "calls":
        raise LogError("call_id", None, "a call log after --calls",
                       Described(f"a ticket log: {calls.source}"))
    f = _drop_short_abandons(calls, short_abandon_sec)
    retries = fit_retries(f)
    period = pd.date_range(f["arrived"].min().normalize(), f["arrived"].max().normalize(), freq="D")
    daily = f["arrived"].dt.normalize().value_counts().reindex(period, fill_value=0)
    left_out = set(holidays) | (set(detect_holidays(daily)) if detect else set())
    ordinary = pd.DatetimeIndex([d for d in period if d.date() not in left_out])
    hours = visits.opening_hours(f["arrived"], ordinary)
    spans = {d: h for d, h in hours.items() if h is not None}
    if not spans:
        raise LogError("arrived_at", None, "calls on at least half of the days of some weekday",
                       Described(f"calls on {int(daily.gt(0).sum())} of {len(period)} days"))
    first = f[~retries.is_retry].rename(columns={"arrived": "issued"})
    # Retries not seen (callers without a known id) are not new calls either.
    unseen = 1.0 - (retries.retries - retries.is_retry.sum()) / max(len(first), 1)
    per_week = visits.per_week(first, period) * unseen
    services = sorted(f["service"].unique())
    by_service = {sv: visits.per_week(first[(first["service"] == sv).to_numpy()], period) * unseen
                  for sv in services}
    fits, samples = _call_times(f, services, calls.has_services)
    w = f[f["wait_ok"]]
    t, event = w["wait_min"].to_numpy(dtype=float), (w["outcome"] == "abandoned").to_numpy()
    patience = fitting.fit_patience(t, event)
    start = min(h[0] for h in spans.values()) // bin_min * bin_min
    end = min(DAY, -(-max(h[1] for h in spans.values()) // bin_min) * bin_min)
    profile = fit_arrivals(f.loc[~retries.is_retry, "arrived"], bin_min, start, end, period[0].date(),
                           period[-1].date(), holidays=list(holidays), detect=detect)
    by_type = _profiles_by_type(f.loc[~retries.is_retry], services, profile, notes) \
        if calls.has_services and len(services) > 1 else {}
    agents, shifts = _agents(f, ordinary, services, hours)
    if ticket_services is not None and calls.has_services:
        unknown = [sv for sv in services if sv not in ticket_services]
        if unknown:
            n = int(f["service"].isin(unknown).sum())
            notes.append(f"{n} calls about services no ticket has ({', '.join(unknown)}) are left out: "
                         "every service needs a desk at the offices")
    if ticket_services is not None:
        notes.append("callers are a zone of their own, with the calls' arrival profile; the contact centre "
                     "has its own opening hours and shifts")
    if retries.placeholders:
        notes.append(f"customer ids {', '.join(repr(p) for p in retries.placeholders[:3])} have more than "
                     "20 calls on some day: taken for placeholders of unidentified callers")
    counts = {"calls": len(calls.frame), "kept": len(f),
              "answered": int((f["outcome"] == "answered").sum()),
              "abandoned": int((f["outcome"] == "abandoned").sum()),
              "short_abandons": len(calls.frame) - len(f), "retries": int(retries.is_retry.sum())}
    return CallCentreFit(calls, per_week, by_service, fits, samples, patience, (t, event),
                         visits.hours_text(hours), agents, shifts, arrivals=profile, retries=retries, counts=counts,
                         arrivals_by_service=by_type)


def _profiles_by_type(first: pd.DataFrame, services: list[str], pooled: ArrivalFit,
                      notes: list[str]) -> dict[str, ArrivalFit]:
    """Each call type's own arrival profile (first attempts, the pooled profile's bins and
    holidays), when the types' calls are spread over weekday × bin differently: a G-test of
    homogeneity of the types' counts per cell at level :data:`PROFILE_ALPHA`. Otherwise none
    (every type follows the pooled profile, which their split would only make noisier)."""
    a = pooled
    first_day, last_day = a.daily.index[0].date(), a.daily.index[-1].date()
    own = {sv: fit_arrivals(first.loc[(first["service"] == sv).to_numpy(), "arrived"], a.bin_min, a.start_min,
                            a.start_min + a.bin_min * a.rates.shape[1], first_day, last_day,
                            holidays=list(a.holidays), detect=False) for sv in services}
    counts = np.array([(fit.rates * fit.days[:, None]).ravel() for fit in own.values()])
    counts = counts[:, counts.sum(axis=0) > 0]
    p = 1.0 if counts.shape[1] < 2 else float(stats.chi2_contingency(counts, lambda_="log-likelihood")[1])
    if p >= PROFILE_ALPHA:
        notes.append(f"the call types' calls come at the same times (G-test of their weekday × bin counts, "
                     f"p = {p:.2g}): one arrival profile for every type")
        return {}
    notes.append(f"each call type has its own arrival profile (its weekday × bin counts differ from the others', "
                 f"G-test p = {p:.2g})")
    return own


def _drop_short_abandons(calls: Log, short_abandon_sec: float) -> pd.DataFrame:
    """The calls less abandoned ones that waited under ``short_abandon_sec`` (counted as odd rows)."""
    f = calls.frame
    if short_abandon_sec <= 0:
        return f
    short = ((f["outcome"] == "abandoned") & f["abandoned"].notna()
             & (f["wait_min"] * 60 < short_abandon_sec)).to_numpy()
    if short.any() and not any(o.what.startswith("abandoned calls that waited under") for o in calls.odd):
        calls.add_odd(f"abandoned calls that waited under {short_abandon_sec:g} s", f.loc[short, "row"],
                      "left out (not counted as calls)")
    return f[~short].reset_index(drop=True)


def _call_times(f: pd.DataFrame, services: list[str], has_services: bool) -> tuple[dict, dict]:
    """Talk-time fits (minutes) per call type and over every call (:data:`POOLED`)."""
    ok = f[f["service_ok"]]
    pooled = ok["service_min"].to_numpy(dtype=float)
    if pooled.size == 0:
        raise LogError("answered_at", None, "some answered calls with a duration", Described("none"))
    fits, samples = {POOLED: fitting.fit_durations(pooled)}, {POOLED: pooled}
    for sv in services:
        x = ok.loc[ok["service"] == sv, "service_min"].to_numpy(dtype=float)
        if x.size and has_services:
            samples[sv], fits[sv] = x, fitting.fit_durations(x)
    return fits, samples


def _agents(f: pd.DataFrame, ordinary: pd.DatetimeIndex, services: list[str],
            hours: dict[str, tuple[int, int] | None]) -> tuple[duty_fit.DeskGroupFit, dict[str, dict]]:
    """The agents (one group, every call type) on the centre's own shifts, from their activity:
    an agent is on duty from the first answer to the last end of a day, and from the opening
    (to the closing) when that answer (end) is within :data:`SNAP_MIN` of it: the first call of a
    quiet opening hour comes a while after the agent started."""
    answered = f[(f["outcome"] == "answered").to_numpy()].rename(
        columns={"agent": "desk", "answered": "called"}).assign(service="calls", office="contact centre")
    open_days = pd.DatetimeIndex(sorted(set(f["arrived"].dt.normalize()) & set(ordinary)))
    spans = duty_fit.desk_spans(answered)
    spans = spans[spans["day"].isin(open_days)].reset_index(drop=True)
    weekday = pd.DatetimeIndex(spans["day"]).day_of_week
    opens = np.array([(hours[WEEKDAYS[d]] or (np.nan, np.nan))[0] for d in weekday], dtype=float)
    closes = np.array([(hours[WEEKDAYS[d]] or (np.nan, np.nan))[1] for d in weekday], dtype=float)
    start, end = spans["start"].to_numpy(dtype=float), spans["end"].to_numpy(dtype=float)
    spans["start"] = np.where((start >= opens) & (start - opens <= SNAP_MIN), opens, start)
    spans["end"] = np.where((end <= closes) & (closes - end <= SNAP_MIN), closes, end)
    on_duty = _on_duty(spans, open_days)
    plan = shifts_for(on_duty, duty_fit.STAFF_BIN_MIN)
    if not plan.staff:  # under half an agent on duty on average everywhere: whole agents where any was
        plan = shifts_for(np.ceil(on_duty), duty_fit.STAFF_BIN_MIN)
    agents = duty_fit.DeskGroupFit("agents", tuple(sorted(spans["desk"].astype(str).unique())), tuple(services),
                                   on_duty, dict(plan.staff), plan.scheduled, float(spans["busy"].sum()),
                                   float((spans["end"] - spans["start"]).sum()))
    return agents, plan.shifts


def _on_duty(spans: pd.DataFrame, days: pd.DatetimeIndex) -> np.ndarray:
    """(7, BINS) mean agents on duty per weekday × 15-minute bin over ``days``."""
    width = duty_fit.STAFF_BIN_MIN
    edges = np.arange(duty_fit.BINS + 1) * width
    per_day = np.zeros((len(days), duty_fit.BINS))
    index = {d: i for i, d in enumerate(days)}
    for row in spans.itertuples(index=False):
        per_day[index[pd.Timestamp(row.day)]] += np.clip(np.minimum(edges[1:], row.end)
                                                         - np.maximum(edges[:-1], row.start), 0, None) / width
    out = np.zeros((7, duty_fit.BINS))
    for d in range(7):
        mine = days.day_of_week == d
        if mine.any():
            out[d] = per_day[mine].mean(axis=0)
    return out
