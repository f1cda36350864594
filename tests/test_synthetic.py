"""network=synthetic: a network generated from a few parameters, up to national size.

:func:`simoffice.config.synthetic.generate` turns the generator's parameters (offices,
zones, population, rural share, seed …) and an editable catalogue (segments,
services, bundles) into an explicit network, which build_spec then validates
as it would a hand-written one. The generator's seed alone fixes the network;
``run.seed`` draws the clients.
"""

from __future__ import annotations

import copy
import functools

import numpy as np
import pytest
from omegaconf import OmegaConf

import simoffice
from simoffice.config import geography, synthetic
from simoffice.config.build import build_spec, weekly_staff_hours
from simoffice.config.network_schema import NetworkConfig, SyntheticNetworkConfig
from simoffice.config.strict import network_section
from simoffice.errors import ConfigError
from simoffice.model.spec import CONTACT_CENTRE, MOBILE_OFFICE, OFFICE, VIDEO_CENTRE
from simoffice.run.runner import run_one

SYNTHETIC = ("network=synthetic",)
NATIONAL = ("network=synthetic", "network.offices=80", "network.zones=240", "network.population=5000000")
SHORT = ("run.weeks=2", "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=2", "run.jobs=1",
         "run.progress=false", "run.check_invariants=true")
SHIFTS = ["full", "peak"]


@functools.lru_cache(maxsize=None)
def _composed(overrides: tuple[str, ...]) -> dict:
    return OmegaConf.to_container(simoffice.compose(*overrides), resolve=True)


def config(*overrides: str) -> dict:
    """A composed config as plain (mutable) dicts."""
    return copy.deepcopy(_composed(tuple(overrides)))


def typed_network(*overrides: str) -> SyntheticNetworkConfig:
    """The ``network`` of ``network=synthetic`` with ``overrides``, typed by its schema."""
    return network_section(config(*SYNTHETIC, *overrides)["network"])


def generated(*overrides: str) -> dict:
    """The explicit network generated from ``network=synthetic`` with ``overrides``."""
    return synthetic.generate(typed_network(*overrides), SHIFTS)


@functools.lru_cache(maxsize=None)
def spec(*overrides: str):
    return build_spec(config(*overrides))


def units(s, kind: str) -> list:
    return [u for u in s.offices if u.kind == kind]


def desks(unit) -> int:
    return sum(n for g in unit.desk_groups for _, n in g.staff)


# --- one seed, one network ---------------------------------------------------------

def test_the_same_seed_generates_the_same_network():
    """Two generations with the same seed give equal explicit networks."""
    assert generated("network.seed=7") == generated("network.seed=7")


def test_another_seed_generates_another_network():
    """A different seed moves zones and offices: travel times and populations differ."""
    a, b = generated("network.seed=7"), generated("network.seed=8")
    assert a["zones"] != b["zones"]
    assert a["segments"] == b["segments"]  # the catalogue is the user's, whatever the seed


def test_the_run_seed_does_not_change_the_network():
    """run.seed draws clients, not the network."""
    a = synthetic.generate(typed_network("run.seed=1"), SHIFTS)
    b = synthetic.generate(typed_network("run.seed=2"), SHIFTS)
    assert a == b


@pytest.mark.parametrize("schedule", ["five_day", "mon_thu"])
@pytest.mark.parametrize("design", ["siloed", "co_located", "one_stop"])
def test_it_builds_under_every_schedule_and_design(schedule, design):
    s = spec(*SYNTHETIC, f"schedule={schedule}", f"design={design}")
    assert s.name == "synthetic" and len(units(s, OFFICE)) == 12 and len(s.zones) == 36


def test_the_generated_network_is_an_explicit_network_a_user_could_save_as_yaml():
    """The result fits the explicit network schema (it could be saved as configs/network/mine.yaml)."""
    net = generated()
    assert net["kind"] == "explicit"
    OmegaConf.merge(OmegaConf.structured(NetworkConfig), net)  # raises on an unknown key or a wrong type


# --- a national network ------------------------------------------------------------------

def test_a_national_network_has_80_offices_and_every_kind_of_service_point():
    """80 offices and 240 zones build into 80 office units, a contact centre, a video
    centre, an expert centre and mobile routes for remote rural zones."""
    s = spec(*NATIONAL)
    assert len(units(s, OFFICE)) == 80
    assert len(s.zones) == 240
    assert len(units(s, CONTACT_CENTRE)) == 1 and s.contact_centre is not None
    assert len(units(s, VIDEO_CENTRE)) == 1 and s.video_centre is not None
    assert s.expert is not None and s.expert.desk_groups
    assert len(units(s, MOBILE_OFFICE)) >= 1


def test_every_zone_reaches_a_service_point():
    """Each zone lists its three nearest offices (and its mobile stop, if any)."""
    s = spec(*NATIONAL)
    for zone in s.zones:
        offices = [u for u, _ in zone.travel if s.offices[u].kind == OFFICE]
        assert len(offices) == 3, zone.name
        assert all(minutes >= geography.MIN_TRAVEL_MIN for _, minutes in zone.travel)


def test_zone_populations_sum_to_the_population_parameter():
    s = spec(*NATIONAL)
    assert sum(z.population for z in s.zones) == 5_000_000


@pytest.mark.parametrize("share", [0.1, 0.25, 0.6])
def test_the_rural_share_of_the_population_is_the_parameter(share):
    s = spec(*NATIONAL, f"network.rural_share={share}")
    rural = sum(z.population for z in s.zones if z.rural)
    assert rural / 5_000_000 == pytest.approx(share, abs=1e-6)


def test_rural_zones_far_from_every_office_get_a_weekly_mobile_stop():
    """A rural zone with no office within 30 min has a mobile stop; a route stops
    at most twice a day, the second stop after the drive between them."""
    s = spec(*NATIONAL)
    stops = {st.zone for u in units(s, MOBILE_OFFICE) for st in u.stops}
    for z, zone in enumerate(s.zones):
        nearest = min(m for u, m in zone.travel if s.offices[u].kind == OFFICE)
        if zone.rural and nearest > 30:
            assert z in stops, zone.name
        if z in stops:
            assert zone.rural and nearest > 30, zone.name
    for route in units(s, MOBILE_OFFICE):
        per_day = np.bincount([st.weekday for st in route.stops], minlength=7)
        assert per_day.max() <= 2 and per_day[5:].sum() == 0


def test_ten_stops_a_route_put_two_stops_on_a_day_with_the_drive_between_them():
    net = generated("network.offices=80", "network.mobile_stops_per_route=10")
    route = net["mobile_routes"][0]
    assert len(route["stops"]) > 5
    first, second = route["stops"][:2]
    assert first["weekday"] == second["weekday"]
    end = int(first["hours"][-5:-3]) * 60 + int(first["hours"][-2:])
    start = int(second["hours"][:2]) * 60 + int(second["hours"][3:5])
    assert start - end >= route["travel_between_stops_min"] > 0
    build_spec(config(*SYNTHETIC, "network.offices=80", "network.mobile_stops_per_route=10"))


def test_without_rural_population_there_are_no_rural_zones_and_no_mobile_routes():
    s = spec(*SYNTHETIC, "network.rural_share=0")
    assert not any(z.rural for z in s.zones)
    assert not units(s, MOBILE_OFFICE)


def test_mobile_routes_can_be_left_out():
    assert not units(spec(*SYNTHETIC, "network.mobile_routes=false"), MOBILE_OFFICE)


def test_without_a_contact_centre_the_catalogue_must_not_send_callers():
    """The catalogue is the user's: build_spec names the channel weight to set to 0."""
    with pytest.raises(ConfigError, match=r"channels\.phone: expected 0 \(the network has no contact_centre\)"):
        build_spec(config(*SYNTHETIC, "network.contact_centre=false"))


# --- staff ---------------------------------------------------------------------------------

@pytest.mark.parametrize("load", [0.2, 0.7, 1.0, 2.5, 4.0, 9.0, 30.0, 120.0])
def test_the_square_root_rule_keeps_utilisation_at_or_below_its_maximum(load):
    n = synthetic.desks_for(load, beta=0.5, max_utilisation=0.85)
    assert n >= 1 and load / n <= 0.85
    assert n <= max(1, load + 0.5 * load ** 0.5 + 0.5, load / 0.85 + 1)


def test_staff_grow_with_demand():
    """Twice the population needs about twice the staff hours, on the same map."""
    small = sum(weekly_staff_hours(spec(*SYNTHETIC)).values())
    large = sum(weekly_staff_hours(spec(*SYNTHETIC, "network.population=500000")).values())
    assert 1.6 < large / small < 2.4


def test_busier_offices_get_more_desks_and_the_busiest_books_appointments():
    s = spec(*NATIONAL)
    offices = units(s, OFFICE)
    n = np.array([desks(u) for u in offices])
    assert n.min() >= 1 and n.max() >= 4
    assert all(u.slots is not None and u.video_stations >= 1 for u in offices if desks(u) >= 3)


@pytest.mark.parametrize("schedule", ["five_day", "mon_thu"])
def test_staff_are_on_shifts_of_the_composed_schedule(schedule):
    s = spec(*SYNTHETIC, f"schedule={schedule}")
    names = [sh.name for sh in s.schedule.shifts]
    for unit in s.offices:
        if unit.kind != MOBILE_OFFICE:
            assert all(0 <= i < len(names) and n >= 0 for g in unit.desk_groups for i, n in g.staff)


def test_both_schedules_staff_the_same_network_with_equal_staff_hours():
    """five_day and mon_thu have equal weekly hours: the same network gets the same staff."""
    five = weekly_staff_hours(spec(*SYNTHETIC, "schedule=five_day"))
    mon_thu = weekly_staff_hours(spec(*SYNTHETIC, "schedule=mon_thu"))
    assert five == pytest.approx(mon_thu)


# --- it runs ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def short_run():
    return simoffice.simulate(simoffice.compose(*SYNTHETIC, *SHORT), progress=False)


def test_a_short_run_completes_and_every_bundle_is_settled_abandoned_or_open(short_run):
    b, c = short_run.bundles, short_run.contacts
    assert len(b) and len(c)
    assert set(b["status"].unique()) <= {"settled", "abandoned", "open"}
    assert not b.duplicated(["replication", "bundle"]).any()
    # Every contact belongs to a bundle that was written down exactly once.
    assert set(zip(c["replication"], c["bundle"])) <= set(zip(b["replication"], b["bundle"]))
    assert sorted(short_run.replications["replication"].unique()) == [0, 1]


def test_a_national_network_simulates_a_week():
    """80 offices simulate a week (1.5 million people, to keep the test short)."""
    s = spec(*NATIONAL, "network.population=1500000", "run.weeks=1", "run.warmup_weeks=0", "run.drain_weeks=0",
             "run.replications=1")
    log = run_one(s, 0)
    assert len(log["bundles"]["status"]) > 8_000  # about 10 500 bundles a week
    offices_seen = set(np.unique(log["contacts"]["office"]).tolist())
    assert len(offices_seen & {i for i, u in enumerate(s.offices) if u.kind == OFFICE}) >= 75


# --- bad generator values ---------------------------------------------------------------------

@pytest.mark.parametrize("key,value,expected", [
    ("offices", 0, "an integer >= 1"),
    ("offices", 2.5, "an integer >= 1"),
    ("zones", 0, "an integer >= 1"),
    ("population", 0, "a number > 0"),
    ("rural_share", 1.5, "a probability in [0, 1]"),
    ("rural_share", -0.1, "a probability in [0, 1]"),
    ("seed", -1, "an integer >= 0"),
    ("speed_kmh", 0, "a number > 0"),
    ("office_spacing_km", float("inf"), "a finite number > 0"),
    ("reachable_offices", 0, "an integer >= 1"),
    ("max_utilisation", 1.2, "a number in (0, 1]"),
    ("mobile_stops_per_route", 11, "an integer from 1 to 10"),
    ("mobile_routes", "yes", "true or false"),
])
def test_bad_generator_values_are_refused_naming_the_key(key, value, expected):
    cfg = config(*SYNTHETIC)
    cfg["network"][key] = value
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    assert info.value.key == f"network.{key}"
    assert info.value.got == value
    assert str(info.value).startswith(f"network.{key}: expected {expected}")


def test_bad_values_from_the_command_line_are_refused_naming_the_key():
    with pytest.raises(ConfigError, match=r"^network\.offices: expected an integer >= 1 \(got 0\)$"):
        build_spec(simoffice.compose(*SYNTHETIC, "network.offices=0"))
    with pytest.raises(ConfigError, match=r"^network\.rural_share: expected a probability in \[0, 1\] \(got 1\.5\)$"):
        build_spec(simoffice.compose(*SYNTHETIC, "network.rural_share=1.5"))


def test_one_zone_cannot_be_both_urban_and_rural():
    with pytest.raises(ConfigError, match=r"^network\.zones: expected at least 2 zones"):
        build_spec(config(*SYNTHETIC, "network.zones=1"))


def test_the_rural_segment_mix_names_known_segments():
    cfg = config(*SYNTHETIC)
    cfg["network"]["rural_segment_mix"] = {"students": 1.0}
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    assert info.value.key == "network.rural_segment_mix.students"


def test_the_catalogue_is_checked_under_its_own_keys_before_generating():
    cfg = config(*SYNTHETIC)
    cfg["network"]["services"]["status_certificate"]["service_time"]["mean"] = -1
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    assert info.value.key == "network.services.status_certificate.service_time.mean"
