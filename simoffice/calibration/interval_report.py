"""A contact centre from its ACD interval report, when there is no per-call log.

A contact centre's switch (ACD) reports per interval (usually half an hour) the
calls **offered**, **handled** (answered) and **abandoned**, the **average handle
time** (AHT), the **average speed of answer** (ASA: the mean wait of the handled
calls) and the **agents** staffed. :func:`read_interval_report` reads such a
report (CSV, Excel or parquet, with the column mapping of
:mod:`simoffice.calibration.table`), and :func:`fit_interval_report` fits what a
call log would give:

- **arrivals**: calls offered per week (per service when the report has a
  ``service`` column), per weekday × interval as the centre's profile, and the
  opening hours: on each weekday open on at least half of its ordinary dates, from
  the (lower) median start of the first interval with calls to the median end of
  the last;
- **call times**: exponential with the handled-weighted mean AHT (a report gives
  means only, not their spread);
- **patience**: exponential, through Erlang A from the abandoned calls and the ASA
  (:mod:`simoffice.calibration.interval_patience`);
- **agents**: the agents staffed per weekday × interval (the mean over the
  ordinary open dates), written as agents on shifts
  (:func:`simoffice.calibration.call_shifts.shifts_for`).

:func:`simoffice.calibration.calibrate.calibrate` makes the fit the contact centre
of a ticket log's network, or of a network of its own.
"""

from __future__ import annotations

import math
import os
import re

import numpy as np
import pandas as pd

from simoffice.calibration import fitting
from simoffice.calibration import on_duty as duty_fit
from simoffice.calibration.arrivals import ArrivalFit, detect_holidays
from simoffice.calibration.call_shifts import shifts_for
from simoffice.calibration.calls import POOLED
from simoffice.calibration.fitted import CallCentreFit, IntervalFit
from simoffice.calibration.interval_patience import erlang_a_intervals, patience_rate
from simoffice.calibration.logs import CALL_COLUMNS, TICKET_COLUMNS, Log, parse_times
from simoffice.calibration.table import ColumnMap, Described, LogError, apply_map, check_timezone, read_table
from simoffice.calibration.visits import OPEN_DAY_SHARE, hours_text
from simoffice.vocabulary import DAY, WEEKDAYS

__all__ = ["INTERVAL_COLUMNS", "read_interval_report", "fit_interval_report",
           "interval_report_from_calls"]

# column -> (required, what it holds).
INTERVAL_COLUMNS: dict[str, tuple[bool, str]] = {
    "interval_start": (True, "when the interval began (timestamp; or a date column and a time column, "
                             "--map interval_start=Date+Time)"),
    "offered": (True, "calls that reached the queue in the interval"),
    "handled": (True, "calls answered by an agent"),
    "abandoned": (True, "calls that hung up in the queue"),
    "aht": (True, "average handle time of the handled calls: seconds, or M:SS / H:MM:SS (empty if none)"),
    "asa": (True, "average speed of answer (mean wait of the handled calls), as aht"),
    "agents": (True, "agents staffed, the mean over the interval (may be fractional)"),
    "service": (False, "the queue or call type (a service of the ticket log)"),
    "abandon_time": (False, "average time to abandon of the abandoned calls, as aht"),
}
DURATION_EXPECTED = "seconds (245) or a duration such as 4:05 or 0:04:05"
_DURATION = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d+)?)$")


# ---------------------------------------------------------------------- reading


def read_interval_report(path: str | os.PathLike, timezone: str | None = None, time_format: str | None = None,
                         *, sep: str | None = None, encoding: str | None = None,
                         column_map: ColumnMap | None = None) -> Log:
    """Read and check an interval report (CSV, Excel ``.xlsx`` or parquet) as a :class:`Log`
    of kind ``"intervals"``.

    Its ``frame`` has a row per interval (and service): ``row`` (source row),
    ``start`` (naive local timestamp), ``service``, ``offered``, ``handled``,
    ``abandoned`` (whole numbers), ``aht_min``, ``asa_min``, ``abandon_min`` (minutes;
    NaN where not given), ``agents``, and the flags ``aht_ok`` (used by the call-time
    fit) and ``patience_ok`` (used by the patience fit); ``frame.attrs["interval_min"]``
    is the intervals' length in minutes.

    Args:
        timezone, time_format, sep, encoding, column_map: as
            :func:`simoffice.calibration.logs.read_log`.

    Raises:
        LogError: an unreadable file, a missing column, a count that is not a whole
            number >= 0, a duration or agents value that cannot be read, an AHT or ASA
            missing for an interval with handled calls, or interval starts that are
            not a fixed number of minutes apart dividing a day; the first offending row.
        ValueError: an unknown ``timezone``.
    """
    cmap = column_map or ColumnMap()
    if timezone is not None:
        check_timezone(timezone)
    raw = read_table(path, sep=sep or cmap.sep, encoding=encoding or cmap.encoding)
    raw = apply_map(raw, cmap, INTERVAL_COLUMNS, None, {**TICKET_COLUMNS, **CALL_COLUMNS})
    for name, (required, _) in INTERVAL_COLUMNS.items():
        if required and name not in raw.columns:
            raise LogError(name, None, f"a column '{name}' (an interval report, see docs/pages/calibration.md, "
                                       "'Interval reports')",
                           Described(f"columns {list(raw.columns)}"))
    start = parse_times(raw, "interval_start", timezone, time_format or cmap.time_format)
    empty = start.isna().to_numpy()
    if empty.any():
        raise LogError("interval_start", int(np.argmax(empty)) + 1, "the interval's start", "")
    counts = {c: _whole(raw, c) for c in ("offered", "handled", "abandoned")}
    aht, asa = _duration(raw, "aht"), _duration(raw, "asa")
    handled = counts["handled"]
    for name, values in (("aht", aht), ("asa", asa)):
        missing = (handled > 0) & np.isnan(values)
        if missing.any():
            raise LogError(name, int(np.argmax(missing)) + 1, f"the {name.upper()} of an interval with handled calls",
                           "")
    agents = _number(raw, "agents")
    has_services = "service" in raw.columns and bool((_text(raw, "service") != "").any())
    service = _text(raw, "service").replace({"": "calls"}) if has_services else pd.Series("calls", index=raw.index)
    frame = pd.DataFrame({
        "row": np.arange(1, len(raw) + 1), "start": start, "service": service.astype(str),
        "offered": counts["offered"], "handled": handled, "abandoned": counts["abandoned"],
        "aht_min": aht, "asa_min": asa,
        "abandon_min": _duration(raw, "abandon_time") if "abandon_time" in raw.columns else np.nan,
        "agents": agents,
    })
    interval_min = _interval_min(frame)
    log = Log("intervals", str(path), frame, has_services=has_services)
    rows = frame["row"].to_numpy()
    dup = frame.duplicated(["start", "service"], keep="first").to_numpy()
    log.add_odd("intervals repeating an earlier interval_start (and service)", rows[dup],
                "left out (the first is kept)")
    mismatch = ~dup & (frame["offered"] != frame["handled"] + frame["abandoned"]).to_numpy()
    log.add_odd("intervals whose offered is not handled + abandoned", rows[mismatch],
                "offered counted as arrivals; handled and abandoned used for patience")
    frame["aht_ok"] = (handled > 0) & (aht > 0) & ~dup
    zero = ~dup & (handled > 0) & (aht <= 0)
    log.add_odd("intervals with handled calls and an AHT of 0", rows[zero], "left out of the call-time fit")
    no_agents = ~dup & (handled > 0) & (agents <= 0)
    log.add_odd("intervals with handled calls and no agents", rows[no_agents], "left out of the patience fit")
    frame["patience_ok"] = ~dup & ~no_agents & (frame["handled"] + frame["abandoned"] > 0).to_numpy()
    log.frame = frame[~dup].reset_index(drop=True)
    log.frame.attrs["interval_min"] = interval_min
    return log


def _text(raw: pd.DataFrame, column: str) -> pd.Series:
    if column not in raw.columns:
        return pd.Series([""] * len(raw), index=raw.index, dtype=object)
    s = raw[column]
    return s.astype(object).where(s.notna(), "").map(lambda v: str(v).strip())


def _refuse(mask: np.ndarray, text: pd.Series, column: str, expected: str) -> None:
    if mask.any():
        i = int(np.argmax(mask))
        raise LogError(column, i + 1, expected, text.iloc[i])


def _number(raw: pd.DataFrame, column: str) -> np.ndarray:
    """A column of numbers >= 0 (a decimal comma is read as a point)."""
    text = _text(raw, column)
    values = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce").to_numpy(dtype=float)
    _refuse(~np.isfinite(values) | (values < 0), text, column, "a number >= 0")
    return values


def _whole(raw: pd.DataFrame, column: str) -> np.ndarray:
    text = _text(raw, column)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values) | (values < 0) | (values != np.round(values))
    _refuse(bad, text, column, "a whole number >= 0")
    return values.astype(np.int64)


def _duration(raw: pd.DataFrame, column: str) -> np.ndarray:
    """A duration column in minutes (NaN where empty): seconds, or M:SS / H:MM:SS."""
    text = _text(raw, column)
    out = np.full(len(text), np.nan)
    for i, v in enumerate(text):
        if v == "":
            continue
        m = _DURATION.match(v)
        if m:
            out[i] = (int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3).replace(",", "."))) / 60
        else:
            try:
                seconds = float(v.replace(",", "."))
            except ValueError:
                seconds = math.nan
            if not (math.isfinite(seconds) and seconds >= 0):
                raise LogError(column, i + 1, DURATION_EXPECTED, v)
            out[i] = seconds / 60
    return out


def _interval_min(frame: pd.DataFrame) -> int:
    """The intervals' length: the most common gap between consecutive starts (minutes),
    which must divide a day; every start must lie on its grid."""
    starts = np.unique(frame["start"].to_numpy())
    gaps = np.diff(starts).astype("timedelta64[s]").astype(np.int64) / 60
    if gaps.size == 0:
        raise LogError("interval_start", None, "intervals with at least two different starts",
                       Described("a single interval"))
    values, counts = np.unique(gaps, return_counts=True)
    length = float(values[np.argmax(counts)])
    if length != int(length) or int(length) <= 0 or DAY % int(length) or length > 120:
        raise LogError("interval_start", None, "interval starts a fixed number of minutes apart that divides a day "
                       "(15, 30 or 60)", Described(f"starts most often {length:g} minutes apart"))
    length = int(length)
    minute = (frame["start"].dt.hour * 60 + frame["start"].dt.minute).to_numpy()
    off = (minute % length != 0) | (frame["start"].dt.second.to_numpy() != 0)
    _refuse(off, frame["start"].astype(str), "interval_start", f"a start on the {length}-minute grid of the report")
    return length


# ---------------------------------------------------------------------- fitting


def fit_interval_report(report: Log, ticket_services: list[str] | None, notes: list[str]) -> CallCentreFit:
    """The contact centre from an interval report: calls a week (per service), the
    centre's opening hours and profile, call times, callers' patience and agents on shifts.
    ``ticket_services``: the services of the ticket log (None: no ticket log).

    Raises:
        LogError: a report with no handled call (no handle time to fit) or with calls
            on fewer than half of the dates of every weekday (no opening hours).
    """
    f = report.frame
    length = int(f.attrs.get("interval_min") or _interval_min(f))
    slots = DAY // length
    day = f["start"].dt.normalize()
    period = pd.date_range(day.min(), day.max(), freq="D")
    daily = f.groupby(day)["offered"].sum().reindex(period, fill_value=0)
    holidays = set(detect_holidays(daily))
    ordinary = pd.DatetimeIndex([d for d in period if d.date() not in holidays])
    slot = ((f["start"].dt.hour * 60 + f["start"].dt.minute) // length).to_numpy()
    per_week = _per_week(daily, period)
    services = sorted(f["service"].unique())
    by_service = {sv: _per_week(f[(f["service"] == sv).to_numpy()].groupby(day)["offered"].sum()
                                .reindex(period, fill_value=0), period) for sv in services}
    # Per ordinary date × slot: calls offered and agents staffed (every service's rows added).
    grid = lambda col: (pd.DataFrame({"day": day, "slot": slot, "v": f[col].to_numpy(dtype=float)})  # noqa: E731
                        .pivot_table(index="day", columns="slot", values="v", aggfunc="sum")
                        .reindex(index=ordinary, columns=range(slots), fill_value=0.0).fillna(0.0).to_numpy())
    offered, agents = grid("offered"), grid("agents")
    open_day = offered.sum(axis=1) > 0
    hours = _opening_hours(offered, ordinary, open_day, length)
    if not any(hours.values()):
        raise LogError("interval_start", None, "calls on at least half of the dates of some weekday",
                       Described("fewer"))
    weekday = ordinary.day_of_week.to_numpy()
    profile = np.zeros((7, slots))
    on_duty = np.zeros((7, slots))
    for d in range(7):
        mine = weekday == d
        if mine.any():
            profile[d] = offered[mine].mean(axis=0)
        if (mine & open_day).any() and hours[WEEKDAYS[d]] is not None:
            on_duty[d] = agents[mine & open_day].mean(axis=0)
    fits = _call_times(f, services, report.has_services)
    patience, sample, check = _patience(f, ordinary, length, fits[POOLED].best.mean, notes)
    pattern = shifts_for(on_duty, length)
    used = f[f["start"].dt.normalize().isin(ordinary[open_day]).to_numpy()]
    agents_fit = duty_fit.DeskGroupFit(
        "agents", (), tuple(services), _quarter_hours(on_duty, length), dict(pattern.staff),
        _quarter_hours(pattern.scheduled, length),
        float((used["handled"] * used["aht_min"].fillna(0)).sum()), float(used["agents"].sum() * length))
    totals = {c: int(f[c].sum()) for c in ("offered", "handled", "abandoned")}
    interval_fit = IntervalFit(length, profile, totals["offered"], totals["handled"], totals["abandoned"], *check)
    unknown = [sv for sv in services if report.has_services and ticket_services is not None
               and sv not in ticket_services]
    if unknown:
        n = int(f.loc[f["service"].isin(unknown), "offered"].sum())
        notes.append(f"{n} calls about services no ticket has ({', '.join(unknown)}) are left out: "
                     "every service needs a desk at the offices")
    notes.append(_approximation_note(interval_fit, len(f), patience))
    counts = {"calls": totals["offered"], "kept": totals["offered"], "answered": totals["handled"],
              "abandoned": totals["abandoned"], "short_abandons": 0, "retries": 0}
    return CallCentreFit(report, per_week, by_service, fits, {}, patience, sample, hours_text(hours), agents_fit,
                         pattern.shifts, intervals=interval_fit,
                         arrivals=_arrivals(offered, ordinary, hours, length, daily, holidays), counts=counts)


def _arrivals(offered: np.ndarray, ordinary: pd.DatetimeIndex, hours: dict, length: int, daily: pd.Series,
              holidays: set) -> ArrivalFit:
    """The centre's own arrival profile: mean calls offered per weekday × interval over the
    ordinary dates, over the span of its opening hours."""
    spans = [h for h in hours.values() if h is not None]
    first, last = min(a for a, _ in spans) // length, max(b for _, b in spans) // length
    per_day = pd.DataFrame(offered[:, first:last], index=ordinary, columns=range(last - first))
    weekday = ordinary.day_of_week.to_numpy()
    rates = np.zeros((7, last - first))
    days = np.zeros(7, dtype=int)
    for d in range(7):
        days[d] = int((weekday == d).sum())
        if days[d]:
            rates[d] = per_day.to_numpy()[weekday == d].mean(axis=0)
    return ArrivalFit(length, first * length, rates, days, {h: "detected" for h in sorted(holidays)}, {},
                      daily, per_day)


def _per_week(daily: pd.Series, period: pd.DatetimeIndex) -> float:
    """Mean calls per date of each weekday over the period, summed over the week."""
    wd = period.day_of_week
    values = daily.reindex(period, fill_value=0).to_numpy(dtype=float)
    return float(sum(values[wd == d].mean() for d in range(7) if (wd == d).any()))


def _opening_hours(offered: np.ndarray, days: pd.DatetimeIndex, open_day: np.ndarray,
                   length: int) -> dict[str, tuple[int, int] | None]:
    """Per weekday: open on at least half of its ordinary dates with calls; from the lower
    median of the first intervals with calls to the upper median of the ends of the last."""
    out: dict[str, tuple[int, int] | None] = {}
    wd = days.day_of_week.to_numpy()
    for d, name in enumerate(WEEKDAYS):
        dates = wd == d
        seen = dates & open_day
        if not dates.any() or seen.sum() < OPEN_DAY_SHARE * dates.sum():
            out[name] = None
            continue
        busy = offered[seen] > 0
        first = np.sort(busy.argmax(axis=1))
        last = np.sort(busy.shape[1] - busy[:, ::-1].argmax(axis=1))
        out[name] = (int(first[(len(first) - 1) // 2]) * length, int(last[len(last) // 2]) * length)
    return out


def _quarter_hours(per_slot: np.ndarray, length: int) -> np.ndarray:
    """(7, slots) values per interval as (7, 96) per quarter hour (the mean over each quarter)."""
    per_minute = np.repeat(per_slot, length, axis=1)
    return per_minute.reshape(7, duty_fit.BINS, duty_fit.STAFF_BIN_MIN).mean(axis=2)


def _exponential(mean: float, n: int, loglik: float) -> fitting.Fits:
    fit = fitting.Fit("exponential", mean, 1.0, loglik, 2 - 2 * loglik, float("nan"), n)
    return fitting.Fits((fit,), n)


def _call_times(f: pd.DataFrame, services: list[str], has_services: bool) -> dict[str, fitting.Fits]:
    """Exponential call times with the handled-weighted mean AHT, of every call and per service.
    The log-likelihood of n exponential times of mean m, knowing only their sum n m, is −n (log m + 1)."""
    ok = f[f["aht_ok"]]
    if ok.empty:
        raise LogError("handled", None, "some intervals with handled calls and an AHT", Described("none"))

    def fit(part: pd.DataFrame) -> fitting.Fits:
        n = int(part["handled"].sum())
        mean = float((part["handled"] * part["aht_min"]).sum() / n)
        return _exponential(mean, n, -n * (math.log(mean) + 1))

    fits = {POOLED: fit(ok)}
    if has_services:
        for sv in services:
            part = ok[(ok["service"] == sv).to_numpy()]
            if len(part):
                fits[sv] = fit(part)
    return fits


def _pooled(f: pd.DataFrame, ordinary: pd.DatetimeIndex, length: int, pooled_aht: float) -> pd.DataFrame:
    """The intervals the patience fit uses, pooled per service × weekday × interval of the day
    over the ordinary dates: mean offered calls per minute (``lam``) and agents; handle rate
    ``mu``; handled and abandoned calls; ASA and mean time to abandon (NaN unless every
    abandoned call's interval gives it), in minutes.

    Pooling matters: Erlang A is convex in the arrival rate, so one interval's count (a
    noisy estimate of its rate) would overstate the waits of a busy weekday and hour."""
    p = f[f["patience_ok"].to_numpy() & f["start"].dt.normalize().isin(ordinary).to_numpy()]
    handled, abandoned = p["handled"].to_numpy(dtype=float), p["abandoned"].to_numpy(dtype=float)
    known = p["abandon_min"].notna().to_numpy()
    parts = pd.DataFrame({
        "service": p["service"].to_numpy(), "weekday": p["start"].dt.day_of_week.to_numpy(),
        "slot": ((p["start"].dt.hour * 60 + p["start"].dt.minute) // length).to_numpy(),
        "offered": p["offered"].to_numpy(dtype=float), "agents": p["agents"].to_numpy(dtype=float),
        "handled": handled, "abandoned": abandoned,
        "talk": np.where(p["aht_ok"], handled * p["aht_min"].to_numpy(dtype=float), 0.0),
        "talked": np.where(p["aht_ok"], handled, 0.0),
        "waited": handled * np.nan_to_num(p["asa_min"].to_numpy(dtype=float)),
        "gone": np.where(known, abandoned * np.nan_to_num(p["abandon_min"].to_numpy(dtype=float)), 0.0),
        "unknown": np.where(known, 0.0, abandoned),
    })
    g = parts.groupby(["service", "weekday", "slot"]).agg(
        offered=("offered", "mean"), agents=("agents", "mean"), handled=("handled", "sum"),
        abandoned=("abandoned", "sum"), talk=("talk", "sum"), talked=("talked", "sum"), waited=("waited", "sum"),
        gone=("gone", "sum"), unknown=("unknown", "sum"))
    with np.errstate(invalid="ignore", divide="ignore"):
        return pd.DataFrame({
            "lam": g["offered"] / length,
            "mu": np.where(g["talked"] > 0, g["talked"] / g["talk"], 1 / pooled_aht),
            "agents": g["agents"], "handled": g["handled"], "abandoned": g["abandoned"],
            "asa": np.where(g["handled"] > 0, g["waited"] / g["handled"], 0.0),
            "abandon_min": np.where((g["unknown"] == 0) & (g["abandoned"] > 0), g["gone"] / g["abandoned"], np.nan),
        }).reset_index(drop=True)


def _patience(f: pd.DataFrame, ordinary: pd.DatetimeIndex, length: int, pooled_aht: float, notes: list[str]):
    """The callers' patience (exponential, through Erlang A), a pseudo-sample of waits
    (each pooled interval's ASA for its handled calls, censored; its mean time to abandon,
    or Erlang A's, for its abandoned ones) and the check against the report."""
    p = _pooled(f, ordinary, length, pooled_aht)
    lam, mu, agents = (p[c].to_numpy(dtype=float) for c in ("lam", "mu", "agents"))
    handled, abandoned = p["handled"].to_numpy(dtype=float), p["abandoned"].to_numpy(dtype=float)
    asa, known = p["asa"].to_numpy(dtype=float), p["abandon_min"].to_numpy(dtype=float)
    observed_share = float(abandoned.sum() / max(handled.sum() + abandoned.sum(), 1))
    observed_asa = float((handled * asa).sum() / max(handled.sum(), 1))
    theta = patience_rate(lam, mu, agents, handled, asa, abandoned, known) if len(p) else None
    if theta is None:
        notes.append("no call was abandoned in the interval report: callers' patience is left out")
        return None, (np.zeros(0), np.zeros(0, dtype=bool)), ("none", observed_share, observed_asa,
                                                               float("nan"), float("nan"))
    model = erlang_a_intervals(lam, mu, agents, theta)
    offered = handled + abandoned
    served = offered * (1 - model.p_abandon)
    predicted_share = float((offered * model.p_abandon).sum() / offered.sum())
    predicted_asa = float((served * model.wait_served).sum() / max(served.sum(), 1e-12))
    waited = np.where(np.isfinite(known), known, model.wait_abandoned)
    total_wait = float((handled * asa).sum() + (abandoned * waited).sum())
    events = int(abandoned.sum())
    loglik = events * math.log(theta) - theta * total_wait
    fit = fitting.Fit("exponential", 1 / theta, 1.0, loglik, 2 - 2 * loglik, float("nan"), int(offered.sum()))
    fits = fitting.Fits((fit,), int(offered.sum()), censored=int(handled.sum()))
    counts_h, counts_a = handled.astype(int), abandoned.astype(int)
    t = np.concatenate([np.repeat(asa, counts_h), np.repeat(waited, counts_a)])
    event = np.concatenate([np.zeros(counts_h.sum(), dtype=bool), np.ones(counts_a.sum(), dtype=bool)])
    how = "abandon_time" if np.isfinite(known[abandoned > 0]).all() else "erlang_a"
    return fits, (t, event), (how, observed_share, observed_asa, predicted_share, predicted_asa)


def _approximation_note(fit: IntervalFit, rows: int, patience: fitting.Fits | None) -> str:
    text = (f"contact centre from an interval report ({rows} intervals of {fit.interval_min} min, "
            f"{fit.offered} calls offered): arrivals are the calls offered; call times are exponential "
            "with the mean AHT (a report gives means only)")
    if patience is None:
        return text
    if fit.patience_from == "abandon_time":
        how = "patience exponential, exact from abandoned / (handled × ASA + abandoned × mean time to abandon)"
    else:
        how = ("patience exponential, from abandoned / (handled × ASA + abandoned × their mean wait), that wait "
               "from Erlang A (M/M/n+M in steady state in each weekday × interval, at its mean offered calls and "
               "agents over the ordinary dates and its AHT)")
    return (f"{text}; {how}: mean {patience.best.mean:.2f} min. Erlang A with the report's agents and this "
            f"patience gives {100 * fit.erlang_a_abandoned_share:.1f} % abandoned and an ASA of "
            f"{60 * fit.erlang_a_asa_min:.0f} s, against the report's {100 * fit.abandoned_share:.1f} % and "
            f"{60 * fit.asa_min:.0f} s")


# ---------------------------------------------------------------------- from a call log


def interval_report_from_calls(calls: pd.DataFrame, interval_min: int = 30, agents=None) -> pd.DataFrame:
    """A call log (the columns of :data:`~simoffice.calibration.logs.CALL_COLUMNS`: ``arrived_at``,
    ``answered_at``, ``abandoned_at``, ``ended_at``, optional ``service``) summed into an
    interval report: per interval of arrival, calls offered, handled, abandoned, AHT, ASA and
    mean time to abandon (seconds), and ``agents``: a number, a function of the interval's
    start, or None (every interval gets NaN: fill it in).
    """
    arrived = pd.to_datetime(calls["arrived_at"])
    answered, abandoned = pd.to_datetime(calls["answered_at"]), pd.to_datetime(calls["abandoned_at"])
    ended = pd.to_datetime(calls["ended_at"])
    frame = pd.DataFrame({
        "interval_start": arrived.dt.floor(f"{interval_min}min"),
        "service": calls["service"].astype(str) if "service" in calls.columns else "calls",
        "handled": answered.notna().astype(int), "abandoned": abandoned.notna().astype(int),
        "talk": (ended - answered).dt.total_seconds(), "wait": (answered - arrived).dt.total_seconds(),
        "gone": (abandoned - arrived).dt.total_seconds(),
    })
    g = frame.groupby(["interval_start", "service"], sort=True)
    out = pd.DataFrame({
        "offered": g.size(), "handled": g["handled"].sum(), "abandoned": g["abandoned"].sum(),
        "aht": g["talk"].mean().round(1), "asa": g["wait"].mean().round(1), "abandon_time": g["gone"].mean().round(1),
    }).reset_index()
    if callable(agents):
        out["agents"] = [agents(t) for t in out["interval_start"]]
    else:
        out["agents"] = np.nan if agents is None else float(agents)
    return out
