"""Appointments: the slot calendar, and what booking does to waits and desk time."""

from __future__ import annotations

import pytest

from simoffice.engine.calendar import Calendar
from simoffice.vocabulary import DAY

import networks as N
from conftest import per_replication
from oracle import assert_covers, with_seed

# --- the calendar ---------------------------------------------------------------------

OPEN = [(0.0, 100.0), (200.0, 260.0)]  # two open intervals


def test_slots_fill_the_open_intervals_only():
    """30-minute slots through each open interval; a slot that would run past closing is not offered."""
    cal = Calendar(OPEN, 30, 1)
    assert cal.starts == [0.0, 30.0, 60.0, 200.0, 230.0]
    for s in cal.starts:
        assert any(lo <= s and s + 30 <= hi for lo, hi in OPEN)


def test_a_booking_takes_the_first_free_slot_starting_in_the_period():
    cal = Calendar(OPEN, 30, 1)
    assert cal.book(10.0, 1000.0) == 30.0  # the slot at 0 starts before the period
    assert cal.book(10.0, 1000.0) == 60.0
    assert cal.book(10.0, 1000.0) == 200.0  # nothing between closing and reopening
    assert cal.book(0.0, 1000.0) == 0.0
    assert cal.book(0.0, 230.0) is None  # [earliest, latest): the slot at 230 does not start in it
    assert cal.book(0.0, 230.5) == 230.0


def test_a_slot_takes_per_slot_clients():
    cal = Calendar(OPEN, 30, 3)
    assert [cal.book(0.0, 1000.0) for _ in range(4)] == [0.0, 0.0, 0.0, 30.0]


def test_a_full_calendar_books_nothing():
    cal = Calendar(OPEN, 30, 2)
    booked = [cal.book(0.0, 1000.0) for _ in range(10)]
    assert sorted(booked) == sorted(2 * cal.starts)
    assert cal.book(0.0, 1000.0) is None
    assert cal.book(0.0, float("inf")) is None


def test_a_later_period_is_served_while_earlier_slots_are_full():
    """Filling the first slots does not hide free slots of a later request, nor the reverse."""
    cal = Calendar(OPEN, 30, 1)
    assert cal.book(200.0, 1000.0) == 200.0
    assert [cal.book(0.0, 1000.0) for _ in range(4)] == [0.0, 30.0, 60.0, 230.0]
    assert cal.book(0.0, 1000.0) is None


# --- appointments in a network --------------------------------------------------------

def booking_network(no_show: float = 0.0, priority: bool = True, channels: dict | None = None,
                    per_week: float = 500.0, replications: int = 4) -> dict:
    """One office open 24/7 (M/M/2, ρ ≈ 0.5 at 500 a week) with a calendar of 30-minute slots for
    two clients; clients book (or walk in, as ``channels`` says); a no-show gives up."""
    cfg = N.network(per_week, replications=replications)
    net = cfg["network"]
    net["segments"]["everyone"].update(channels=channels or {"appointment": 1.0}, return_prob=0.0)
    net["offices"][0]["appointments"] = {"slot_min": 30, "per_slot": 2}
    net["appointments"].update(no_show_prob=no_show, priority=priority)
    return cfg


@pytest.mark.oracle
def test_no_shows_lower_desk_utilisation():
    """The same clients, 30 % of bookings not kept: desks are busy less of their time on duty."""
    kept, missed = (N.simulate(with_seed(booking_network(no_show=p, replications=8), "no-shows"))
                    for p in (0.0, 0.3))
    drop = per_replication(kept, "utilisation") - per_replication(missed, "utilisation")
    assert (drop > 0).all()
    # Service times do not depend on who keeps the booking: 30 % of the desks' work goes.
    assert_covers(drop / per_replication(kept, "utilisation"), 0.3, "share of desk time lost to no-shows")
    contacts = N.rows(missed)
    assert_covers(N.per_rep(contacts, "outcome", lambda o: float((o == "no_show").mean())), 0.3,
                  "share of bookings not kept")


def channel_wait(res, channel: str):
    g = res.groups
    sel = g[(g["by"] == "channel") & (g["group"] == channel) & (g["measure"] == "wait_mean_min")]
    return sel.set_index("replication")["value"].sort_index()


def test_appointment_clients_are_seen_before_walk_ins():
    """appointments.priority: booked clients wait less than walk-ins, and less than when
    both queue on an equal footing (the same clients)."""
    mix = {"walk_in": 0.6, "appointment": 0.4}
    first, equal = (N.simulate(booking_network(priority=p, channels=mix, per_week=850)) for p in (True, False))
    assert (channel_wait(first, "appointment") < channel_wait(first, "walk_in")).all()
    assert (channel_wait(first, "appointment") < channel_wait(equal, "appointment")).all()
    assert (channel_wait(first, "walk_in") > channel_wait(equal, "walk_in")).all()


def scarce_calendar(when_full: str) -> dict:
    """Two slots a day (12-hour slots, one client each) for 50 bookings a week, booked at most
    two days ahead."""
    cfg = booking_network(per_week=50, replications=2)
    net = cfg["network"]
    net["offices"][0]["appointments"] = {"slot_min": 720, "per_slot": 1}
    net["appointments"].update(booking_horizon_days=2, when_full=when_full)
    return cfg


def booked_visits(res):
    c = res.contacts.merge(res.bundles[["replication", "bundle", "created_min"]], on=["replication", "bundle"])
    return c[(c["visit"] == 1) & (c["channel"] == "appointment")]


def test_when_the_calendar_is_full_clients_walk_in():
    """when_full = walk_in: a client with no free slot within the booking horizon walks in."""
    res = N.simulate(scarce_calendar("walk_in"))
    c = res.contacts
    assert (c["channel"] == "walk_in").sum() > 0.5 * (c["channel"] == "appointment").sum()
    booked = booked_visits(res)
    next_day = (booked["created_min"] // DAY + 1) * DAY
    assert (booked["arrival_min"] >= next_day).all(), "bookings start from the next day"
    assert (booked["arrival_min"] < next_day + 2 * DAY).all(), "bookings lie within the horizon"


def test_when_the_calendar_is_full_clients_wait_for_a_later_slot():
    """when_full = wait: nobody walks in; clients take slots past the horizon, or stay open
    when every slot of the run is taken."""
    res = N.simulate(scarce_calendar("wait"))
    c = res.contacts
    assert (c["channel"] == "walk_in").sum() == 0
    booked = booked_visits(res)
    next_day = (booked["created_min"] // DAY + 1) * DAY
    assert (booked["arrival_min"] >= next_day + 2 * DAY).any(), "some slots lie past the booking horizon"
    assert (res.bundles["status"] == "open").any()
    per_day = c[c["channel"] == "appointment"].groupby(["replication", c["arrival_min"] // DAY]).size()
    assert per_day.max() <= 2, "the calendar's two slots a day are never overbooked"
