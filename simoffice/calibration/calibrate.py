"""From an office's own queue-system log to a network config that runs.

``simoffice-calibrate LOG --out configs/network/NAME.yaml`` reads a ticket log
(:mod:`simoffice.calibration.logs`), fits what the model needs and writes a network config
that ``simoffice network=NAME`` runs, a ``calibration.html`` page of fitted
against observed (:mod:`simoffice.reports.calibration`) and a short summary:

- the **arrival profile**: mean tickets per weekday × time-of-day bin over the
  ordinary days of the log (public holidays given or detected are left out;
  :mod:`simoffice.calibration.arrivals`);
- **service times** per service: exponential, lognormal, gamma and Weibull
  fitted by maximum likelihood, the lowest AIC chosen (:mod:`simoffice.calibration.fitting`);
- **patience**: the same families fitted to the waits of tickets, where a
  reneged ticket's wait is the patience and a served ticket's wait a lower
  bound of it (right-censored), with the Kaplan–Meier curve to compare;
- **offices**: opening hours from the first and last arrivals of ordinary days
  (:mod:`simoffice.calibration.visits`), desk groups (desks that served the same services),
  and desks per shift of the schedule from the desks' activity
  (:mod:`simoffice.calibration.on_duty`); each office offers the services its
  own desks served, and its demand is its own tickets per service (tickets for a
  service no desk of the office served are odd rows, not its demand);
- **returns** (with client ids): the share of served needs that bring the
  client back for the same service within a week (``missing_document_prob``),
  the share of clients who reneged and came back (``return_prob``), and the
  demand counted in first visits only (:mod:`simoffice.calibration.visits`);
- **busyness** (day-to-day variability): the over-dispersion of each office's daily
  first-visit tickets, as the coefficient of variation of a gamma rate factor per day
  (:mod:`simoffice.calibration.busyness`);
- a **contact centre** from a call log (``--calls``), fitted in the same ways, or from an
  ACD interval report (``--intervals``, :mod:`simoffice.calibration.interval_report`).

The fits are collected in a :class:`~simoffice.calibration.fitted.Calibration`;
the network config and its YAML are written by :mod:`simoffice.calibration.network_yaml`,
the contact centre is fitted by :mod:`simoffice.calibration.calls`, and the text
summary comes from :mod:`simoffice.calibration.summary`.

What the model cannot hold is approximated, and said so in the YAML's header
and docs/pages/calibration.md: a bundle per service (single-need bundles), one client segment's
fits (copied to a segment per office when there are several), one arrival profile
shape for every office, staff as whole desks per shift of the chosen schedule
(default ``five_day``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from simoffice.calibration import arrivals, fitting, visits
from simoffice.calibration import on_duty as duty_fit
from simoffice.calibration.busyness import BusynessFit, daily_counts, fit_busyness
from simoffice.calibration.call_network import calls_only_calibration, centre_calibration
from simoffice.calibration.calls import fit_calls
from simoffice.calibration.fitted import Calibration, OfficeFit
from simoffice.calibration.fitting import Fits
from simoffice.calibration.interval_report import fit_interval_report
from simoffice.calibration.logs import Described, Log, LogError, OddRows
from simoffice.calibration.network_yaml import check_buildable, network_config
from simoffice.model.timetable import parse_opening
from simoffice.vocabulary import DAY, WEEKDAYS

__all__ = ["calibrate", "load_schedule", "PROG", "DEFAULT_SCHEDULE"]

PROG = "simoffice-calibrate"
DEFAULT_SCHEDULE = "five_day"
# The text a config (OmegaConf) reads as a missing value: no name can be it.
MISSING_MARK = "???"
# Desk hours on duty that the shifts written do not cover, as a share of those
# observed, above which the summary says so.
UNCOVERED_SHARE = 0.05


# ------------------------------------------------------------------ the schedule


def load_schedule(name_or_path: str, config_dir: Path | None = None) -> dict:
    """A schedule config by name (``configs/schedule/<name>.yaml``) or path, as a dict."""
    from omegaconf import OmegaConf

    from simoffice.config.compose import CONFIG_DIR

    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = (config_dir or CONFIG_DIR) / "schedule" / f"{name_or_path}.yaml"
    if not path.is_file():
        options = sorted(p.stem for p in ((config_dir or CONFIG_DIR) / "schedule").glob("*.yaml"))
        raise ValueError(f"--schedule: expected one of {options} or a schedule YAML file (got {name_or_path!r})")
    cfg = OmegaConf.to_container(OmegaConf.load(path), resolve=True)
    if not isinstance(cfg, dict) or not isinstance(cfg.get("shifts"), dict):
        raise ValueError(f"--schedule: expected a schedule with shifts (got {str(path)!r})")
    return cfg


# ------------------------------------------------------------------ calibration


def calibrate(log: Log | None, *, name: str, bin_min: int = 60, holidays: Sequence[dt.date] = (),
              detect_holidays: bool = True, schedule: dict | None = None, schedule_name: str = DEFAULT_SCHEDULE,
              return_window_days: int = visits.RETURN_WINDOW_DAYS, calls: Log | None = None,
              short_abandon_sec: float = 0.0, intervals: Log | None = None) -> Calibration:
    """Fit a network to a ticket log (and optionally a call log or an interval report),
    or to a call log or an interval report alone.

    Args:
        log: a ticket log from :func:`simoffice.calibration.logs.read_log`; None: ``calls``
            or ``intervals`` alone make a contact-centre network
            (:mod:`simoffice.calibration.call_network`).
        name: the network's name (the YAML file's stem).
        bin_min: width of the arrival profile's time-of-day bins (divides 1440).
        holidays: days to leave out of the profile (public holidays).
        detect_holidays: also leave out days with no ticket whose weekday usually has many.
        schedule: the schedule config whose shifts staff the desks (default ``five_day``).
        return_window_days: how soon a client must come back for a ticket to count as a return.
        calls: a call log, for a contact centre.
        short_abandon_sec: abandoned calls that waited less than this are dropped (not calls).
        intervals: an ACD interval report
            (:func:`~simoffice.calibration.interval_report.read_interval_report`), for a
            contact centre when there is no call log.

    Raises:
        LogError: a call log given as the ticket log, or a log with nothing to fit.
        ValueError: ``bin_min`` does not divide a day; both ``calls`` and ``intervals``.
    """
    if log is not None and log.kind != "tickets":
        raise LogError("ticket_id", None, "a ticket log as LOG (a call log goes with --calls)",
                       Described(f"a call log: {log.source}"))
    if bin_min < 1 or DAY % bin_min:
        raise ValueError(f"--bin-min: expected a divisor of 1440 such as 15, 30 or 60 (got {bin_min})")
    schedule = schedule if schedule is not None else load_schedule(schedule_name)
    shifts = duty_fit.shifts_from_config(schedule["shifts"])
    if calls is not None and intervals is not None:
        raise ValueError(f"--intervals: expected either a call log (--calls) or an interval report (--intervals), "
                         f"not both (got {calls.source!r} and {intervals.source!r})")
    if log is None:
        if calls is None and intervals is None:
            raise ValueError("calibrate: expected a ticket log, a call log or an interval report (got none)")
        if calls is not None:
            cal = calls_only_calibration(calls, name=name, shifts=shifts, bin_min=bin_min, holidays=holidays,
                                         detect_holidays=detect_holidays, short_abandon_sec=short_abandon_sec,
                                         schedule_name=schedule_name)
        else:
            notes: list[str] = []
            cal = centre_calibration(fit_interval_report(intervals, None, notes), notes, name=name, shifts=shifts,
                                     schedule_name=schedule_name)
        cal.network = network_config(cal)
        check_buildable(cal, schedule)
        return cal
    notes = []
    frame, odd = log.frame, list(log.odd)
    _refuse_missing_marks(frame)
    counts = _counts(frame)
    tickets = frame[frame["outcome"] != "no_show"]  # the arrivals: a no-show never came
    if tickets.empty:
        raise LogError("outcome", None, "some tickets other than no_show",
                       Described("only no_show tickets"))
    first_day, last_day = tickets["issued"].min().date(), tickets["issued"].max().date()
    period = pd.date_range(first_day, last_day, freq="D")
    daily, left_out = _left_out(tickets, period, holidays, detect_holidays)
    ordinary = pd.DatetimeIndex([d for d in period if d.date() not in left_out])
    on_holiday = tickets["issued"].dt.date.isin(set(left_out)).to_numpy()
    log_rows = tickets["row"].to_numpy()
    _add_odd(odd, "tickets on a holiday", log_rows[on_holiday],
             "left out of the arrival profile and of the desks' activity")
    returns = visits.fit_returns(tickets, last_day, return_window_days, log.has_client_ids)
    offices, outside = _fit_offices(tickets, returns, on_holiday, ordinary, period, shifts, schedule_name, notes)
    _add_odd(odd, "tickets issued outside the office's usual hours", log_rows[outside & ~on_holiday],
             "counted in the demand; the model's clients come within the opening hours")
    _add_odd(odd, "tickets for a service no desk of their office served", log_rows[_not_offered(tickets, offices)],
             "left out of the office's demand: the office does not offer the service in the model")
    profile = _fit_profile(tickets, offices, daily, period, bin_min, left_out, detect_holidays)
    services = sorted(tickets["service"].unique())
    service_fits, service_samples = _fit_services(frame, services, notes)
    patience, patience_sample = _patience(frame)
    if patience is None:
        notes.append("no ticket reneged: patience is left out (clients never leave the queue)")
    call_fit = None
    if calls is not None:
        call_fit = fit_calls(calls, services, notes, bin_min=bin_min, holidays=holidays, detect=detect_holidays,
                             short_abandon_sec=short_abandon_sec)
    elif intervals is not None:
        call_fit = fit_interval_report(intervals, services, notes)
    cal = Calibration(name, log, first_day, last_day, schedule_name, shifts, profile, service_fits,
                      service_samples, patience, patience_sample, offices, returns, odd, counts, call_fit, notes)
    if counts["appointment"]:
        notes.append(f"{counts['appointment']} appointment tickets are modelled as walk-ins")
    cal.busyness = _fit_busyness(tickets, returns, offices, profile, period)
    cal.network = network_config(cal)
    check_buildable(cal, schedule)
    return cal


def _counts(frame: pd.DataFrame) -> dict[str, int]:
    """Tickets in the log: in all, by outcome, and booked (appointments)."""
    counts = {k: int((frame["outcome"] == k).sum()) for k in ("served", "reneged", "sent_away", "no_show")}
    counts["tickets"] = len(frame)
    counts["appointment"] = int((frame["channel"] == "appointment").sum())
    return counts


def _left_out(tickets: pd.DataFrame, period: pd.DatetimeIndex, holidays: Sequence[dt.date],
              detect: bool) -> tuple[pd.Series, dict[dt.date, str]]:
    """Tickets per day of the period, and the holidays left out with why: given, or
    (``detect``) a day with no ticket whose weekday usually has many."""
    daily = tickets["issued"].dt.normalize().value_counts().reindex(period, fill_value=0)
    left_out = {d: "given" for d in holidays}
    if detect:
        for d in arrivals.detect_holidays(daily):
            left_out.setdefault(d, "detected")
    return daily, left_out


def _fit_offices(tickets: pd.DataFrame, returns: visits.ReturnsFit, on_holiday: np.ndarray,
                 ordinary: pd.DatetimeIndex, period: pd.DatetimeIndex, shifts: list[duty_fit.ShiftDef],
                 schedule_name: str, notes: list[str]) -> tuple[list[OfficeFit], np.ndarray]:
    """Each office's demand, opening hours and desks, in the order of its first ticket; and
    which tickets were issued outside their office's hours."""
    first_visits = tickets[returns.first_visit]
    arriving = visits.arriving(tickets)
    offices = []
    outside = np.zeros(len(tickets), dtype=bool)
    for office_name in sorted(tickets["office"].unique(), key=_office_order(tickets)):
        mine = (tickets["office"] == office_name).to_numpy()
        part = tickets[mine & ~on_holiday]
        hours = visits.opening_hours(part.loc[arriving[mine & ~on_holiday], "issued"], ordinary)
        outside[mine] = visits.outside_hours(tickets[mine], hours)
        open_days = pd.DatetimeIndex(sorted(set(part["issued"].dt.normalize()) & set(ordinary)))
        served = part[(part["outcome"] == "served").to_numpy()]
        groups = duty_fit.fit_desk_groups(served, open_days, shifts)
        _staff_every_group(groups, shifts, office_name, schedule_name, notes)
        # Demand over every day of the period, holidays included: clients who find the office
        # closed come another day (as the model's clients do), so a holiday moves demand, not removes it.
        per_week = visits.per_week(first_visits[(first_visits["office"] == office_name).to_numpy()], period)
        offices.append(OfficeFit(office_name, int(mine.sum()), per_week, visits.hours_text(hours), groups,
                                 len(open_days)))
    return offices, outside


def _staff_every_group(groups: list[duty_fit.DeskGroupFit], shifts: list[duty_fit.ShiftDef], office_name: str,
                       schedule_name: str, notes: list[str]) -> None:
    """Give a desk group without a whole desk on any shift one desk on its busiest shift,
    and note it, and note desk hours the shifts written leave uncovered."""
    for g in groups:
        if not g.staff:
            best = max(shifts, key=lambda s: float((s.coverage() * g.on_duty).sum()))
            g.staff = {best.name: 1}
            g.scheduled = duty_fit.scheduled(g.staff, shifts)
            notes.append(f"{office_name}, {g.name}: fewer than half a desk on duty on average in every shift "
                         f"of schedule {schedule_name!r}; written as 1 desk on shift {best.name!r}")
        if g.uncovered_desk_hours >= UNCOVERED_SHARE * g.observed_desk_hours:
            notes.append(f"{office_name}, {g.name}: {g.uncovered_desk_hours:.0f} of "
                         f"{g.observed_desk_hours:.0f} desk hours a week on duty are not covered by the "
                         f"desks per shift of schedule {schedule_name!r}")


def _refuse_missing_marks(frame: pd.DataFrame) -> None:
    """Refuse an office or service named ``???``: a config reads that text as a missing
    value, so it cannot stay a name (every other text can; see network_yaml).

    Raises:
        LogError: naming the column and the first such row.
    """
    for column in ("office", "service"):
        hit = (frame[column] == MISSING_MARK).to_numpy()
        if hit.any():
            raise LogError(column, int(frame["row"].to_numpy()[hit][0]),
                           f"a name other than {MISSING_MARK!r} (what a config reads as a missing value)",
                           MISSING_MARK)


def _not_offered(tickets: pd.DataFrame, offices: list[OfficeFit]) -> np.ndarray:
    """Which tickets are for a service that no desk of their office served: the office
    does not offer it (its clients for it are not the office's demand)."""
    offered = {(o.name, s) for o in offices for g in o.desk_groups for s in g.services}
    pairs = zip(tickets["office"].to_numpy(), tickets["service"].to_numpy())
    return np.array([(o, s) not in offered for o, s in pairs], dtype=bool)


def _fit_profile(tickets: pd.DataFrame, offices: list[OfficeFit], daily: pd.Series, period: pd.DatetimeIndex,
                 bin_min: int, left_out: dict[dt.date, str], detect: bool) -> arrivals.ArrivalFit:
    """The arrival profile, over the span of every office's opening hours."""
    spans = [parse for o in offices for parse in _hours_minutes(o.opening_hours)]
    if not spans:
        raise LogError("issued_at", None, "tickets on at least half of the days of some weekday",
                       Described(f"tickets on {daily.gt(0).sum()} of {len(period)} days"))
    start = min(a for a, _ in spans) // bin_min * bin_min
    end = min(DAY, -(-max(b for _, b in spans) // bin_min) * bin_min)
    return arrivals.fit_arrivals(tickets["issued"], bin_min, start, end, period[0].date(), period[-1].date(),
                                 holidays=[d for d, why in left_out.items() if why == "given"], detect=detect)


def _fit_busyness(tickets: pd.DataFrame, returns: visits.ReturnsFit, offices: list[OfficeFit],
                  profile: arrivals.ArrivalFit, period: pd.DatetimeIndex) -> BusynessFit:
    """The day-to-day variability of each office's first-visit tickets (the model's factor
    scales new bundles, not returns), over the ordinary days of its open weekdays."""
    skip = set(profile.holidays) | set(profile.after_holidays)
    days = pd.DatetimeIndex([d for d in period if d.date() not in skip])
    first = tickets[returns.first_visit]
    open_weekdays = {o.name: {i for i, d in enumerate(WEEKDAYS) if o.opening_hours.get(d)} for o in offices}
    return fit_busyness(daily_counts(first["issued"], first["office"], days, open_weekdays))


def _fit_services(frame: pd.DataFrame, services: list[str], notes: list[str]) -> tuple[dict, dict]:
    """Per service served in the log, the fits of its service times (minutes) and the sample;
    a service served with no usable service time gets the fit of every service's times pooled
    (and a note); a service never served is left out of the network (and noted)."""
    fits, samples = {}, {}
    ok = frame[frame["service_ok"]]
    pooled = ok["service_min"].to_numpy(dtype=float)
    if pooled.size == 0:
        raise LogError("outcome", None, "at least one served ticket with a service time", Described("none"))
    served = set(frame.loc[frame["outcome"] == "served", "service"])
    for s in services:
        if s not in served:
            notes.append(f"service {s!r} was never served in the log: no desk offers it, so it is left out "
                         "of the network (its tickets are not demand)")
            continue
        x = ok.loc[ok["service"] == s, "service_min"].to_numpy(dtype=float)
        if x.size == 0:
            notes.append(f"service {s!r} has no usable service time in the log: its service time is the "
                         "pooled fit of every service")
            x = pooled
        samples[s] = x
        fits[s] = fitting.fit_durations(x)
    return fits, samples


def _patience(frame: pd.DataFrame) -> tuple[Fits | None, tuple[np.ndarray, np.ndarray]]:
    """The fits of the clients' patience (None if nobody reneged), and the waits (minutes)
    with whether each ended by reneging."""
    w = frame[frame["wait_ok"]]
    t = w["wait_min"].to_numpy(dtype=float)
    event = (w["outcome"] == "reneged").to_numpy()
    return fitting.fit_patience(t, event), (t, event)


def _add_odd(odd: list[OddRows], what: str, rows: np.ndarray, action: str) -> None:
    if len(rows):
        odd.append(OddRows(what, tuple(int(r) for r in np.sort(rows)), action))


def _office_order(frame: pd.DataFrame):
    first = frame.groupby("office")["row"].min()
    return lambda name: int(first[name])


def _hours_minutes(hours: dict[str, str | None]) -> list[tuple[int, int]]:
    """Every open interval of some opening hours (weekday -> "HH:MM-HH:MM", or several
    comma-separated intervals, or None), in minutes since midnight."""
    return [pair for day, h in hours.items() if h is not None for pair in parse_opening(h, f"opening_hours.{day}")]
