"""The arrival profile from tickets: mean tickets per weekday × time-of-day bin.

:func:`fit_arrivals` counts the tickets issued in each bin of each ordinary day
of a log's period and averages them per weekday. Public holidays are left out,
given or detected (:func:`detect_holidays`: a day with no ticket at all when the
same weekday usually has many), and so is the first day with tickets after
each, which takes the holiday's clients as well. Times are minutes since
midnight; :meth:`ArrivalFit.config` writes the profile as a config's
``arrival_profile`` block.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from simoffice.calibration.fitting import round_significant
from simoffice.vocabulary import DAY, WEEKDAYS, hhmm

__all__ = ["ArrivalFit", "fit_arrivals", "detect_holidays"]

# A day with no ticket is a holiday when its weekday usually has so many that
# a day without any would happen by chance with probability below this
# (Poisson: exp(-median) < 0.001, a median of 7 or more tickets).
HOLIDAY_ALPHA = 1e-3


def detect_holidays(daily: pd.Series, alpha: float = HOLIDAY_ALPHA) -> list[dt.date]:
    """Days with no ticket whose weekday usually has many.

    Args:
        daily: tickets per calendar day, indexed by every date of the log's
            period (days with none included, as 0).
        alpha: a day is a holiday if a day without tickets would have
            probability below ``alpha`` were it an ordinary day of its weekday
            (Poisson with the weekday's median count of the other days).
    """
    dates = pd.to_datetime(pd.Index(daily.index))
    counts = pd.Series(np.asarray(daily, dtype=float), index=dates)
    out = []
    for wd in range(7):
        days = counts[dates.day_of_week == wd]
        for day, n in days.items():
            if n > 0:
                continue
            others = days.drop(day)
            if len(others) and math.exp(-float(others.median())) < alpha:
                out.append(day.date())
    return sorted(out)


@dataclass
class ArrivalFit:
    """The arrival profile estimated from tickets.

    Attributes:
        bin_min: width of a time-of-day bin (minutes, divides 1440).
        start_min: clock time of the first bin (minutes since midnight).
        rates: (7, bins) mean tickets per day of each weekday in each bin, Monday first.
        days: (7,) days of each weekday counted (the period's days less holidays
            and the days after them).
        holidays: days left out, with why (``"given"`` or ``"detected"``).
        after_holidays: the first day with tickets after each holiday (-> the
            holiday): left out too, since it also takes the holiday's clients.
        daily: tickets per day of the period (for the report).
        per_day_bins: tickets per day × bin (rows: dates; for the report).
    """

    bin_min: int
    start_min: int
    rates: np.ndarray
    days: np.ndarray
    holidays: dict[dt.date, str] = field(default_factory=dict)
    after_holidays: dict[dt.date, dt.date] = field(default_factory=dict)
    daily: pd.Series | None = None
    per_day_bins: pd.DataFrame | None = None

    @property
    def per_week(self) -> float:
        """Tickets in an ordinary week: the sum of the weekday means."""
        return float(self.rates.sum())

    def config(self, digits: int = 3) -> dict:
        """The ``arrival_profile`` block: every weekday's weight (its share of the
        week, relative to the mean open day) and own bins (relative to its mean bin)."""
        totals = self.rates.sum(axis=1)
        open_days = totals > 0
        mean_day = totals[open_days].mean() if open_days.any() else 1.0
        pooled = self.rates[open_days].sum(axis=0)
        pooled = pooled / pooled.mean() if pooled.sum() > 0 else np.ones(self.rates.shape[1])
        by_weekday = {}
        for i, day in enumerate(WEEKDAYS):
            if open_days[i]:
                row = self.rates[i]
                by_weekday[day] = [round_significant(v, digits) for v in row / row.mean()]
        return {
            "bin_min": int(self.bin_min),
            "start": hhmm(self.start_min),
            "time_of_day": [round_significant(v, digits) for v in pooled],
            "weekdays": {day: round_significant(totals[i] / mean_day, digits) for i, day in enumerate(WEEKDAYS)},
            "by_weekday": by_weekday,
        }


def fit_arrivals(issued: pd.Series, bin_min: int, start_min: int, end_min: int,
                 first_day: dt.date, last_day: dt.date, holidays: Iterable[dt.date] = (),
                 detect: bool = True) -> ArrivalFit:
    """Mean tickets per weekday × bin from ticket issue times, over ordinary days:
    the period's days less holidays and the first day with tickets after each.

    Args:
        issued: naive local issue timestamps (every ticket, every office).
        bin_min: bin width in minutes (divides 1440).
        start_min, end_min: the day's span covered by bins (multiples of ``bin_min``).
        first_day, last_day: the log's period; days in it with no ticket count as 0.
        holidays: days to leave out (public holidays); ``detect`` adds days with
            no ticket whose weekday usually has many (:func:`detect_holidays`).
    """
    if DAY % bin_min:
        raise ValueError(f"bin_min {bin_min} does not divide a day (1440 min)")
    issued = pd.to_datetime(pd.Series(issued)).dropna()
    period = pd.date_range(first_day, last_day, freq="D")
    daily = issued.dt.normalize().value_counts().reindex(period, fill_value=0).sort_index()
    left_out = {d: "given" for d in holidays}
    if detect:
        for d in detect_holidays(daily):
            left_out.setdefault(d, "detected")
    # The first day with tickets after a holiday takes the holiday's clients as well
    # (they come another day): it is no ordinary day of its weekday either.
    busy = set(daily.index[daily.to_numpy() > 0].date)
    after = {}
    for h in left_out:
        nxt = h + dt.timedelta(days=1)
        while nxt <= last_day and nxt not in busy:
            nxt += dt.timedelta(days=1)
        if nxt <= last_day and nxt not in left_out:
            after[nxt] = h
    counted = pd.DatetimeIndex([d for d in period if d.date() not in left_out and d.date() not in after])
    n_bins = (end_min - start_min) // bin_min
    minute = (issued.dt.hour * 60 + issued.dt.minute).to_numpy()
    inside = (minute >= start_min) & (minute < end_min)
    day = issued.dt.normalize()
    frame = pd.DataFrame({"day": day[inside].to_numpy(), "bin": (minute[inside] - start_min) // bin_min})
    frame = frame[frame["day"].isin(counted)]
    per_day_bins = (frame.groupby(["day", "bin"]).size().unstack(fill_value=0)
                    .reindex(index=counted, columns=range(n_bins), fill_value=0))
    rates = np.zeros((7, n_bins))
    days = np.zeros(7, dtype=int)
    weekday = counted.day_of_week
    for wd in range(7):
        rows = per_day_bins.to_numpy()[weekday == wd]
        days[wd] = rows.shape[0]
        if rows.shape[0]:
            rates[wd] = rows.mean(axis=0)
    return ArrivalFit(bin_min, start_min, rates, days, dict(sorted(left_out.items())), dict(sorted(after.items())),
                      daily, per_day_bins)
