"""Opening hours with several intervals a day: an office closed for lunch.

``"08:00-12:00,13:00-17:00"`` in a config; in the model a day's hours are a tuple of
``(open, close)`` pairs. The lunch hour is a closing like the evening's: the closing
policy applies at 12:00, clients who come then find the office closed, no
appointment slot is offered in it, and clients who know the hours come before or
after it.
"""

from __future__ import annotations

import numpy as np
import pytest

import simoffice
from simoffice.config.build import build_spec, weekly_staff_hours
from simoffice.engine.calendar import Calendar
from simoffice.engine.clock import Environment
from simoffice.engine.office import Desk, OfficeModel, Ticket
from simoffice.engine.recorder import OUTCOMES, Recorder
from simoffice.engine.replication import office_timetable, simulate_replication
from simoffice.errors import ConfigError
from simoffice.measures.coverage import open_days
from simoffice.model.profile import ArrivalProfile
from simoffice.model.timetable import (
    Timetable,
    open_minutes,
    parse_opening,
    weekly_intervals,
)
from simoffice.vocabulary import DAY, WEEK

from conftest import simulate

MON = 0
NOON, ONE = 720, 780  # 12:00 and 13:00
LUNCH = ((480, NOON), (ONE, 1020))  # 08:00-12:00, 13:00-17:00
WEEKDAYS_LUNCH = (LUNCH,) * 5 + (None, None)
SHORT = ("run.weeks=3", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=1")


def in_lunch(t) -> np.ndarray:
    """Whether each time (simulated minutes) falls in a day's 12:00–13:00."""
    minute = np.asarray(t, float) % DAY
    return (minute >= NOON) & (minute < ONE)


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize("text, hours", [
    ("08:00-17:00", ((480, 1020),)),
    ("08:00-12:00,13:00-17:00", LUNCH),
    ("08:00-12:00 , 13:00-17:00", LUNCH),
    (" 08:00 - 12:00,  13:00 - 17:00 ", LUNCH),
    ("08:00-10:00,11:00-12:00,13:00-17:00", ((480, 600), (660, 720), (780, 1020))),
    ("08:00-12:00,12:00-17:00", ((480, 720), (720, 1020))),  # touching: disjoint half-open intervals
])
def test_parse_opening_gives_the_days_intervals_in_minutes(text, hours):
    """One interval or several, comma-separated, each an (open, close) pair of minutes since midnight."""
    assert parse_opening(text, "k") == hours


@pytest.mark.parametrize("text, expected", [
    ("08:00-13:00,12:00-17:00", "disjoint intervals in order (interval 2 opens at 12:00, before interval 1 "
                                "closes at 13:00)"),
    ("13:00-17:00,08:00-12:00", "disjoint intervals in order (interval 2 opens at 08:00, before interval 1 "
                                "closes at 17:00)"),
    ("08:00-12:00,", "opening hours 'HH:MM-HH:MM' or null for closed (several intervals a day: "
                     "'08:00-12:00,13:00-17:00') (interval 2: '')"),
    ("08:00-12:00;13:00-17:00", "opening hours 'HH:MM-HH:MM' or null for closed"),
    ("08:00-12:00,13:00-25:00", "a clock time 'HH:MM' between 00:00 and 24:00"),
    ("08:00-12:00,17:00-13:00", "a closing time after the opening time (interval 2: '17:00-13:00')"),
])
def test_parse_opening_refuses_overlaps_disorder_and_malformed_text_in_one_line(text, expected):
    """The error names the key, says what was expected and repeats the whole text given."""
    with pytest.raises(ConfigError) as info:
        parse_opening(text, "schedule.opening_hours.mon")
    err = info.value
    assert err.key == "schedule.opening_hours.mon"
    assert err.got == text
    assert expected in err.expected
    assert str(err).startswith("schedule.opening_hours.mon: expected ")
    assert "\n" not in str(err)


def test_a_schedule_closed_for_lunch_builds_offices_with_two_intervals_a_day():
    """The shipped five_day_lunch_closed schedule: every office of the regional network
    (and the video centre, which keeps the schedule's hours) has two intervals on
    weekdays; the contact centre keeps its own hours."""
    spec = build_spec(simoffice.compose("schedule=five_day_lunch_closed"))
    for unit in spec.offices:
        if unit.kind in ("office", "video_centre"):
            assert unit.opening == WEEKDAYS_LUNCH, unit.name
    centre = next(u for u in spec.offices if u.kind == "contact_centre")
    assert centre.opening == (((480, 1080),),) * 5 + (None, None)


def test_one_interval_a_day_is_a_tuple_of_one_pair():
    spec = build_spec(simoffice.compose("schedule=five_day"))
    assert spec.offices[0].opening == (((480, 1020),),) * 5 + (None, None)


def test_an_office_override_may_close_for_lunch_and_is_checked_like_the_schedule():
    cfg = simoffice.compose("network=single_office")
    cfg.network.offices[0].opening_hours = {"mon": "09:00-12:30, 13:30-16:00", "tue": "09:00-13:00,12:00-16:00"}
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    assert info.value.key == "network.offices[0].opening_hours.tue"
    assert info.value.expected.startswith("disjoint intervals in order")
    cfg.network.offices[0].opening_hours = {"mon": "09:00-12:30, 13:30-16:00"}
    assert build_spec(cfg).offices[0].opening == (((540, 750), (810, 960)),) + (None,) * 6


# ---------------------------------------------------------------- the timetable


@pytest.fixture
def lunch_tt() -> Timetable:
    """Two weeks of an office open Monday–Friday 08:00–12:00 and 13:00–17:00."""
    return Timetable(weekly_intervals(WEEKDAYS_LUNCH, MON, 14))


def test_weekly_intervals_expand_each_days_intervals(lunch_tt):
    assert lunch_tt.intervals[:4] == [(480, 720), (780, 1020), (DAY + 480, DAY + 720), (DAY + 780, DAY + 1020)]
    assert len(lunch_tt) == 2 * 10


def test_the_office_is_closed_over_lunch(lunch_tt):
    """Open at 11:59 and 13:00, closed at 12:00 and 12:30."""
    assert lunch_tt.is_open(719)
    assert not lunch_tt.is_open(NOON)
    assert not lunch_tt.is_open(750)
    assert lunch_tt.is_open(ONE)


def test_next_window_at_lunch_is_the_afternoon(lunch_tt):
    """A client at 12:10 can come at 13:00–17:00 that day; at 10:00, now until 12:00."""
    assert lunch_tt.next_window(730) == (780, 1020)
    assert lunch_tt.next_window(600) == (600, 720)
    assert lunch_tt.days_until_open(730) == 0


def test_day_windows_are_the_days_open_hours_from_then_on(lunch_tt):
    """Before opening both halves of the day; at lunch the afternoon; after closing the
    next working day's both halves (Friday evening: Monday's)."""
    assert lunch_tt.day_windows(400) == [(480, 720), (780, 1020)]
    assert lunch_tt.day_windows(730) == [(780, 1020)]
    assert lunch_tt.day_windows(600) == [(600, 720), (780, 1020)]
    friday_evening = 4 * DAY + 1100
    assert lunch_tt.day_windows(friday_evening) == [(7 * DAY + 480, 7 * DAY + 720), (7 * DAY + 780, 7 * DAY + 1020)]
    assert lunch_tt.day_windows(14 * DAY) == []


def test_day_windows_with_one_interval_a_day_is_the_next_window():
    tt = Timetable(weekly_intervals((((480, 1020),),) * 5 + (None, None), MON, 14))
    for t in (0, 500, 1100, 4 * DAY + 1100, DAY + 1019):
        assert tt.day_windows(t) == [tt.next_window(t)]
    always = Timetable(weekly_intervals((((0, DAY),),) * 7, MON, 3))
    assert always.day_windows(100) == [always.next_window(100)] == [(100, DAY)]


def test_a_time_in_the_days_windows_follows_the_profile_and_skips_the_gap():
    """Over both halves of a day, quantiles of the profile's rate there: never in the
    lunch hour, the morning taken with its share of the rate; one window as before."""
    hourly = np.zeros((7, 24))
    hourly[:, 8:17] = [1, 1, 1, 1, 3, 1, 1, 1, 1]  # most demand at 12:00-13:00 (closed)
    profile = ArrivalProfile(60, hourly / hourly.sum())
    windows = [(480.0, 720.0), (780.0, 1020.0)]
    u = (np.arange(10_000) + 0.5) / 10_000
    t = np.array([profile.time_in_windows(x, windows, MON) for x in u])
    assert not in_lunch(t).any()
    assert ((t >= 480) & (t < 1020)).all()
    assert (t < NOON).mean() == pytest.approx(0.5, abs=1e-3)  # 4 h of rate 1 on each side
    assert (np.diff(t) >= 0).all()  # a quantile function
    one = [(780.0, 1020.0)]
    assert [profile.time_in_windows(x, one, MON) for x in u[::97]] == \
        [profile.time_in_window(x, 780.0, 1020.0, MON) for x in u[::97]]


def test_appointment_slots_are_not_offered_over_lunch(lunch_tt):
    """20-minute slots through each half of the day, none starting or running into 12:00–13:00."""
    starts = np.array(Calendar(lunch_tt.intervals, 20, 1).starts)
    assert not in_lunch(starts).any()
    assert not (in_lunch(starts + 20 - 1e-9)).any()
    assert list(starts[:14]) == [480 + 20 * k for k in range(12)] + [780, 800]


# ---------------------------------------------------------------- the closing at 12:00


def closing_at_noon(serve_waiting: bool) -> list:
    """One desk on duty 08:00–12:00 and 13:00–17:00 (its lunch), 30-minute services,
    clients at 11:40, 11:45 and 11:50; the office closed 12:00–13:00."""
    env = Environment()
    log = []

    def begin(tk, desk, now):
        log.append(("begin", tk.client, now))
        return tk.needs, 30.0

    def end(tk, desk, start, now, handled):
        log.append(("end", tk.client, now))

    def left(tk, outcome, t):
        log.append((OUTCOMES[outcome], tk.client, t))

    desk = Desk(0, 0, frozenset({0}), list(LUNCH))
    office = OfficeModel(env, 0, Timetable(list(LUNCH)), [desk], 1, 1, serve_waiting, begin, end, left,
                         env.call_at, Recorder())
    for client, t in (("a", 700.0), ("b", 705.0), ("c", 710.0)):
        env.call_at(t, office.add, Ticket(client, [0], 0, 0, t, t + 600.0, 1))
    env.call_at(800.0, office.add, Ticket("d", [0], 0, 0, 800.0, 1400.0, 1))  # after lunch
    env.run(until=DAY)
    return log


def test_serve_waiting_at_lunch_the_desk_finishes_the_queue_in_overtime():
    """The desk busy at 12:00 serves those who came before (overtime into its lunch); no
    service starts over lunch for anyone else, and the afternoon goes on at 13:10."""
    assert closing_at_noon(serve_waiting=True) == [
        ("begin", "a", 700.0), ("end", "a", 730.0),
        ("begin", "b", 730.0), ("end", "b", 760.0),  # overtime: started while closed
        ("begin", "c", 760.0), ("end", "c", 790.0),
        ("begin", "d", 800.0), ("end", "d", 830.0),
    ]


def test_send_away_at_lunch_sends_the_waiting_away_at_12_00():
    """The client in service is finished; those waiting leave at 12:00; nothing starts before 13:00."""
    assert closing_at_noon(serve_waiting=False) == [
        ("begin", "a", 700.0), ("sent_away", "b", 720.0), ("sent_away", "c", 720.0), ("end", "a", 730.0),
        ("begin", "d", 800.0), ("end", "d", 830.0),
    ]


# ---------------------------------------------------------------- a simulated office


def single_office_closed_for_lunch(policy: str, *extra: str):
    """The single office of network=single_office on the lunch-closed schedule, busy
    enough (500 bundles a week) that clients wait at 12:00 on most days; one
    replication in invariant mode."""
    cfg = simoffice.compose("network=single_office", "schedule=five_day_lunch_closed", "run.check_invariants=true",
                            f"schedule.closing_policy={policy}", "network.offices.0.bundles_per_week=500",
                            *SHORT, *extra)
    spec = build_spec(cfg)
    return spec, simulate_replication(spec, 0)


def test_serve_waiting_starts_no_service_over_lunch_except_for_those_who_came_before():
    """Services start in the lunch hour only as overtime, for tickets taken that
    morning; desks work past 12:00; uninformed clients find the office closed."""
    spec, rep = single_office_closed_for_lunch("serve_waiting")
    c = rep["contacts"]
    started = ~np.isnan(c["start_min"])
    over_lunch = started & in_lunch(c["start_min"])
    day_noon = (c["start_min"] // DAY) * DAY + NOON
    assert over_lunch.sum() > 0
    assert (c["arrival_min"][over_lunch] < day_noon[over_lunch]).all()
    closed = c["outcome"] == OUTCOMES.index("closed")
    assert (closed & in_lunch(c["arrival_min"])).sum() > 0
    d = rep["duty"]
    past_noon = (d["scheduled_end_min"] % DAY == NOON) & (d["end_min"] > d["scheduled_end_min"])
    assert past_noon.any()


def test_send_away_starts_no_service_over_lunch_and_sends_the_waiting_away_at_noon():
    spec, rep = single_office_closed_for_lunch("send_away")
    c = rep["contacts"]
    assert not in_lunch(c["start_min"][~np.isnan(c["start_min"])]).any()
    sent = c["outcome"] == OUTCOMES.index("sent_away")
    at = c["end_min"][sent] % DAY
    assert (at == NOON).sum() > 0
    assert np.isin(at, [NOON, 1020]).all()


def test_clients_who_know_the_hours_never_come_over_lunch():
    """Everyone informed: no failed trip; a client whose need arises at lunch comes in
    the afternoon, and returning clients come in both halves of the day."""
    res = simulate("network=single_office", "schedule=five_day_lunch_closed", *SHORT,
                   *(f"network.segments.{s}.informed_share=1.0" for s in ("families", "pensioners")))
    c = res.contacts
    assert not (c["outcome"] == "closed").any()
    back = c[(c["visit"] > 1) & (c["channel"] == "walk_in")]
    minute = back["arrival_min"] % DAY
    assert (minute < NOON).any() and (minute >= ONE).any()


# ---------------------------------------------------------------- measures


def test_open_hours_and_coverage_read_both_halves_of_the_day():
    """40 open hours a week; the aggregates' open intervals are the timetable's; a day
    closed for lunch is an open day for coverage."""
    spec = build_spec(simoffice.compose("schedule=five_day_lunch_closed", "run.weeks=2"))
    office = next(o for o, u in enumerate(spec.offices) if u.kind == "office")
    assert open_minutes(spec.offices[office].opening) == 40 * 60
    intervals = np.array(office_timetable(spec, office).intervals)
    week = intervals[(intervals[:, 0] >= WEEK) & (intervals[:, 1] <= 2 * WEEK)]  # no holiday in the second week
    assert (week[:, 1] - week[:, 0]).sum() == 40 * 60
    days = np.arange(7, 14)
    assert list(open_days(spec, office, 0, days)) == [True] * 5 + [False] * 2


def test_the_lunch_break_arms_have_the_same_paid_staff_hours():
    """The study compares like with like: the same paid desk hours in every unit."""
    closed = weekly_staff_hours(build_spec(simoffice.compose("schedule=five_day_lunch_closed")))
    staggered = weekly_staff_hours(build_spec(simoffice.compose("schedule=five_day_staggered")))
    assert closed == staggered
    assert sum(closed.values()) == pytest.approx(637.0)
