"""From an office's own queue-system log to a network config that runs.

``simoffice-calibrate LOG --out configs/network/NAME.yaml`` reads a ticket log
(:mod:`simoffice.calibration.logs`), fits what the model needs and writes a network config
that ``simoffice network=NAME`` runs, a ``calibration.html`` page of fitted
against observed (:mod:`simoffice.reports.calibration`) and a short summary:

- the **arrival profile**: mean tickets per weekday × time-of-day bin over the
  ordinary days of the log (public holidays given or detected are left out);
- **service times** per service: exponential, lognormal, gamma and Weibull
  fitted by maximum likelihood, the lowest AIC chosen (:mod:`simoffice.calibration.fitting`);
- **patience**: the same families fitted to the waits of tickets, where a
  reneged ticket's wait is the patience and a served ticket's wait a lower
  bound of it (right-censored), with the Kaplan–Meier curve to compare;
- **offices**: opening hours from the first and last arrivals of ordinary days
  (:mod:`simoffice.calibration.visits`), desk groups (desks that served the same services),
  and desks per shift of the schedule from the desks' activity
  (:mod:`simoffice.calibration.on_duty`);
- **returns** (with client ids): the share of served needs that bring the
  client back for the same service within a week (``missing_document_prob``),
  the share of clients who reneged and came back (``return_prob``), and the
  demand counted in first visits only (:mod:`simoffice.calibration.visits`);
- a **contact centre** from a call log (``--calls``), fitted in the same ways.

What the model cannot hold is approximated, and said so in the YAML's header
and the README: a bundle per service (single-need bundles), one client segment,
one arrival profile shape for every office, staff as whole desks per shift of
the chosen schedule (default ``five_day``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd
import yaml

from simoffice.calibration import fitting

from simoffice.calibration import visits
from simoffice.calibration import on_duty as duty_fit
from simoffice.files import atomic_write
from simoffice.calibration.fitting import ArrivalFit, Fits
from simoffice.calibration.logs import Described, Log, LogError, OddRows, read_log
from simoffice.vocabulary import DAY, WEEKDAYS, hhmm

__all__ = ["Calibration", "OfficeFit", "CallCentreFit", "calibrate", "network_yaml",
           "write_network", "format_summary", "load_schedule", "main"]

PROG = "simoffice-calibrate"
SEGMENT = "clients"
# The key of the call-time fit of every call together.
POOLED = "(all calls)"
DEFAULT_SCHEDULE = "five_day"
# Desk hours on duty that the shifts written do not cover, as a share of those
# observed, above which the summary says so.
UNCOVERED_SHARE = 0.05


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


# ------------------------------------------------------------------ pieces


def _fit_services(frame: pd.DataFrame, services: list[str], notes: list[str]) -> tuple[dict, dict]:
    fits, samples = {}, {}
    ok = frame[frame["service_ok"]]
    pooled = ok["service_min"].to_numpy(dtype=float)
    for s in services:
        x = ok.loc[ok["service"] == s, "service_min"].to_numpy(dtype=float)
        if x.size == 0:
            if pooled.size == 0:
                raise LogError("outcome", None, "at least one served ticket with a service time",
                               Described("none"))
            notes.append(f"service {s!r} was never served in the log: its service time is the pooled fit "
                         "of every service")
            x = pooled
        samples[s] = x
        fits[s] = fitting.fit_durations(x)
    return fits, samples


def _patience(frame: pd.DataFrame) -> tuple[Fits | None, tuple[np.ndarray, np.ndarray]]:
    w = frame[frame["wait_ok"]]
    t = w["wait_min"].to_numpy(dtype=float)
    event = (w["outcome"] == "reneged").to_numpy()
    return fitting.fit_patience(t, event), (t, event)


# ------------------------------------------------------------------ calibration


def calibrate(log: Log, *, name: str, bin_min: int = 60, holidays: Sequence[dt.date] = (),
              detect_holidays: bool = True, schedule: dict | None = None, schedule_name: str = DEFAULT_SCHEDULE,
              return_window_days: int = visits.RETURN_WINDOW_DAYS, calls: Log | None = None) -> Calibration:
    """Fit a network to a ticket log (and optionally a call log).

    Args:
        log: a ticket log from :func:`simoffice.calibration.logs.read_log`.
        name: the network's name (the YAML file's stem).
        bin_min: width of the arrival profile's time-of-day bins (divides 1440).
        holidays: days to leave out of the profile (public holidays).
        detect_holidays: also leave out days with no ticket whose weekday usually has many.
        schedule: the schedule config whose shifts staff the desks (default ``five_day``).
        return_window_days: how soon a client must come back for a ticket to count as a return.
        calls: a call log, for a contact centre.
    """
    if log.kind != "tickets":
        raise LogError("ticket_id", None, "a ticket log as LOG (a call log goes with --calls)",
                       Described(f"a call log: {log.source}"))
    if bin_min < 1 or DAY % bin_min:
        raise ValueError(f"--bin-min: expected a divisor of 1440 such as 15, 30 or 60 (got {bin_min})")
    schedule = schedule if schedule is not None else load_schedule(schedule_name)
    shifts = duty_fit.shifts_from_config(schedule["shifts"])
    notes: list[str] = []
    frame = log.frame
    odd = list(log.odd)
    counts = {k: int((frame["outcome"] == k).sum()) for k in ("served", "reneged", "sent_away", "no_show")}
    counts["tickets"] = len(frame)
    counts["appointment"] = int((frame["channel"] == "appointment").sum())
    arrivals_frame = frame[frame["outcome"] != "no_show"]
    if arrivals_frame.empty:
        raise LogError("outcome", None, "some tickets other than no_show",
                       Described("only no_show tickets"))
    first_day = arrivals_frame["issued"].min().date()
    last_day = arrivals_frame["issued"].max().date()
    period = pd.date_range(first_day, last_day, freq="D")

    # Holidays: given, or a day with no ticket whose weekday usually has many.
    daily = arrivals_frame["issued"].dt.normalize().value_counts().reindex(period, fill_value=0)
    left_out = {d: "given" for d in holidays}
    if detect_holidays:
        for d in fitting.detect_holidays(daily):
            left_out.setdefault(d, "detected")
    ordinary = pd.DatetimeIndex([d for d in period if d.date() not in left_out])
    on_holiday = arrivals_frame["issued"].dt.date.isin(set(left_out)).to_numpy()
    log_rows = arrivals_frame["row"].to_numpy()
    _add_odd(odd, "tickets on a holiday", log_rows[on_holiday],
             "left out of the arrival profile and of the desks' activity")

    # Returns, then each office's demand, hours and desks.
    returns = visits.fit_returns(arrivals_frame, last_day, return_window_days, log.has_client_ids)
    first_visits = arrivals_frame[returns.first_visit]
    arriving = visits.arriving(arrivals_frame)
    offices = []
    outside = np.zeros(len(arrivals_frame), dtype=bool)
    for office_name in sorted(arrivals_frame["office"].unique(), key=_office_order(arrivals_frame)):
        mine = (arrivals_frame["office"] == office_name).to_numpy()
        part = arrivals_frame[mine & ~on_holiday]
        hours = visits.opening_hours(part.loc[arriving[mine & ~on_holiday], "issued"], ordinary)
        outside[mine] = visits.outside_hours(arrivals_frame[mine], hours)
        open_days = pd.DatetimeIndex(sorted(set(part["issued"].dt.normalize()) & set(ordinary)))
        served = part[(part["outcome"] == "served").to_numpy()]
        groups = duty_fit.fit_desk_groups(served, open_days, shifts)
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
        # Demand over every day of the period, holidays included: clients who find the office
        # closed come another day (as the model's clients do), so a holiday moves demand, not removes it.
        per_week = visits.per_week(first_visits[(first_visits["office"] == office_name).to_numpy()], period)
        offices.append(OfficeFit(office_name, int(mine.sum()), per_week, visits.hours_text(hours), groups,
                                 len(open_days)))
    _add_odd(odd, "tickets issued outside the office's usual hours", log_rows[outside & ~on_holiday],
             "counted in the demand; the model's clients come within the opening hours")

    # The arrival profile over the span of every office's hours.
    spans = [parse for o in offices for parse in _hours_minutes(o.opening_hours)]
    if not spans:
        raise LogError("issued_at", None, "tickets on at least half of the days of some weekday",
                       Described(f"tickets on {daily.gt(0).sum()} of {len(period)} days"))
    start = min(a for a, _ in spans) // bin_min * bin_min
    end = min(DAY, -(-max(b for _, b in spans) // bin_min) * bin_min)
    arrivals = fitting.fit_arrivals(arrivals_frame["issued"], bin_min, start, end, first_day, last_day,
                                    holidays=[d for d, why in left_out.items() if why == "given"],
                                    detect=detect_holidays)

    services = sorted(arrivals_frame["service"].unique())
    service_fits, service_samples = _fit_services(frame, services, notes)
    patience, patience_sample = _patience(frame)
    if patience is None:
        notes.append("no ticket reneged: patience is left out (clients never leave the queue)")
    call_fit = _fit_calls(calls, services, notes) if calls is not None else None
    cal = Calibration(name, log, first_day, last_day, schedule_name, shifts, arrivals, service_fits,
                      service_samples, patience, patience_sample, offices, returns, odd, counts, call_fit, notes)
    if counts["appointment"]:
        notes.append(f"{counts['appointment']} appointment tickets are modelled as walk-ins")
    cal.network = network_config(cal)
    _check_buildable(cal, schedule)
    return cal


def _add_odd(odd: list[OddRows], what: str, rows: np.ndarray, action: str) -> None:
    if len(rows):
        odd.append(OddRows(what, tuple(int(r) for r in np.sort(rows)), action))


def _office_order(frame: pd.DataFrame):
    first = frame.groupby("office")["row"].min()
    return lambda name: int(first[name])


def _hours_minutes(hours: dict[str, str | None]) -> list[tuple[int, int]]:
    out = []
    for h in hours.values():
        if h is not None:
            a, b = h.split("-")
            out.append((int(a[:2]) * 60 + int(a[3:]), int(b[:2]) * 60 + int(b[3:])))
    return out


def _fit_calls(calls: Log, ticket_services: list[str], notes: list[str]) -> CallCentreFit:
    """The contact centre: call times per service, callers' patience, hours and agents
    (on the centre's own shift, from the agents' activity)."""
    if calls.kind != "calls":
        raise LogError("call_id", None, "a call log after --calls",
                       Described(f"a ticket log: {calls.source}"))
    f = calls.frame
    period = pd.date_range(f["arrived"].min().normalize(), f["arrived"].max().normalize(), freq="D")
    daily = f["arrived"].dt.normalize().value_counts().reindex(period, fill_value=0)
    holidays = set(fitting.detect_holidays(daily))
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


# ------------------------------------------------------------------ the network config


def network_config(cal: Calibration) -> dict:
    """The network config (plain dicts) of a calibration.

    Demand per service is first-visit tickets a week, plus calls a week when there
    is a call log. A client of a service the contact centre handles phones with
    the segment's ``phone`` weight p, chosen so that the model's calls match the
    log's: p = calls / demand of the services handled by phone.
    """
    returns = cal.returns
    services = sorted(cal.service_fits)
    cc = cal.calls
    volume = cal.log.frame[cal.log.frame["outcome"] != "no_show"]
    first = volume[returns.first_visit]
    counts = first["service"].value_counts()
    tickets_per_week = sum(o.bundles_per_week for o in cal.offices)
    tickets = {s: tickets_per_week * float(counts.get(s, 0)) / max(len(first), 1) for s in services}
    calls = {s: 0.0 for s in services}
    phone_services: list[str] = []
    if cc is not None:
        if cc.log.has_services:
            calls.update({s: v for s, v in cc.calls_by_service.items() if s in calls})
            phone_services = [s for s in services if calls[s] > 0]
        else:
            calls = {s: cc.calls_per_week * tickets[s] / max(tickets_per_week, 1e-12) for s in services}
            phone_services = list(services)
    demand = {s: tickets[s] + calls[s] for s in services}
    total = sum(demand.values())
    segment: dict[str, Any] = {
        "share": 1.0,
        "patience": None if cal.patience is None else cal.patience.best.config(),
        "priority": 0,
        "return_prob": _r(returns.return_prob[0]),
        "informed_share": 1.0,
        "channels": {"walk_in": 1.0},
    }
    if phone_services:
        p = sum(calls.values()) / sum(demand[s] for s in phone_services)
        segment["channels"] = {"walk_in": _r(1 - p), "phone": _r(p)}
    svc_cfg = {}
    for s in services:
        entry: dict[str, Any] = {
            "skill": s,
            "service_time": cal.service_fits[s].best.config(),
            "missing_document_prob": _r(min(returns.missing_document_prob.get(s, (0.0, 0))[0], 0.95)),
        }
        if s in phone_services:
            entry["phone"] = "settle"
            fit = cc.call_times.get(s) or cc.call_times[POOLED]
            entry["phone_time"] = fit.best.config()
        svc_cfg[s] = entry
    bundles = {s: {"needs": [s], "share": _r(demand[s] / total) if total > 0 else 1.0} for s in services}
    # Clients of an office who phone instead are part of its demand.
    scale = total / tickets_per_week if tickets_per_week > 0 else 1.0
    offices = []
    for o in cal.offices:
        offices.append({
            "name": o.name,
            "bundles_per_week": _r(o.bundles_per_week * scale),
            "opening_hours": dict(o.opening_hours),
            "desk_groups": [{"name": g.name, "skills": list(g.services), "staff": dict(g.staff)}
                            for g in o.desk_groups],
        })
    net: dict[str, Any] = {
        "name": cal.name,
        "max_visits": int(returns.max_visits),
        "return_after_days": int(returns.return_after_days),
        "arrival_profile": cal.arrivals.config(),
        "segments": {SEGMENT: segment},
        "services": svc_cfg,
        "bundles": bundles,
        "offices": offices,
    }
    if cc is not None:
        net["contact_centre"] = {
            "opening_hours": dict(cc.opening_hours),
            "shifts": cc.shifts,
            "desk_groups": [{"name": "agents", "skills": phone_services, "staff": dict(cc.agents.staff)}],
            "patience": None if cc.patience is None else cc.patience.best.config(),
            "retry_prob": 0.0,
        }
    return net


def _r(x: float, digits: int = 4) -> float:
    return fitting._round(float(x), digits)


def _check_buildable(cal: Calibration, schedule: dict) -> None:
    """The written network must build with the schedule (a failure here is a bug)."""
    from dataclasses import asdict

    from simoffice.config.build import build_spec
    from simoffice.config.schema import RunConfig

    design = {"name": "co_located", "needs_per_ticket": "one", "other_needs": "same_visit", "cross_trained": False}
    sched = {"name": cal.schedule_name, "holidays": [], "closing_policy": "serve_waiting", **schedule}
    build_spec({"network": {"kind": "explicit", **cal.network}, "schedule": sched, "design": design,
                "run": asdict(RunConfig())})


class _Flow(list):
    """A list written on one line."""


class _FlowMap(dict):
    """A mapping written on one line."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(),
                                                                   flow_style=True))


def _flow(x: Any, depth: int = 0) -> Any:
    """Lists of scalars and small leaf mappings on one line, the rest in blocks."""
    if isinstance(x, dict):
        leaf = all(not isinstance(v, (dict, list)) or (isinstance(v, list) and all(not isinstance(i, (dict, list))
                                                                                  for i in v))
                   for v in x.values())
        if leaf and depth >= 2 and len(x) <= 8 and not any(isinstance(v, list) for v in x.values()):
            return _FlowMap({k: _flow(v, depth + 1) for k, v in x.items()})
        return {k: _flow(v, depth + 1) for k, v in x.items()}
    if isinstance(x, list):
        if all(not isinstance(i, (dict, list)) for i in x):
            return _Flow(x)
        return [_flow(i, depth + 1) for i in x]
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def network_yaml(cal: Calibration, source: str | None = None, command: str | None = None) -> str:
    """The network config as YAML text, with a header saying where it comes from
    and what it approximates."""
    first, last = cal.first_day.isoformat(), cal.last_day.isoformat()
    n_services = len(cal.service_fits)
    lines = [
        f"# Calibrated by simoffice-calibrate from {source or cal.log.source}:",
        f"# {cal.counts['tickets']} tickets, {first} to {last}, {_plural(len(cal.offices), 'office')}, "
        f"{_plural(n_services, 'service')}"
        + (f", {len(cal.calls.log.frame)} calls" if cal.calls else "") + ".",
    ]
    if command:
        lines.append(f"# Regenerate: {command}")
    lines += [
        "#",
        f"# Fitted: the arrival profile (weekday x {cal.arrivals.bin_min}-min bins, holidays left out),",
        "# service times (exponential, lognormal, gamma, Weibull: lowest AIC), patience (censored",
        "# maximum likelihood: served clients' waits are lower bounds of their patience), opening",
        "# hours and desks on duty from the desks' activity"
        + (", returns of the same client." if cal.returns.with_ids else "; no client ids: no returns."),
        "# Approximations: one bundle per service (single needs), one client segment, one arrival",
        f"# profile for every office, staff as whole desks per shift of schedule '{cal.schedule_name}'.",
        "# Run it with design=co_located to keep the desks' observed skills (one_stop, the default",
        "# design, cross-trains every desk of an office). See README.md, \"Calibrating from a",
        "# queue-system log\"; the fits are shown in calibration.html.",
    ]
    body = {"defaults": ["schema_network", "_self_"], **cal.network}
    text = yaml.dump(_flow(body), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=150,
                     default_flow_style=False)
    return "\n".join(lines) + "\n" + text


def write_network(cal: Calibration, path: str | Path, force: bool = False, source: str | None = None,
                  command: str | None = None) -> Path:
    """Write the network config atomically; refuse an existing file unless ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"--out: expected a file that does not exist yet, or --force to replace it "
                              f"(got '{path}')")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = network_yaml(cal, source, command)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


# ------------------------------------------------------------------ summary


def _fmt(x: float, digits: int = 2) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"


def format_summary(cal: Calibration) -> str:
    """A short text summary: data, holidays, fits with their AIC and KS, offices, odd rows."""
    c = cal.counts
    out = [
        f"{c['tickets']} tickets, {cal.first_day} to {cal.last_day}: {c['served']} served, {c['reneged']} reneged, "
        f"{c['sent_away']} sent away, {c['no_show']} no-shows; client ids: {'yes' if cal.returns.with_ids else 'no'}",
    ]
    if cal.arrivals.holidays:
        out.append("Holidays left out of the profile: "
                   + ", ".join(f"{d} ({why})" for d, why in cal.arrivals.holidays.items())
                   + "; and the first day after each, which takes its clients too: "
                   + ", ".join(str(d) for d in cal.arrivals.after_holidays))
    a = cal.arrivals
    out.append(f"Arrival profile: {a.bin_min}-min bins from {hhmm(a.start_min)}, "
               f"{a.per_week:.1f} tickets in an ordinary week")
    head = f"\n{'service time (min)':<28} {'chosen':<12} {'mean':>7} {'cv':>6} {'n':>6} {'KS':>6}   AIC of each"
    out.append(head)
    for s, fits in cal.service_fits.items():
        b = fits.best
        aics = ", ".join(f"{f.family} {f.aic:.1f}" for f in fits.fits)
        out.append(f"{s:<28} {b.family:<12} {b.mean:>7.2f} {b.cv:>6.2f} {fits.n:>6} {b.ks:>6.3f}   {aics}")
    if cal.patience is not None:
        p = cal.patience
        b = p.best
        aics = ", ".join(f"{f.family} {f.aic:.1f}" for f in p.fits)
        out.append(f"{'patience (censored)':<28} {b.family:<12} {b.mean:>7.2f} {b.cv:>6.2f} {p.n:>6} "
                   f"{_fmt(b.ks, 3):>6}   {aics}")
        out.append(f"  {p.n - p.censored} clients left the queue; {p.censored} waits censored by service. "
                   "KS: largest gap to the sample's distribution (patience: to the Kaplan–Meier curve).")
    r = cal.returns
    if r.with_ids:
        shares = ", ".join(f"{s} {v:.3f} (n={n})" for s, (v, n) in r.missing_document_prob.items())
        out.append(f"\nReturns within {r.window_days} days: missing_document_prob {shares}; "
                   f"return_prob {r.return_prob[0]:.3f} (n={r.return_prob[1]}); "
                   f"return_after_days {r.return_after_days}")
    else:
        out.append("\nNo client ids: returns cannot be told from new clients (missing_document_prob 0, "
                   "return_prob 0; every ticket counts as demand)")
    out.append(f"\nOffices (desks per shift of schedule '{cal.schedule_name}'):")
    for o in cal.offices:
        days = [f"{d} {h}" for d, h in o.opening_hours.items() if h]
        out.append(f"  {o.name}: {o.bundles_per_week:.1f} bundles a week; open {', '.join(days)}")
        for g in o.desk_groups:
            staff = ", ".join(f"{k} {v}" for k, v in g.staff.items())
            out.append(f"    {g.name} ({_plural(len(g.desks), 'desk')}: {', '.join(g.services)}): {staff}; "
                       f"busy {100 * g.utilisation:.0f} % of the time on duty")
    if cal.calls is not None:
        cc = cal.calls
        out.append(f"  contact centre: {cc.calls_per_week:.1f} calls a week; agents "
                   + ", ".join(f"{k} {v}" for k, v in cc.agents.staff.items())
                   + ("" if cc.patience is None else
                      f"; callers' patience {cc.patience.best.family} mean {cc.patience.best.mean:.2f} min"))
    odd = list(cal.odd) + ([] if cal.calls is None else cal.calls.log.odd)
    if odd:
        out.append("\nOdd rows (kept unless said):")
        out += [f"  {o.describe()}" for o in odd]
    if cal.notes:
        out.append("\nNotes:")
        out += [f"  {n}" for n in cal.notes]
    return "\n".join(out)
