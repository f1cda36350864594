"""Invariant mode (run.check_invariants): the engine checks itself as it runs.

The rest of the suite runs with the mode on (tests/conftest.py, tests/networks.py),
so every test is also a test that no invariant breaks. Here a deliberately broken
engine shows that the mode catches what it should, with a message that names the
unit, the time and the invariant.
"""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

import simoffice
from simoffice.config.build import build_spec
from simoffice.config.compose import config_hash
from simoffice.engine import replication
from simoffice.engine.expert import Case, Expert
from simoffice.engine.invariants import CheckedOfficeModel, Invariants
from simoffice.engine.office import OfficeModel
from simoffice.errors import InvariantError
from simoffice.model.timetable import clock

import networks as N

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def morning_office(policy: str, shift_end: str = "17:00") -> dict:
    """An office open 08:00–12:00 on weekdays, staffed 08:00–``shift_end``, busy enough
    that clients are waiting at noon."""
    cfg = N.network(per_week=400, service_mean=12, desks=2, weeks=2, warmup_weeks=1, replications=1)
    cfg["network"]["arrival_profile"]["time_of_day"] = [0.0] * 8 + [1.0] * 4
    cfg["schedule"] = {"name": "mornings", "opening_hours": {d: "08:00-12:00" for d in WEEKDAYS},
                       "shifts": {"always": {"start": "08:00", "end": shift_end, "days": WEEKDAYS}},
                       "holidays": [], "closing_policy": policy}
    return cfg


def test_the_morning_office_keeps_its_invariants():
    """The unbroken engine runs the networks below with the mode on."""
    for cfg in (morning_office("send_away"), morning_office("serve_waiting"), morning_office("send_away", "12:00"),
                late_desk()):
        res = N.simulate(cfg)
        assert (res.contacts["outcome"] == "served").any()


def late_desk() -> dict:
    """The morning office under send_away: two desks 08:00–10:00, none from 10:00 to
    11:00 (clients wait), one 11:00–17:00, on duty well after closing."""
    cfg = morning_office("send_away")
    cfg["schedule"]["shifts"] = {"early": {"start": "08:00", "end": "10:00", "days": WEEKDAYS},
                                 "late": {"start": "11:00", "end": "17:00", "days": WEEKDAYS}}
    cfg["network"]["offices"][0]["desk_groups"] = [
        {"name": "early", "skills": ["general"], "staff": {"early": 2}},
        {"name": "late", "skills": ["general"], "staff": {"late": 1}}]
    return cfg


def break_offices(monkeypatch, **methods) -> None:
    """Run the units with ``methods`` replaced, checked or not: through subclasses, as the
    compiled engine's classes cannot be changed in place."""
    for name, base in (("CheckedOfficeModel", CheckedOfficeModel), ("OfficeModel", OfficeModel)):
        monkeypatch.setattr(replication, name, type(f"Broken{base.__name__}", (base,), methods))


def _look_whenever_on_duty(self, desk):
    """Broken: a free desk calls clients whenever it is on duty, open or closed."""
    now = self.env.now
    if now >= desk.end:
        self._off_duty(desk)
        return
    tk = self.pull(desk, now)
    if tk is not None:
        self._serve(desk, tk, now)
    else:
        self.idle.append(desk)


def test_a_desk_that_serves_while_the_office_is_closed_raises(monkeypatch):
    """Broken: nobody is sent away at closing and desks call clients whenever on duty,
    so the late desk serves clients after noon although the closing policy sends them away."""
    break_offices(monkeypatch, _close=lambda self, now: None, _look=_look_whenever_on_duty)
    with pytest.raises(InvariantError) as err:
        N.simulate(late_desk())
    e = err.value
    assert e.unit == "office"
    assert "starts a service while the unit is closed and the closing policy sends clients away" in e.what
    assert (e.t % 1440) >= 12 * 60, "after closing time"
    assert str(e).startswith(f"office at t = {e.t:.1f} min (day ")
    assert e.when == clock(e.t, 0)


def test_a_ticket_served_after_it_was_sent_away_raises(monkeypatch):
    """Broken: at closing the waiting clients are written off as sent away but stay in
    the queue; the next morning a desk calls one of them."""
    def close_but_keep_the_queue(self, now):
        for tk in list(self.waiting()):
            self.left(tk, 2, now)  # SENT_AWAY, and the ticket stays in its deque

    break_offices(monkeypatch, _close=close_but_keep_the_queue)
    with pytest.raises(InvariantError, match="without waiting in the queue"):
        N.simulate(morning_office("send_away", shift_end="12:00"))


def test_a_desk_working_past_its_shift_while_open_raises(monkeypatch):
    """Broken: desks ignore the end of their shift (10:00; the office is open until
    noon) and go on calling clients for two more hours."""
    break_offices(monkeypatch, _look=_look_two_hours_longer)
    with pytest.raises(InvariantError, match="after its shift ended at .* while the unit is open"):
        N.simulate(morning_office("serve_waiting", shift_end="10:00"))


def _look_two_hours_longer(self, desk):
    """Broken: a free desk goes on calling clients until two hours after the end of its duty period."""
    now = self.env.now
    tk = self.pull(desk, now) if now < desk.end + 120.0 else None
    if tk is not None:
        self._serve(desk, tk, now)
    elif now >= desk.end:
        self._off_duty(desk)
    else:
        self.idle.append(desk)


def test_the_broken_engine_runs_unnoticed_with_the_mode_off(monkeypatch):
    """The mode is what catches it: the same broken run completes without it."""
    break_offices(monkeypatch, _close=lambda self, now: None, _look=_look_whenever_on_duty)
    cfg = late_desk()
    cfg["run"]["check_invariants"] = False
    res = N.simulate(cfg)
    late = res.contacts[res.contacts["start_min"] % 1440 >= 12 * 60]
    assert len(late) > 0


def test_an_expert_starting_off_duty_raises():
    spec = build_spec(N.network())
    expert = Expert(3, {0}, [(480.0, 1020.0), (1920.0, 2460.0)])
    client = type("C", (), {"id": 7})()
    case = Case(client, 0, 0, 100.0, 60.0)
    inv = Invariants(spec)
    inv.expert_starts(expert, 0, case, 480.0)  # on duty
    with pytest.raises(InvariantError, match="expert 3 starts a case .bundle 7. off duty") as err:
        inv.expert_starts(expert, 0, case, 1020.0)  # the end of the duty period
    assert err.value.unit == "expert centre"
    assert err.value.when == "day 0, Mon 17:00"


def test_invariant_mode_changes_no_table_and_not_the_config_hash():
    cfg = N.network(per_week=300, weeks=2, replications=2, design="co_located")
    cfg["network"]["services"]["other"] = {"skill": "general", "service_time": N.exponential(5.0)}
    cfg["network"]["bundles"]["single"]["needs"] = ["need", "other"]
    on = N.simulate(cfg)
    cfg["run"]["check_invariants"] = False
    off = N.simulate(cfg)
    for table in ("contacts", "bundles", "timeseries", "replications", "groups"):
        pd.testing.assert_frame_equal(getattr(on, table), getattr(off, table))
    cfg["run"]["check_invariants"] = True
    on_hash = config_hash(cfg)
    cfg["run"]["check_invariants"] = False
    assert config_hash(cfg) == on_hash


def test_an_invariant_error_crosses_process_boundaries():
    """Raised in a worker process, it reaches the parent whole."""
    err = InvariantError("City centre", 1033.5, clock(1033.5, 0), "something broke")
    back = pickle.loads(pickle.dumps(err))
    assert str(back) == str(err) == "City centre at t = 1033.5 min (day 0, Mon 17:13): something broke"
    assert (back.unit, back.t, back.what) == ("City centre", 1033.5, "something broke")


def test_an_invariant_error_from_a_worker_process_reaches_the_caller(monkeypatch):
    break_offices(monkeypatch, _close=lambda self, now: None, _look=_look_whenever_on_duty)
    cfg = late_desk()
    cfg["run"].update(replications=2, jobs=2)
    with pytest.raises(InvariantError, match="closed"):
        simoffice.simulate(cfg, progress=False)


def test_clock_names_day_weekday_and_time():
    assert clock(0.0, 0) == "day 0, Mon 00:00"
    assert clock(1440.0 * 9 + 61.9, 3) == "day 9, Sat 01:01"
