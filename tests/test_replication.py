"""A replication's behaviour: schedules, closing, shifts, conservation, determinism."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import simoffice
from simoffice.config.build import build_spec
from simoffice.engine.clients import ClientFactory
from simoffice.engine.recorder import OUTCOMES
from simoffice.engine.replication import office_timetable, simulate_replication
from simoffice.model.channels import CHANNELS, WALK_IN
from simoffice.vocabulary import DAY

from conftest import simulate

SHORT = ("run.weeks=3", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=2", "run.check_invariants=true")


@pytest.fixture(scope="module")
def five_day():
    return simulate(*SHORT, "schedule=five_day")


@pytest.fixture(scope="module")
def mon_thu():
    return simulate(*SHORT, "schedule=mon_thu")


def holiday_days(res) -> set[int]:
    start = dt.date.fromisoformat(res.summary["meta"]["start_date"])
    return {(dt.date.fromisoformat(h) - start).days for h in ("2026-02-23", "2026-03-09")}


def test_mon_thu_gives_failed_trips_on_fridays(mon_thu):
    """Clients who do not know the new hours find the office closed on Friday."""
    c = mon_thu.contacts
    assert ((c["outcome"] == "closed") & (c["weekday"] == 4)).sum() > 0
    assert mon_thu.summary["measures"]["failed_trip_rate"]["mean"] > 0


def test_five_day_gives_no_failed_trips_on_fridays(five_day):
    """Open every working day: no walk-in finds an office closed except on public holidays.
    (A client late for a slot near closing may: appointments are judged apart.)"""
    c = five_day.contacts
    offices = [u.name for u in five_day.spec.offices if u.kind == "office"]
    closed = c[(c["outcome"] == "closed") & c["office"].isin(offices) & (c["channel"] != "appointment")]
    assert not (closed["weekday"] == 4).any()
    assert set((closed["arrival_min"] // DAY).astype(int)) <= holiday_days(five_day)


def test_informed_clients_make_no_failed_trips():
    """When everyone knows the opening hours, nobody walks in to find the office closed;
    a client late for a slot near closing may find it closed, but only after its slot's hour."""
    res = simulate(*SHORT, "schedule=mon_thu", *(f"network.segments.{s}.informed_share=1.0"
                                                  for s in ("families", "pensioners", "disabled", "job_seekers")))
    closed = res.contacts[res.contacts["outcome"] == "closed"]
    assert (closed["channel"] == "appointment").all()


def starts_outside_opening(res) -> pd.DataFrame:
    """Served contacts whose service started while their office was closed."""
    spec = res.spec
    c = res.contacts[res.contacts["start_min"].notna()]
    names = [o.name for o in spec.offices]
    bad = []
    for o, name in enumerate(names):
        tt = office_timetable(spec, o)
        rows = c[c["office"] == name]
        bad.append(rows[[not tt.is_open(t) for t in rows["start_min"]]])
    return pd.concat(bad)


def test_serve_waiting_serves_after_closing_only_those_who_came_before(five_day):
    """Under serve_waiting, a service after closing is for a client who took a ticket while open."""
    late = starts_outside_opening(five_day)
    assert len(late) > 0, "a busy office should have overtime"
    spec = five_day.spec
    for _, row in late.iterrows():
        tt = office_timetable(spec, [o.name for o in spec.offices].index(row["office"]))
        assert tt.is_open(row["arrival_min"])
        assert row["arrival_min"] // DAY == row["start_min"] // DAY
    assert five_day.summary["measures"]["overtime_min"]["mean"] > 0


def test_send_away_starts_no_service_while_closed():
    """Under send_away, no service starts while the office is closed, and the waiting are sent away."""
    res = simulate(*SHORT, "schedule.closing_policy=send_away")
    assert len(starts_outside_opening(res)) == 0
    assert (res.contacts["outcome"] == "sent_away").sum() > 0


def test_a_shift_that_ends_lets_the_desk_finish_its_client(five_day):
    """A desk past its shift end is finishing a client; it never starts one after its shift
    while the office is open."""
    spec = five_day.spec
    rep = simulate_replication(spec, 0)
    d, c = rep["duty"], rep["contacts"]
    late = d["end_min"] > d["scheduled_end_min"]
    assert late.any()
    for desk, start, end, sched in zip(d["desk"][late], d["start_min"][late], d["end_min"][late],
                                       d["scheduled_end_min"][late]):
        mine = (c["desk"] == desk) & (c["start_min"] >= start) & (c["start_min"] < end)
        # The last client ends exactly when the desk goes off duty.
        assert c["end_min"][mine].max() == pytest.approx(end)
        after = mine & (c["start_min"] >= sched)
        office = c["office"][mine][0]
        tt = office_timetable(spec, int(office))
        assert not any(tt.is_open(t) for t in c["start_min"][after])


def test_no_desk_serves_off_duty(five_day):
    """Every service lies inside one of its desk's duty periods."""
    rep = simulate_replication(five_day.spec, 1)
    d, c = rep["duty"], rep["contacts"]
    served = ~np.isnan(c["start_min"])
    for desk, s, e in zip(c["desk"][served], c["start_min"][served], c["end_min"][served]):
        rows = d["desk"] == desk
        assert ((d["start_min"][rows] <= s) & (e <= d["end_min"][rows])).any()


@pytest.mark.parametrize("design", ["siloed", "co_located", "one_stop"])
def test_every_client_is_served_reneged_or_present_at_the_end(design):
    """Conservation: every ticket ends served, reneged, sent away or still present; every
    bundle created appears once, settled, abandoned or open."""
    spec = build_spec(simoffice.compose(*SHORT, f"design={design}", "run.drain_weeks=0"))
    rep = simulate_replication(spec, 0)
    c, b = rep["contacts"], rep["bundles"]
    not_tickets = [OUTCOMES.index(o) for o in ("closed", "no_show", "failed_online")]
    tickets = ~np.isin(c["outcome"], not_tickets) & (c["channel"] != CHANNELS.index("online"))
    assert tickets.sum() == rep["tickets_issued"]
    factories = [ClientFactory(spec, 0, z, 0) for z in range(len(spec.zones))]
    created = sum(len(f.week(w)) for f in factories for w in range(spec.run.weeks))
    assert len(b["bundle"]) == created == len(np.unique(b["bundle"]))
    assert set(np.unique(c["bundle"])) <= set(b["bundle"])
    # Each bundle's visits are the trips written in the contacts.
    trips = pd.DataFrame({"bundle": c["bundle"], "visit": c["visit"]}).drop_duplicates()
    visits = pd.Series(b["visits"], index=b["bundle"])
    counted = trips.groupby("bundle").size()
    assert (visits.loc[counted.index] == counted).all()
    settled = b["status"] == 0
    assert (b["needs_settled"][settled] == b["needs"][settled]).all()


def test_same_seed_same_tables_with_one_or_two_workers():
    """Determinism: the tables do not depend on the number of worker processes."""
    cfg = ("network=single_office", "run.weeks=2", "run.warmup_weeks=1", "run.replications=3",
           "run.check_invariants=true")
    one = simulate(*cfg, "run.jobs=1")
    two = simoffice.simulate(simoffice.compose(*cfg, "run.jobs=2", "run.progress=false"))
    for table in ("contacts", "bundles", "timeseries", "replications"):
        pd.testing.assert_frame_equal(getattr(one, table), getattr(two, table))
    assert one.summary == two.summary


def test_common_random_numbers_same_clients_across_schedules(five_day, mon_thu):
    """Two schedules with the same seed see the same bundles: same arrivals, segments and types."""
    cols = ["replication", "bundle", "zone", "segment", "bundle_type", "created_min"]
    a = five_day.bundles[cols].sort_values(["replication", "bundle"]).reset_index(drop=True)
    b = mon_thu.bundles[cols].sort_values(["replication", "bundle"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


def test_priority_segment_is_called_first(five_day):
    """Clients of a priority segment (regional: people with disabilities) wait less than others."""
    c = five_day.contacts
    served = c[c["in_window"] & c["start_min"].notna()]
    waits = served.groupby("segment", observed=True)["wait_min"].mean()
    assert waits["disabled"] < waits.drop("disabled").min()


@pytest.mark.parametrize("return_prob", [0.0, 1.0])
def test_clients_who_renege_come_back_another_day_with_their_return_probability(return_prob):
    """After reneging a client comes back on a later day with probability return_prob, else abandons."""
    res = simulate("network=single_office", *SHORT, "network.segments.families.patience.mean=3",
                   f"network.segments.families.return_prob={return_prob}")
    c, b = res.contacts, res.bundles
    reneged = c[(c["outcome"] == "reneged") & (c["segment"] == "families")]
    assert len(reneged) > 50
    key = ["replication", "bundle"]
    later = c.merge(reneged[key + ["visit", "end_min"]], on=key, suffixes=("", "_reneged"))
    later = later[later["visit"] > later["visit_reneged"]]
    if return_prob == 0:
        assert later.empty
        status = b.merge(reneged[key].drop_duplicates(), on=key)["status"]
        assert (status == "abandoned").all()
    else:
        # Each reneging bundle comes back later, unless it ran out of visits or the run ended first.
        assert not later.empty
        came_back = later[key].drop_duplicates()
        gone = reneged[key].drop_duplicates().merge(b, on=key)
        gone = gone.merge(came_back, on=key, how="left", indicator=True)
        missing = gone[gone["_merge"] == "left_only"]
        assert ((missing["visits"] >= res.spec.max_visits) | (missing["status"] == "open")).all()
        assert ((later["arrival_min"] // DAY) > (later["end_min_reneged"] // DAY)).all()


def test_streams_are_the_spawn_tree_of_one_seed_sequence_jumped_by_week():
    """Replication r, zone z, source k is the PCG64 generator of
    SeedSequence(seed).spawn(…)[r].spawn(…)[z].spawn(…)[k]; week w is it jumped w times (PCG64.jumped)."""
    from simoffice.engine.streams import SOURCES, stream

    spec = build_spec(simoffice.compose("run.seed=99"))
    tree = np.random.SeedSequence(99).spawn(3)[2].spawn(len(spec.zones))[1].spawn(len(SOURCES))[3]
    expected = np.random.Generator(np.random.PCG64(tree).jumped(4)).random(5).tolist()
    assert stream(spec, 2, 1, "service", 4).random(5).tolist() == expected


def test_a_zones_streams_are_made_once_and_give_every_week_its_own_numbers():
    """The client factory's streams, made once per source, give each week what
    stream() gives it, whatever was drawn before and in any order of weeks."""
    from simoffice.engine.streams import stream

    spec = build_spec(simoffice.compose("run.seed=5"))
    factory = ClientFactory(spec, 1, 2, 0)
    for week in (0, 3, 1, 3):
        got = factory.stream("patience", week).random(4).tolist()
        assert got == stream(spec, 1, 2, "patience", week).random(4).tolist()
    assert factory.stream("patience", 0).random(4).tolist() != factory.stream("patience", 1).random(4).tolist()


def clients(*overrides: str):
    """The first week's clients of the regional network's first zone."""
    spec = build_spec(simoffice.compose(*overrides))
    return ClientFactory(spec, 0, 0, 0).week(0)


@pytest.mark.parametrize("change", [
    "network.services.status_certificate.service_time.dist=gamma",
    "network.segments.families.patience=null",
    "network.max_visits=4",
    "design=siloed",
])
def test_a_change_to_one_attribute_leaves_the_other_draws_alone(change):
    """Common random numbers: changing a distribution, patience, the visit limit or the design
    keeps every client's arrival, bundle, segment, first-visit draws and return decisions."""
    base, other = clients(), clients(change)
    assert len(base) == len(other) > 100
    for a, b in zip(base, other):
        assert (a.created, a.btype, a.segment, a.informed) == (b.created, b.btype, b.segment, b.informed)
        for v in range(4):
            assert (a.u("return_u", v), a.u("day_u", v)) == (b.u("return_u", v), b.u("day_u", v))
            if "patience" not in change:
                assert a.patience(v, WALK_IN) == b.patience(v, WALK_IN)
            if "service_time" not in change:
                assert (a.service_time(0, v, WALK_IN), a.missing(0, v)) == \
                    (b.service_time(0, v, WALK_IN), b.missing(0, v))


def test_a_new_service_time_distribution_keeps_each_clients_quantile():
    """Inversion: a client slow under one service-time distribution is slow under another."""
    base = clients()
    other = clients("network.services.status_certificate.service_time.dist=gamma")
    rows = [(a.service_time(a.services.index(0), 0, WALK_IN), b.service_time(b.services.index(0), 0, WALK_IN))
            for a, b in zip(base, other) if 0 in a.services]
    lognormal, gamma = np.array(rows).T
    assert (np.argsort(lognormal) == np.argsort(gamma)).all()


@pytest.mark.parametrize("policy", ["serve_waiting", "send_away"])
@pytest.mark.parametrize("design", ["siloed", "co_located", "one_stop"])
@pytest.mark.parametrize("schedule", ["five_day", "mon_thu"])
@pytest.mark.parametrize("network", ["regional", "single_office", "mmc"])
def test_every_shipped_combination_runs_and_keeps_its_invariants(network, schedule, design, policy):
    """Waits ≥ 0, desks busy ≤ desks on duty, utilisation and shares within [0, 1]."""
    extra = ("network.arrivals_per_hour=20", "network.service_mean_min=10") if network == "mmc" else ()
    res = simulate(f"network={network}", f"schedule={schedule}", f"design={design}",
                   f"schedule.closing_policy={policy}", "run.weeks=2", "run.warmup_weeks=1",
                   "run.drain_weeks=1", "run.replications=1", *extra)
    c, ts = res.contacts, res.timeseries
    assert (c["wait_min"].dropna() >= 0).all()
    assert (c["service_min"].dropna() >= 0).all()
    assert (ts["busy_mean"] <= ts["on_duty_mean"] + 1e-9).all()
    assert (ts["queue_mean"] >= 0).all()
    m = res.summary["measures"]
    for share in ("service_level", "abandonment_rate", "one_visit_resolution", "failed_trip_rate", "utilisation"):
        assert 0 <= m[share]["mean"] <= 1, share


def plain(*overrides: str) -> dict:
    from omegaconf import OmegaConf

    return OmegaConf.to_container(simoffice.compose("network=single_office", "run.progress=false", "run.jobs=1",
                                                    "run.check_invariants=true", *overrides), resolve=True)


@pytest.mark.parametrize("policy", ["serve_waiting", "send_away"])
def test_a_ticket_taken_after_closing_follows_the_closing_policy(policy):
    """A client re-queuing for another need after closing is sent away at once, or (serve_waiting)
    served the same evening by a desk on duty: never left waiting overnight."""
    cfg = plain("design=co_located", "run.weeks=3", "run.warmup_weeks=1", f"schedule.closing_policy={policy}")
    cfg["network"]["offices"][0]["desk_groups"][0]["skills"] = ["family"]  # housing only at the pension desk
    spec = build_spec(cfg)
    rep = simulate_replication(spec, 0)
    c = rep["contacts"]
    tt = office_timetable(spec, 0)
    late = np.array([not tt.is_open(t) for t in c["arrival_min"]]) & (c["outcome"] != OUTCOMES.index("closed"))
    assert late.sum() > 0
    out = c["outcome"][late]
    if policy == "send_away":
        assert (out == OUTCOMES.index("sent_away")).all()
        assert (c["end_min"][late] == c["arrival_min"][late]).all()
    else:
        served = out == OUTCOMES.index("served")
        assert served.any()
        same_day = c["start_min"][late][served] // DAY == c["arrival_min"][late][served] // DAY
        assert same_day.all()
        assert np.isin(out, [OUTCOMES.index("served"), OUTCOMES.index("sent_away")]).all()


def test_a_renege_noticed_late_still_brings_the_client_back():
    """A 24/7 office whose only pension desk works days: a pension client who leaves at night is
    noticed in the morning and still comes back (never scheduled in the past); no client is lost."""
    cfg = plain("design=siloed", "run.weeks=3", "run.warmup_weeks=0", "run.drain_weeks=1")
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    cfg["schedule"].update(
        opening_hours={d: "00:00-24:00" for d in days}, holidays=[],
        shifts={"always": {"start": "00:00", "end": "24:00", "days": days},
                "day": {"start": "08:00", "end": "17:00", "days": days}})
    cfg["network"]["arrival_profile"] = {"bin_min": 1440, "start": "00:00", "time_of_day": [1.0],
                                         "weekdays": {d: 1.0 for d in days}, "by_weekday": None}
    cfg["network"]["offices"][0]["desk_groups"] = [
        {"name": "family", "skills": ["family", "housing"], "staff": {"always": 3}},
        {"name": "pensions", "skills": ["pensions"], "staff": {"day": 1}}]
    rep = simulate_replication(build_spec(cfg), 0)
    c = rep["contacts"]
    night = (c["outcome"] == OUTCOMES.index("reneged")) & (c["skill"] == 2) & (
        (c["end_min"] % DAY < 8 * 60) | (c["end_min"] % DAY >= 17 * 60))
    assert night.sum() > 0
    assert (c["outcome"] != OUTCOMES.index("closed")).sum() == rep["tickets_issued"]
    returned = [(bid, v) for bid, v in zip(c["bundle"][night], c["visit"][night])
                if ((c["bundle"] == bid) & (c["visit"] > v)).any()]
    assert returned


def test_draws_are_copied_flat_in_row_order_whatever_the_layout():
    """A transposed view, booleans and an empty batch (a week with no client) flatten in row order."""
    from simoffice.engine.clients import _flat

    view = np.arange(6.0).reshape(2, 3).T
    assert _flat(view).tolist() == [0.0, 3.0, 1.0, 4.0, 2.0, 5.0]
    assert _flat(np.array([[True, False], [False, True]]).T).tolist() == [1, 0, 0, 1]
    assert _flat(np.zeros((0, 3))).tolist() == [] and _flat(np.zeros((0, 3), bool)).tolist() == []
