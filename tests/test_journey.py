"""A client's journey across channels: phone, online, offices of several agencies.

Oracle tests (the contact centre is an Erlang A queue) assert that an interval over
replications, at the suite's family-wise level and on the scenario's own seed
(tests/oracle.py), contains the theoretical value;
policy tests compare two runs with the same seed, hence the same clients
(common random numbers), replication by replication or bundle by bundle.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.linalg import expm

from simoffice.measures.erlang_a import erlang_a
from simoffice.measures.intervals import t_interval

import networks as N
from conftest import per_replication, simulate
from oracle import assert_covers, with_seed

# --- phone: the contact centre is an Erlang A queue ------------------------------------

CALLS_PER_MIN, AGENTS, CALL_MEAN, PATIENCE_MEAN = 0.3, 2, 6.0, 5.0


def phone_network(phone: str = "settle", target_sec: float = 20.0, **run) -> dict:
    """Every client phones: Poisson calls, exponential call time and patience, no retries,
    a contact centre open and staffed around the clock."""
    cfg = N.network(CALLS_PER_MIN * 7 * 1440, **{"replications": 10, **run})
    net = cfg["network"]
    net["segments"]["everyone"].update(channels={"phone": 1.0}, return_prob=0.0)
    net["services"]["need"].update(phone=phone, phone_time=N.exponential(CALL_MEAN))
    net["contact_centre"] = N.contact_centre(AGENTS, patience_mean=PATIENCE_MEAN, target_sec=target_sec)
    return cfg


def erlang_a_distribution(c: int, lam: float, mu: float, theta: float, tol: float = 1e-15) -> np.ndarray:
    """π_j of the M/M/c+M birth–death process (Erlang A), truncated where negligible."""
    w = [1.0]
    for j in range(1, c + 1):
        w.append(w[-1] * lam / (j * mu))
    k = 1
    while w[-1] > tol * sum(w):
        w.append(w[-1] * lam / (c * mu + k * theta))
        k += 1
    return np.array(w) / sum(w)


def erlang_a_service_level(c: int, lam: float, mu: float, theta: float, t: float) -> float:
    """P(a call is answered within t): PASTA over the state met at arrival; with k callers
    ahead, the caller moves up at rate cμ + iθ (i ahead) and hangs up at rate θ."""
    pi = erlang_a_distribution(c, lam, mu, theta)
    n_ahead = len(pi) - c
    q = np.zeros((n_ahead + 1, n_ahead + 1))  # states: i callers ahead (0 … n_ahead − 1), then "answered"
    for i in range(n_ahead):
        q[i, i] = -(c * mu + i * theta + theta)
        q[i, i - 1 if i else n_ahead] = c * mu + i * theta
    answered_by_t = expm(q * t)[:n_ahead, n_ahead]
    return float(pi[:c].sum() + pi[c:] @ answered_by_t)


@pytest.fixture(scope="module")
def phone_run():
    return N.simulate(with_seed(phone_network(), "phone M/M/2+M"))


def calls_by_replication(res):
    calls = N.rows(res)
    assert (calls["channel"] == "phone").all()
    return calls.groupby("replication", observed=True)


@pytest.mark.oracle
def test_phone_abandonment_and_wait_match_erlang_a(phone_run):
    """M/M/2+M: P(abandon) and E[Wq] over all callers match the exact Erlang A solution."""
    exact = erlang_a(AGENTS, CALLS_PER_MIN, 1 / CALL_MEAN, 1 / PATIENCE_MEAN)
    by_rep = calls_by_replication(phone_run)
    assert_covers(by_rep["outcome"].apply(lambda o: float((o == "reneged").mean())), exact.abandon_prob,
                  "P(abandon)")
    assert_covers(per_replication(phone_run, "abandonment_rate"), exact.abandon_prob, "abandonment_rate")
    assert_covers(by_rep["wait_min"].mean(), exact.wait_mean, "E[Wq] over all callers")
    assert_covers(by_rep["wait_min"].apply(lambda w: float((w > 0).mean())), exact.p_wait, "P(wait > 0)")


@pytest.mark.oracle
def test_phone_service_level_counts_calls_answered_within_the_seconds_target(phone_run):
    """The phone service level is the share of calls answered within service_level_target_sec
    (20 s), not the offices' 15 minutes: it matches Erlang A's P(answered within 20 s)."""
    exact = erlang_a_service_level(AGENTS, CALLS_PER_MIN, 1 / CALL_MEAN, 1 / PATIENCE_MEAN, 20 / 60)
    phone = phone_run.groups.query("by == 'channel' and group == 'phone' and measure == 'service_level'")
    level = phone.set_index("replication")["value"].sort_index()
    assert_covers(level, exact, "phone service level (20 s)")
    assert_covers(per_replication(phone_run, "service_level"), exact, "service_level")
    within_15_min = erlang_a_service_level(AGENTS, CALLS_PER_MIN, 1 / CALL_MEAN, 1 / PATIENCE_MEAN, 15.0)
    assert level.max() < within_15_min - 0.1


@pytest.mark.oracle
def test_a_longer_phone_target_raises_the_service_level():
    """The same calls (same seed) with a 120 s target: more of them answered in time."""
    short, long = (N.simulate(with_seed(phone_network(target_sec=s, replications=8, weeks=2),
                                        "phone 20 s and 120 s targets")) for s in (20, 120))
    gain = per_replication(long, "service_level") - per_replication(short, "service_level")
    assert (gain > 0).all()
    exact = erlang_a_service_level(AGENTS, CALLS_PER_MIN, 1 / CALL_MEAN, 1 / PATIENCE_MEAN, 2.0)
    assert_covers(per_replication(long, "service_level"), exact, "phone service level (120 s)")


def test_a_phone_that_can_only_advise_sends_the_caller_to_an_office():
    """phone: advise: the call settles nothing, and the client's next contact is a trip to an office."""
    res = N.simulate(phone_network(phone="advise", replications=1, weeks=2))
    bundles = N.rows(res, "bundles")
    settled = bundles[bundles["status"] == "settled"]
    assert len(settled) > 1000 and (settled["visits"] >= 2).all()
    contacts = res.contacts.sort_values(["replication", "bundle", "visit", "arrival_min"])
    first, second = (contacts[contacts["visit"] == v].set_index(["replication", "bundle"]) for v in (1, 2))
    keys = settled.set_index(["replication", "bundle"]).index
    first, second = first.loc[keys], second.loc[keys]
    assert (first["channel"] == "phone").all() and (first["outcome"] == "served").all()
    assert (first["n_settled"] == 0).all()
    assert second["channel"].isin(["walk_in", "appointment"]).all()
    assert (second["arrival_min"] >= first["end_min"]).all()


# --- online self-service -------------------------------------------------------------

def online_network(digital_skill: float, proactive: float = 0.0) -> dict:
    """Clients try online first; a failed session sends them to the office."""
    cfg = N.network(500, replications=3)
    net = cfg["network"]
    net["segments"]["everyone"].update(channels={"online": 0.8, "walk_in": 0.2}, digital_skill=digital_skill)
    net["services"]["need"].update(online=True, proactive_share=proactive)
    return cfg


def test_more_online_failures_bring_more_office_contacts():
    """Lower digital skill: every client who walked in still walks in, and more of them do."""
    runs = {s: N.simulate(online_network(s)) for s in (0.8, 0.3)}
    office = {s: r.contacts[r.contacts["channel"].isin(["walk_in", "appointment"])] for s, r in runs.items()}
    counts = {s: o.groupby("replication").size() for s, o in office.items()}
    assert (counts[0.3] > counts[0.8]).all()
    walked = {s: set(zip(o["replication"], o["bundle"])) for s, o in office.items()}
    assert walked[0.8] <= walked[0.3]
    failed = runs[0.3].contacts[runs[0.3].contacts["outcome"] == "failed_online"]
    assert set(zip(failed["replication"], failed["bundle"])) <= walked[0.3], \
        "a failed online session is followed by an office contact"


def test_needs_delivered_proactively_need_no_contact():
    """proactive_share = 1: every bundle is settled at once, with no contact at all."""
    res = N.simulate(online_network(0.5, proactive=1.0))
    b = res.bundles
    assert len(b) > 1000
    assert (b["status"] == "settled").all() and (b["visits"] == 0).all()
    assert (b["needs_proactive"] == b["needs"]).all()
    assert (b["end_min"] == b["created_min"]).all()
    assert len(res.contacts) == 0


@pytest.fixture(scope="module")
def regional_run():
    return simulate("run.weeks=3", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=2")


def test_every_bundle_ends_settled_abandoned_or_open(regional_run):
    """Conservation across channels: each bundle is written once, with one of the three statuses."""
    b = regional_run.bundles
    assert set(b["status"].unique()) <= {"settled", "abandoned", "open"}
    assert not b.duplicated(["replication", "bundle"]).any()
    assert b["status"].notna().all()
    # No bundle is lost: a zone's bundles are numbered from zone × 10¹² without a gap.
    zones = [z.name for z in regional_run.spec.zones]
    for (_, zone), ids in b.groupby(["replication", "zone"], observed=True)["bundle"]:
        assert sorted(ids - zones.index(zone) * 10**12) == list(range(len(ids)))
    open_ = b["status"] == "open"
    assert b.loc[open_, "end_min"].isna().all() and b.loc[~open_, "end_min"].notna().all()
    assert set(regional_run.contacts["channel"].unique()) >= {"walk_in", "appointment", "phone", "video",
                                                              "online", "mobile"}


def test_a_bundle_counts_each_of_its_contacts_once(regional_run):
    """A bundle's visits are its contacts numbered 1 … visits (re-queues in a visit share its
    number); every contact belongs to a bundle; no contact row is written twice."""
    c, b = regional_run.contacts, regional_run.bundles
    key = ["replication", "bundle"]
    assert not c.duplicated().any()
    visits = c.groupby(key)["visit"].agg(["nunique", "min", "max"])
    bundles = b.set_index(key)
    assert visits.index.isin(bundles.index).all(), "a contact of an unknown bundle"
    with_contacts = bundles[bundles["visits"] > 0]
    assert with_contacts.index.isin(visits.index).all(), "a bundle with visits but no contact rows"
    v = visits.loc[with_contacts.index]
    assert (v["nunique"] == with_contacts["visits"]).all()
    assert (v["min"] == 1).all() and (v["max"] == with_contacts["visits"]).all()
    # A bundle that ended without any contact had every need delivered proactively.
    no_contact = bundles[(bundles["visits"] == 0) & (bundles["status"] != "open")]
    assert len(no_contact) > 0 and (no_contact["needs_proactive"] == no_contact["needs"]).all()
    assert (no_contact["status"] == "settled").all()


# --- agencies and designs (the South Ostrobothnia remote-service pilot: four authorities in one joint service point) -------

AGENCIES = {"benefits": "kela", "guardianship": "magistrate", "job_plan": "employment_office",
            "legal_advice": "legal_aid"}


def four_authorities(design: str, per_week: float = 100.0) -> dict:
    """One joint service point hosting four authorities, a desk group (two desks) of each;
    every client has one need of each authority. No missing documents, nobody reneges."""
    cfg = N.network(per_week, design=design, replications=2, drain_weeks=2)
    net = cfg["network"]
    net["services"] = {name: {"skill": name, "agency": agency, "service_time": N.exponential(10.0),
                              "missing_document_prob": 0.0} for name, agency in AGENCIES.items()}
    net["bundles"] = {"life_event": {"needs": list(AGENCIES), "share": 1.0}}
    net["offices"][0]["desk_groups"] = [{"name": name, "skills": [name], "staff": {"always": 2}}
                                        for name in AGENCIES]
    return cfg


def ended_bundles(res):
    b = N.rows(res, "bundles")
    assert (b["status"] == "settled").all()
    assert len(b) > 100
    return b


def test_one_stop_settles_four_agencies_needs_in_one_visit_at_one_desk():
    """one_stop, cross-trained desks: one visit, one ticket, every need settled at it."""
    res = N.simulate(four_authorities("one_stop"))
    b = ended_bundles(res)
    assert (b["visits"] == 1).all() and (b["tickets"] == 1).all()
    served = res.contacts[res.contacts["outcome"] == "served"]
    assert (served["n_settled"] == 4).all()


def test_co_located_agencies_re_queue_within_one_visit():
    """co_located: one visit, four tickets, each taken when the previous one ended."""
    res = N.simulate(four_authorities("co_located"))
    b = ended_bundles(res)
    assert (b["visits"] == 1).all() and (b["tickets"] == 4).all()
    c = res.contacts.sort_values(["replication", "bundle", "arrival_min"])
    g = c.groupby(["replication", "bundle"])
    assert (g.size() == 4).all() and (g["visit"].max() == 1).all()
    assert (g["service"].nunique() == 4).all()
    previous_end = g["end_min"].shift()
    requeued = previous_end.notna()
    assert (c.loc[requeued, "arrival_min"] == previous_end[requeued]).all()


def test_siloed_agencies_need_a_visit_each():
    """siloed: one need per visit, so four needs take four visits."""
    res = N.simulate(four_authorities("siloed"))
    b = ended_bundles(res)
    assert (b["visits"] == 4).all() and (b["tickets"] == 4).all()


def test_a_point_lacking_an_agency_sends_clients_to_another_point_that_has_it():
    """The nearest point hosts two of the four authorities (its desks have every skill); the
    needs of the other two are handled only at the farther point that hosts them all."""
    cfg = four_authorities("co_located", per_week=0)
    net = cfg["network"]
    net["offices"][0]["bundles_per_week"] = 0.0
    net["offices"][0]["desk_groups"] = [{"name": "all", "skills": list(AGENCIES), "staff": {"always": 4}}]
    net["offices"][0]["agencies"] = ["kela", "magistrate"]
    net["offices"][0]["name"] = "joint point"
    net["offices"].append({"name": "agency hub", "desk_groups": [
        {"name": "all", "skills": list(AGENCIES), "staff": {"always": 4}}]})
    net["zones"] = {"parish": {"population": 20000, "travel_min": {"joint point": 5, "agency hub": 40}}}
    net["bundles_per_1000_per_week"] = 5.0
    net["bundles"] = {"benefit_and_plan": {"needs": ["benefits", "job_plan"], "share": 0.5},
                      "benefit": {"needs": ["benefits"], "share": 0.5}}
    res = N.simulate(cfg)
    ended_bundles(res)
    c = res.contacts
    assert (c["outcome"] == "served").all(), "nobody is turned away for a missing agency"
    assert (c.loc[c["service"] == "job_plan", "office"] == "agency hub").all()
    benefits = c.loc[c["service"] == "benefits", "office"]
    assert (benefits == "joint point").mean() > 0.9, "the nearer point takes most benefit needs"
    at_both = c.groupby(["replication", "bundle"])["office"].nunique()
    assert (at_both == 2).any(), "some clients settle one need at each point"


# --- equity --------------------------------------------------------------------------

def equity_network(vulnerable_priority: int) -> dict:
    """Two segments and two zones at one busy office (M/M/2 at ρ ≈ 0.85)."""
    cfg = N.network(replications=6)
    net = cfg["network"]
    everyone = net["segments"].pop("everyone")
    net["segments"] = {"vulnerable": {**everyone, "share": 0.3, "priority": vulnerable_priority},
                       "others": {**everyone, "share": 0.7}}
    net["offices"][0]["bundles_per_week"] = 0.0
    net["zones"] = {"centre": {"population": 60000, "travel_min": {"office": 10}},
                    "outskirts": {"population": 30000, "travel_min": {"office": 45}}}
    net["bundles_per_1000_per_week"] = 0.85 * 2 * 1008 / 90  # 0.85 × 2 desks × 1008 services a week
    return cfg


@pytest.fixture(scope="module")
def equity_runs():
    return {p: N.simulate(equity_network(p)) for p in (0, 1)}


def test_groups_cover_every_segment_and_zone(equity_runs):
    g = equity_runs[0].groups
    for by, names in (("segment", {"vulnerable", "others"}), ("zone", {"centre", "outskirts"})):
        part = g[g["by"] == by]
        for _, groups in part.groupby("replication"):
            assert set(groups["group"]) == names


def test_equity_gap_is_the_paired_difference_of_the_extreme_segments(equity_runs):
    res = equity_runs[1]
    g = res.groups[res.groups["by"] == "segment"]
    for m, gap in res.summary["equity"]["segment"].items():
        wide = g[g["measure"] == m].pivot_table(index="replication", columns="group", values="value").dropna(axis=1)
        means = wide.mean()
        assert gap["highest"] == means.idxmax() and gap["lowest"] == means.idxmin()
        expected = t_interval(wide[gap["highest"]] - wide[gap["lowest"]])
        assert gap["gap"]["mean"] == pytest.approx(expected["mean"], abs=1e-12)
        assert gap["gap"]["ci_low"] == pytest.approx(expected["ci_low"], abs=1e-12)
    assert "wait_mean_min" in res.summary["equity"]["segment"]
    travel = res.summary["equity"]["zone"]["travel_min_per_bundle"]
    assert (travel["highest"], travel["lowest"]) == ("outskirts", "centre")
    assert travel["gap"]["mean"] == pytest.approx(2 * (45 - 10))


def test_priority_for_the_vulnerable_segment_lowers_its_wait(equity_runs):
    """Segment priority 1 (served first) lowers the vulnerable segment's mean wait, same clients."""
    def wait(res, segment):
        g = res.groups
        sel = g[(g["by"] == "segment") & (g["group"] == segment) & (g["measure"] == "wait_mean_min")]
        return sel.set_index("replication")["value"].sort_index()

    plain, first = equity_runs[0], equity_runs[1]
    assert (wait(first, "vulnerable") < wait(plain, "vulnerable")).all()
    assert (wait(first, "others") > wait(plain, "others")).all()
    assert (wait(first, "vulnerable") < wait(first, "others")).all()


# ---------------------------------------------------------------- desks that take only some clients

def _special_service(cfg: dict) -> dict:
    net = cfg["network"]
    net["services"]["other"] = {"skill": "special", "service_time": N.exponential(10.0), "missing_document_prob": 0.0}
    net["bundles"] = {"single": {"needs": ["other"], "share": 1.0}}
    net["segments"]["everyone"].update(return_prob=0.0, patience=N.exponential(30.0))
    net["zones"] = {"z": {"population": 50000, "travel_min": {o["name"]: 10 for o in net["offices"]}}}
    net["bundles_per_1000_per_week"] = 1.0
    return cfg


def test_walk_in_clients_go_only_where_a_walk_in_desk_has_their_skill():
    """Office A has the skill only at an appointment desk: walk-in clients go to B, never to A."""
    cfg = N.network(per_week=0, replications=2, weeks=2, warmup_weeks=0, drain_weeks=1, design="co_located")
    cfg["network"]["offices"] = [
        {"name": "A", "appointments": {"slot_min": 30, "per_slot": 1},
         "desk_groups": [{"name": "walkin", "skills": ["general"], "serves": "walk_in", "staff": {"always": 1}},
                         {"name": "appt", "skills": ["special"], "serves": "appointment", "staff": {"always": 1}}]},
        {"name": "B", "desk_groups": [{"name": "all", "skills": ["general", "special"], "staff": {"always": 2}}]},
    ]
    c = N.simulate(_special_service(cfg)).contacts
    assert len(c) > 100
    assert not (c["office"] == "A").any()


def test_appointments_are_booked_only_where_an_appointment_desk_has_the_skill():
    """The only desk with the skill takes walk-ins only: clients who prefer appointments walk in."""
    cfg = N.network(per_week=0, replications=2, weeks=2, warmup_weeks=0, drain_weeks=1, design="co_located")
    cfg["network"]["offices"] = [
        {"name": "A", "appointments": {"slot_min": 30, "per_slot": 1},
         "desk_groups": [{"name": "walkin", "skills": ["special"], "serves": "walk_in", "staff": {"always": 1}},
                         {"name": "appt", "skills": ["general"], "serves": "appointment", "staff": {"always": 1}}]},
    ]
    _special_service(cfg)["network"]["segments"]["everyone"]["channels"] = {"appointment": 1.0, "walk_in": 0.0}
    c = N.simulate(cfg).contacts
    assert len(c) > 100
    assert set(c["channel"].astype(str)) == {"walk_in"}
    assert (c["outcome"] == "served").mean() > 0.5


def test_a_client_late_for_a_video_session_after_the_centre_closed_does_not_queue_overnight():
    """Video centre open 08–12, clients 45 min late: those arriving after 12:00 find it closed."""
    cfg = N.network(per_week=200, replications=1, weeks=2, warmup_weeks=0, drain_weeks=1)
    net = cfg["network"]
    net["services"]["need"].update(video=True)
    net["segments"]["everyone"].update(channels={"video": 1.0}, digital_skill=1.0)
    net["appointments"].update(lateness={"dist": "deterministic", "value": 45})
    net["video_centre"] = {"opening_hours": {d: "08:00-12:00" for d in N.DAYS},
                           "slots": {"slot_min": 30, "per_slot": 1}, "connect_min": 5,
                           "shifts": {"am": {"start": "08:00", "end": "12:00", "days": N.DAYS}},
                           "desk_groups": [{"name": "adv", "skills": ["general"], "staff": {"am": 2}}]}
    c = N.simulate(cfg).contacts
    video = c[c["channel"] == "video"]
    after = video[(video["arrival_min"] % 1440) >= 12 * 60]
    assert len(after) > 0, "some clients must come after closing for the test to mean anything"
    assert (after["outcome"] == "closed").all()
    assert video["wait_min"].max() < 4 * 60


# ---------------------------------------------------------------- choosing a service point

def _two_offices(near_hours: dict | None = None) -> dict:
    cfg = N.network(per_week=0, replications=2, weeks=2, warmup_weeks=0, drain_weeks=1)
    net = cfg["network"]
    desks = [{"name": "desks", "skills": ["general"], "staff": {"always": 3}}]
    net["offices"] = [{"name": "near", "desk_groups": desks, "opening_hours": near_hours},
                      {"name": "far", "desk_groups": desks}]
    net["zones"] = {"z": {"population": 60000, "travel_min": {"near": 5, "far": 40}}}
    return cfg


def test_clients_pick_the_nearer_service_point_and_travel_there_and_back():
    """Travel 5 against 40 min (logit scale 20 min on the round trip): about 97 % go to the
    nearer point, and each trip's travel is twice the one-way time."""
    c = N.simulate(_two_offices()).contacts
    share_near = (c["office"] == "near").mean()
    assert 0.93 < share_near < 0.995, share_near  # 1 / (1 + e^(-70/20)) = 0.971
    assert set(c["travel_min"].round(6)) == {10.0, 80.0}


def test_clients_who_know_the_hours_avoid_a_point_that_opens_later():
    """The near point opens on Mondays only: informed clients choose the far point on
    other days rather than wait for Monday (a day's wait costs 60 min)."""
    hours = {d: ("00:00-24:00" if d == "mon" else None) for d in N.DAYS}
    c = N.simulate(_two_offices(hours)).contacts
    weekday = c["weekday"]
    assert (c.loc[weekday == 0, "office"] == "near").mean() > 0.9
    assert (c.loc[weekday.isin([2, 3, 4]), "office"] == "far").mean() > 0.9
    assert not (c["outcome"] == "closed").any()


# ---------------------------------------------------------------- calling again, video

def test_callers_who_hang_up_call_again_after_retry_after_min():
    """retry_prob 1: every abandoned call is followed by another call of the same client,
    retry_after_min (10) or more later; with retry_prob 0 nobody calls again."""
    cfg = N.network(per_week=0, replications=2, weeks=2, warmup_weeks=0, drain_weeks=1)
    net = cfg["network"]
    net["offices"][0]["bundles_per_week"] = 3000
    net["services"]["need"].update(phone="settle", phone_time=N.exponential(4.0))
    net["segments"]["everyone"]["channels"] = {"phone": 1.0}
    net["contact_centre"] = N.contact_centre(agents=1, patience_mean=2.0, retry_prob=1.0)
    c = N.simulate(cfg).contacts.sort_values(["replication", "bundle", "visit"])
    calls = c[c["channel"] == "phone"]
    nxt = calls.groupby(["replication", "bundle"], observed=True).shift(-1)
    hung_up = calls["outcome"] == "reneged"
    assert hung_up.sum() > 100
    followed = nxt.loc[hung_up, "arrival_min"]
    assert followed.notna().mean() > 0.95  # the rest: the visit limit, or the run ended
    gap = followed - calls.loc[hung_up, "end_min"]
    assert (gap.dropna() >= 10.0 - 1e-9).all()
    net["contact_centre"]["retry_prob"] = 0.0
    net["segments"]["everyone"]["return_prob"] = 0.0
    again = N.simulate(cfg).contacts
    assert (again.groupby(["replication", "bundle"], observed=True).size() == 1).all()


def test_video_from_a_joint_service_point_takes_a_desk_to_connect_then_a_remote_advisor():
    """Clients without the digital skill travel to the joint point, where a desk spends
    connect_min connecting them, then the advisor serves them in the same contact;
    clients with it connect from home with no trip."""
    cfg = N.network(per_week=0, replications=1, weeks=2, warmup_weeks=0, drain_weeks=1)
    net = cfg["network"]
    net["offices"][0].update(video_stations=1)
    net["zones"] = {"z": {"population": 20000, "travel_min": {"office": 15}}}
    net["bundles_per_1000_per_week"] = 10.0
    net["services"]["need"].update(video=True)
    net["segments"]["everyone"].update(channels={"video": 1.0}, digital_skill=0.5)
    net["video_centre"] = {"opening_hours": dict(N.ALWAYS), "shifts": dict(N.ALWAYS_SHIFT),
                           "slots": {"slot_min": 30, "per_slot": 2}, "connect_min": 5,
                           "desk_groups": [{"name": "adv", "skills": ["general"], "staff": {"always": 2}}]}
    c = N.simulate(cfg).contacts
    video = c[(c["channel"] == "video") & (c["outcome"] == "served")]
    at_point = video[video["office"] == "office"]
    remote = video[video["office"] == "video centre"]
    assert len(at_point) > 20 and len(remote) > len(at_point)
    assert np.allclose(at_point["service_min"], 5.0)
    assert (at_point["travel_min"] == 30.0).all()
    key = ["bundle", "visit"]
    joined = at_point.merge(remote, on=key, suffixes=("_connect", "_session"))
    assert len(joined) == len(at_point)  # every connected client met an advisor in the same contact
    assert (joined["arrival_min_session"] == joined["end_min_connect"]).all()
    from_home = remote.merge(at_point[key], on=key, how="left", indicator=True)
    home = from_home[from_home["_merge"] == "left_only"]
    assert len(home) > 20 and (home["travel_min"] == 0).all()
