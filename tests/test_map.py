"""Places on a map: optional coordinates of zones and offices, and the report's map.

An explicit network may place each zone and office on a flat map (``xy_km: [x, y]``,
km east and north); a synthetic network always does, from the geography it
generates. The report then draws them (:func:`simoffice.reports.map.map_section`):
zones sized by residents and coloured by coverage or travel, offices sized by
contacts a week, mobile offices as routes through their stops' zones — and
nothing at all for a network without coordinates.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
import math
import re
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf

import simoffice
from simoffice.config import synthetic
from simoffice.config.build import build_spec
from simoffice.config.strict import UnknownKey, network_section
from simoffice.errors import ConfigError
from simoffice.model.spec import MOBILE_OFFICE, OFFICE
from simoffice.reports.map import HEAD, Places, map_figure, map_section, sizes

EVIL = '<script>alert(1)</script> & "Co"'
REGIONAL_ZONES = {"City": (11.0, 59.0), "Suburbs": (11.0, 41.0), "Town": (12.0, 13.0), "Villages south": (51.0, 11.0),
                  "Villages north": (48.0, 34.0), "Forest settlements": (58.0, 49.0)}
REGIONAL_OFFICES = {"City centre": (11.0, 53.0), "Town centre": (12.0, 19.0), "Rural centre": (39.0, 12.0)}


@functools.lru_cache(maxsize=None)
def _composed(*overrides: str) -> dict:
    return OmegaConf.to_container(simoffice.compose(*overrides), resolve=True)


def config(*overrides: str) -> dict:
    """A composed config as plain (mutable) dicts."""
    return copy.deepcopy(_composed(*overrides))


@functools.lru_cache(maxsize=None)
def regional():
    return build_spec(config())


def without_places(cfg: dict) -> dict:
    for zone in cfg["network"]["zones"].values():
        zone.pop("xy_km", None)
    for office in cfg["network"]["offices"]:
        office.pop("xy_km", None)
    return cfg


# --- config -----------------------------------------------------------------------------

def test_the_regional_network_places_its_zones_and_offices_on_a_map():
    """Zones and offices have the places their config gives; units with no place
    (mobile office, contact and video centres) have none."""
    spec = regional()
    assert {z.name: z.xy for z in spec.zones} == REGIONAL_ZONES
    assert {u.name: u.xy for u in spec.offices if u.kind == OFFICE} == REGIONAL_OFFICES
    assert all(u.xy is None for u in spec.offices if u.kind != OFFICE)


def test_regional_places_agree_roughly_with_its_travel_times():
    """A travel time is about the straight-line distance at 36 km/h plus 5 min (within 5 min)."""
    spec = regional()
    for z in spec.zones:
        for unit, minutes in z.travel:
            u = spec.offices[unit]
            if u.kind == OFFICE:
                km = math.dist(z.xy, u.xy)
                assert abs(km / 36 * 60 + 5 - minutes) <= 5, (z.name, u.name, km, minutes)


def test_places_are_optional():
    """Without ``xy_km`` every place is None; a network without zones gives each
    office's zone the office's place."""
    spec = build_spec(without_places(config()))
    assert all(z.xy is None for z in spec.zones)
    assert all(u.xy is None for u in spec.offices)
    cfg = config("network=single_office")
    cfg["network"]["offices"][0]["xy_km"] = [3, 4.5]
    spec = build_spec(cfg)
    assert spec.offices[0].xy == (3.0, 4.5) and spec.zones[0].xy == (3.0, 4.5)


@pytest.mark.parametrize("where, value", [
    ("zone", [1, 2, 3]), ("zone", [1]), ("zone", "north"), ("zone", [1, float("nan")]),
    ("office", [float("inf"), 0]), ("office", [True, 2]), ("office", ["1", 2]), ("office", {"x": 1, "y": 2}),
])
def test_a_place_must_be_two_finite_numbers(where, value):
    """Anything but two finite numbers (or null) is refused, in one line naming the key."""
    cfg = config()
    if where == "zone":
        cfg["network"]["zones"]["Suburbs"]["xy_km"] = value
        key = "network.zones.Suburbs.xy_km"
    else:
        cfg["network"]["offices"][1]["xy_km"] = value
        key = "network.offices[1].xy_km"
    with pytest.raises(ConfigError) as err:
        build_spec(cfg)
    assert str(err.value) == f"{key}: expected two finite numbers [x, y] (km east, km north), or null (got {value!r})"
    assert "\n" not in str(err.value)


def test_bad_places_from_the_command_line_are_refused_in_one_line():
    with pytest.raises(ConfigError, match=r"^network\.zones\.City\.xy_km: expected two finite numbers"):
        build_spec(simoffice.compose("network.zones.City.xy_km=[1,2,3]"))


def test_the_strict_keys_know_xy_km_and_suggest_it():
    cfg = config()
    assert network_section(cfg["network"]).zones["City"].xy_km == [11, 59]
    cfg["network"]["zones"]["City"]["xy_kms"] = [1, 2]
    with pytest.raises(UnknownKey) as err:
        build_spec(cfg)
    assert str(err.value) == "network.zones.City.xy_kms: unknown key (did you mean xy_km?)"
    cfg = config()
    cfg["network"]["offices"][0]["xykm"] = [1, 2]
    with pytest.raises(UnknownKey, match=r"network\.offices\[0\]\.xykm: unknown key \(did you mean xy_km\?\)"):
        build_spec(cfg)


def test_a_synthetic_network_writes_the_places_it_generated():
    """Every generated zone and office has a place; the travel minutes are the
    straight-line distances between those places at the generator's speed."""
    net = network_section(config("network=synthetic")["network"])
    out = synthetic.generate(net, ["full", "peak"])
    offices = {o["name"]: o["xy_km"] for o in out["offices"]}
    assert len(offices) == net.offices
    for name, zone in out["zones"].items():
        for office, minutes in zone["travel_min"].items():
            km = math.dist(zone["xy_km"], offices[office])
            assert abs(max(5.0, km / net.speed_kmh * 60) - minutes) <= 0.51, (name, office)
    spec = build_spec(config("network=synthetic"))
    assert all(z.xy is not None for z in spec.zones)
    assert all((u.xy is not None) == (u.kind == OFFICE) for u in spec.offices)


# --- the map ----------------------------------------------------------------------------

def fake_results(spec, units: bool = True) -> SimpleNamespace:
    """Results of ``spec`` with per-zone measures and contacts a week per unit: zone k has
    coverage 0.1 × (k + 1) and travel 10 × (k + 1) min; unit i has 100 × (i + 1) contacts
    a week (in the summary's ``units``, or only in the replications table)."""
    rows, reps = [], []
    for r in range(2):
        for k, z in enumerate(spec.zones):
            rows.append((r, "zone", z.name, "coverage_within_min", 0.1 * (k + 1) + (0.02 if r else -0.02)))
            rows.append((r, "zone", z.name, "travel_min_per_bundle", 10.0 * (k + 1)))
        for i, u in enumerate(spec.offices):
            reps.append((r, u.name, "contacts_per_week", 100.0 * (i + 1) + (5 if r else -5)))
    summary = {"measures": {}, "meta": {"coverage_target_min": 30}}
    if units:
        summary["units"] = {u.name: {"contacts_per_week": {"mean": 100.0 * (i + 1)}} for i, u in enumerate(spec.offices)}
    return SimpleNamespace(
        spec=spec, summary=summary,
        groups=pd.DataFrame(rows, columns=["replication", "by", "group", "measure", "value"]),
        replications=pd.DataFrame(reps, columns=["replication", "office", "measure", "value"]))


def traces(fig) -> dict[str, list]:
    """The figure's traces by legend name (a name may hold several traces)."""
    out: dict[str, list] = {}
    for t in fig.data:
        out.setdefault(t.name, []).append(t)
    return out


def test_zones_are_sized_by_residents_and_coloured_by_coverage_or_travel():
    spec = regional()
    fig = map_figure(fake_results(spec))
    coverage, travel = traces(fig)["Zones (area: residents)"]
    names = [z.name for z in spec.zones]
    assert list(coverage.text) == names and list(travel.text) == names
    assert list(coverage.x) == [REGIONAL_ZONES[n][0] for n in names]
    assert list(coverage.y) == [REGIONAL_ZONES[n][1] for n in names]
    assert list(coverage.marker.color) == pytest.approx([10.0 * (k + 1) for k in range(len(names))])  # in %
    assert list(travel.marker.color) == pytest.approx([10.0 * (k + 1) for k in range(len(names))])  # minutes
    assert coverage.visible and not travel.visible
    # Areas in proportion to residents: diameters grow with the square root.
    population = [z.population for z in spec.zones]
    size = list(coverage.marker.size)
    assert np.argsort(size).tolist() == np.argsort(population, kind="stable").tolist()
    assert max(size) == size[names.index("City")] == 40.0


def test_the_menu_switches_the_zone_colours():
    fig = map_figure(fake_results(regional()))
    (menu,) = fig.layout.updatemenus
    cov, trav = menu.buttons
    zone_traces = [i for i, t in enumerate(fig.data) if t.legendgroup == "zones"]
    assert cov.args == ({"visible": [True, False]}, tuple(zone_traces))
    assert trav.args == ({"visible": [False, True]}, tuple(zone_traces))
    assert "travel" in trav.label and "days" in cov.label


def test_offices_are_sized_by_contacts_a_week_and_named():
    spec = regional()
    for units in (True, False):  # from the summary, or from the replications table
        fig = map_figure(fake_results(spec, units=units))
        (offices,) = traces(fig)["Offices (area: contacts a week)"]
        assert list(offices.text) == list(REGIONAL_OFFICES)
        assert [(x, y) for x, y in zip(offices.x, offices.y)] == list(REGIONAL_OFFICES.values())
        contacts = [100.0, 200.0, 300.0]  # offices 0, 1, 2 of the spec
        assert list(offices.marker.size) == pytest.approx(sizes(contacts, 12.0, 36.0))
        assert offices.marker.size[2] == 36.0 and offices.marker.size[0] == pytest.approx(12 + 24 * math.sqrt(1 / 3))
        assert "200 contacts a week" in offices.hovertext[1]


def test_a_mobile_office_is_drawn_as_its_route_through_its_stops_zones():
    spec = regional()
    (route,) = traces(map_figure(fake_results(spec)))["North bus (mobile office's route)"]
    assert route.mode == "lines+markers+text"
    assert [(x, y) for x, y in zip(route.x, route.y)] == [REGIONAL_ZONES["Villages north"],
                                                          REGIONAL_ZONES["Forest settlements"]]
    assert "Tue 10:00–14:00" in route.hovertext[0] and "Thu 10:00–13:00" in route.hovertext[1]
    assert route.text[0] == "North bus"
    bus = next(i for i, u in enumerate(spec.offices) if u.kind == MOBILE_OFFICE)
    # Sized on the offices' scale: 100 × (bus + 1) contacts against the offices' 100, 200, 300.
    assert route.marker.size == pytest.approx(sizes([100.0 * (bus + 1), 100.0, 200.0, 300.0], 12.0, 36.0)[0])


def test_the_map_keeps_equal_scales_and_needs_no_internet():
    res = fake_results(regional())
    fig = map_figure(res)
    assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
    assert not {"map", "mapbox", "geo"} & set(fig.to_plotly_json()["layout"])  # no tiles, no basemap
    assert all(t.type == "scatter" for t in fig.data)
    html = map_section(res)
    assert "http://" not in html and "https://" not in html
    assert html.startswith(f'<h2 id="map">{HEAD}</h2>')
    assert re.search(r'<p class="note">Zones are circles sized by residents .*within 30&nbsp;min', html)


def figure_of(section: str) -> dict:
    """The figure a map section draws, read back from its script."""
    found = re.search(r"var f = (\{.*\}); Plotly\.newPlot", section, re.S)
    assert found, section[:500]
    return json.loads(found.group(1))


def test_the_section_draws_the_figure_once_the_page_has_loaded():
    """The map may come before the figure that inlines plotly.js: it waits for the page."""
    html = map_section(fake_results(regional()))
    assert 'document.addEventListener("DOMContentLoaded"' in html
    assert 'Plotly.newPlot("fig-map"' in html and '<div id="fig-map"' in html
    names = [t["name"] for t in figure_of(html)["data"]]
    assert names.count("Zones (area: residents)") == 2 and "Offices (area: contacts a week)" in names


def test_names_are_escaped_in_the_figure_and_cannot_close_its_script():
    spec = regional()
    zones = tuple(dataclasses.replace(z, name=EVIL) if z.name == "Town" else z for z in spec.zones)
    offices = tuple(dataclasses.replace(u, name="<b>Rural</b> centre") if u.name == "Rural centre" else u
                    for u in spec.offices)
    html = map_section(fake_results(dataclasses.replace(spec, zones=zones, offices=offices)))
    assert "<script>alert" not in html and "<b>Rural" not in html
    assert html.count("</script>") == 1  # the section's own
    data = figure_of(html)["data"]
    zone_text = data[0]["text"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; \"Co\"" in zone_text  # plotly shows it as written
    offices_trace = next(t for t in data if t["name"].startswith("Offices"))
    assert "&lt;b&gt;Rural&lt;/b&gt; centre" in offices_trace["text"]


def test_no_map_without_coordinates_or_without_a_spec():
    spec = build_spec(without_places(config()))
    assert Places.of(spec) is None
    assert map_section(fake_results(spec)) == "" and map_figure(fake_results(spec)) is None
    assert map_section(SimpleNamespace(summary={}, spec=None)) == ""
    assert map_section(fake_results(build_spec(config("network=single_office")))) == ""


def test_places_without_coordinates_are_named_under_the_map():
    cfg = config()
    del cfg["network"]["zones"]["Suburbs"]["xy_km"]
    html = map_section(fake_results(build_spec(cfg)))
    assert "Not on the map (no <code>xy_km</code>): Suburbs." in html
    coverage = traces(map_figure(fake_results(build_spec(cfg))))["Zones (area: residents)"][0]
    assert "Suburbs" not in coverage.text


def test_zones_without_a_measure_are_grey_and_a_single_measure_has_no_menu():
    spec = regional()
    res = fake_results(spec)
    g = res.groups
    res.groups = g[~((g["measure"] == "coverage_within_min") & (g["group"] == "Town"))
                   & (g["measure"] != "travel_min_per_bundle")]
    fig = map_figure(res)
    assert not fig.layout.updatemenus
    (grey,) = traces(fig)["Zones without data"]
    assert list(grey.text) == ["Town"]


def test_a_real_run_of_a_synthetic_network_has_a_map():
    res = simoffice.simulate(simoffice.compose("network=synthetic", "network.offices=4", "run.weeks=2",
                                               "run.warmup_weeks=1", "run.replications=2", "run.progress=false"))
    fig = map_figure(res)
    by_name = traces(fig)
    (offices,) = by_name["Offices (area: contacts a week)"]
    assert list(offices.text) == [u.name for u in res.spec.offices if u.kind == OFFICE]
    busiest = int(np.argmax([res.summary["units"][n]["contacts_per_week"]["mean"] for n in offices.text]))
    assert offices.marker.size[busiest] == max(offices.marker.size)
    coverage = by_name["Zones (area: residents)"][0]
    assert all(0 <= c <= 100 for c in coverage.marker.color)
    assert len(coverage.text) == len(res.spec.zones)
    assert map_section(res).startswith('<h2 id="map">Map</h2>')
