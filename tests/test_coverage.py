"""Mobile offices and the "service circle" (coverage_within_min).

A mobile office is open to a zone's clients only during its stops there; a zone
beyond the coverage target from every office is covered on the days a route
stops in it.
"""

from __future__ import annotations

import numpy as np
import pytest

from simoffice.config.build import build_spec
from simoffice.measures.coverage import zone_coverage
from simoffice.vocabulary import DAY

import networks as N
from conftest import per_replication

WEEKDAYS = N.DAYS
TOWN, VILLAGE, HAMLET = 8000, 2000, 1000  # populations
STOPS = [{"zone": "village", "weekday": "tue", "hours": "10:00-14:00"},
         {"zone": "hamlet", "weekday": "thu", "hours": "10:00-13:00"}]


def rural_network(route: bool = True) -> dict:
    """A town office open 24/7; a village (60 min away) and a hamlet (90 min away), both
    beyond the 30-minute target; a bus stops in the village on Tuesdays and in the
    hamlet on Thursdays. Waiting clients are sent away at the end of a stop."""
    cfg = N.network(replications=2, weeks=3, drain_weeks=1)
    net = cfg["network"]
    net["offices"][0]["bundles_per_week"] = 0.0
    net["zones"] = {"town": {"population": TOWN, "travel_min": {"office": 10}},
                    "village": {"population": VILLAGE, "travel_min": {"office": 60}},
                    "hamlet": {"population": HAMLET, "travel_min": {"office": 90}}}
    net["bundles_per_1000_per_week"] = 20.0
    net["choice"] = {"scale_min": 20.0, "day_value_min": 30.0}
    if route:
        net["mobile_routes"] = [{"name": "bus", "stops": [dict(st) for st in STOPS], "local_travel_min": 10, "cost_per_day": 100,
                                 "desk_groups": [{"name": "generalist", "skills": ["general"], "count": 1}]}]
    cfg["schedule"]["closing_policy"] = "send_away"
    return cfg


@pytest.fixture(scope="module")
def rural_run():
    return N.simulate(rural_network())


def stop_minutes(contacts):
    """(zone, weekday, minute of the day) of each contact."""
    weekday = contacts["weekday"].map(lambda d: WEEKDAYS[d])
    return contacts["zone"].astype(str), weekday, contacts["arrival_min"] % DAY, contacts["start_min"] % DAY


def in_a_stop(zone, weekday, minute, stops=STOPS) -> bool:
    for st in stops:
        lo, hi = (int(x[:2]) * 60 + int(x[3:]) for x in st["hours"].split("-"))
        if st["zone"] == zone and st["weekday"] == weekday and lo <= minute < hi:
            return True
    return False


def test_mobile_contacts_happen_during_the_stops_of_the_clients_zone(rural_run):
    """Clients reach the bus only in their own zone, on the stop's weekday and within its hours;
    service starts within the stop too (waiting clients are sent away at its end)."""
    c = rural_run.contacts
    mobile = c[(c["channel"] == "mobile") & (c["outcome"] != "closed")]
    assert len(mobile) > 100
    assert (mobile["office"] == "bus").all() and (c.loc[c["office"] == "bus", "channel"] == "mobile").all()
    zone, weekday, arrival, start = stop_minutes(mobile)
    assert all(in_a_stop(*x) for x in zip(zone, weekday, arrival))
    served = mobile["start_min"].notna()
    assert all(in_a_stop(*x) for x in zip(zone[served], weekday[served], start[served]))
    assert set(zone) == {"village", "hamlet"}, "the town is not on the route"


def test_the_route_brings_rural_clients_nearer(rural_run):
    """Village and hamlet clients travel less with the bus than without it (the same clients)."""
    without = N.simulate(rural_network(route=False))
    def travel(res, zone):
        g = res.groups
        sel = g[(g["by"] == "zone") & (g["group"] == zone) & (g["measure"] == "travel_min_per_bundle")]
        return sel.set_index("replication")["value"].sort_index()

    for zone in ("village", "hamlet"):
        assert (travel(rural_run, zone) < travel(without, zone)).all()
    assert (travel(rural_run, "town") == travel(without, "town")).all()


def test_coverage_counts_zones_reached_within_the_target_on_open_days():
    """Without the bus only the town is within 30 minutes; the bus covers the village on
    Tuesdays and the hamlet on Thursdays (2 of the 14 measured days, all open)."""
    share_without, _, zones_without = zone_coverage(build_spec(rural_network(route=False)))
    share_with, _, zones_with = zone_coverage(build_spec(rural_network(route=True)))
    total = TOWN + VILLAGE + HAMLET
    np.testing.assert_allclose(zones_without, [1.0, 0.0, 0.0])
    np.testing.assert_allclose(zones_with, [1.0, 2 / 14, 2 / 14])
    assert share_without == pytest.approx(TOWN / total)
    assert share_with == pytest.approx((TOWN + (VILLAGE + HAMLET) * 2 / 14) / total)
    assert share_with > share_without


def test_coverage_within_min_in_the_summary(rural_run):
    """The run's coverage_within_min is the spec's coverage, in every replication and per zone."""
    share, _, per_zone = zone_coverage(rural_run.spec)
    assert np.allclose(per_replication(rural_run, "coverage_within_min"), share)
    g = rural_run.groups.query("by == 'zone' and measure == 'coverage_within_min'")
    for zone, expected in zip(("town", "village", "hamlet"), per_zone):
        assert np.allclose(g.loc[g["group"] == zone, "value"], expected)
    assert rural_run.summary["measures"]["coverage_within_min"]["mean"] == pytest.approx(share)


def test_coverage_counts_every_calendar_day_so_closing_a_day_lowers_it():
    """The town office is the only service point. Open Monday–Friday, the town is covered on
    5 of 7 days; closed on Fridays too, on 4 of 7: closing a day lowers coverage. Per open
    day (``coverage_open_days``) both schedules cover the town every day it is open."""
    def town_office(days: list[str]) -> dict:
        cfg = rural_network(route=False)
        cfg["schedule"]["opening_hours"] = {d: ("08:00-17:00" if d in days else None) for d in WEEKDAYS}
        cfg["schedule"]["shifts"] = {"day": {"start": "08:00", "end": "17:00", "days": days}}
        cfg["network"]["offices"][0]["desk_groups"][0]["staff"] = {"day": 2}
        return cfg

    five = zone_coverage(build_spec(town_office(WEEKDAYS[:5])))
    four = zone_coverage(build_spec(town_office(WEEKDAYS[:4])))
    town = TOWN / (TOWN + VILLAGE + HAMLET)
    assert five[0] == pytest.approx(town * 5 / 7) and four[0] == pytest.approx(town * 4 / 7)
    assert five[1] == pytest.approx(town) and four[1] == pytest.approx(town)
    np.testing.assert_allclose(four[2], [4 / 7, 0.0, 0.0])


def test_coverage_rises_when_a_route_stops_in_a_zone_beyond_the_target():
    """Adding a Tuesday stop in a zone beyond 30 minutes raises coverage; a stop in a zone
    already covered, or a zone still beyond the target, does not."""
    base = rural_network(route=True)
    more = rural_network(route=True)
    more["network"]["mobile_routes"][0]["stops"].append({"zone": "village", "weekday": "fri", "hours": "10:00-14:00"})
    same = rural_network(route=True)
    same["network"]["mobile_routes"][0]["stops"].append({"zone": "town", "weekday": "fri", "hours": "10:00-14:00"})
    far = rural_network(route=True)
    far["network"]["mobile_routes"][0]["local_travel_min"] = 45  # the bus is parked beyond the target
    shares = {k: zone_coverage(build_spec(cfg))[0] for k, cfg in
              (("base", base), ("more", more), ("same", same), ("far", far))}
    assert shares["more"] > shares["base"]
    assert shares["same"] == pytest.approx(shares["base"])
    assert shares["far"] == pytest.approx(TOWN / (TOWN + VILLAGE + HAMLET))


def test_a_mobile_office_leaves_a_stop_at_its_end_and_serves_the_next_zone_only():
    """Stops in A (09–12) then B (12:30–15): nobody from A is served after A's stop, whatever
    the closing policy (the office leaves and sends away those still waiting)."""
    cfg = N.network(per_week=0, replications=2, weeks=2, warmup_weeks=0, drain_weeks=0)
    net = cfg["network"]
    net["zones"] = {"A": {"population": 40000, "travel_min": {}}, "B": {"population": 1000, "travel_min": {}}}
    net["bundles_per_1000_per_week"] = 1.0
    net["mobile_routes"] = [{"name": "bus", "desk_groups": [{"name": "d", "skills": ["general"], "count": 1}],
                             "travel_between_stops_min": 30, "local_travel_min": 5,
                             "stops": [{"zone": "A", "weekday": "tue", "hours": "09:00-12:00"},
                                       {"zone": "B", "weekday": "tue", "hours": "12:30-15:00"}]}]
    c = N.simulate(cfg).contacts
    a = c[(c["zone"] == "A") & (c["office"] == "bus")]
    assert (a["start_min"].notna()).sum() > 20
    assert ((a["start_min"] % DAY)[a["start_min"].notna()] < 12 * 60).all()
    assert (a["outcome"] == "sent_away").any(), "a busy stop leaves some clients waiting at its end"
