"""Specifications of calibrating a log of several offices: each office as it is.

Branch offices do not offer every service. A calibrated network gives each
office the services and desk groups its own rows show, and its own demand per
service: a service an office never served is not offered there. The round trip
simulates two offices — a central one with every service and a branch with one,
whose villagers travel to the centre for the other — exports their tickets,
calibrates, and re-simulates. Names read from a log stay text in the YAML.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest
import yaml
from omegaconf import OmegaConf
from test_calibrate import truth

import simoffice
from simoffice.calibration.calibrate import calibrate
from simoffice.calibration.logs import read_log
from simoffice.calibration.network_yaml import config_yaml, network_yaml, office_segment, write_network
from simoffice.calibration.simulated_logs import ticket_log_from_results, write_log

from conftest import interval, per_replication

HOME = "${oc.env:HOME}"


def two_offices(replications: int = 1, seed: int = 11) -> dict:
    """Central offers both services at two desk groups; Branch only the allowance. The
    City reaches Central; the Villages reach Branch (10 min) and Central (40 min), so
    their certificate clients go to Central and a few of their allowance clients too."""
    cfg = truth(replications, seed)
    net = cfg["network"]
    net["bundles_per_1000_per_week"] = 10.0
    net["zones"] = {"City": {"population": 48000, "travel_min": {"Central": 10}},
                    "Villages": {"population": 25000, "travel_min": {"Branch": 10, "Central": 40}}}
    net["offices"] = [
        {"name": "Central", "desk_groups": [
            {"name": "general desks", "skills": ["cert", "allow"], "staff": {"full": 2, "peak": 1}},
            {"name": "allowance desks", "skills": ["allow"], "staff": {"full": 1}}]},
        {"name": "Branch", "desk_groups": [
            {"name": "allowance desks", "skills": ["allow"], "staff": {"full": 1}}]},
    ]
    return cfg


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> pd.DataFrame:
    """The tickets of one replication of the two offices, as a ticket log."""
    return ticket_log_from_results(simoffice.simulate(two_offices(1), progress=False))


def calibrated(tickets: pd.DataFrame, folder, name: str = "calibrated"):
    path = folder / "tickets.csv"
    write_log(tickets, path)
    return calibrate(read_log(path), name=name)


def tickets_per_week(res: simoffice.Results, office: str, service: str) -> np.ndarray:
    """Walk-in tickets issued in the measured window, per replication, a week."""
    c = res.contacts
    mine = c[c["in_window"].to_numpy(dtype=bool) & (c["office"].astype(str) == office).to_numpy()
             & (c["service"].astype(str) == service).to_numpy() & (c["channel"].astype(str) == "walk_in").to_numpy()]
    weeks = res.summary["meta"]["weeks"] - res.summary["meta"]["warmup_weeks"]
    counts = mine.groupby("replication").size().reindex(range(res.summary["meta"]["replications"]), fill_value=0)
    return counts.to_numpy(dtype=float) / weeks


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def test_round_trip_of_two_offices(exported, tmp_path):
    """Calibrate the two offices' log and re-simulate both networks, 10 replications each:
    Branch offers only the allowance, at its one desk group; every office's tickets per
    service, mean wait and service level have 95 % intervals overlapping the original's."""
    cal = calibrated(exported, tmp_path)
    net = cal.network
    offices = {o["name"]: o for o in net["offices"]}
    assert [(g["name"], g["skills"], g["staff"]) for g in offices["Branch"]["desk_groups"]] == [
        ("allowance desks", ["allowance"], {"full": 1})]
    assert {g["name"]: g["skills"] for g in offices["Central"]["desk_groups"]} == {
        "general desks": ["allowance", "certificate"], "allowance desks": ["allowance"]}
    # Only Central's clients need certificates; each zone reaches its own office only.
    assert net["bundles"]["certificate"]["segment_mix"] == {office_segment("Central"): 1.0}
    assert net["zones"]["Branch"]["travel_min"] == {"Branch": 0.0}
    assert not [n for n in cal.notes if "Branch" in n]

    original = simoffice.simulate(two_offices(10, seed=5), progress=False)
    cfg = two_offices(10, seed=5)
    cfg["network"] = {"kind": "explicit", **net}
    again = simoffice.simulate(cfg, progress=False)
    assert tickets_per_week(again, "Branch", "certificate").sum() == 0
    for office, service in (("Central", "certificate"), ("Central", "allowance"), ("Branch", "allowance")):
        was, now = tickets_per_week(original, office, service), tickets_per_week(again, office, service)
        assert overlap(interval(was), interval(now)), (office, service, interval(was), interval(now))
    for office in ("Central", "Branch"):
        for measure in ("wait_mean_min", "service_level"):
            was = interval(per_replication(original, measure, office))
            now = interval(per_replication(again, measure, office))
            assert overlap(was, now), (office, measure, was, now)


def test_each_office_is_offered_the_services_its_desks_served(exported, tmp_path):
    """Every office's desk groups hold exactly the services its desks served in the log, and
    its zone's clients need only those: the bundles split over the offices' segments in
    proportion to each office's first-visit tickets (no client ids in this log: every ticket)."""
    cal = calibrated(exported, tmp_path)
    net = cal.network
    served = exported[exported["outcome"] == "served"]
    for office in net["offices"]:
        skills = {s for g in office["desk_groups"] for s in g["skills"]}
        assert skills == set(served.loc[served["office"] == office["name"], "service"])
        segment = office_segment(office["name"])
        needs = {s for s, b in net["bundles"].items() if segment in b["segment_mix"]}
        assert needs == skills
    cert = exported[(exported["service"] == "certificate") & (exported["outcome"] != "no_show")]
    allow = exported[(exported["service"] == "allowance") & (exported["outcome"] != "no_show")]
    share = (allow["office"] == "Branch").mean()
    assert net["bundles"]["allowance"]["segment_mix"][office_segment("Branch")] == pytest.approx(share, abs=0.02)
    assert (cert["office"] == "Central").all()


def test_tickets_for_a_service_their_office_never_served_are_odd_rows_not_demand(exported, tmp_path):
    """A certificate client who reneged at Branch (no desk there ever served one): counted as an
    odd row, left out of Branch's demand; Branch still offers only the allowance."""
    tickets = exported.copy()
    i = int(np.flatnonzero((tickets["office"] == "Branch") & (tickets["outcome"] == "reneged"))[0])
    tickets.loc[i, "service"] = "certificate"
    cal = calibrated(tickets, tmp_path)
    (odd,) = [o for o in cal.odd if o.what == "tickets for a service no desk of their office served"]
    assert odd.rows == (i + 1,)
    branch = next(o for o in cal.network["offices"] if o["name"] == "Branch")
    assert [g["skills"] for g in branch["desk_groups"]] == [["allowance"]]
    assert office_segment("Branch") not in cal.network["bundles"]["certificate"]["segment_mix"]


def test_a_service_no_desk_ever_served_is_left_out_of_the_network_with_a_note(exported, tmp_path):
    """Tickets for a service that were all given up are no demand the model can hold: the
    service is not in the network, and the summary's notes say so."""
    tickets = exported.copy()
    gone = np.flatnonzero((tickets["outcome"] == "reneged").to_numpy())[:3]
    tickets.loc[gone, "service"] = "passport"
    cal = calibrated(tickets, tmp_path)
    assert "passport" not in cal.network["services"] and "passport" not in cal.network["bundles"]
    assert any("'passport' was never served" in n and "left out of the network" in n for n in cal.notes)


def test_a_regional_log_calibrates_office_by_office(tmp_path):
    """A log exported from the regional network (default design, a mobile office) calibrates
    into a network that builds, each office offering what its desks served."""
    cfg = simoffice.compose("network=regional", "run.replications=1", "run.weeks=5", "run.progress=false")
    exported = ticket_log_from_results(simoffice.simulate(cfg, progress=False))
    cal = calibrated(exported, tmp_path, "regional_again")  # calibrate checks that the network builds
    served = exported[exported["outcome"] == "served"]
    assert {o["name"] for o in cal.network["offices"]} == set(exported["office"])
    for office in cal.network["offices"]:
        skills = {s for g in office["desk_groups"] for s in g["skills"]}
        assert skills == set(served.loc[served["office"] == office["name"], "service"]), office["name"]


# ---------------------------------------------------------------- untrusted text


def renamed(tickets: pd.DataFrame, office: str, service: str, desk: str) -> pd.DataFrame:
    """The log with Branch, the allowance and Branch's desks renamed."""
    out = tickets.copy()
    out["office"] = out["office"].replace({"Branch": office})
    out["service"] = out["service"].replace({"allowance": service})
    at_branch = (out["office"] == office) & out["desk"].notna()
    out.loc[at_branch, "desk"] = desk + " " + out.loc[at_branch, "desk"].str.extract(r"(\d+)$")[0]
    return out


def test_names_from_the_log_stay_text_through_the_yaml_and_a_run(exported, tmp_path):
    """An office named ``${oc.env:HOME}``, a service with a dot, quotes and an interpolation,
    desks with a backslash before one: the YAML holds them double-quoted and escaped, and
    ``simoffice`` composing it runs offices and services with exactly those names."""
    office, service, desk = HOME, 'allowance "a.b" ${x}', "desk \\${y} #x"
    cal = calibrated(renamed(exported, office, service, desk), tmp_path, "names")
    out = tmp_path / "configs" / "network" / "names.yaml"
    write_network(cal, out)
    text = out.read_text(encoding="utf-8")
    assert '"\\\\${oc.env:HOME}"' in text  # YAML "\\${...}": OmegaConf's escaped ${
    assert os.environ.get("HOME", "/") not in text
    loaded = OmegaConf.to_container(OmegaConf.load(out), resolve=True)
    assert loaded["zones"][office]["travel_min"] == {office: 0.0}
    assert service in loaded["services"] and loaded["services"][service]["skill"] == service
    branch = next(o for o in loaded["offices"] if o["name"] == office)
    assert branch["desk_groups"][0]["name"] == "desk \\${y} #x"
    assert branch["desk_groups"][0]["skills"] == [service]

    cfg = simoffice.compose("network=names", "design=co_located", "run.replications=1", "run.weeks=2",
                            "run.warmup_weeks=0", "run.drain_weeks=0", "run.progress=false",
                            config_dir=tmp_path / "configs")
    res = simoffice.simulate(cfg, progress=False)
    assert set(res.contacts["office"].astype(str)) == {"Central", office}
    assert set(res.contacts["service"].astype(str)) == {"certificate", service}


@pytest.mark.parametrize("name", [HOME, "a\\${b}", "x\\", "$HOME", "${", "a ${x} b \\\\${y}", "Office No. 1",
                                  "  padded", "yes", "null", "#c", "- a", "a: b", "{x}", "Кабинет", 'say "hi"'])
def test_any_text_is_read_back_as_written(name):
    """A text value of the YAML, however it looks, is what OmegaConf gives back, resolved."""
    config = {"offices": [{"name": name, "skills": [name]}], "zones": {name: {"travel_min": {name: 0}}}}
    assert OmegaConf.to_container(OmegaConf.create(config_yaml(config)), resolve=True) == config


def test_an_office_named_like_a_missing_value_is_refused_in_one_line(exported, tmp_path):
    """``???`` is what a config reads as a missing value, so no office can keep it as its name:
    refused naming the column and the first row."""
    from simoffice.calibration.logs import LogError

    tickets = exported.copy()
    tickets["office"] = tickets["office"].replace({"Branch": "???"})
    first = int(np.flatnonzero((tickets["office"] == "???").to_numpy())[0]) + 1
    with pytest.raises(LogError, match=rf"^office row {first}: expected a name other than '\?\?\?'"):
        calibrated(tickets, tmp_path)


def test_a_file_name_with_line_breaks_cannot_add_keys(exported, tmp_path):
    """The log's file name goes into the YAML's header comment: its line breaks are shown as
    escapes, so the YAML's keys are the network's and nothing else; a network name from a
    hostile ``--out`` stem is its ``name`` as text."""
    cal = calibrated(exported, tmp_path, name="x${oc.env:HOME}")
    source = "tickets\nname: injected\r\nmax_visits: 99\u2028extra: 1.csv"
    text = network_yaml(cal, source=source, command=f"simoffice-calibrate '{source}'")
    body = yaml.safe_load(text)
    assert list(body) == ["defaults", *cal.network]
    assert body["max_visits"] == cal.network["max_visits"]
    header = [line for line in text.splitlines() if not line.startswith("#")][0]
    assert header.startswith("defaults:")
    assert "tickets\\nname: injected\\r\\nmax_visits: 99\\u2028extra: 1.csv" in text
    loaded = OmegaConf.to_container(OmegaConf.create(text), resolve=True)
    assert loaded["name"] == "x${oc.env:HOME}"


def test_one_office_keeps_the_layout_without_zones(exported, tmp_path):
    """A log of one office is written as before: one segment, the office's own
    ``bundles_per_week`` (its tickets and calls a week), no zones."""
    central = exported[exported["office"] == "Central"].reset_index(drop=True)
    cal = calibrated(central, tmp_path)
    net = cal.network
    assert "zones" not in net and list(net["segments"]) == ["clients"]
    (office,) = net["offices"]
    assert office["bundles_per_week"] == pytest.approx(cal.offices[0].bundles_per_week, rel=1e-3)
    assert math.isclose(sum(b["share"] for b in net["bundles"].values()), 1.0, abs_tol=1e-3)
