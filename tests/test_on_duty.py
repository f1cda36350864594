"""Specifications of simoffice.calibration.on_duty: desks on duty from desk activity, written as shifts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from simoffice.calibration.on_duty import (
    BINS,
    STAFF_BIN_MIN,
    ShiftDef,
    desk_spans,
    fit_desk_groups,
    fit_staff,
    group_name,
    scheduled,
    shifts_from_config,
)

FIVE_DAY = shifts_from_config({
    "full": {"start": "08:00", "end": "17:00", "days": ["mon", "tue", "wed", "thu", "fri"]},
    "peak": {"start": "10:00", "end": "14:00", "days": ["mon", "tue", "wed", "thu", "fri"]},
})


def test_a_shift_covers_its_bins_on_its_days():
    sh = ShiftDef("late", 10 * 60 + 30, 12 * 60, frozenset({2}))
    cov = sh.coverage()
    assert cov.shape == (7, BINS)
    assert cov[2].sum() * STAFF_BIN_MIN == 90
    assert cov[[0, 1, 3, 4, 5, 6]].sum() == 0
    assert cov[2, 42] == 1.0 and cov[2, 41] == 0.0  # 10:30–10:45 in, 10:15–10:30 out


@pytest.mark.parametrize("staff", [{"full": 2, "peak": 1}, {"full": 1}, {"peak": 3}, {"full": 4, "peak": 2}])
def test_exact_staffing_is_recovered_as_whole_desks_per_shift(staff):
    assert fit_staff(scheduled(staff, FIVE_DAY), FIVE_DAY) == staff


def test_noisy_staffing_rounds_to_the_nearest_whole_desks():
    """Desks on duty a little short at the start and the end of the day (a desk's first
    client comes after opening) still give 2 full-day desks and 1 at the peak."""
    on_duty = scheduled({"full": 2, "peak": 1}, FIVE_DAY)
    on_duty[:5, 32] -= 0.6   # 08:00–08:15
    on_duty[:5, 67] -= 0.8   # 16:45–17:00
    on_duty[:5, 68] += 0.3   # a little overtime after 17:00
    assert fit_staff(on_duty, FIVE_DAY) == {"full": 2, "peak": 1}


def served(rows):
    """Served tickets (desk, service, day, called hh:mm, ended hh:mm)."""
    frame = pd.DataFrame(rows, columns=["desk", "service", "day", "called", "ended"])
    frame["office"] = "Centre"
    frame["called"] = pd.to_datetime(frame["day"] + " " + frame["called"])
    frame["ended"] = pd.to_datetime(frame["day"] + " " + frame["ended"])
    frame["service_min"] = (frame["ended"] - frame["called"]).dt.total_seconds() / 60
    return frame


def test_a_desk_is_on_duty_from_its_first_call_to_its_last_end_of_the_day():
    spans = desk_spans(served([
        ("desk 1", "a", "2026-01-12", "08:00", "08:20"),
        ("desk 1", "a", "2026-01-12", "16:00", "17:00"),
        ("desk 1", "a", "2026-01-13", "09:00", "09:30"),
    ]))
    assert spans[["start", "end", "busy"]].to_numpy().tolist() == [[480, 1020, 80], [540, 570, 30]]


def test_desks_serving_the_same_services_form_a_group_with_their_common_name():
    """Two desks serving a and b all day and one at the peak make 'family desks' staffed
    {full: 2, peak: 1}; a desk serving only c is a group of its own."""
    rows = []
    for day in ("2026-01-12", "2026-01-13"):
        for desk in ("family desks 1", "family desks 2"):
            rows += [(desk, "a", day, "08:00", "12:00"), (desk, "b", day, "12:00", "17:00")]
        rows += [("family desks 3", "a", day, "10:00", "14:00")]
        rows += [("other 1", "c", day, "08:00", "17:00")]
    rows.append(("family desks 3", "b", "2026-01-12", "13:00", "13:30"))
    days = pd.DatetimeIndex(["2026-01-12", "2026-01-13"])
    groups = fit_desk_groups(served(rows), days, FIVE_DAY)
    assert [(g.name, g.desks, g.services, g.staff) for g in groups] == [
        ("family desks", ("family desks 1", "family desks 2", "family desks 3"), ("a", "b"), {"full": 2, "peak": 1}),
        ("other", ("other 1",), ("c",), {"full": 1}),
    ]
    assert groups[1].utilisation == pytest.approx(1.0)
    assert np.allclose(groups[0].on_duty[0, 32:68], groups[0].scheduled[0, 32:68])


def test_group_names_fall_back_and_stay_unique():
    assert group_name(["window 1", "window 2"], set(), "desk group 1") == "window"
    assert group_name(["A", "B"], set(), "desk group 2") == "desk group 2"
    assert group_name(["window 3"], {"window"}, "desk group 3") == "desk group 3"
