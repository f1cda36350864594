"""Specifications of simoffice.model.timetable: clock parsing, weekly expansion, open/next-window look-ups.

Error cases of parse_clock/parse_hours are specified elsewhere.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simoffice.model.timetable import Timetable, merge, parse_clock, parse_hours, weekly_intervals
from simoffice.vocabulary import DAY, WEEK

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
OFFICE_HOURS = (480, 1020)  # 08:00-17:00


# ---------------------------------------------------------------- parsing


@pytest.mark.parametrize("text, minutes", [
    ("00:00", 0), ("08:00", 480), ("08:30", 510), ("9:05", 545), ("12:59", 779), ("23:59", 1439),
])
def test_parse_clock_gives_minutes_since_midnight(text, minutes):
    """parse_clock("HH:MM") is HH·60 + MM."""
    assert parse_clock(text, "k") == minutes


def test_parse_clock_accepts_24_00_as_an_end():
    """"24:00" is midnight at the end of the day, 1440 minutes."""
    assert parse_clock("24:00", "k") == DAY
    assert parse_clock("24:00", "k", allow_24=True) == DAY


def test_parse_clock_without_24_still_accepts_the_last_minute():
    """With allow_24=False every time of the day up to 23:59 still parses."""
    assert parse_clock("00:00", "k", allow_24=False) == 0
    assert parse_clock("23:59", "k", allow_24=False) == 1439


@pytest.mark.parametrize("text, pair", [
    ("08:00-17:00", (480, 1020)),
    ("00:00-24:00", (0, DAY)),
    ("20:00-24:00", (1200, DAY)),
    ("07:30-07:31", (450, 451)),
    (" 08:00 - 12:30 ", (480, 750)),
])
def test_parse_hours_gives_opening_and_closing_minutes(text, pair):
    """parse_hours("HH:MM-HH:MM") is the (open, close) pair of minutes since midnight."""
    assert parse_hours(text, "k") == pair


# ---------------------------------------------------------------- weekly_intervals


def test_monday_start_follows_the_pattern_day_by_day():
    """With day 0 a Monday, day d uses pattern[d % 7], shifted by d days."""
    pattern = (OFFICE_HOURS, (600, 720), None, None, None, None, None)
    assert weekly_intervals(pattern, MON, 9) == [
        (480, 1020), (DAY + 600, DAY + 720), (7 * DAY + 480, 7 * DAY + 1020), (8 * DAY + 600, 8 * DAY + 720),
    ]


def test_start_weekday_other_than_monday_maps_days_to_the_right_weekday():
    """With day 0 a Wednesday, day 0 uses Wednesday's hours and day 5 Monday's."""
    pattern = [None] * 7
    pattern[MON] = (480, 600)
    pattern[WED] = (540, 660)
    pattern[SAT] = (600, 720)
    got = weekly_intervals(tuple(pattern), WED, 14)
    assert got == [
        (0 * DAY + 540, 0 * DAY + 660),   # day 0: Wednesday
        (3 * DAY + 600, 3 * DAY + 720),   # day 3: Saturday
        (5 * DAY + 480, 5 * DAY + 600),   # day 5: Monday
        (7 * DAY + 540, 7 * DAY + 660),   # day 7: Wednesday
        (10 * DAY + 600, 10 * DAY + 720),  # day 10: Saturday
        (12 * DAY + 480, 12 * DAY + 600),  # day 12: Monday
    ]


def test_sunday_start():
    """With day 0 a Sunday (weekday 6), day 1 is a Monday."""
    pattern = (OFFICE_HOURS,) + (None,) * 5 + ((600, 660),)
    assert weekly_intervals(pattern, SUN, 3) == [(600, 660), (DAY + 480, DAY + 1020)]


def test_closed_days_are_skipped():
    """A holiday (a day index) has no interval even if its weekday is open."""
    pattern = (OFFICE_HOURS,) * 5 + (None, None)
    got = weekly_intervals(pattern, MON, 7, closed_days=[2, 4])
    assert got == [(d * DAY + 480, d * DAY + 1020) for d in (0, 1, 3)]


def test_holidays_outside_the_horizon_are_harmless():
    """Holidays before day 0 or after the last day change nothing."""
    pattern = (OFFICE_HOURS,) * 7
    assert weekly_intervals(pattern, MON, 3, closed_days={-1, 3, 100}) == weekly_intervals(pattern, MON, 3)


def test_an_entry_may_hold_several_pairs():
    """A list entry gives one interval per (open, close) pair, e.g. a lunch break."""
    pattern = ([(480, 720), (780, 1020)],) + (None,) * 6
    assert weekly_intervals(pattern, MON, 8) == [
        (480, 720), (780, 1020), (7 * DAY + 480, 7 * DAY + 720), (7 * DAY + 780, 7 * DAY + 1020),
    ]


def test_intervals_touching_at_midnight_are_merged():
    """An evening to 24:00 followed by a morning from 00:00 is one interval across midnight."""
    pattern = [None] * 7
    pattern[MON] = (1200, DAY)
    pattern[TUE] = (0, 360)
    assert weekly_intervals(tuple(pattern), MON, 2) == [(1200, DAY + 360)]


def test_open_all_week_is_one_interval():
    """A 24/7 pattern over 14 days is the single interval [0, 14 days)."""
    pattern = ((0, DAY),) * 7
    assert weekly_intervals(pattern, THU, 14) == [(0, 14 * DAY)]


def test_a_holiday_splits_a_24_7_pattern():
    """A closed day in a 24/7 pattern leaves the intervals before and after it."""
    pattern = ((0, DAY),) * 7
    assert weekly_intervals(pattern, MON, 5, closed_days=[2]) == [(0, 2 * DAY), (3 * DAY, 5 * DAY)]


def test_zero_days_and_all_closed_give_no_intervals():
    """An empty horizon or an always-closed pattern has no intervals."""
    assert weekly_intervals(((0, DAY),) * 7, MON, 0) == []
    assert weekly_intervals((None,) * 7, MON, 14) == []


def test_merge_sorts_and_merges_overlapping_and_touching():
    """merge sorts intervals, joins overlapping or touching ones and keeps gaps."""
    assert merge([(50, 60), (0, 10), (10, 20), (15, 18), (30, 40), (35, 45)]) == [(0, 20), (30, 45), (50, 60)]


# ---------------------------------------------------------------- Timetable


@pytest.fixture
def weekdays_tt() -> Timetable:
    """Open 08:00-17:00 Monday to Friday for two weeks, day 0 a Monday."""
    return Timetable(weekly_intervals((OFFICE_HOURS,) * 5 + (None, None), MON, 14))


def test_len_is_the_number_of_intervals(weekdays_tt):
    """len(timetable) counts its intervals."""
    assert len(weekdays_tt) == 10
    assert len(Timetable([])) == 0


@pytest.mark.parametrize("t, is_open", [
    (0, False),
    (479.999, False),
    (480, True),              # open at the start
    (480.001, True),
    (1019.999, True),
    (1020, False),            # closed at the end: half-open [start, end)
    (DAY + 480, True),
    (5 * DAY + 600, False),   # Saturday
    (13 * DAY + 1019, False),  # Sunday of week 2
    (11 * DAY + 1019, True),  # Friday of week 2
    (14 * DAY, False),        # past the horizon
])
def test_is_open_uses_half_open_intervals(weekdays_tt, t, is_open):
    """is_open(t) is true exactly when start <= t < end for some interval."""
    assert weekdays_tt.is_open(t) is is_open


def test_is_open_on_an_empty_timetable_is_false():
    """A timetable without intervals is never open."""
    assert not Timetable([]).is_open(0)
    assert Timetable([]).next_window(0) is None


def test_next_window_when_open_is_the_current_interval_from_t(weekdays_tt):
    """While open, next_window(t) is (t, end of the current interval)."""
    assert weekdays_tt.next_window(600) == (600, 1020)
    assert weekdays_tt.next_window(480) == (480, 1020)


def test_next_window_when_closed_is_the_next_interval(weekdays_tt):
    """While closed, next_window(t) is the next interval, unclipped."""
    assert weekdays_tt.next_window(0) == (480, 1020)  # before the first interval
    assert weekdays_tt.next_window(1020) == (DAY + 480, DAY + 1020)  # exactly at a closing time
    assert weekdays_tt.next_window(4 * DAY + 1100) == (7 * DAY + 480, 7 * DAY + 1020)  # Friday evening -> Monday


def test_next_window_is_clipped_to_the_end_of_its_day():
    """An interval running past midnight is returned only up to the end of the day it starts on."""
    tt = Timetable(weekly_intervals(((0, DAY),) * 7, MON, 14))
    assert tt.next_window(100) == (100, DAY)
    assert tt.next_window(DAY) == (DAY, 2 * DAY)
    assert tt.next_window(13 * DAY + 5) == (13 * DAY + 5, 14 * DAY)
    night = Timetable([(1200, DAY + 360)])
    assert night.next_window(0) == (1200, DAY)
    assert night.next_window(DAY + 60) == (DAY + 60, DAY + 360)


def test_next_window_after_the_last_interval_is_none(weekdays_tt):
    """There is no window at or after the end of the last interval."""
    last_end = 11 * DAY + 1020
    assert weekdays_tt.next_window(last_end - 1) == (last_end - 1, last_end)
    assert weekdays_tt.next_window(last_end) is None
    assert weekdays_tt.next_window(2 * WEEK) is None


def test_days_until_open_counts_days_to_the_next_window():
    """0 while open or opening later that day, 1 after closing on the eve of an open day,
    3 from Friday evening to Monday; infinite once the last interval has ended."""
    tt = Timetable(weekly_intervals([(480.0, 1020.0)] * 5 + [None, None], 0, 14))
    for t, days in ((100.0, 0), (600.0, 0), (1100.0, 1), (4 * DAY + 1100.0, 3), (5 * DAY + 10.0, 2),
                    (13 * DAY + 100.0, math.inf), (11 * DAY + 1100.0, math.inf)):
        assert tt.days_until_open(t) == days, t
        w = tt.next_window(t)
        assert days == (math.inf if w is None else w[0] // DAY - t // DAY)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3 * DAY), st.integers(1, 600)), max_size=12),
       st.lists(st.floats(-10.0, 4.0 * DAY, allow_nan=False), max_size=60))
def test_look_ups_answer_as_the_intervals_say_whatever_was_asked_before(pairs, times):
    """A timetable keeps the interval it found open last; asked in any order, is_open
    answers exactly ``start <= t < end`` for some interval, and days_until_open as a
    timetable asked nothing before."""
    intervals = merge([(lo, lo + length) for lo, length in pairs])
    tt = Timetable(intervals)
    for t in times:
        assert tt.is_open(t) is any(lo <= t < hi for lo, hi in intervals), t
        assert tt.days_until_open(t) == Timetable(intervals).days_until_open(t), t
