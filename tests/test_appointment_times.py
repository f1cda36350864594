"""Appointment times clients choose: a preferred slot, and the free slot nearest to it."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import simoffice
from simoffice.engine.calendar import Calendar
from simoffice.model.profile import ArrivalProfile
from simoffice.vocabulary import DAY

import networks as N

# --- the calendar: the free slot nearest to a preferred time ---------------------------

DAY_8_12 = [(d * DAY + 480, d * DAY + 720) for d in range(3)]  # 08:00–12:00 on three days; 30-min slots


def at(day: int, hhmm: str) -> float:
    h, m = hhmm.split(":")
    return day * DAY + int(h) * 60 + int(m)


def test_a_free_preferred_slot_is_booked():
    cal = Calendar(DAY_8_12, 30, 1)
    assert cal.book(0.0, 3 * DAY, at(1, "10:00")) == at(1, "10:00")


def test_a_preferred_time_between_slot_starts_takes_the_nearest_start():
    cal = Calendar(DAY_8_12, 30, 1)
    assert cal.book(0.0, 3 * DAY, at(1, "10:20")) == at(1, "10:30")
    assert cal.book(0.0, 3 * DAY, at(1, "09:10")) == at(1, "09:00")
    assert cal.book(0.0, 3 * DAY, at(1, "06:00")) == at(1, "08:00"), "a closed hour: the nearest open slot"
    assert cal.book(0.0, 3 * DAY, at(1, "18:00")) == at(1, "11:30")


def test_equally_near_slots_go_to_the_earlier():
    """10:00 taken: 09:30 and 10:30 are equally near, and the client takes 09:30; then 10:30."""
    cal = Calendar(DAY_8_12, 30, 1)
    assert cal.book(0.0, 3 * DAY, at(1, "10:00")) == at(1, "10:00")
    assert cal.book(0.0, 3 * DAY, at(1, "10:00")) == at(1, "09:30")
    assert cal.book(0.0, 3 * DAY, at(1, "10:00")) == at(1, "10:30")


def test_nearest_is_by_distance_across_full_slots_and_days():
    cal = Calendar(DAY_8_12, 30, 1)
    for hhmm in ("09:30", "10:00", "10:30"):
        cal.book(0.0, 3 * DAY, at(1, hhmm))
    assert cal.book(0.0, 3 * DAY, at(1, "10:15")) == at(1, "11:00"), "45 min later beats 75 min earlier"
    assert cal.book(0.0, 3 * DAY, at(1, "10:15")) == at(1, "09:00"), "75 min earlier beats 75 min later (tie)"
    for _ in range(3):  # the rest of day 1: 08:00, 08:30, 11:30 (the nearer first), then 11:30 …
        cal.book(0.0, 3 * DAY, at(1, "10:15"))
    assert all(cal.room[i] == 0 for i, s in enumerate(cal.starts) if s // DAY == 1)
    # Day 1 full: day 2 08:00 is 20.5 h later, day 0 11:30 is 22.75 h earlier.
    assert cal.book(0.0, 3 * DAY, at(1, "11:30")) == at(2, "08:00")
    assert cal.book(0.0, 3 * DAY, at(1, "08:00")) == at(0, "11:30")


def test_slots_per_client_are_used_up_before_moving_on():
    cal = Calendar(DAY_8_12, 30, 2)
    assert [cal.book(0.0, 3 * DAY, at(1, "10:00")) for _ in range(4)] == \
        [at(1, "10:00"), at(1, "10:00"), at(1, "09:30"), at(1, "09:30")]


def test_the_booking_stays_within_the_period():
    """Only slots starting in [earliest, latest): a nearer slot outside it is not taken."""
    cal = Calendar(DAY_8_12, 30, 1)
    assert cal.book(at(1, "00:00"), at(2, "00:00"), at(0, "11:30")) == at(1, "08:00"), "before the period"
    assert cal.book(at(1, "00:00"), at(2, "00:00"), at(2, "08:00")) == at(1, "11:30"), "after the period"
    assert cal.book(at(1, "00:00"), at(1, "09:00"), at(1, "11:00")) == at(1, "08:30")
    assert cal.book(at(1, "00:00"), at(1, "09:00"), at(1, "11:00")) is None, "the period is full"
    assert cal.book(at(1, "00:00"), at(2, "00:00"), None) == at(1, "09:00"), "no preference: the first free"


def test_bookings_match_a_slot_by_slot_search_for_the_nearest():
    """Many random bookings, with preferences and without (the first free slot), give the
    slots a scan of every slot gives, however full the calendar."""
    rng = np.random.default_rng(11)
    intervals = [(d * DAY + 480, d * DAY + 1020) for d in range(30) if d % 7 < 5]
    fast = Calendar(intervals, 30, 2)
    room = dict.fromkeys(fast.starts, 2)
    for _ in range(900):
        earliest = float(rng.uniform(0, 30 * DAY))
        latest = earliest + float(rng.choice([DAY, 5 * DAY, np.inf]))
        preferred = None if rng.random() < 0.2 else float(rng.uniform(earliest - DAY, earliest + 6 * DAY))
        free = [t for t in fast.starts if earliest <= t < latest and room[t] > 0]
        if preferred is None or preferred <= earliest:
            expected = free[0] if free else None
        else:
            expected = min(free, key=lambda t: (abs(t - preferred), t), default=None)
        if expected is not None:
            room[expected] -= 1
        assert fast.book(earliest, latest, preferred) == expected


# --- the calendar: the preferred slot --------------------------------------------------

def afternoon_profile() -> ArrivalProfile:
    """Weekdays only; 08:00–12:00 at rate 1 an hour, 12:00–16:00 at rate 3."""
    w = np.zeros((7, 24))
    w[:5, 8:12], w[:5, 12:16] = 1.0, 3.0
    return ArrivalProfile(60, w / w.sum())


def test_preferred_slots_follow_the_profile_over_the_open_slots():
    """Open 10:00–14:00 every day (the run starting on a Monday): slots are preferred in
    proportion to the profile's rate over them — 10 and 11 at 1, 12 and 13 at 3, and
    no weekend slot (no rate then)."""
    cal = Calendar([(d * DAY + 600, d * DAY + 840) for d in range(14)], 60, 1)
    n = 8000
    picks = [cal.preferred((i + 0.5) / n, 0.0, 14 * DAY, afternoon_profile(), 0) for i in range(n)]
    day, hour = np.divmod(np.array(picks), DAY)
    assert set((day % 7).astype(int)) == {0, 1, 2, 3, 4}
    counts = np.bincount((hour // 60).astype(int), minlength=24)[10:14]
    assert counts.tolist() == [n // 80 * 10 * 1] * 2 + [n // 80 * 10 * 3] * 2


def test_the_profile_week_starts_at_the_runs_first_weekday():
    """A run starting on a Saturday (weekday 5): days 0 and 1 are the weekend, with no rate."""
    cal = Calendar([(d * DAY + 600, d * DAY + 840) for d in range(7)], 60, 1)
    picks = [cal.preferred(u, 0.0, 7 * DAY, afternoon_profile(), 5) for u in np.linspace(0, 0.999, 200)]
    assert min(picks) >= 2 * DAY


def test_a_period_with_no_rate_prefers_every_slot_alike():
    """Only the weekend in the period: every slot of it alike."""
    cal = Calendar([(d * DAY + 600, d * DAY + 840) for d in range(7)], 60, 1)
    picks = [cal.preferred((i + 0.5) / 80, 5 * DAY, 7 * DAY, afternoon_profile(), 0) for i in range(80)]
    assert np.bincount(((np.array(picks) - 5 * DAY) // 60).astype(int)).tolist().count(10) == 8


def test_no_slot_in_the_period_no_preference():
    cal = Calendar(DAY_8_12, 30, 1)
    assert cal.preferred(0.5, 3 * DAY, 4 * DAY, afternoon_profile(), 0) is None


# --- in a run ---------------------------------------------------------------------------

WEEKDAYS = N.DAYS[:5]
# When clients arise, 06:00–20:00 (weekdays); the office opens 08:00–18:00.
TIME_OF_DAY = [1, 1, 2, 4, 6, 3, 1, 2, 5, 4, 3, 2, 1, 1]


def booking_office(per_slot: int = 1000, per_week: float = 500.0, preferred: str = "profile",
                   preferred_profile: dict | None = None, replications: int = 2) -> dict:
    """One office open 08:00–18:00 on weekdays with 60-minute slots for ``per_slot`` clients;
    every client books (nobody fails to come, nobody is late, nobody comes back)."""
    cfg = N.network(per_week, replications=replications)
    net = cfg["network"]
    net["arrival_profile"] = {"bin_min": 60, "start": "06:00", "time_of_day": TIME_OF_DAY,
                              "weekdays": {d: 1.0 for d in WEEKDAYS}}
    net["segments"]["everyone"].update(channels={"appointment": 1.0}, return_prob=0.0)
    net["offices"][0]["appointments"] = {"slot_min": 60, "per_slot": per_slot}
    net["appointments"].update(preferred=preferred, preferred_profile=preferred_profile)
    cfg["schedule"]["opening_hours"] = {d: "08:00-18:00" for d in WEEKDAYS}
    cfg["schedule"]["shifts"] = {"day": {"start": "08:00", "end": "18:00", "days": WEEKDAYS}}
    net["offices"][0]["desk_groups"][0]["staff"] = {"day": 20}
    return cfg


def booked(res) -> "object":
    """Each client's booked contact, with the time the booking was made."""
    c = res.contacts.merge(res.bundles[["replication", "bundle", "created_min"]], on=["replication", "bundle"])
    return c[c["channel"] == "appointment"]


def booked_hours(res) -> np.ndarray:
    return np.bincount((booked(res)["arrival_min"] % DAY // 60).astype(int), minlength=24)


def test_booked_times_follow_the_arrival_profile_over_the_open_hours():
    """With room in every slot, clients get the slot they prefer: the hours of the day are
    booked as often as the profile has clients arise then, the hours the office is closed
    (06–08, 18–20) left out."""
    counts = booked_hours(N.simulate(booking_office()))
    assert counts[:8].sum() == counts[18:].sum() == 0
    expected = np.array(TIME_OF_DAY[2:12], dtype=float)
    observed = counts[8:18]
    assert observed.sum() > 2000
    assert stats.chisquare(observed, expected / expected.sum() * observed.sum()).pvalue > 1e-4


def test_bookings_lie_within_the_horizon_from_the_next_day():
    b = booked(N.simulate(booking_office()))
    next_day = (b["created_min"] // DAY + 1) * DAY
    assert (b["arrival_min"] >= next_day).all()
    assert (b["arrival_min"] < next_day + 10 * DAY).all()
    assert ((b["arrival_min"] - next_day) >= 5 * DAY).mean() > 0.2, "clients book across the horizon"


def test_a_configured_preference_takes_bookings_where_preferred():
    """preferred_profile 14:00–16:00: with room, every booking lies there; with little room,
    the fewer the further from it (13 and 16, then 12 and 17, then 11, 10 …)."""
    afternoon = {"bin_min": 60, "start": "14:00", "time_of_day": [1, 1], "weekdays": {d: 1 for d in WEEKDAYS}}
    roomy = booked_hours(N.simulate(booking_office(preferred_profile=afternoon)))
    assert roomy[14] + roomy[15] == roomy.sum() > 2000
    tight = booked_hours(N.simulate(booking_office(per_slot=12, preferred_profile=afternoon)))[8:18]
    by_distance = [tight[6] + tight[7], tight[5] + tight[8], tight[4] + tight[9], tight[3], tight[2], tight[1]]
    assert by_distance == sorted(by_distance, reverse=True), tight


def test_earliest_books_the_first_free_slot():
    """preferred = earliest (no preference): with room, every booking is the next weekday's 08:00."""
    b = booked(N.simulate(booking_office(preferred="earliest")))
    assert (b["arrival_min"] % DAY == 8 * 60).all()
    next_day = (b["created_min"] // DAY + 1) * DAY
    assert ((b["arrival_min"] - next_day) < 3 * DAY).all()


def test_the_preference_draws_from_its_own_stream():
    """The same clients whatever the preference (common random numbers): the same bundles,
    created at the same times, and each served for the same time at its booked slot."""
    runs = [N.simulate(booking_office(preferred=p)) for p in ("profile", "earliest")]
    cols = ["replication", "bundle", "created_min", "segment"]
    bundles = [r.bundles[cols].sort_values(["replication", "bundle"], ignore_index=True) for r in runs]
    assert bundles[0].equals(bundles[1])
    served = [booked(r).set_index(["replication", "bundle"])["service_min"].sort_index() for r in runs]
    both = served[0].index.intersection(served[1].index)
    assert len(both) > 2000
    assert np.allclose(served[0][both].to_numpy(), served[1][both].to_numpy(), rtol=0, atol=1e-9, equal_nan=True)


def test_the_video_centres_sessions_spread_over_the_day():
    """network=regional: sessions are booked through the video centre's day (afternoons too),
    not from its first slots on; the engine's invariants hold."""
    res = simoffice.simulate(simoffice.compose("network=regional", "run.replications=1",
                                               "run.check_invariants=true"), progress=False)
    c = res.contacts
    hours = (c[c["channel"] == "video"]["arrival_min"] % DAY // 60).astype(int)
    assert len(hours) > 100
    assert (hours >= 13).mean() > 0.25
    assert hours.max() >= 15


def test_preferred_is_checked():
    cfg = booking_office()
    cfg["network"]["appointments"]["preferred"] = "soon"
    with pytest.raises(simoffice.ConfigError, match="network.appointments.preferred"):
        N.simulate(cfg)


def test_a_bad_preferred_profile_is_refused_where_it_is():
    cfg = booking_office(preferred_profile={"bin_min": 7})
    with pytest.raises(simoffice.ConfigError, match="network.appointments.preferred_profile.bin_min"):
        N.simulate(cfg)
