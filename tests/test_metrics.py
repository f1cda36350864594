"""Specifications of simoffice.measures.metrics, .tally, .occupancy and .timeseries: interval occupancy,
summary measures and time series.

The logs here are written by hand with the column names and outcome/status codes
of simoffice.engine.recorder, and every expected value is computed by hand.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from simoffice.engine.recorder import (
    ABANDONED,
    BUNDLE_COLUMNS,
    CLOSED,
    CONTACT_COLUMNS,
    DUTY_COLUMNS,
    IN_SERVICE_AT_END,
    OPEN,
    RENEGED,
    SENT_AWAY,
    SERVED,
    SETTLED,
    WAITING_AT_END,
)
from simoffice.measures import metrics
from simoffice.measures.metrics import MEASURES
from simoffice.measures.occupancy import occupancy, overtime, paid_breaks
from simoffice.measures.tally import _firsts, client_tally, unit_tally
from simoffice.measures.timeseries import timeseries

NAN = float("nan")
WEEK = 10080.0


def brute_force_occupancy(starts, ends, edges) -> np.ndarray:
    """Σ over intervals of their overlap with each bin, one bin at a time."""
    out = np.zeros(len(edges) - 1)
    for b, (lo, hi) in enumerate(zip(edges[:-1], edges[1:])):
        for s, e in zip(starts, ends):
            out[b] += max(0.0, min(e, hi) - max(s, lo))
    return out


def columns(spec: dict, rows: list[dict]) -> dict[str, np.ndarray]:
    """Log columns (numpy arrays with the recorder's dtypes) from rows given as dicts; missing fields are 0."""
    return {k: np.array([r.get(k, 0) for r in rows], dtype=np.dtype(t)) for k, t in spec.items()}


# ---------------------------------------------------------------- occupancy


def test_occupancy_matches_brute_force_on_random_intervals():
    """occupancy equals the per-bin overlap sum for random intervals crossing bin and window edges."""
    rng = np.random.default_rng(12345)
    n = 400
    starts = rng.uniform(-100.0, 1100.0, n)
    lengths = rng.exponential(120.0, n)
    lengths[:40] = 0.0  # zero-length intervals
    ends = starts + lengths
    edges = np.sort(np.concatenate(([0.0, 1000.0], rng.uniform(0.0, 1000.0, 9))))
    # Intervals crossing a bin edge, a window edge, or spanning the whole window.
    starts = np.concatenate((starts, [edges[3] - 5, -50.0, 990.0, -10.0, edges[5], edges[2]]))
    ends = np.concatenate((ends, [edges[3] + 5, 10.0, 1050.0, 2000.0, edges[5], edges[7]]))
    assert (starts < 0).any() and (ends > 1000).any()
    got = occupancy(starts, ends, edges)
    assert got.shape == (len(edges) - 1,)
    assert (got >= 0).all()
    np.testing.assert_allclose(got, brute_force_occupancy(starts, ends, edges), rtol=1e-9, atol=1e-6)


def test_occupancy_is_accurate_at_realistic_time_magnitudes():
    """With 20k intervals over a 10-week horizon, 15-min bins of weeks 7-8 match brute force to 1e-5 min and are >= 0."""
    rng = np.random.default_rng(777)
    n = 20_000
    starts = rng.uniform(0.0, 10 * WEEK, n)
    ends = starts + rng.exponential(20.0, n)
    ends[:2000] = starts[:2000]
    edges = np.arange(7 * WEEK, 9 * WEEK + 1, 15.0)
    got = occupancy(starts, ends, edges)
    expected = np.zeros(len(edges) - 1)
    lo, hi = edges[:-1][None, :], edges[1:][None, :]
    for i in range(0, n, 1000):  # vectorised brute force, in chunks
        s, e = starts[i:i + 1000, None], ends[i:i + 1000, None]
        expected += np.clip(np.minimum(e, hi) - np.maximum(s, lo), 0.0, None).sum(axis=0)
    assert (got >= 0).all()
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)


def test_occupancy_simple_cases():
    """One interval [5, 25) over bins of 10 occupies 5, 10 and 5 minutes; outside ones count nothing."""
    edges = np.array([0.0, 10.0, 20.0, 30.0])
    assert occupancy(np.array([5.0]), np.array([25.0]), edges).tolist() == [5.0, 10.0, 5.0]
    assert occupancy(np.array([-20.0, 40.0]), np.array([-5.0, 60.0]), edges).tolist() == [0.0, 0.0, 0.0]
    assert occupancy(np.array([12.0]), np.array([12.0]), edges).tolist() == [0.0, 0.0, 0.0]
    assert occupancy(np.array([-1.0, 0.0]), np.array([31.0, 30.0]), edges).tolist() == [20.0, 20.0, 20.0]


def test_occupancy_of_no_intervals_is_zero():
    """With no intervals every bin is empty."""
    edges = np.array([0.0, 15.0, 30.0])
    assert occupancy(np.array([]), np.array([]), edges).tolist() == [0.0, 0.0]


# ---------------------------------------------------------------- measures

# Measured window: weeks 1 and 2 (two weeks); service-level target 20 min.
W0, W1 = WEEK, 3 * WEEK
TARGET = 20.0


def hand_log() -> tuple[dict, dict, dict]:
    """A tiny log whose measures are computed by hand in the tests below."""
    c = [
        # in the window
        dict(bundle=1, visit=1, arrival_min=W0 + 100, start_min=W0 + 110, end_min=W0 + 130, outcome=SERVED),     # wait 10
        dict(bundle=2, visit=1, arrival_min=W0 + 200, start_min=W0 + 230, end_min=W0 + 250, outcome=SERVED),     # wait 30
        dict(bundle=3, visit=1, arrival_min=W0 + 300, start_min=NAN, end_min=W0 + 340, outcome=RENEGED),
        dict(bundle=4, visit=1, arrival_min=W0 + 2000, start_min=NAN, end_min=W0 + 2000, outcome=CLOSED),      # failed trip
        dict(bundle=5, visit=1, arrival_min=W0 + 3000, start_min=NAN, end_min=W0 + 3100, outcome=SENT_AWAY),   # failed trip
        dict(bundle=6, visit=1, arrival_min=W0 + 4000, start_min=W0 + 4000, end_min=W0 + 4015, outcome=SERVED),  # wait 0
        dict(bundle=6, visit=1, arrival_min=W0 + 4000, start_min=NAN, end_min=W0 + 4100, outcome=SENT_AWAY),   # same trip: not failed
        dict(bundle=1, visit=2, arrival_min=W0 + 5000, start_min=W0 + 5060, end_min=W0 + 5080, outcome=SERVED),  # wait 60
        dict(bundle=7, visit=1, arrival_min=W1 - 30, start_min=W1 - 10, end_min=W1 + 20, outcome=SERVED),      # wait 20, busy 10 in window
        # outside the window (before it, and in the drain period after it)
        dict(bundle=0, visit=1, arrival_min=W0 - 100, start_min=W0 - 90, end_min=W0 - 60, outcome=SERVED),
        dict(bundle=8, visit=1, arrival_min=W1 + 100, start_min=W1 + 400, end_min=W1 + 450, outcome=SERVED),
        dict(bundle=9, visit=1, arrival_min=W1 + 500, start_min=NAN, end_min=W1 + 600, outcome=CLOSED),
    ]
    b = [
        dict(bundle=1, created_min=W0 + 100, first_visit_min=W0 + 100, end_min=W0 + 5080, visits=2, status=SETTLED),
        dict(bundle=2, created_min=W0 + 200, first_visit_min=W0 + 200, end_min=W0 + 250, visits=1, status=SETTLED),
        dict(bundle=3, created_min=W0 + 300, first_visit_min=W0 + 300, end_min=W0 + 340, visits=1, status=ABANDONED),
        dict(bundle=4, created_min=W0 + 2000, first_visit_min=W0 + 2000, end_min=W0 + 9000, visits=3, status=ABANDONED),
        dict(bundle=5, created_min=W0 + 3000, first_visit_min=W0 + 3000, end_min=W0 + 3100, visits=1, status=ABANDONED),
        dict(bundle=6, created_min=W0 + 4000, first_visit_min=W0 + 4000, end_min=W1 + 2 * WEEK, visits=1, status=OPEN),
        dict(bundle=7, created_min=W1 - 30, first_visit_min=W1 - 30, end_min=W1 + 20, visits=1, status=SETTLED),
        dict(bundle=0, created_min=W0 - 100, first_visit_min=W0 - 100, end_min=W0 - 60, visits=5, status=SETTLED),
        dict(bundle=8, created_min=W1 + 100, first_visit_min=W1 + 100, end_min=W1 + 450, visits=4, status=SETTLED),
    ]
    d = [
        dict(start_min=W0 - 60, end_min=W0 + 480, scheduled_end_min=W0 + 480),                 # 480 in window
        dict(start_min=W0 + 1440, end_min=W0 + 1980, scheduled_end_min=W0 + 1920),              # 540, overtime 60
        dict(start_min=W0 + 3000, end_min=W0 + 3100, scheduled_end_min=W0 + 3200),              # 100, left early
        dict(start_min=W1 - 120, end_min=W1 + 60, scheduled_end_min=W1 - 30),                   # 120, overtime 30 in window
        dict(start_min=W1 + 100, end_min=W1 + 200, scheduled_end_min=W1 + 150),                 # outside
    ]
    return columns(CONTACT_COLUMNS, c), columns(BUNDLE_COLUMNS, b), columns(DUTY_COLUMNS, d)


def measures(contacts, bundles, duty, window, target, **staff):
    """The measures of a one-office log, every channel with the same target."""
    return metrics.measures(contacts, bundles, duty, window, np.full(6, target), np.array([True]), **staff)


@pytest.fixture(scope="module")
def m() -> dict[str, float]:
    """The measures of the hand-made log (a 40-hour contract, no shrinkage)."""
    contacts, bundles, duty = hand_log()
    return measures(contacts, bundles, duty, (W0, W1), TARGET, contract_hours=40.0)


def test_every_public_measure_is_returned(m):
    """measures returns exactly the measure names of the public contract."""
    assert set(m) == set(MEASURES)
    assert all(type(v) is float for v in m.values())


def test_wait_mean_and_percentiles(m):
    """Waits of started tickets in the window are 10, 30, 0, 60, 20: mean 24, p50 20, p90 48, p95 54."""
    assert m["wait_mean_min"] == pytest.approx(24.0)
    assert m["wait_p50_min"] == pytest.approx(20.0)
    assert m["wait_p90_min"] == pytest.approx(48.0)  # linear interpolation: 30 + 0.6 × 30
    assert m["wait_p95_min"] == pytest.approx(54.0)  # 30 + 0.8 × 30


def test_service_level_counts_waits_up_to_the_target_over_all_tickets(m):
    """3 of the 8 tickets (closed trips are not tickets) started within 20 min, the 20-min wait included."""
    assert m["service_level"] == pytest.approx(3 / 8)


def test_abandonment_rate_is_reneged_over_tickets(m):
    """1 of the 8 tickets reneged."""
    assert m["abandonment_rate"] == pytest.approx(1 / 8)


def test_failed_trip_rate(m):
    """2 of 8 trips failed (closed; sent away with nothing served); served + sent away and reneged trips did not."""
    assert m["failed_trip_rate"] == pytest.approx(2 / 8)


def test_visits_per_bundle_and_one_visit_resolution_exclude_open_bundles(m):
    """Bundles created in the window and ended: visits 2, 1, 1, 3, 1, 1 (mean 1.5); 2 of 6 settled in one visit."""
    assert m["visits_per_bundle_mean"] == pytest.approx(1.5)
    assert m["one_visit_resolution"] == pytest.approx(2 / 6)


def test_bundle_completion_days(m):
    """Settled bundles of the window took 4980, 50 and 50 minutes from first visit to end."""
    assert m["bundle_completion_days_mean"] == pytest.approx((4980 + 50 + 50) / 3 / 1440)


def test_utilisation_is_busy_time_over_duty_time_inside_the_window(m):
    """85 busy minutes (20 + 20 + 15 + 20 + 10) inside the window over 1240 minutes on duty there."""
    assert m["utilisation"] == pytest.approx(85 / 1240)


def test_staff_hours_and_overtime_are_per_week(m):
    """1240 duty minutes over 2 weeks is 10⅓ hours a week; 60 + 30 overtime minutes is 45 a
    week; 10⅓ hours against a 40-hour contract is 0.258 staff to employ."""
    assert m["staff_hours"] == pytest.approx(1240 / 60 / 2)
    assert m["overtime_min"] == pytest.approx(45.0)
    assert m["fte"] == pytest.approx(1240 / 60 / 2 / 40)


def test_contacts_per_week_and_queue_length(m):
    """8 contacts in 2 weeks (bundle 6's two tickets of one visit are one contact) is 4 a week;
    360 client-minutes of waiting over the window."""
    assert m["contacts_per_week"] == pytest.approx(4.0)
    assert m["queue_length_mean"] == pytest.approx((10 + 30 + 40 + 100 + 0 + 100 + 60 + 20) / (W1 - W0))


def test_contacts_outside_the_window_are_ignored():
    """Changing contacts and bundles that fall outside the window changes no measure."""
    contacts, bundles, duty = hand_log()
    base = measures(contacts, bundles, duty, (W0, W1), TARGET)
    outside = (contacts["arrival_min"] < W0 - 50) | (contacts["arrival_min"] >= W1 + 50)
    contacts["outcome"][outside] = RENEGED
    contacts["start_min"][outside] = NAN
    bundles["visits"][(bundles["created_min"] < W0) | (bundles["created_min"] >= W1)] = 9
    assert measures(contacts, bundles, duty, (W0, W1), TARGET) == pytest.approx(base, nan_ok=True)


def test_measures_of_an_empty_window_are_nan_where_undefined():
    """With no contacts or bundles the shares and means are NaN and the counts are 0."""
    empty_c = columns(CONTACT_COLUMNS, [])
    empty_b = columns(BUNDLE_COLUMNS, [])
    duty = columns(DUTY_COLUMNS, [dict(start_min=W0, end_min=W0 + 600, scheduled_end_min=W0 + 600)])
    r = measures(empty_c, empty_b, duty, (W0, W1), TARGET)
    for k in ("wait_mean_min", "wait_p90_min", "service_level", "abandonment_rate", "failed_trip_rate",
              "visits_per_bundle_mean", "one_visit_resolution", "bundle_completion_days_mean"):
        assert math.isnan(r[k]), k
    assert r["utilisation"] == 0.0
    assert r["contacts_per_week"] == 0.0
    assert r["staff_hours"] == pytest.approx(600 / 60 / 2)


def test_end_of_run_outcomes():
    """A ticket in service at the end counts as served for its trip; one waiting at the end has no wait."""
    c = columns(CONTACT_COLUMNS, [
        dict(bundle=1, visit=1, arrival_min=W0 + 10, start_min=W0 + 15, end_min=W1, outcome=IN_SERVICE_AT_END),
        dict(bundle=1, visit=1, arrival_min=W0 + 10, start_min=NAN, end_min=W0 + 60, outcome=SENT_AWAY),
        dict(bundle=2, visit=1, arrival_min=W0 + 20, start_min=NAN, end_min=W1, outcome=WAITING_AT_END),
    ])
    b = columns(BUNDLE_COLUMNS, [])
    d = columns(DUTY_COLUMNS, [dict(start_min=W0, end_min=W1, scheduled_end_min=W1)])
    r = measures(c, b, d, (W0, W1), TARGET)
    assert r["wait_mean_min"] == pytest.approx(5.0)
    assert r["service_level"] == pytest.approx(1 / 3)
    assert r["failed_trip_rate"] == 0.0
    assert r["abandonment_rate"] == 0.0


# ---------------------------------------------------------------- timeseries


def hand_series() -> dict[str, np.ndarray]:
    """Time series over [0, 60) in 15-min bins for two offices; hand values in the tests below.

    Desk groups: 0 (office 0, skill 0), 1 (office 0, skills 0 and 1), 2 (office 1, skill 0).
    """
    contacts = columns(CONTACT_COLUMNS, [
        dict(office=0, skill=0, desk_group=0, arrival_min=5, start_min=20, end_min=40, outcome=SERVED),
        dict(office=0, skill=1, desk_group=1, arrival_min=10, start_min=10, end_min=50, outcome=SERVED),
        dict(office=0, skill=1, desk_group=-1, arrival_min=25, start_min=NAN, end_min=35, outcome=RENEGED),
        dict(office=0, skill=0, desk_group=-1, arrival_min=30, start_min=NAN, end_min=30, outcome=CLOSED),
        dict(office=1, skill=0, desk_group=2, arrival_min=50, start_min=55, end_min=70, outcome=SERVED),
    ])
    duty = columns(DUTY_COLUMNS, [
        dict(office=0, desk_group=0, desk=0, start_min=0, end_min=60, scheduled_end_min=60),
        dict(office=0, desk_group=1, desk=1, start_min=15, end_min=45, scheduled_end_min=45),
        dict(office=1, desk_group=2, desk=2, start_min=45, end_min=90, scheduled_end_min=90),
    ])
    groups = [(0, frozenset({0})), (0, frozenset({0, 1})), (1, frozenset({0}))]
    return timeseries(contacts, duty, groups, n_offices=2, window=(0.0, 60.0), bin_min=15.0)


def series_of(ts: dict, office: int, group: int) -> dict[str, list[float]]:
    """The four bins of one office × desk-group row set."""
    sel = (ts["office"] == office) & (ts["desk_group"] == group)
    assert ts["bin_start_min"][sel].tolist() == [0.0, 15.0, 30.0, 45.0]
    return {k: ts[k][sel].tolist() for k in ("queue_mean", "busy_mean", "on_duty_mean")}


def test_timeseries_has_one_row_per_office_group_and_bin_with_office_totals_as_minus_one():
    """Rows: office × (total, its desk groups) × 4 bins; the office total has desk_group -1."""
    ts = hand_series()
    assert set(ts) == {"office", "desk_group", "bin_start_min", "queue_mean", "busy_mean", "on_duty_mean"}
    assert all(len(v) == 5 * 4 for v in ts.values())
    pairs = sorted(set(zip(ts["office"].tolist(), ts["desk_group"].tolist())))
    assert pairs == [(0, -1), (0, 0), (0, 1), (1, -1), (1, 2)]


def test_timeseries_office_total_is_hand_computed():
    """Office 0: queue [10, 10, 5, 0]/15, busy [5, 25, 25, 5]/15, on duty [15, 30, 30, 15]/15."""
    s = series_of(hand_series(), 0, -1)
    assert s["queue_mean"] == pytest.approx([10 / 15, 10 / 15, 5 / 15, 0.0])
    assert s["busy_mean"] == pytest.approx([5 / 15, 25 / 15, 25 / 15, 5 / 15])
    assert s["on_duty_mean"] == pytest.approx([1.0, 2.0, 2.0, 1.0])


def test_timeseries_desk_group_queue_counts_tickets_for_its_skills():
    """Group 0 (skill 0) sees only the skill-0 ticket; group 1 (skills 0, 1) sees every ticket."""
    ts = hand_series()
    g0, g1 = series_of(ts, 0, 0), series_of(ts, 0, 1)
    assert g0["queue_mean"] == pytest.approx([10 / 15, 5 / 15, 0.0, 0.0])
    assert g0["busy_mean"] == pytest.approx([0.0, 10 / 15, 10 / 15, 0.0])
    assert g0["on_duty_mean"] == pytest.approx([1.0, 1.0, 1.0, 1.0])
    assert g1["queue_mean"] == pytest.approx([10 / 15, 10 / 15, 5 / 15, 0.0])
    assert g1["busy_mean"] == pytest.approx([5 / 15, 1.0, 1.0, 5 / 15])
    assert g1["on_duty_mean"] == pytest.approx([0.0, 1.0, 1.0, 0.0])


def test_timeseries_keeps_offices_apart_and_clips_to_the_window():
    """Office 1 sees only its own contact and desk, clipped at the window end (60)."""
    ts = hand_series()
    total, g2 = series_of(ts, 1, -1), series_of(ts, 1, 2)
    for s in (total, g2):
        assert s["queue_mean"] == pytest.approx([0.0, 0.0, 0.0, 5 / 15])
        assert s["busy_mean"] == pytest.approx([0.0, 0.0, 0.0, 5 / 15])
        assert s["on_duty_mean"] == pytest.approx([0.0, 0.0, 0.0, 1.0])


def test_overtime_is_time_on_duty_past_the_scheduled_end_open_or_closed():
    """A client finished past a shift's end (or a break's start) while the office is open
    is overtime, as is serving after closing; a duty period worked as scheduled has
    none; the window clips."""
    duty = columns(DUTY_COLUMNS, [
        dict(start_min=100, end_min=420, scheduled_end_min=400),      # overrun while open: 20
        dict(start_min=100, end_min=650, scheduled_end_min=600),      # 50 after closing
        dict(start_min=1440, end_min=2100, scheduled_end_min=2100),   # as scheduled: 0
        dict(start_min=1440, end_min=2100, scheduled_end_min=2000),   # 100 late
    ])
    assert overtime(duty, (0.0, 3000.0)) == pytest.approx(170.0)
    assert overtime(duty, (0.0, 2070.0)) == pytest.approx(140.0)


def test_paid_breaks_are_paid_time_off_duty_and_count_in_staff_hours_not_on_duty():
    """A 30-minute paid break after a period (``paid_until_min`` past its scheduled end)
    adds 30 minutes to staff hours, none to the time on duty; an unpaid break
    (``paid_until_min`` = the scheduled end) adds nothing; the window clips."""
    duty = columns(DUTY_COLUMNS, [
        dict(start_min=W0 + 480, end_min=W0 + 720, scheduled_end_min=W0 + 720, paid_until_min=W0 + 750),
        dict(start_min=W0 + 750, end_min=W0 + 1020, scheduled_end_min=W0 + 1020, paid_until_min=W0 + 1020),
        dict(start_min=W1 - 60, end_min=W1 - 20, scheduled_end_min=W1 - 20, paid_until_min=W1 + 10),  # 20 in window
    ])
    assert paid_breaks(duty, (W0, W1)) == pytest.approx(50.0)
    r = measures(columns(CONTACT_COLUMNS, []), columns(BUNDLE_COLUMNS, []), duty, (W0, W1), TARGET)
    on_duty = 240 + 270 + 40
    assert r["staff_hours"] == pytest.approx((on_duty + 50) / 60 / 2)
    assert r["overtime_min"] == 0.0


def test_fte_is_each_units_staff_hours_over_one_minus_its_shrinkage_over_the_contract():
    """Two units: 20 staff hours a week with 20 % shrinkage need 25 hours of staff, 30
    with none need 30: 55 hours / a 37.5-hour contract = 1.467 staff to employ; each
    unit's own tally gives its part."""
    duty = columns(DUTY_COLUMNS, [
        dict(office=0, start_min=W0, end_min=W0 + 2400, scheduled_end_min=W0 + 2400, paid_until_min=W0 + 2400),
        dict(office=1, start_min=W0, end_min=W0 + 3600, scheduled_end_min=W0 + 3600, paid_until_min=W0 + 3600),
    ])
    shrinkage = np.array([0.2, 0.0])
    none = columns(CONTACT_COLUMNS, [])
    r = metrics.measures(none, columns(BUNDLE_COLUMNS, []), duty, (W0, W1), np.full(6, TARGET),
                         np.array([True, True]), shrinkage=shrinkage, contract_hours=37.5)
    assert r["staff_hours"] == pytest.approx(50.0)
    assert r["fte"] == pytest.approx((20 / 0.8 + 30) / 37.5)
    for o, hours in ((0, 20.0), (1, 30.0)):
        part = {k: v[duty["office"] == o] for k, v in duty.items()}
        u = metrics.unit_results(unit_tally(None, part, None, (W0, W1), shrinkage), (W0, W1), contract_hours=37.5)
        assert u["fte"] == pytest.approx(hours / (1 - shrinkage[o]) / 37.5)


def test_runs_of_equal_values_begin_where_the_sorted_value_changes():
    assert _firsts(np.array([1, 1, 2, 3, 3, 3], dtype=np.int64)).tolist() == [0, 2, 3]
    assert _firsts(np.array([7], dtype=np.int64)).tolist() == [0]
    assert _firsts(np.array([], dtype=np.int64)).tolist() == []


def test_split_gives_each_group_its_rows_and_a_group_holding_every_row_the_columns_themselves():
    """split yields every group code in order with its rows; when one group holds every
    row it gets the columns as they are (no copy) and the others none."""
    cols = {"x": np.array([10, 11, 12, 13]), "g": np.array([2, 0, 2, 1])}
    parts = dict(metrics.split(cols, cols["g"], 4))
    assert [parts[g]["x"].tolist() for g in range(4)] == [[11], [13], [10, 12], []]
    one = {"x": np.array([10, 11]), "g": np.array([1, 1])}
    parts = list(metrics.split(one, one["g"], 3))
    assert [g for g, _ in parts] == [0, 1, 2]
    assert parts[1][1] is one
    assert len(parts[0][1]["x"]) == len(parts[2][1]["x"]) == 0


def test_a_tally_without_its_bundles_is_the_tally_of_the_contacts_alone():
    """A network's tally less its bundle sums equals the tally of its contacts alone
    (what a split by channel computes)."""
    contacts, bundles, _ = hand_log()
    args = ((W0, W1), np.full(6, TARGET), np.array([True]))
    whole = client_tally(contacts, bundles, *args, exact=True)
    alone = client_tally(contacts, None, *args, exact=True)
    assert whole.bundles and whole.n_ended > 0
    assert metrics.client_results(whole.without_bundles(), (W0, W1)) == metrics.client_results(alone, (W0, W1))
    assert whole.without_bundles().n_ended == 0
