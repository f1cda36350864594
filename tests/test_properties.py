"""Property-based tests: random valid networks run cleanly and account for every client.

:func:`networks` is a hypothesis strategy for explicit network configs (plain
dicts, as tests/networks.py writes them): one to three offices, optional zones
with travel times and a mobile route, one to three skills and services, bundles
of one to three needs, segments with or without patience, the channels whose
blocks exist (contact centre, video centre, appointment calendars, online
services), an expert centre, opening hours and shifts with closed days and
holidays, every design and closing policy. Every config it draws is valid by
construction (build_spec accepts it); volumes are small and runs one or two weeks
long, so that an example takes a fraction of a second.

Each run is in invariant mode (see simoffice.engine.invariants), and its tables must
satisfy what holds for any network: every bundle created appears once, settled,
abandoned or open; waits are >= 0 and a contact ends after it starts after it
arrives; utilisation is within [0, 1]; in every 15-minute bin no more desks are
busy than are on duty; no service starts at a closed service point that sends
clients away. Keeping aggregates only (``run.keep_contacts=false``) gives the
same measures.

The default run is deterministic (``derandomize``); ``make test-slow`` runs many
more examples.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import simoffice
from simoffice.config.build import build_spec
from simoffice.engine.clients import ClientFactory
from simoffice.engine.replication import office_timetable

import networks as N
from conftest import assert_same_measures

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
START = dt.date(2026, 1, 12)  # a Monday: run.start_date
CHECKS = dict(deadline=None, derandomize=True, database=None, print_blob=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- the strategy ---------------------------------------------------------------------

def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def hours(draw, earliest: int = 0, latest: int = 24 * 60) -> str:
    """Opening hours on a half-hour grid (so that closing, shift ends and slots often coincide)."""
    lo = draw(st.integers(earliest // 30, latest // 30 - 1)) * 30
    hi = draw(st.integers(lo // 30 + 1, latest // 30)) * 30
    return f"{clock(lo)}-{clock(hi)}"


@st.composite
def week_hours(draw) -> dict:
    """Weekday -> hours or null (closed), at least one day open."""
    out = {d: draw(st.none() | hours()) for d in DAYS}
    if all(v is None for v in out.values()):
        out[draw(st.sampled_from(DAYS))] = draw(hours())
    return out


@st.composite
def shifts(draw, prefix: str) -> dict:
    out = {}
    for i in range(draw(st.integers(1, 2))):
        h = draw(hours())
        start, end = h.split("-")
        out[f"{prefix}{i}"] = {"start": start, "end": end,
                               "days": draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))}
    return out


def dist(positive: bool = True):
    """A distribution config (minutes); ``positive``: a mean > 0."""
    mean = st.floats(0.5, 25.0)
    cv = st.floats(0.2, 2.0)
    low = st.floats(0.0 if not positive else 0.1, 10.0)
    return st.one_of(
        st.builds(lambda m: {"dist": "exponential", "mean": m}, mean),
        st.builds(lambda m, c: {"dist": "lognormal", "mean": m, "cv": c}, mean, cv),
        st.builds(lambda m, c: {"dist": "gamma", "mean": m, "cv": c}, mean, cv),
        st.builds(lambda v: {"dist": "deterministic", "value": v}, st.floats(0.1 if positive else 0.0, 20.0)),
        st.builds(lambda lo, w: {"dist": "uniform", "low": lo, "high": lo + w}, low, st.floats(0.0, 15.0)),
        st.builds(lambda lo, w, f: {"dist": "triangular", "low": lo, "mode": lo + f * w, "high": lo + w},
                  low, st.floats(0.0, 15.0), st.floats(0.0, 1.0)),
        st.builds(lambda vs: {"dist": "empirical", "values": vs},
                  st.lists(st.sampled_from([0.0, 1.0, 2.5, 5.0, 12.0]), min_size=1, max_size=4)
                  .filter(lambda vs: sum(vs) > 0)),
    )


def staff(draw, shift_names: list[str], at_least_one: bool) -> dict:
    out = {name: draw(st.integers(0, 2)) for name in draw(st.lists(st.sampled_from(shift_names), min_size=1,
                                                                    unique=True))}
    if at_least_one and not any(out.values()):
        out[next(iter(out))] = 1
    return out


def probability(high: float = 1.0):
    return st.one_of(st.just(0.0), st.floats(0.0, high))


@st.composite
def networks(draw) -> dict:
    """A valid explicit network config with every block (see the module docstring)."""
    skills = [f"s{i}" for i in range(draw(st.integers(1, 3)))]
    schedule_shifts = draw(shifts("shift"))
    shift_names = list(schedule_shifts)

    # Optional blocks, drawn first: what services may use depends on them.
    has_cc, has_vc, has_expert = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())

    def centre(prefix: str, own_hours: bool) -> tuple[dict, list[str]]:
        own_shifts = draw(st.none() | shifts(prefix))
        names = list(own_shifts) if own_shifts else shift_names
        groups = []
        for g in range(draw(st.integers(1, 2))):
            groups.append({"name": f"{prefix}{g}",
                           "skills": draw(st.lists(st.sampled_from(skills), min_size=1, unique=True)),
                           "staff": staff(draw, names, at_least_one=True)})
        block = {"desk_groups": groups, "shifts": own_shifts}
        if own_hours:
            block["opening_hours"] = draw(st.none() | week_hours())
        staffed = sorted({s for g in groups if any(g["staff"].values()) for s in g["skills"]})
        return block, staffed

    cc = vc = ec = None
    cc_skills = vc_skills = ec_skills = []
    if has_cc:
        cc, cc_skills = centre("agents", True)
        cc.update(patience=draw(st.none() | dist()), retry_prob=draw(probability()),
                  retry_after_min=draw(st.floats(0.0, 120.0)),
                  service_level_target_sec=draw(st.floats(5.0, 300.0)))
    if has_vc:
        vc, vc_skills = centre("advisors", True)
        vc.update(slots={"slot_min": draw(st.sampled_from([15, 30, 45, 60])), "per_slot": draw(st.integers(1, 3))},
                  connect_min=draw(st.floats(0.0, 10.0)))
    if has_expert:
        ec, ec_skills = centre("experts", False)

    agencies = draw(st.sampled_from([[None], ["A", "B"]]))
    services = {}
    n_services = draw(st.integers(len(skills), 3))
    for i in range(n_services):
        skill = skills[i] if i < len(skills) else draw(st.sampled_from(skills))
        svc = {"skill": skill, "service_time": draw(dist(positive=False)),
               "missing_document_prob": draw(probability(0.6)), "agency": draw(st.sampled_from(agencies)),
               "online": draw(st.booleans()), "proactive_share": draw(st.sampled_from([0.0, 0.3, 1.0]))}
        if skill in cc_skills:
            svc["phone"] = draw(st.sampled_from(["none", "advise", "settle"]))
            svc["phone_time"] = draw(st.none() | dist())
        if skill in vc_skills:
            svc["video"] = draw(st.booleans())
            svc["video_time"] = draw(st.none() | dist())
        if skill in ec_skills and draw(st.booleans()):
            svc.update(escalation_prob=draw(st.floats(0.05, 1.0)), expert_time=draw(dist()),
                       follow_up_prob=draw(probability()))
        services[f"svc{i}"] = svc
    names = list(services)

    # Offices: the first desk group of each has every skill, staffed, taking walk-in
    # clients (so every zone reaches every need); the others are free.
    n_offices = draw(st.integers(1, 3))
    any_slots = False
    offices = []
    for o in range(n_offices):
        slots = draw(st.none() | st.builds(lambda m, n: {"slot_min": m, "per_slot": n},
                                           st.sampled_from([15, 20, 30, 60]), st.integers(1, 3)))
        video_stations = draw(st.sampled_from([0, 0, 1])) if has_vc else 0
        any_slots = any_slots or slots is not None
        groups = [{"name": "all", "skills": list(skills), "staff": staff(draw, shift_names, at_least_one=True),
                   "serves": draw(st.sampled_from(["all", "walk_in"]))}]
        serves = ["all", "walk_in"] + (["appointment"] if slots is not None or video_stations else [])
        for g in range(draw(st.integers(0, 1))):
            groups.append({"name": f"extra{g}", "skills": draw(st.lists(st.sampled_from(skills), min_size=1,
                                                                        unique=True)),
                           "staff": staff(draw, shift_names, at_least_one=False),
                           "serves": draw(st.sampled_from(serves))})
        offices.append({"name": f"office{o}", "desk_groups": groups, "opening_hours": draw(st.none() | week_hours()),
                        "appointments": slots, "video_stations": video_stations})

    segments = {}
    for s in range(draw(st.integers(1, 2))):
        channels = {"walk_in": draw(st.sampled_from([0.0, 1.0, 3.0])), "online": draw(st.sampled_from([0.0, 1.0]))}
        if has_cc:
            channels["phone"] = draw(st.sampled_from([0.0, 1.0, 2.0]))
        if has_vc:
            channels["video"] = draw(st.sampled_from([0.0, 1.0]))
        if any_slots:
            channels["appointment"] = draw(st.sampled_from([0.0, 1.0]))
        if sum(channels.values()) <= 0:
            channels["walk_in"] = 1.0
        segments[f"seg{s}"] = {
            "share": draw(st.floats(0.1, 1.0)), "patience": draw(st.none() | dist(positive=False)),
            "priority": draw(st.integers(0, 1)), "return_prob": draw(probability()),
            "informed_share": draw(probability()), "channels": channels, "digital_skill": draw(probability())}

    bundles = {}
    for b in range(draw(st.integers(1, 2))):
        bundles[f"bundle{b}"] = {"needs": draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)),
                                 "share": draw(st.floats(0.1, 1.0)),
                                 "segment_mix": draw(st.none() | st.just({next(iter(segments)): 1.0}))}

    volume = draw(st.floats(5.0, 120.0))  # bundles a week, all zones together
    net = {"kind": "explicit", "name": "random", "max_visits": draw(st.integers(1, 6)),
           "return_after_days": draw(st.integers(1, 3)),
           "arrival_profile": {"bin_min": 60, "start": "00:00",
                               "time_of_day": draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0]), min_size=24,
                                                            max_size=24).filter(lambda v: sum(v) > 0)),
                               "weekdays": {d: draw(st.sampled_from([0.0, 1.0, 2.0])) for d in DAYS}},
           "segments": segments, "services": services, "bundles": bundles, "offices": offices,
           "contact_centre": cc, "video_centre": vc, "expert_centre": ec,
           "appointments": {"booking_horizon_days": draw(st.integers(1, 10)), "no_show_prob": draw(probability(0.5)),
                            "lateness": draw(st.none() | dist(positive=False)), "priority": draw(st.booleans()),
                            "when_full": draw(st.sampled_from(["walk_in", "wait"]))},
           "choice": {"scale_min": draw(st.floats(1.0, 60.0)), "day_value_min": draw(st.floats(0.0, 120.0))},
           "staff_cost_per_hour": 30.0}
    if not any(net["arrival_profile"]["weekdays"].values()):
        net["arrival_profile"]["weekdays"]["mon"] = 1.0

    if draw(st.booleans()):  # zones, travel and maybe a mobile office
        zones = {}
        n_zones = draw(st.integers(1, 3))
        for z in range(n_zones):
            others = draw(st.lists(st.integers(1, n_offices - 1), unique=True)) if n_offices > 1 else []
            zones[f"zone{z}"] = {
                "population": draw(st.floats(0.0, 1.0)), "rural": draw(st.booleans()),
                "segment_mix": draw(st.none() | st.just({s: 1.0 for s in segments})),
                "travel_min": {f"office{o}": draw(st.floats(0.0, 60.0)) for o in [0, *others]}}
        total = sum(z["population"] for z in zones.values())
        if total <= 0:
            zones["zone0"]["population"] = total = 1.0
        for z in zones.values():
            z["population"] = round(1000.0 * volume * z["population"] / total, 3)
        net["zones"] = zones
        net["bundles_per_1000_per_week"] = 1.0
        if draw(st.booleans()):
            gap = draw(st.sampled_from([30.0, 60.0]))
            stops = []
            for i in range(draw(st.integers(1, 2))):
                stops.append({"zone": draw(st.sampled_from(list(zones))), "weekday": DAYS[i * 2],
                              "hours": draw(hours(6 * 60, 20 * 60))})
            net["mobile_routes"] = [{"name": "bus", "stops": stops, "travel_between_stops_min": gap,
                                     "local_travel_min": draw(st.floats(0.0, 30.0)),
                                     "cost_per_day": draw(st.floats(0.0, 200.0)),
                                     "desk_groups": [{"name": "bus desk", "skills": list(skills), "count": 1}]}]
            for stop in stops:
                if draw(st.booleans()):
                    zones[stop["zone"]]["travel_min"]["bus"] = draw(st.floats(0.0, 30.0))
    else:  # each office is a zone of its own
        shares = [draw(st.floats(0.0, 1.0)) for _ in offices]
        shares[0] = max(shares[0], 0.1)
        for office, share in zip(offices, shares):
            office["bundles_per_week"] = round(volume * share / sum(shares), 3)

    weeks = draw(st.integers(1, 2))
    holidays = draw(st.lists(st.integers(0, 7 * weeks + 6), max_size=2, unique=True))
    return {
        "network": net,
        "schedule": {"name": "random", "opening_hours": draw(week_hours()), "shifts": schedule_shifts,
                     "holidays": [(START + dt.timedelta(days=d)).isoformat() for d in holidays],
                     "closing_policy": draw(st.sampled_from(["serve_waiting", "send_away"]))},
        "design": draw(st.sampled_from([
            {"name": "one_stop", "needs_per_ticket": "all", "other_needs": "same_visit", "cross_trained": True},
            {"name": "co_located", "needs_per_ticket": "one", "other_needs": "same_visit", "cross_trained": False},
            {"name": "siloed", "needs_per_ticket": "one", "other_needs": "next_visit", "cross_trained": False},
        ])),
        "run": {"weeks": weeks, "warmup_weeks": draw(st.integers(0, weeks - 1)),
                "drain_weeks": draw(st.integers(0, 1)), "replications": 1, "seed": draw(st.integers(0, 10**6)),
                "jobs": 1, "service_level_target_min": 15.0, "coverage_target_min": 30.0,
                "start_date": "2026-01-12", "progress": False, "keep_contacts": True, "check_invariants": True},
    }


# --- regressions: engine bugs the invariant checks found ---------------------------------

def _office(desk_groups: list[dict], opening: dict, shifts: dict, policy: str, per_week: float = 60.0,
            weeks: int = 1) -> dict:
    cfg = N.network(per_week=per_week, service_mean=10, weeks=weeks, warmup_weeks=0, drain_weeks=0,
                    replications=1)
    cfg["network"]["offices"][0]["desk_groups"] = desk_groups
    cfg["schedule"] = {"name": "regression", "opening_hours": opening, "shifts": shifts, "holidays": [],
                       "closing_policy": policy}
    return cfg


def late_shift_at_closing() -> dict:
    """Found by this test: a desk coming on duty at the moment its office closes
    (23:00) called a client waiting there, although the closing policy sends them away."""
    return _office([{"name": "day", "skills": ["general"], "staff": {"day": 2}},
                    {"name": "late", "skills": ["general"], "staff": {"late": 1}}],
                   {"tue": "09:30-23:00"},
                   {"day": {"start": "07:00", "end": "14:30", "days": DAYS},
                    "late": {"start": "23:00", "end": "24:00", "days": DAYS}}, "send_away")


def appointment_at_shift_end() -> dict:
    """An idle desk whose shift ends at 12:00 was handed the client booked for 12:00
    (before the clock sent it home), and served them past its shift while the office was open."""
    weekdays = DAYS[:5]
    cfg = _office([{"name": "am", "skills": ["general"], "staff": {"am": 1}},
                   {"name": "pm", "skills": ["general"], "staff": {"pm": 1}}],
                  {d: "08:00-17:00" for d in weekdays},
                  {"am": {"start": "08:00", "end": "12:00", "days": weekdays},
                   "pm": {"start": "12:00", "end": "17:00", "days": weekdays}}, "serve_waiting", per_week=200,
                  weeks=2)
    net = cfg["network"]
    net["segments"]["everyone"]["channels"] = {"appointment": 1.0}
    net["offices"][0]["appointments"] = {"slot_min": 60, "per_slot": 1}
    net["arrival_profile"]["time_of_day"] = [0.0] * 8 + [1.0] * 9
    return cfg


def escalation_at_expert_shift_end() -> dict:
    """An idle expert whose duty ends at 09:00 was handed the case escalated at 09:00,
    and started it off duty."""
    weekdays = DAYS[:5]
    cfg = _office([{"name": "desks", "skills": ["general"], "staff": {"day": 2}}],
                  {d: "08:00-17:00" for d in weekdays},
                  {"day": {"start": "08:00", "end": "17:00", "days": weekdays}}, "serve_waiting", per_week=10,
                  weeks=2)
    net = cfg["network"]
    net["segments"]["everyone"]["channels"] = {"appointment": 1.0}
    net["offices"][0]["appointments"] = {"slot_min": 60, "per_slot": 2}
    net["services"]["need"].update(service_time={"dist": "deterministic", "value": 60.0}, escalation_prob=1.0,
                                   expert_time={"dist": "deterministic", "value": 30.0})
    net["expert_centre"] = N.expert_centre(1, shift={"start": "08:00", "end": "09:00", "days": weekdays})
    net["arrival_profile"]["time_of_day"] = [0.0] * 8 + [1.0] * 9
    return cfg


# --- the properties -------------------------------------------------------------------

def check_run(cfg: dict) -> None:
    """Simulate (in invariant mode) and check what holds for any network."""
    spec = build_spec(copy.deepcopy(cfg))
    res = simoffice.simulate(spec, progress=False)  # never raises (InvariantError included)

    # Every bundle created appears exactly once, settled, abandoned or open.
    created = sum(len(ClientFactory(spec, 0, z, 0).week(w)) for z, zone in enumerate(spec.zones)
                  if zone.bundles_per_week > 0 for w in range(spec.run.weeks))
    b = res.bundles
    assert len(b) == created
    assert b["bundle"].is_unique
    assert set(b["status"].astype(str)) <= {"settled", "abandoned", "open"}
    assert ((b["needs_proactive"] <= b["needs_settled"]) & (b["needs_settled"] <= b["needs"])).all()
    settled = b["status"] == "settled"
    assert (b.loc[settled, "needs_settled"] == b.loc[settled, "needs"]).all()
    c = res.contacts
    assert set(c["bundle"]) <= set(b["bundle"])
    # Waits are >= 0; a contact starts after it arrives and ends after it starts.
    assert (c["wait_min"].dropna() >= 0).all()
    started = c["start_min"].notna()
    assert (c.loc[started, "start_min"] >= c.loc[started, "arrival_min"]).all()
    assert (c.loc[started, "end_min"] >= c.loc[started, "start_min"]).all()
    assert (c["end_min"] >= c["arrival_min"]).all()
    k = res.cases
    assert (k["start_min"].dropna() >= k.loc[k["start_min"].notna(), "escalated_min"]).all()
    assert (k["end_min"].dropna() >= k.loc[k["end_min"].notna(), "start_min"]).all()
    # Where clients are sent away at closing (and at a mobile office's stops), no service
    # starts while the service point is closed.
    for o, unit in enumerate(spec.offices):
        if unit.kind == "mobile" or (unit.kind == "office" and spec.schedule.closing_policy == "send_away"):
            tt = office_timetable(spec, o)
            starts = c.loc[started & (c["office"] == unit.name), "start_min"]
            assert all(tt.is_open(t) for t in starts), unit.name
    # Utilisation within [0, 1], for the network and each unit where it is defined.
    r = res.replications
    u = r.loc[r["measure"] == "utilisation", "value"].dropna()
    assert ((u >= 0) & (u <= 1 + 1e-9)).all(), r[r["measure"] == "utilisation"]
    # No more desks busy than on duty, in any bin of any unit or desk group.
    ts = res.timeseries
    over = ts["busy_mean"] > ts["on_duty_mean"] + 1e-9
    assert not over.any(), ts[over]
    assert (ts[["queue_mean", "busy_mean", "on_duty_mean"]].to_numpy() >= -1e-9).all()


@settings(max_examples=30, **CHECKS)
@given(networks())
@example(late_shift_at_closing())
@example(appointment_at_shift_end())
@example(escalation_at_expert_shift_end())
def test_random_networks_run_cleanly_and_account_for_every_client(cfg):
    check_run(cfg)


@pytest.mark.slow
@settings(max_examples=600, **CHECKS)
@given(networks())
def test_many_random_networks_run_cleanly_and_account_for_every_client(cfg):
    check_run(cfg)


@settings(max_examples=12, **CHECKS)
@given(networks())
def test_random_networks_give_the_same_measures_keeping_aggregates_only(cfg):
    """run.keep_contacts=false: the same measures as keeping every row (see test_aggregate.py)."""
    kept = simoffice.simulate(copy.deepcopy(cfg), progress=False)
    cfg = copy.deepcopy(cfg)
    cfg["run"]["keep_contacts"] = False
    assert_same_measures(kept, simoffice.simulate(cfg, progress=False))


def test_the_strategy_draws_valid_and_varied_networks():
    """Every drawn config builds, and the draws cover the optional blocks."""
    seen = set()

    @settings(max_examples=40, **CHECKS)
    @given(networks())
    def draw(cfg):
        spec = build_spec(copy.deepcopy(cfg))
        net = cfg["network"]
        seen.update(k for k in ("contact_centre", "video_centre", "expert_centre") if net.get(k))
        seen.update(k for k in ("zones", "mobile_routes") if net.get(k))
        seen.add(cfg["design"]["name"])
        seen.add(cfg["schedule"]["closing_policy"])
        seen.add(f"{len(spec.offices)} units")
        if any(o.get("appointments") for o in net["offices"]):
            seen.add("appointments")
        if any(s["patience"] is None for s in net["segments"].values()):
            seen.add("no patience")

    draw()
    for want in ("contact_centre", "video_centre", "expert_centre", "zones", "mobile_routes", "one_stop",
                 "co_located", "siloed", "serve_waiting", "send_away", "appointments", "no patience"):
        assert want in seen, want
