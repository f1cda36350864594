"""Service standards: configured with a target, measured per unit with an interval,
judged met, missed or "cannot tell"; and the warnings a run carries.

The share served within a wait is checked against Erlang C; the other kinds
against the same share counted by hand from the run's tables.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import simoffice
from simoffice.config.build import build_spec
from simoffice.engine.replication import simulate_replication
from simoffice.errors import ConfigError
from simoffice.measures import theory
from simoffice.measures.standards import StandardsTally
from simoffice.measures.trend import growing
from simoffice.model.standards import status
from simoffice.run.runner import targets
from simoffice.vocabulary import DAY, WEEK

import networks as N
from oracle import assert_covers, with_seed

PER_WEEK = 1500.0  # bundles a week at a constant rate: λ = 1500 / 10080 per minute
SERVICE_MEAN = 10.0
DESKS = 2
WITHIN_MIN = 5.0


def standards_only(cfg: dict, **standards) -> dict:
    """``cfg`` judged by the given standards only (name -> StandardConfig as a dict)."""
    cfg["standards"] = standards
    return cfg


@pytest.fixture(scope="module")
def mmc_run():
    """M/M/2 at ρ ≈ 0.74, judged by a 5-minute walk-in standard and a wait at 0 minutes."""
    cfg = N.network(PER_WEEK, SERVICE_MEAN, DESKS, weeks=4, replications=10)
    return N.simulate(standards_only(
        with_seed(cfg, "standards on M/M/2"), within_5={"kind": "served_within", "channel": "walk_in", "within_min": WITHIN_MIN, "target": 0.8},
        no_wait={"kind": "served_within", "channel": "walk_in", "within_min": 0, "target": 0.5},
        abandon={"kind": "abandonment", "channel": "walk_in", "target": 0.05}))


def per_rep(res: simoffice.Results, standard: str, unit: str = "all") -> pd.Series:
    s = res.standards
    return s[(s["standard"] == standard) & (s["office"] == unit)].set_index("replication")["value"].sort_index()


def row(res: simoffice.Results, standard: str, unit: str = "all") -> dict:
    return next(r for r in res.summary["standards"] if r["standard"] == standard and r["unit"] == unit)


# --- configuration -------------------------------------------------------------------------


def test_the_default_standards_are_documented_and_labelled():
    spec = build_spec(simoffice.compose())
    by_name = {st.name: st for st in spec.standards}
    assert set(by_name) == {"walk_in_wait", "appointment_wait", "phone_answer", "phone_abandonment",
                            "appointment_offered", "expert_decision", "bundle_settled"}
    walk_in = by_name["walk_in_wait"]
    assert (walk_in.within, walk_in.target, walk_in.direction) == (15.0, 0.8, "at_least")
    assert walk_in.label == "Walk-ins seen within 15 min" and "Service Canada" in walk_in.source
    assert by_name["phone_answer"].within == pytest.approx(20 / 60)
    assert by_name["phone_abandonment"].direction == "at_most"
    assert all(st.source for st in spec.standards)


@pytest.mark.parametrize("override, key", [
    ("standards.walk_in_wait.kind=fastest", "standards.walk_in_wait.kind"),
    ("standards.walk_in_wait.channel=fax", "standards.walk_in_wait.channel"),
    ("standards.walk_in_wait.within_days=2", "standards.walk_in_wait.within_days"),
    ("standards.walk_in_wait.target=1.5", "standards.walk_in_wait.target"),
    ("standards.expert_decision.within_days=null", "standards.expert_decision.within_days"),
    ("standards.phone_abandonment.within_min=3", "standards.phone_abandonment.within_min"),
    ("+standards.walk_in_wait.units={Atlantis: {target: 0.5}}", "standards.walk_in_wait.units"),
    ("+standards.walk_in_wait.typo=1", "standards.walk_in_wait.typo"),
])
def test_a_bad_standard_is_refused_in_one_line_naming_its_key(override, key):
    with pytest.raises(ConfigError) as err:
        build_spec(simoffice.compose(override))
    assert str(err.value).startswith(key) and "\n" not in str(err.value)


def test_a_standard_set_to_null_is_left_out_and_a_unit_may_have_its_own_limit():
    spec = build_spec(simoffice.compose("standards.phone_answer=null",
                                        "+standards.walk_in_wait.units={North bus: {within_min: 20, target: 0.7}}"))
    names = [st.name for st in spec.standards]
    assert "phone_answer" not in names
    walk_in = spec.standards[names.index("walk_in_wait")]
    bus = [u.name for u in spec.offices].index("North bus")
    assert walk_in.limit(bus) == (20.0, 0.7) and walk_in.limit(0) == (15.0, 0.8)


@pytest.mark.parametrize("interval, direction, expected", [
    ((0.85, 0.82, 0.88), "at_least", "met"),
    ((0.75, 0.72, 0.78), "at_least", "missed"),
    ((0.80, 0.77, 0.83), "at_least", "cannot_tell"),
    ((0.05, 0.03, 0.07), "at_most", "met"),
    ((0.15, 0.12, 0.18), "at_most", "missed"),
    ((0.10, 0.08, 0.12), "at_most", "cannot_tell"),
    ((0.95, None, None), "at_least", "cannot_tell"),  # one replication: no interval
])
def test_status_is_met_or_missed_only_when_the_whole_interval_is_on_one_side(interval, direction, expected):
    assert status(*interval, 0.8 if direction == "at_least" else 0.1, direction) == expected


# --- measured against theory and against the tables ------------------------------------------


@pytest.mark.oracle
def test_the_share_served_within_a_wait_is_erlang_c(mmc_run):
    """P(Wq <= t) = 1 - C(c, a) exp(-(cμ - λ) t) for M/M/c; at t = 0, 1 - C."""
    lam, mu = PER_WEEK / WEEK, 1 / SERVICE_MEAN
    c_wait = theory.erlang_c(DESKS, lam, mu)
    assert_covers(per_rep(mmc_run, "within_5"), 1 - c_wait * math.exp(-(DESKS * mu - lam) * WITHIN_MIN),
                  "share served within 5 min")
    assert_covers(per_rep(mmc_run, "no_wait"), 1 - c_wait, "share served at once")


def test_the_summary_judges_each_standard_with_its_interval(mmc_run):
    r = row(mmc_run, "within_5")
    assert r["n"] == 10 and 0 <= r["ci_low"] <= r["mean"] <= r["ci_high"] <= 1
    assert r["status"] == status(r["mean"], r["ci_low"], r["ci_high"], 0.8, "at_least")
    assert (r["kind"], r["channel"], r["within"], r["within_unit"], r["target"]) == (
        "served_within", ["walk_in"], WITHIN_MIN, "min", 0.8)
    # Nobody reneges in this network: abandonment 0, a ceiling of 5 % clearly met.
    assert row(mmc_run, "abandon")["mean"] == 0 and row(mmc_run, "abandon")["status"] == "met"


def test_the_heat_map_counts_add_up_to_the_standard(mmc_run):
    """Per replication, the hours table's in-time share is the walk-in standard's share
    (one channel, one unit, the first served_within standard's wait: 5 min)."""
    h = mmc_run.hours.groupby("replication")[["queued", "in_time"]].sum()
    np.testing.assert_allclose(h["in_time"] / h["queued"], per_rep(mmc_run, "within_5"))
    c = N.rows(mmc_run)
    assert h["queued"].sum() == len(c)  # every contact queues here
    assert set(mmc_run.hours["weekday"]) == set(range(7)) and set(mmc_run.hours["hour"]) == set(range(24))


def test_expert_and_bundle_standards_count_what_the_tables_show():
    """Expert decisions within 1 day and bundles settled within 2 days, counted by hand
    from the cases and bundles tables (a case or bundle still open counts only once it
    is older than the limit)."""
    cfg = N.network(600.0, 10.0, 2, weeks=4, replications=3)
    cfg["network"]["services"]["need"].update(escalation_prob=0.5, expert_time=N.exponential(600.0))
    cfg["network"]["expert_centre"] = N.expert_centre(2)
    res = N.simulate(standards_only(cfg, decided={"kind": "expert_within", "within_days": 1, "target": 0.8},
                                    settled={"kind": "bundle_within", "within_days": 2, "target": 0.8}))
    end = res.spec.run.horizon
    cases = N.rows(res, "cases")
    age = cases["end_min"].fillna(end) - cases["escalated_min"]
    known = cases["end_min"].notna() | (age > DAY)
    by_hand = (cases["end_min"].notna() & (age <= DAY))[known].groupby(cases["replication"]).mean()
    np.testing.assert_allclose(per_rep(res, "decided"), by_hand)
    np.testing.assert_allclose(per_rep(res, "decided", "expert centre"), by_hand)
    b = N.rows(res, "bundles")
    b = b[b["first_visit_min"].notna()]
    settled = b["status"] == "settled"
    age = b["end_min"].where(settled, end) - b["first_visit_min"]
    known = settled | (age > 2 * DAY)
    by_hand = (settled & (age <= 2 * DAY))[known].groupby(b["replication"]).mean()
    np.testing.assert_allclose(per_rep(res, "settled"), by_hand)


def test_appointments_offered_within_days_count_the_booking_requests():
    """The regional network's booking requests: the share whose unit had a free slot
    within 5 days of the request (its first free slot, whatever later time the client
    then preferred), from the replication's own bookings log."""
    spec = build_spec(simoffice.compose("run.weeks=3", "run.replications=1"))
    log = simulate_replication(spec, 0)
    tally = StandardsTally(spec, targets(spec))
    tally.add(log)
    b = log["bookings"]
    w0, w1 = spec.run.window
    mine = (b["requested_min"] >= w0) & (b["requested_min"] < w1)
    assert mine.sum() > 100
    by_hand = np.mean(b["offered_min"][mine] - b["requested_min"][mine] <= 5 * DAY)
    offered = dict(((u, s), v) for u, s, v in tally.values())
    assert offered[("all", "appointment_offered")] == pytest.approx(by_hand)
    given = ~np.isnan(b["slot_min"][mine])
    next_day = (b["requested_min"][mine] // DAY + 1) * DAY
    assert (b["offered_min"][mine][given] >= next_day[given]).all()
    # The first free slot is never later than the one the client took.
    assert (b["offered_min"][mine][given] <= b["slot_min"][mine][given]).all()
    # Clients prefer times of their own: many take a later slot than the first free one.
    assert (b["slot_min"][mine][given] > b["offered_min"][mine][given]).mean() > 0.3


def test_standards_are_the_same_when_the_log_is_folded_week_by_week():
    overrides = ("run.weeks=3", "run.replications=2", "run.jobs=1", "run.progress=false")
    whole = simoffice.simulate(simoffice.compose(*overrides), progress=False)
    folded = simoffice.simulate(simoffice.compose(*overrides, "run.keep_contacts=false"), progress=False)
    pd.testing.assert_frame_equal(whole.standards, folded.standards)
    pd.testing.assert_frame_equal(whole.hours, folded.hours)
    pd.testing.assert_frame_equal(whole.weekly, folded.weekly, check_exact=False, rtol=1e-9)


# --- warnings ------------------------------------------------------------------------------


def overloaded_expert_centre(experts: int) -> dict:
    """Cases reach the expert centre at 300 a week; each takes an hour of an expert
    working around the clock: 1.8 experts' worth of work."""
    cfg = N.network(600.0, 10.0, 2, weeks=5, replications=4)
    cfg["network"]["services"]["need"].update(escalation_prob=0.5, expert_time=N.exponential(60.0))
    cfg["network"]["expert_centre"] = N.expert_centre(experts)
    return cfg


def test_an_overloaded_expert_centre_is_warned_of_and_a_stable_one_is_not():
    over = N.simulate(overloaded_expert_centre(1))
    kinds = {(w["kind"], w["unit"]) for w in over.summary["warnings"]}
    assert ("unstable", "expert centre") in kinds
    text = next(w["text"] for w in over.summary["warnings"] if w["kind"] == "unstable")
    assert text.startswith("Expert centre: the") and "grows week over week" in text
    backlog = over.weekly[over.weekly["measure"] == "expert_backlog"].groupby("week")["value"].mean()
    assert backlog.is_monotonic_increasing
    stable = N.simulate(overloaded_expert_centre(3))
    assert not growing(stable.weekly)
    assert not [w for w in stable.summary["warnings"] if w["kind"] == "unstable"]


def test_few_replications_are_warned_of():
    one = N.simulate(N.network(replications=1, weeks=2))
    (warning,) = [w for w in one.summary["warnings"] if w["kind"] == "few_replications"]
    assert "One replication" in warning["text"]
    assert all(r["status"] == "cannot_tell" for r in one.summary["standards"])


def test_an_office_open_with_no_desk_on_duty_is_warned_of():
    """A calibrated office keeps its own opening hours (Friday included) under a schedule
    that staffs no Friday shift."""
    res = simoffice.simulate(simoffice.compose("network=sample_office", "schedule=mon_thu", "run.weeks=2",
                                               "run.replications=2", "run.jobs=1", "run.progress=false"),
                             progress=False)
    texts = [w["text"] for w in res.summary["warnings"] if w["kind"] == "no_desk_on_duty"]
    assert texts and "Fri" in texts[0]


# --- the summary's intervals ---------------------------------------------------------------


def test_every_interval_of_a_share_in_the_summary_lies_in_0_1(mmc_run):
    from simoffice.measures.metrics import SHARES

    def check(name: str, m: dict) -> None:
        if m.get("ci_low") is None:
            return
        assert m["ci_low"] >= 0, name
        if name in SHARES:
            assert m["ci_high"] <= 1, name

    s = mmc_run.summary
    for name, m in s["measures"].items():
        check(name, m)
    for by in s["groups"].values():
        for ms in by.values():
            for name, m in ms.items():
                check(name, m)
    for r in s["standards"]:
        assert r["ci_low"] is None or 0 <= r["ci_low"] <= r["ci_high"] <= 1


def test_weekday_groups_add_up_to_the_network():
    res = simoffice.simulate(simoffice.compose("run.weeks=3", "run.replications=2", "run.jobs=1",
                                               "run.progress=false"), progress=False)
    g = res.groups[(res.groups["by"] == "weekday") & (res.groups["measure"] == "contacts_per_week")]
    per_rep_total = g.groupby("replication")["value"].sum()
    net = res.replications.query("office == 'all' and measure == 'contacts_per_week'").set_index("replication")
    np.testing.assert_allclose(per_rep_total, net["value"])
    assert list(res.summary["groups"]["weekday"]) == ["Mon", "Tue", "Wed", "Thu", "Fri"]
