"""Measures read from a log: one yardstick for the observed log and the simulated ones.

To compare a calibrated model with the log it came from, the model's runs are
exported as logs (:mod:`simoffice.calibration.simulated_logs`) and both sides are
measured here, by the same code, from a frame of **contacts** (a ticket or a
call per row: :func:`ticket_contacts`, :func:`call_contacts`):

- ``arrivals``: contacts a week (per unit), or a day of that weekday (per
  weekday × hour of arrival);
- ``wait_mean_min``: the mean wait of the served, from arrival to the start of
  service (minutes);
- ``service_level``: the share of the queued (served, left, or sent away at
  closing) whose service started within the target;
- ``abandonment_rate``: the share of the queued who left unserved;
- ``utilisation`` as a log shows it: service minutes over the minutes the desks
  (agents) were on duty, a desk being on duty on a day from its first call to
  the end of its last service (as in :mod:`simoffice.calibration.on_duty`);
  per weekday × hour, the minutes falling in that hour.

The shares and the mean wait are those of :mod:`simoffice.measures.metrics`.
Each value comes with ``n``, the records behind it: contacts (arrivals), served
contacts (mean wait), queued contacts (service level, abandonment) or desk hours
on duty (utilisation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simoffice.vocabulary import DAY

__all__ = ["MEASURES", "LABELS", "SHARES", "ticket_contacts", "call_contacts", "measure_log"]

MEASURES = ("arrivals", "wait_mean_min", "service_level", "abandonment_rate", "utilisation")
LABELS = {
    "arrivals": "arrivals",
    "wait_mean_min": "mean wait (min)",
    "service_level": "service level",
    "abandonment_rate": "abandonment",
    "utilisation": "utilisation",
}
SHARES = ("service_level", "abandonment_rate", "utilisation")
HOURS = np.arange(25) * 60  # the edges of a day's hours, minutes since midnight


def _contacts(unit: pd.Series, group: str, arrived: pd.Series, start: pd.Series, end: pd.Series,
              server: pd.Series, served: np.ndarray, abandoned: np.ndarray, queued: np.ndarray,
              target_min: float) -> pd.DataFrame:
    return pd.DataFrame({
        "unit": unit.astype(str).to_numpy(), "group": group,
        "arrived": pd.to_datetime(arrived).to_numpy(),
        "start": pd.to_datetime(start.where(served)).to_numpy(),
        "end": pd.to_datetime(end.where(served)).to_numpy(),
        "server": server.to_numpy(dtype=object),
        "served": served, "abandoned": abandoned, "queued": queued, "target_min": float(target_min),
    })


def ticket_contacts(frame: pd.DataFrame, target_min: float, issued: str = "issued", called: str = "called",
                    ended: str = "ended") -> pd.DataFrame:
    """The tickets of a ticket log's frame (:attr:`simoffice.calibration.logs.Log.frame`, or
    with ``issued``/``called``/``ended`` naming the columns, a log in the export format)
    as contacts; no-shows never arrived and are left out. ``target_min``: the
    service level's target wait (minutes)."""
    frame = frame[(frame["outcome"].astype(str) != "no_show").to_numpy()]
    outcome = frame["outcome"].astype(str)
    served = (outcome == "served").to_numpy()
    abandoned = (outcome == "reneged").to_numpy()
    queued = outcome.isin(["served", "reneged", "sent_away"]).to_numpy()
    return _contacts(frame["office"], "offices", frame[issued], frame[called], frame[ended], frame["desk"],
                     served, abandoned, queued, target_min)


def call_contacts(frame: pd.DataFrame, target_min: float, unit: str = "contact centre",
                  arrived: str = "arrived", answered: str = "answered", abandoned: str = "abandoned",
                  ended: str = "ended") -> pd.DataFrame:
    """The calls of a call log's frame (or, naming the columns, a log in the export
    format) as contacts of ``unit``: answered calls are served, abandoned ones left
    (by the frame's ``outcome``, ``answered`` or ``abandoned``, when it has one; else
    by which time is set); a call neither answered nor abandoned is not counted as queued."""
    if "outcome" in frame.columns:
        outcome = frame["outcome"].astype(str)
        is_answered = outcome.isin(["answered", "served"]).to_numpy()
        is_abandoned = (outcome == "abandoned").to_numpy()
    else:
        is_answered = frame[answered].notna().to_numpy()
        is_abandoned = ~is_answered & frame[abandoned].notna().to_numpy()
    return _contacts(pd.Series(unit, index=frame.index), unit, frame[arrived], frame[answered], frame[ended],
                     frame["agent"], is_answered, is_abandoned, is_answered | is_abandoned, target_min)


def _overlap(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """(n, 24) minutes of each interval [start, end) (minutes since midnight) in each hour."""
    return np.clip(np.minimum(end[:, None], HOURS[None, 1:]) - np.maximum(start[:, None], HOURS[None, :-1]), 0, None)


def _desk_time(contacts: pd.DataFrame) -> pd.DataFrame:
    """A row per unit, group, day and hour: ``busy`` service minutes and ``duty`` minutes on duty."""
    s = contacts[contacts["served"].to_numpy() & contacts["server"].notna().to_numpy()
                 & contacts["end"].notna().to_numpy()]
    cols = ["unit", "group", "day", "hour", "busy", "duty"]
    if s.empty:
        return pd.DataFrame(columns=cols)
    day = s["start"].dt.normalize()
    start = ((s["start"] - day).dt.total_seconds() / 60).to_numpy()
    end = np.minimum(((s["end"] - day).dt.total_seconds() / 60).to_numpy(), DAY)
    served = pd.DataFrame({"unit": s["unit"].to_numpy(), "group": s["group"].to_numpy(),
                           "server": s["server"].astype(str).to_numpy(), "day": day.to_numpy(),
                           "start": start, "end": end})
    spans = served.groupby(["unit", "group", "server", "day"], as_index=False).agg(start=("start", "min"),
                                                                                   end=("end", "max"))
    busy = pd.DataFrame(_overlap(served["start"].to_numpy(), served["end"].to_numpy()))
    duty = pd.DataFrame(_overlap(spans["start"].to_numpy(), spans["end"].to_numpy()))
    keys = ["unit", "group", "day"]
    busy = pd.concat([served[keys], busy], axis=1).groupby(keys).sum().stack().rename("busy")
    duty = pd.concat([spans[keys], duty], axis=1).groupby(keys).sum().stack().rename("duty")
    out = pd.concat([busy, duty], axis=1).fillna(0.0).reset_index()
    out.columns = cols
    return out[out["duty"] > 0]


def measure_log(contacts: pd.DataFrame, period: pd.DatetimeIndex, by: str) -> pd.DataFrame:
    """The measures of the contacts that arrived on the days of ``period``.

    Args:
        contacts: from :func:`ticket_contacts` and :func:`call_contacts` (concatenated).
        period: the days measured (every day of the log's period, holidays included).
        by: ``"unit"`` (each office and the contact centre) or ``"hour"`` (the offices
            pooled, and the contact centre, by weekday × hour of arrival).

    Returns:
        A long frame: the keys (``unit``, and ``weekday`` 0 = Monday and ``hour`` by hour),
        ``measure``, ``value`` and ``n`` (the records behind the value).
    """
    days = contacts["arrived"].dt.normalize()
    c = contacts[days.isin(period).to_numpy()].copy()
    c["weekday"] = c["arrived"].dt.day_of_week
    c["hour"] = c["arrived"].dt.hour
    keys = ["unit"] if by == "unit" else ["group", "weekday", "hour"]
    c["wait"] = np.where(c["served"], (c["start"] - c["arrived"]).dt.total_seconds() / 60, np.nan)
    c["in_time"] = c["served"].to_numpy() & (c["wait"].to_numpy() <= c["target_min"].to_numpy())
    g = c.groupby(keys)
    sums = pd.DataFrame({"contacts": g.size(), "served": g["served"].sum(), "queued": g["queued"].sum(),
                         "abandoned": g["abandoned"].sum(), "in_time": g["in_time"].sum(),
                         "wait": g["wait"].sum()})
    if by == "unit":
        per = pd.Series(len(period) / 7, index=sums.index)
    else:
        days_of = pd.Series(period.day_of_week).value_counts()
        per = pd.Series(days_of.reindex(sums.index.get_level_values("weekday")).fillna(0).to_numpy(),
                        index=sums.index)
    parts = [
        _long(sums["contacts"] / per.where(per > 0), sums["contacts"], "arrivals"),
        _long(sums["wait"] / sums["served"].where(sums["served"] > 0), sums["served"], "wait_mean_min"),
        _long(sums["in_time"] / sums["queued"].where(sums["queued"] > 0), sums["queued"], "service_level"),
        _long(sums["abandoned"] / sums["queued"].where(sums["queued"] > 0), sums["queued"], "abandonment_rate"),
    ]
    desk = _desk_time(c)
    if not desk.empty:
        desk["weekday"] = pd.DatetimeIndex(desk["day"]).day_of_week
        d = desk.groupby(keys)[["busy", "duty"]].sum()
        parts.append(_long(d["busy"] / d["duty"], d["duty"] / 60, "utilisation"))
    out = pd.concat(parts, ignore_index=True)
    if by == "hour":
        out = out.rename(columns={"group": "unit"})
        out[["weekday", "hour"]] = out[["weekday", "hour"]].astype(int)
    return out


def _long(value: pd.Series, n: pd.Series, measure: str) -> pd.DataFrame:
    frame = value.rename("value").to_frame()
    frame["n"] = n.reindex(value.index).to_numpy(dtype=float)
    frame.insert(0, "measure", measure)
    return frame.reset_index()
