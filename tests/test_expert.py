"""The expert centre: escalated cases decided without the client (an open Jackson network).

An office whose clients are escalated with probability p feeds the expert centre
a Poisson stream of rate pλ; around the clock and with exponential work, the
expert centre is then an M/M/c of its own. Experts count working time only and
never work outside their duty; some decisions bring the client back once more.
"""

from __future__ import annotations

import math

import pytest

from simoffice.config.build import build_spec
from simoffice.engine.expert import finish_time
from simoffice.engine.replication import build_experts
from simoffice.measures import theory
from simoffice.vocabulary import DAY

import networks as N
from conftest import per_replication
from oracle import assert_covers, with_seed

PER_WEEK = 600.0  # bundles a week: λ = 600 / 10080 per minute
ESCALATION = 0.5
EXPERT_MEAN = 60.0  # working minutes per case
EXPERTS = 3
MEASURED_WEEKS = 3


def escalating_network(follow_up: float = 0.0, expert_time: dict | None = None, experts: int = EXPERTS,
                       shift: dict | None = None, replications: int = 10) -> dict:
    """One office (M/M/2, ρ = 0.3) whose single service goes to the expert centre
    with probability ESCALATION; no missing documents, nobody reneges."""
    cfg = N.network(PER_WEEK, service_mean=10.0, desks=2, weeks=MEASURED_WEEKS + 1, drain_weeks=1,
                    replications=replications)
    net = cfg["network"]
    net["services"]["need"].update(escalation_prob=ESCALATION, follow_up_prob=follow_up,
                                   expert_time=expert_time or N.exponential(EXPERT_MEAN))
    net["expert_centre"] = N.expert_centre(experts, shift=shift)
    return cfg


@pytest.fixture(scope="module")
def jackson_run():
    return N.simulate(with_seed(escalating_network(), "expert centre (Jackson)"))


@pytest.mark.oracle
def test_cases_reach_the_expert_centre_at_rate_p_lambda(jackson_run):
    """Escalated cases arrive at the expert centre at pλ a week (a thinned Poisson stream)."""
    cases = N.rows(jackson_run, "cases")
    per_week = cases.groupby("replication").size() / MEASURED_WEEKS
    assert_covers(per_week, ESCALATION * PER_WEEK, "cases per week")
    assert_covers(per_replication(jackson_run, "expert_cases_per_week"), ESCALATION * PER_WEEK,
                  "expert_cases_per_week")


@pytest.mark.oracle
def test_expert_centre_behaves_as_an_independent_m_m_c(jackson_run):
    """Tandem stations: the mean turnaround is the expert centre's M/M/3 wait plus the work."""
    lam = ESCALATION * PER_WEEK / (7 * DAY)  # per minute
    turnaround_min = theory.erlang_c_wait_mean(EXPERTS, lam, 1 / EXPERT_MEAN) + EXPERT_MEAN
    assert_covers(per_replication(jackson_run, "expert_turnaround_days"), turnaround_min / DAY,
                  "expert_turnaround_days")


@pytest.mark.oracle
def test_expert_backlog_obeys_littles_law(jackson_run):
    """Backlog (time-average cases at the centre) = case rate × mean turnaround."""
    rate_per_day = per_replication(jackson_run, "expert_cases_per_week") / 7
    little = rate_per_day * per_replication(jackson_run, "expert_turnaround_days")
    backlog = per_replication(jackson_run, "expert_backlog")
    assert_covers(backlog - little, 0.0, "backlog − rate × turnaround")
    lam = ESCALATION * PER_WEEK / (7 * DAY)
    in_system = lam * (theory.erlang_c_wait_mean(EXPERTS, lam, 1 / EXPERT_MEAN) + EXPERT_MEAN)
    assert_covers(backlog, in_system, "expert_backlog against M/M/3")


# --- working time -------------------------------------------------------------------

DUTY = [(480.0, 1020.0), (DAY + 480.0, DAY + 1020.0)]  # two days, 08:00–17:00


def test_work_inside_one_duty_period_ends_after_the_work():
    """A case that fits in the duty period ends start + work."""
    assert finish_time(600.0, 90.0, DUTY, 0) == 690.0
    assert finish_time(930.0, 90.0, DUTY, 0) == 1020.0  # exactly at the end of the shift


def test_work_begun_before_a_shift_end_finishes_in_the_next_duty_period():
    """90 working minutes begun 30 minutes before the end of a shift end 60 minutes into the next one."""
    assert finish_time(990.0, 90.0, DUTY, 0) == DAY + 480.0 + 60.0


def test_work_spanning_several_duty_periods_counts_working_time_only():
    """Work longer than a shift is spread over the following duty periods."""
    assert finish_time(480.0, 540.0 + 100.0, DUTY, 0) == DAY + 480.0 + 100.0


def test_work_that_outlasts_the_duty_periods_never_ends():
    assert math.isinf(finish_time(990.0, 600.0, DUTY, 0))


def test_experts_work_only_on_duty():
    """Every case starts on duty and ends exactly the working time later; an expert takes one case at a time."""
    shift = {"start": "08:00", "end": "17:00", "days": ["mon", "tue", "wed", "thu", "fri"]}
    work = 150.0  # deterministic: many cases straddle the end of a shift
    cfg = escalating_network(expert_time={"dist": "deterministic", "value": work}, experts=4, shift=shift,
                             replications=2)
    res = N.simulate(cfg)
    duty = {e.id: e.duty for e in build_experts(build_spec(cfg))}
    cases = res.cases[res.cases["end_min"].notna()]
    assert len(cases) > 100
    straddling = 0
    for expert, start, end in zip(cases["expert"], cases["start_min"], cases["end_min"]):
        intervals = duty[expert]
        i = next((k for k, (lo, hi) in enumerate(intervals) if lo <= start < hi), None)
        assert i is not None, f"expert {expert} began a case off duty, at minute {start}"
        assert end == finish_time(start, work, intervals, i)
        straddling += end > intervals[i][1]
    assert straddling > 0, "some cases should carry over to the next duty period"
    for (_, expert), g in cases.groupby(["replication", "expert"]):
        g = g.sort_values("start_min")
        assert (g["start_min"].to_numpy()[1:] >= g["end_min"].to_numpy()[:-1]).all(), \
            f"expert {expert} worked on two cases at once"


# --- follow-ups --------------------------------------------------------------------

def test_a_follow_up_decision_brings_one_more_contact():
    """With follow_up_prob = 1 every escalated need brings one more visit after the decision;
    the same clients (same seed) with follow_up_prob = 0 need one visit fewer."""
    runs = {p: N.simulate(escalating_network(follow_up=p, replications=3)) for p in (0.0, 1.0)}
    key = ["replication", "bundle"]
    b0, b1 = (runs[p].bundles.set_index(key) for p in (0.0, 1.0))
    both = b0.index.intersection(b1.index)
    b0, b1 = b0.loc[both], b1.loc[both]
    ended = (b0["status"] == "settled") & (b1["status"] == "settled")
    assert ended.mean() > 0.95
    b0, b1 = b0[ended], b1[ended]
    assert (b0["needs_escalated"] == b1["needs_escalated"]).all(), "the same needs are escalated"
    assert (b1["visits"] == b0["visits"] + b1["needs_escalated"]).all()
    assert (b1["needs_escalated"] > 0).any()
    # The extra contact comes after the decision.
    res = runs[1.0]
    decided = res.cases.groupby(key)["end_min"].max()
    last = res.contacts.groupby(key)["arrival_min"].max()
    escalated = decided.index.intersection(last.index)
    assert (last.loc[escalated] > decided.loc[escalated]).all()
    assert res.cases["follow_up"][res.cases["end_min"].notna()].all()
