"""Specifications of desks' duty: one person one desk, breaks, paid hours, overtime and FTE.

A desk group's staff is desks per shift. A person whose shift continues into
the next (block shifts 08–09, 09–10 …) is one desk: no second desk appears at
the hand-over. A break takes a desk off duty after its client while the office
stays open. ``staff_hours`` is the paid (rostered) hours plus the overtime
worked, and ``fte`` turns it into the staff to employ.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from simoffice.config.build import build_spec, weekly_staff_hours
from simoffice.engine.clock import Environment
from simoffice.engine.office import Desk, OfficeModel, Ticket
from simoffice.engine.recorder import Recorder
from simoffice.engine.replication import build_desks, build_experts, simulate_replication
from simoffice.errors import ConfigError
from simoffice.model.timetable import Timetable

import networks
from conftest import per_replication

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
DAY = 1440


def office(shifts: dict, staff: dict, *, opening: str = "08:00-16:00", per_week: float = 400.0,
           service_mean: float = 12.0, **run) -> dict:
    """One office open ``opening`` Monday to Friday, its one desk group on ``shifts`` ×
    ``staff``; clients know the hours and come back until served."""
    cfg = networks.network(per_week=per_week, service_mean=service_mean)
    cfg["schedule"]["opening_hours"] = {d: (opening if d in WEEKDAYS else None) for d in networks.DAYS}
    cfg["schedule"]["shifts"] = {name: {"days": list(WEEKDAYS), **sh} for name, sh in shifts.items()}
    cfg["network"]["offices"][0]["desk_groups"][0]["staff"] = staff
    cfg["run"].update(run)
    return cfg


def most_at_once(starts, ends) -> int:
    """The largest number of intervals ``[start, end)`` open at one time."""
    events = sorted([(e, -1) for e in ends] + [(s, 1) for s in starts])  # an end before a start at the same time
    running = peak = 0
    for _, step in events:
        running += step
        peak = max(peak, running)
    return peak


def on_duty_at(duty: dict, t: float) -> int:
    return int(((duty["start_min"] <= t) & (t < duty["end_min"])).sum())


def day_periods(desk: Desk, day: int) -> list[tuple[float, float]]:
    """A desk's duty periods on day ``day``, in minutes since that midnight."""
    return [(lo - day * DAY, hi - day * DAY) for lo, hi in desk.duty if day * DAY <= lo < (day + 1) * DAY]


# --- one person, one desk --------------------------------------------------------

BLOCKS = {"b08": {"start": "08:00", "end": "09:00"}, "b09": {"start": "09:00", "end": "10:00"},
          "b10": {"start": "10:00", "end": "11:00"}}


def test_block_shifts_with_the_same_count_are_the_same_desks_carrying_on():
    """08–09, 09–10 and 10–11, two desks each: two desks, each on duty once a day from 08:00 to 11:00."""
    spec = build_spec(office(BLOCKS, {"b08": 2, "b09": 2, "b10": 2}, opening="08:00-11:00"))
    desks = build_desks(spec, 0, 0, 0)
    assert len(desks) == 2
    for desk in desks:
        for day in range(5):  # the run starts on a Monday
            assert day_periods(desk, day) == [(480.0, 660.0)]


def test_at_a_hand_over_no_desk_appears_that_nobody_scheduled():
    """Two desks on every block of a busy morning: never more than two clients are served
    at once, nor more than two desks on duty, hand-overs and overtime after closing included."""
    cfg = office(BLOCKS, {"b08": 2, "b09": 2, "b10": 2}, opening="08:00-11:00", per_week=250.0, service_mean=15.0,
                 weeks=2, warmup_weeks=0, drain_weeks=1)
    log = simulate_replication(build_spec(cfg), 0)
    c, duty = log["contacts"], log["duty"]
    served = ~np.isnan(c["start_min"])
    assert served.sum() > 200
    assert (duty["end_min"] > duty["scheduled_end_min"]).any()  # some overtime: the desks were busy
    assert most_at_once(c["start_min"][served], c["end_min"][served]) == 2
    assert most_at_once(duty["start_min"], duty["end_min"]) == 2


def test_fewer_desks_on_the_next_block_leaves_one_desk_to_finish_and_go_home():
    """Three desks 08–09, two 09–10: three desks, two of them carrying on to 10:00. Counting each
    duty row up to its scheduled end, desks on duty never exceed the count the shifts schedule."""
    cfg = office({k: BLOCKS[k] for k in ("b08", "b09")}, {"b08": 3, "b09": 2}, opening="08:00-10:00",
                 per_week=250.0, service_mean=15.0, weeks=1, warmup_weeks=0, drain_weeks=1)
    spec = build_spec(cfg)
    desks = build_desks(spec, 0, 0, 0)
    assert [day_periods(d, 0) for d in desks] == [[(480.0, 600.0)], [(480.0, 600.0)], [(480.0, 540.0)]]
    duty = simulate_replication(spec, 0)["duty"]
    scheduled_end = np.minimum(duty["end_min"], duty["scheduled_end_min"])
    for t in np.unique(np.concatenate((duty["start_min"], scheduled_end))):
        minute = t % DAY
        scheduled = 3 if 480 <= minute < 540 else 2 if 540 <= minute < 600 else 0
        assert ((duty["start_min"] <= t) & (t < scheduled_end)).sum() <= scheduled, t


def test_overlapping_shifts_stay_different_people():
    """five_day's ``full`` (08–17) and ``peak`` (10–14) overlap: 4 + 1 desks, as the config lists them."""
    cfg = office({"full": {"start": "08:00", "end": "17:00"}, "peak": {"start": "10:00", "end": "14:00"}},
                 {"full": 4, "peak": 1}, opening="08:00-17:00")
    desks = build_desks(build_spec(cfg), 0, 0, 0)
    assert [day_periods(d, 2) for d in desks] == [[(480.0, 1020.0)]] * 4 + [[(600.0, 840.0)]]


def test_an_expert_whose_shift_continues_is_one_expert():
    """The expert centre's shifts chain as the desks' do: 08–12 and 12–16, one expert each, is one expert 08–16."""
    cfg = office({"day": {"start": "08:00", "end": "16:00"}}, {"day": 1})
    cfg["network"]["expert_centre"] = {
        "shifts": {"am": {"start": "08:00", "end": "12:00", "days": ["mon"]},
                   "pm": {"start": "12:00", "end": "16:00", "days": ["mon"]}},
        "desk_groups": [{"name": "experts", "skills": ["general"], "staff": {"am": 1, "pm": 1}}]}
    experts = build_experts(build_spec(cfg))
    assert [e.duty for e in experts] == [[(480, 960), (7 * DAY + 480, 7 * DAY + 960),
                                          (14 * DAY + 480, 14 * DAY + 960), (21 * DAY + 480, 21 * DAY + 960)]]


# --- breaks ----------------------------------------------------------------------

def run_office(duty: list[list[tuple[float, float]]], tickets, *, paid_until=None, until: float = 1100.0):
    """An office open 0–2000 with desks on ``duty``; tickets ``(client, arrival, service)``.
    Returns the log of (event, client, desk, time) and the duty rows."""
    env = Environment()
    log = []
    minutes = {client: service for client, _, service in tickets}

    def begin(tk, desk, now):
        log.append(("begin", tk.client, desk.id, now))
        return tk.needs, minutes[tk.client]

    def end(tk, desk, start, now, handled):
        log.append(("end", tk.client, desk.id, now))

    rec = Recorder()
    paid_until = paid_until or [None] * len(duty)
    desks = [Desk(i, 0, frozenset({0}), d, paid_until=p) for i, (d, p) in enumerate(zip(duty, paid_until))]
    model = OfficeModel(env, 0, Timetable([(0.0, 2000.0)]), desks, 1, 1, True, begin, end, lambda *a: None,
                        env.call_at, rec)
    for client, t, _ in tickets:
        env.call_at(t, model.add, Ticket(client, [0], 0, 0, t, t + 10_000, 1))
    env.run(until=until)
    model.close_duty(until)
    d = rec.arrays()["duty"]
    rows = sorted(zip(d["desk"].tolist(), d["start_min"].tolist(), d["end_min"].tolist(),
                      d["scheduled_end_min"].tolist(), d["paid_until_min"].tolist()))
    return log, rows


def test_a_desk_finishes_its_client_then_takes_its_break_while_another_serves():
    """Desk 0 breaks 12:00–12:30 (minutes 720–750): serving a client at 12:00 it finishes him
    (12:05), then is off duty until 12:30 while the office stays open; a client who comes at
    12:02 waits for desk 1; at 12:32 desk 0 is back and serves the next one."""
    log, rows = run_office([[(0, 720), (750, 1000)], [(0, 1000)]],
                           [("a", 705, 20), ("b", 710, 30), ("c", 722, 30), ("d", 752, 5)])
    assert log == [("begin", "a", 0, 705), ("begin", "b", 1, 710), ("end", "a", 0, 725), ("end", "b", 1, 740),
                   ("begin", "c", 1, 740), ("begin", "d", 0, 752), ("end", "d", 0, 757), ("end", "c", 1, 770)]
    assert rows == [(0, 0, 725, 720, 720), (0, 750, 1000, 1000, 1000), (1, 0, 1000, 1000, 1000)]


def test_a_desk_still_serving_when_its_break_ends_is_on_duty_from_the_scheduled_start():
    """A 10-minute paid break (720–730) shorter than the service under way (715–740): the
    first duty row ends where the next period begins, the next starts there; rows never
    overlap and cover every scheduled minute; the break's paid time is on the first row."""
    log, rows = run_office([[(0, 720), (730, 1000)]], [("a", 715, 25), ("b", 735, 5)], paid_until=[[730, 1000]])
    assert log == [("begin", "a", 0, 715), ("end", "a", 0, 740), ("begin", "b", 0, 740), ("end", "b", 0, 745)]
    assert rows == [(0, 0, 730, 720, 730), (0, 730, 1000, 1000, 1000)]


def test_a_shift_with_a_break_gives_duty_periods_around_it():
    """Every desk of an unstaggered shift 08–17 takes its breaks 10:00–10:15 and 12:00–12:45."""
    shift = {"start": "08:00", "end": "17:00", "breaks": [{"start": "10:00", "end": "10:15", "paid": True},
                                                          {"start": "12:00", "end": "12:45"}]}
    desks = build_desks(build_spec(office({"day": shift}, {"day": 2}, opening="08:00-17:00")), 0, 0, 0)
    for desk in desks:
        assert day_periods(desk, 0) == [(480, 600), (615, 720), (765, 1020)]
        # paid time after each period: the paid break runs on to 10:15, the unpaid one is not paid
        assert desk.paid_until[:3] == [615, 720, 1020]


def test_staggered_breaks_never_take_every_desk_of_the_shift_off_at_once():
    """Three desks 08–17 with staggered lunches 11–12, 12–13, 13–14: desk i takes break i, so
    at every minute of the day at least two are on duty."""
    shift = {"start": "08:00", "end": "17:00", "stagger": True,
             "breaks": [{"start": "11:00", "end": "12:00"}, {"start": "12:00", "end": "13:00"},
                        {"start": "13:00", "end": "14:00"}]}
    cfg = office({"day": shift}, {"day": 3}, opening="08:00-17:00", per_week=300.0, weeks=1, warmup_weeks=0,
                 drain_weeks=1)
    spec = build_spec(cfg)
    desks = build_desks(spec, 0, 0, 0)
    assert [day_periods(d, 0) for d in desks] == [[(480, 660), (720, 1020)], [(480, 720), (780, 1020)],
                                                  [(480, 780), (840, 1020)]]
    duty = simulate_replication(spec, 0)["duty"]
    for day in range(5):
        for minute in range(480, 1020):
            assert on_duty_at(duty, day * DAY + minute) >= 2, (day, minute)


# --- staff hours = paid hours + overtime -----------------------------------------

# Two desks 08–12 with a paid break, handing over to themselves 12–16 with an unpaid
# one, and two desks 11–15 on staggered lunches, one unpaid and one paid.
ROSTER = {
    "early": {"start": "08:00", "end": "12:00", "breaks": [{"start": "10:00", "end": "10:15", "paid": True}]},
    "late": {"start": "12:00", "end": "16:00", "breaks": [{"start": "14:00", "end": "14:30", "paid": False}]},
    "lunch": {"start": "11:00", "end": "15:00", "stagger": True,
              "breaks": [{"start": "12:00", "end": "12:30", "paid": False}, {"start": "12:30", "end": "13:00",
                                                                              "paid": True}]},
}
STAFF = {"early": 2, "late": 2, "lunch": 2}
HOLIDAY = "2026-01-21"  # a Wednesday in the measured window (day 9 of a run from Monday 12 January)


def paid_minutes_a_day(shifts: dict, staff: dict) -> float:
    """Paid minutes of a working day, from the config: each desk's shift less the unpaid
    breaks it takes (staggered: desk i takes break i mod n)."""
    def minutes(hhmm: str) -> int:
        h, m = hhmm.split(":")
        return int(h) * 60 + int(m)

    total = 0
    for name, count in staff.items():
        sh = shifts[name]
        breaks = sh.get("breaks", [])
        for i in range(count):
            taken = [breaks[i % len(breaks)]] if sh.get("stagger") and breaks else breaks
            unpaid = sum(minutes(b["end"]) - minutes(b["start"]) for b in taken if not b.get("paid", False))
            total += minutes(sh["end"]) - minutes(sh["start"]) - unpaid
    return total


@pytest.fixture(scope="module")
def staffed():
    """The roster above, busy enough for overtime every day, over a window with a holiday;
    20 % shrinkage and a 30-hour contract."""
    cfg = office(ROSTER, STAFF, per_week=420.0, service_mean=15.0, weeks=3, warmup_weeks=1, drain_weeks=1,
                 replications=4)
    cfg["schedule"]["holidays"] = [HOLIDAY]
    cfg["network"]["offices"][0]["shrinkage"] = 0.2
    cfg["network"]["contract_hours_per_week"] = 30.0
    return cfg, networks.simulate(cfg)


def test_staff_hours_are_the_rostered_paid_hours_plus_the_overtime_worked(staffed):
    """In every replication staff_hours = paid hours of the window's working days (9: two
    weeks of Mondays to Fridays less the holiday) per week + overtime_min / 60."""
    cfg, res = staffed
    window_days = [d for d in range(7, 21) if d % 7 < 5 and d != 9]
    rostered = paid_minutes_a_day(ROSTER, STAFF) * len(window_days) / 60 / 2
    assert rostered == pytest.approx(sum(weekly_staff_hours(build_spec(copy.deepcopy(cfg))).values()) * 9 / 10)
    staff, overtime = per_replication(res, "staff_hours"), per_replication(res, "overtime_min")
    assert len(staff) == 4 and (overtime > 0).all()
    np.testing.assert_allclose(staff, rostered + overtime / 60, rtol=1e-12)


def test_fte_is_staff_hours_over_one_minus_shrinkage_over_the_contract(staffed):
    """With 20 % shrinkage and a 30-hour contract, fte = staff_hours / 0.8 / 30."""
    _, res = staffed
    np.testing.assert_allclose(per_replication(res, "fte"), per_replication(res, "staff_hours") / 0.8 / 30, rtol=1e-12)


# --- config ----------------------------------------------------------------------

SHIFT = "schedule.shifts.day"


@pytest.mark.parametrize("breaks,key,got,expected", [
    ([{"start": "07:30", "end": "08:30"}], f"{SHIFT}.breaks[0].start", "07:30", "a time after the shift's start"),
    ([{"start": "08:00", "end": "08:30"}], f"{SHIFT}.breaks[0].start", "08:00", "a time after the shift's start"),
    ([{"start": "16:30", "end": "17:00"}], f"{SHIFT}.breaks[0].end", "17:00", "before the shift's end"),
    ([{"start": "12:00", "end": "11:30"}], f"{SHIFT}.breaks[0].end", "11:30", "after the break's start"),
    ([{"start": "12:00", "end": "12:60"}], f"{SHIFT}.breaks[0].end", "12:60", "a clock time 'HH:MM'"),
    ([{"start": "12:00", "end": "13:00"}, {"start": "12:30", "end": "13:30"}], f"{SHIFT}.breaks[1].start", "12:30",
     "a time after breaks[0] ends (13:00)"),
    ([{"start": "12:00", "end": "13:00"}, {"start": "13:00", "end": "13:30"}], f"{SHIFT}.breaks[1].start", "13:00",
     "a time after breaks[0] ends (13:00)"),
    ([{"start": "12:00", "end": "13:00", "paid": "yes"}], f"{SHIFT}.breaks[0].paid", "yes", "true or false"),
])
def test_a_break_out_of_place_is_refused_in_one_line_naming_it(breaks, key, got, expected):
    cfg = office({"day": {"start": "08:00", "end": "17:00", "breaks": breaks}}, {"day": 2})
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    err = info.value
    assert (err.key, err.got) == (key, got)
    assert str(err).startswith(f"{key}: expected ") and expected in str(err) and "\n" not in str(err), str(err)


def test_staggered_breaks_may_overlap_each_other():
    """Each desk of a staggered shift takes one of the breaks: they need not be apart."""
    shift = {"start": "08:00", "end": "17:00", "stagger": True,
             "breaks": [{"start": "11:30", "end": "12:30"}, {"start": "12:00", "end": "13:00"}]}
    desks = build_desks(build_spec(office({"day": shift}, {"day": 2})), 0, 0, 0)
    assert [day_periods(d, 0) for d in desks] == [[(480, 690), (750, 1020)], [(480, 720), (780, 1020)]]


@pytest.mark.parametrize("path,value,expected", [
    (("network", "offices", 0, "shrinkage"), 1.0, "a probability in [0, 1)"),
    (("network", "offices", 0, "shrinkage"), -0.1, "a probability in [0, 1)"),
    (("network", "contract_hours_per_week"), 0, "a number > 0"),
])
def test_shrinkage_and_the_contract_must_be_in_range(path, value, expected):
    cfg = office({"day": {"start": "08:00", "end": "16:00"}}, {"day": 1})
    node = cfg
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    key = ".".join(str(p) for p in path).replace(".0.", "[0].")
    assert info.value.key == key and expected in str(info.value)
