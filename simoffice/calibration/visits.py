"""When clients come to an office, and when they come back, read from a ticket log.

- **Opening hours** (:func:`opening_hours`): the first arrival of a day comes a
  little after the office opens and the last a little before it closes, by
  gaps that are exponential at the arrival rate there; the estimate corrects
  for them and pools weekdays with the same hours.
- **Arrivals** (:func:`arriving`): with client ids, a client's first ticket of
  the day at an office is their arrival; later tickets are taken within the visit.
- **Returns** (:func:`fit_returns`): a client who takes a ticket for the same
  service within a few days is back — after a missing document if they had
  been served, after giving up if they had reneged.
- **Demand** (:func:`per_week`): tickets per week from the mean of each weekday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from simoffice.vocabulary import DAY, WEEKDAYS, hhmm

__all__ = ["ReturnsFit", "opening_hours", "outside_hours", "fit_returns", "arriving", "per_week", "minute_of_day",
           "edge", "hours_text", "RETURN_WINDOW_DAYS"]

# Opening hours are rounded to the nearest quarter hour.
ROUND_MIN = 15
# Weekdays whose own estimates of opening (or closing) are this close pool their days.
SAME_HOURS_MIN = 30
# A return is a ticket for the same service by the same client within this many days.
RETURN_WINDOW_DAYS = 7
# A weekday is an office's open day if it had tickets on at least this share of
# its ordinary dates in the log.
OPEN_DAY_SHARE = 0.5


@dataclass
class ReturnsFit:
    """Returns of the same client for the same service (needs client ids).

    ``missing_document_prob``: service -> (share, served tickets counted);
    ``return_prob``: (share, reneged or sent-away tickets counted);
    ``first_visit``: mask of the log's tickets that are not returns.
    """

    with_ids: bool
    window_days: int
    missing_document_prob: dict[str, tuple[float, int]]
    return_prob: tuple[float, int]
    return_after_days: int
    max_visits: int
    first_visit: np.ndarray


def hours_text(hours: dict[str, tuple[int, int] | None]) -> dict[str, str | None]:
    """Opening hours as config text: weekday -> ``"HH:MM-HH:MM"`` or None."""
    return {d: None if h is None else f"{hhmm(h[0])}-{hhmm(h[1])}" for d, h in hours.items()}


def minute_of_day(ts: pd.Series) -> np.ndarray:
    return (ts.dt.hour * 60 + ts.dt.minute + ts.dt.second / 60).to_numpy(dtype=float)


def edge(edges: np.ndarray, minutes: np.ndarray, n_days: int, closing: bool) -> float:
    """Closing (or opening) time from the days' last (first) arrivals.

    The last arrival of a day comes before closing by an exponential gap of mean
    1/λ, λ the arrival rate near closing; the k-th smallest gap of n days has mean
    (1/λ)(1/n + … + 1/(n − k + 1)). The estimate is the second-latest last
    arrival (the latest with fewer than 5 days; the second one is robust to one
    odd ticket) plus that mean gap, λ being the arrivals per day in the hour before
    it; opening mirrors this with the first arrivals.
    """
    n = len(edges)
    k = 2 if n >= 5 else 1
    ordered = np.sort(edges)
    x = float(ordered[-k] if closing else ordered[k - 1])
    window = (minutes > x - 60) & (minutes <= x) if closing else (minutes >= x) & (minutes < x + 60)
    rate = window.sum() / n_days / 60
    gap = sum(1 / (n - i) for i in range(k)) / rate if rate > 0 else 0.0
    return x + gap if closing else x - gap


def opening_hours(issued: pd.Series, ordinary: pd.DatetimeIndex) -> dict[str, tuple[int, int] | None]:
    """An office's opening hours per weekday from its clients' arrival times.

    A weekday is open when the office had tickets on at least half of its
    ordinary dates. Opening and closing are estimated from the first and last
    arrivals of its days (:func:`edge`), then again from the days of every
    weekday whose estimate is within :data:`SAME_HOURS_MIN` of it (weekdays with
    the same hours pool their days, which steadies a small office's estimate),
    and rounded to the nearest quarter hour.
    """
    day = issued.dt.normalize()
    minute = pd.Series(minute_of_day(issued), index=issued.index)
    first = minute.groupby(day).min()
    last = minute.groupby(day).max()
    days_of: dict[int, pd.DatetimeIndex] = {}
    for wd in range(7):
        dates = ordinary[ordinary.day_of_week == wd]
        seen = first.index[first.index.isin(dates)]
        if len(dates) and len(seen) and len(seen) >= OPEN_DAY_SHARE * len(dates):
            days_of[wd] = seen

    def estimate(wds: list[int], closing: bool) -> float:
        seen = days_of[wds[0]].append([days_of[w] for w in wds[1:]]) if len(wds) > 1 else days_of[wds[0]]
        on_days = minute[day.isin(seen).to_numpy()].to_numpy()
        return edge((last if closing else first)[seen].to_numpy(), on_days, len(seen), closing)

    own = {wd: (estimate([wd], False), estimate([wd], True)) for wd in days_of}
    out: dict[str, tuple[int, int] | None] = {name: None for name in WEEKDAYS}
    for wd, (lo0, hi0) in own.items():
        lo = estimate([w for w in own if abs(own[w][0] - lo0) <= SAME_HOURS_MIN], False)
        hi = estimate([w for w in own if abs(own[w][1] - hi0) <= SAME_HOURS_MIN], True)
        lo = int(max(0, round(lo / ROUND_MIN) * ROUND_MIN))
        hi = int(min(DAY, round(hi / ROUND_MIN) * ROUND_MIN))
        out[WEEKDAYS[wd]] = (lo, max(hi, lo + ROUND_MIN))
    return out


def outside_hours(frame: pd.DataFrame, hours: dict[str, tuple[int, int] | None]) -> np.ndarray:
    wd = frame["issued"].dt.day_of_week.to_numpy()
    minute = minute_of_day(frame["issued"])
    out = np.zeros(len(frame), dtype=bool)
    for i, name in enumerate(WEEKDAYS):
        sel = wd == i
        h = hours[name]
        out[sel] = True if h is None else ((minute[sel] < h[0]) | (minute[sel] >= h[1]))
    return out


def fit_returns(tickets: pd.DataFrame, last_day: dt.date, window_days: int, with_ids: bool) -> ReturnsFit:
    """Returns of the same client for the same service within ``window_days``.

    A ticket is a *return* when the client had a ticket for the service in the
    ``window_days`` before it; it is *followed* when the client comes back for
    the service within ``window_days`` after it. Only tickets issued at least
    ``window_days`` before the log's last day are counted for the shares (later
    ones could not show their return).
    """
    n = len(tickets)
    services = sorted(tickets["service"].unique())
    if not with_ids:
        return ReturnsFit(False, window_days, {s: (0.0, 0) for s in services}, (0.0, 0), 1, 6,
                          np.ones(n, dtype=bool))
    t = tickets.assign(_i=np.arange(n)).dropna(subset=["client_id"])
    t = t.sort_values(["client_id", "service", "issued"], kind="stable")
    same_prev = (t["client_id"].eq(t["client_id"].shift()) & t["service"].eq(t["service"].shift())).to_numpy()
    same_next = (t["client_id"].eq(t["client_id"].shift(-1)) & t["service"].eq(t["service"].shift(-1))).to_numpy()
    day = t["issued"].dt.normalize()
    gap_prev = (day - day.shift()).dt.days.to_numpy()
    gap_next = (day.shift(-1) - day).dt.days.to_numpy()
    is_return = same_prev & (gap_prev <= window_days)
    followed = same_next & (gap_next <= window_days)
    eligible = (day <= pd.Timestamp(last_day) - pd.Timedelta(days=window_days)).to_numpy()
    outcome = t["outcome"].to_numpy()
    mdp = {}
    for s in services:
        sel = eligible & (outcome == "served") & (t["service"] == s).to_numpy()
        mdp[s] = (float(followed[sel].mean()) if sel.any() else 0.0, int(sel.sum()))
    left = eligible & np.isin(outcome, ["reneged", "sent_away"])
    return_prob = (float(followed[left].mean()) if left.any() else 0.0, int(left.sum()))
    gaps = gap_next[followed & (gap_next > 0)]
    after = max(1, int(np.floor(np.quantile(gaps, 0.1)))) if gaps.size else 1
    visits = t.groupby(["client_id", "service"]).size()
    first_visit = np.ones(n, dtype=bool)
    first_visit[t["_i"].to_numpy()[is_return]] = False
    return ReturnsFit(True, window_days, mdp, return_prob, after, max(6, int(visits.max()) if len(visits) else 6),
                      first_visit)


def arriving(frame: pd.DataFrame) -> np.ndarray:
    """Tickets of clients arriving at the office: with client ids, a client's first
    ticket of the day there (later ones are taken in the same visit, e.g. for a
    second need after the first was served, and may come after closing)."""
    if frame["client_id"].isna().all():
        return np.ones(len(frame), dtype=bool)
    key = [frame["client_id"].fillna("").to_numpy(), frame["office"].to_numpy(),
           frame["issued"].dt.normalize().to_numpy()]
    order = frame.assign(_c=key[0], _o=key[1], _d=key[2]).sort_values("issued", kind="stable")
    later = order.groupby(["_c", "_o", "_d"]).cumcount().to_numpy() > 0
    later &= order["client_id"].notna().to_numpy()
    out = np.ones(len(frame), dtype=bool)
    out[frame.index.get_indexer(order.index)[later]] = False
    return out


def per_week(frame: pd.DataFrame, days: pd.DatetimeIndex) -> float:
    """Mean rows per day of each weekday over ``days``, summed over the week."""
    day = frame["issued"].dt.normalize()
    counts = day[day.isin(days)].value_counts().reindex(days, fill_value=0)
    wd = days.day_of_week
    return float(sum(counts[wd == d].mean() for d in range(7) if (wd == d).any()))
