"""Specifications of simoffice.calibration.visits: opening hours, arrivals, returns and demand from tickets."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from simoffice.calibration.visits import arriving, fit_returns, opening_hours, per_week


def test_opening_hours_come_from_the_first_and_last_arrivals_with_their_gaps():
    """Poisson arrivals at 5 an hour, Mon–Wed 08:00–17:00 and Thu 09:30–19:00, Friday closed,
    six weeks: the first and last arrivals fall short of the hours by chance, and the
    estimate corrects for it; Thursday keeps hours of its own."""
    rng = np.random.default_rng(12)
    hours = {0: (480, 1020), 1: (480, 1020), 2: (480, 1020), 3: (570, 1140)}
    days = pd.date_range("2026-01-12", periods=42, freq="D")
    stamps = []
    for d in days:
        if d.day_of_week in hours:
            lo, hi = hours[d.day_of_week]
            n = rng.poisson(5 * (hi - lo) / 60)
            stamps += list(d + pd.to_timedelta(np.sort(rng.uniform(lo, hi, n)), unit="min"))
    got = opening_hours(pd.Series(stamps), days)
    assert got == {"mon": (480, 1020), "tue": (480, 1020), "wed": (480, 1020), "thu": (570, 1140),
                   "fri": None, "sat": None, "sun": None}


def tickets(rows):
    """Tickets (client, service, issued, outcome) as a log frame."""
    frame = pd.DataFrame(rows, columns=["client_id", "service", "issued", "outcome"])
    frame["issued"] = pd.to_datetime(frame["issued"])
    frame["office"] = "Centre"
    return frame


def test_returns_are_the_same_client_and_service_within_the_window():
    """A served ticket followed by the same client's ticket for the same service within 7 days
    is a missing document; a reneged one followed likewise is a return; a ticket for another
    service, or after the window, is not; tickets of the last 7 days are not counted."""
    frame = tickets([
        ("a", "cert", "2026-01-05 09:00", "served"),   # back on the 7th: missing document
        ("a", "cert", "2026-01-07 09:00", "served"),
        ("b", "cert", "2026-01-05 10:00", "served"),   # back after 10 days: a new need
        ("b", "cert", "2026-01-15 10:00", "served"),
        ("c", "cert", "2026-01-06 10:00", "reneged"),  # back the next day
        ("c", "cert", "2026-01-07 10:00", "served"),
        ("d", "cert", "2026-01-06 11:00", "reneged"),  # never back
        ("e", "cert", "2026-01-06 12:00", "served"),   # another service later: not a return
        ("e", "benefit", "2026-01-07 12:00", "served"),
        ("f", "cert", "2026-01-20 12:00", "served"),   # within the last 7 days: not counted
    ])
    r = fit_returns(frame, dt.date(2026, 1, 21), 7, with_ids=True)
    # Served cert tickets up to 14 January: a (5th, back), a (7th), b (5th), c (7th), e (6th).
    assert r.missing_document_prob["cert"] == (1 / 5, 5)
    assert r.return_prob == (1 / 2, 2)
    assert r.first_visit.tolist() == [True, False, True, True, True, False, True, True, True, True]
    assert r.return_after_days == 1


def test_without_client_ids_there_are_no_returns():
    frame = tickets([("", "cert", "2026-01-05 09:00", "served")] * 3)
    r = fit_returns(frame, dt.date(2026, 1, 21), 7, with_ids=False)
    assert r.first_visit.all() and r.return_prob == (0.0, 0) and r.missing_document_prob == {"cert": (0.0, 0)}


def test_a_clients_later_tickets_of_the_day_are_not_arrivals():
    frame = tickets([("a", "cert", "2026-01-05 09:00", "served"), ("a", "benefit", "2026-01-05 09:20", "served"),
                     ("b", "cert", "2026-01-05 09:10", "served"), ("a", "cert", "2026-01-06 09:00", "served")])
    assert arriving(frame).tolist() == [True, False, True, True]


def test_demand_per_week_is_the_sum_of_the_weekday_means():
    """Two Mondays with 3 and 1 tickets and two Tuesdays with 2 and 0: 2 + 1 a week."""
    frame = tickets([("", "x", "2026-01-05 09:00", "served")] * 3 + [("", "x", "2026-01-12 09:00", "served")]
                    + [("", "x", "2026-01-06 09:00", "served")] * 2)
    assert per_week(frame, pd.date_range("2026-01-05", "2026-01-13")) == 3.0
