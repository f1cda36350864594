"""The benchmark commands of experiments/benchmarks/, run small as a user runs them."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import simoffice
from simoffice.config.build import build_spec

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "experiments" / "benchmarks"


def run_script(name: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """A benchmark script in a subprocess, with this source tree importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return subprocess.run([sys.executable, str(BENCHMARKS / name), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_peers_prints_ratios_and_finite_waits(tmp_path):
    """peers.py runs every engine once (simoffice in both modes), prints both ratios and the
    compiled engine's gain, and each engine's mean wait is a number, the same in both modes;
    Ciw, when not installed, is reported absent rather than failing."""
    out = tmp_path / "peers.json"
    proc = run_script("peers.py", "--clients", "5000", "--repeats", "1", "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(out.read_text())
    has_ciw = importlib.util.find_spec("ciw") is not None
    measured = {"simoffice", "interpreted", "simpy"} | ({"ciw"} if has_ciw else set())
    assert set(figures["engines"]) == measured
    engines = figures["engines"]
    assert engines["simoffice"]["wait_mean_min"] == engines["interpreted"]["wait_mean_min"]
    assert {r["mode"] for r in engines["interpreted"]["runs"]} == {"interpreted"}
    assert {r["mode"] for r in engines["simoffice"]["runs"]} == {figures["mode"]}
    for engine, s in figures["engines"].items():
        assert math.isfinite(s["wait_mean_min"]) and s["wait_mean_min"] > 0, engine
        assert s["clients_mean"] > 40_000, engine  # one week of 270 an hour
    assert re.search(r"simoffice / SimPy +\d+\.\d\dx +target >= 3\.0x: (met|missed)", proc.stdout)
    if figures["mode"] == "compiled":
        assert re.search(r"compiled / interpreted: \d+\.\d\dx", proc.stdout)
    if has_ciw:
        assert re.search(r"simoffice / Ciw +\d+\.\d\dx +target >= 6\.0x: (met|missed)", proc.stdout)
    else:
        assert figures["absent"] == ["ciw"]
        assert "Ciw is not installed" in proc.stdout
        assert re.search(r"simoffice / Ciw +- +target >= 6\.0x: not measured", proc.stdout)
    assert figures["erlang_c_wait_mean_min"] > 0


@pytest.mark.slow  # a national network twice (make test-slow)
def test_national_scaling_smoke(tmp_path):
    """national.py --only scaling at two tiny sizes in two rounds: a row per size with its
    best and median round, the first with ratio 1."""
    out = tmp_path / "national.json"
    proc = run_script("national.py", "--only", "scaling", "--offices", "2,4", "--weeks", "1", "--rounds", "2",
                      "--json", str(out))
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(out.read_text())
    assert set(figures) >= {"scaling"} and "run" not in figures and "workers" not in figures
    rows = figures["scaling"]["rows"]
    assert [r["offices"] for r in rows] == [2, 4]
    assert rows[0]["ratio"] == 1.0 and rows[0]["median_ratio"] == 1.0
    for r in rows:
        assert r["contacts"] > 0 and r["seconds_per_1000_contacts"] > 0 and r["peak_rss_gb"] > 0
        assert len(r["runs"]) == 2
        assert r["seconds_per_1000_contacts"] <= r["median_seconds_per_1000_contacts"]
    assert "s/1000 contacts" in proc.stdout


def test_national_network_composes():
    """network=national is the synthetic network at 80 offices, with every kind of unit."""
    cfg = simoffice.compose("network=national")
    assert (cfg.network.name, cfg.network.kind, cfg.network.offices) == ("national", "synthetic", 80)
    spec = build_spec(cfg)
    assert spec.name == "national"
    kinds = [unit.kind for unit in spec.offices]
    assert kinds.count("office") == 80
    assert {"mobile", "contact_centre", "video_centre"} <= set(kinds)
    assert spec.expert is not None


def test_national_refuses_an_unknown_section():
    """--only names the sections it takes."""
    proc = run_script("national.py", "--only", "runn")
    assert proc.returncode == 2
    assert "expected some of run, scaling, workers (got 'runn')" in proc.stderr


@pytest.mark.slow  # a national network under the profiler (make test-slow)
def test_the_profile_splits_a_national_run_by_part_of_the_engine():
    """profile_national.py prints each part's share of the profiled time (together the whole) and
    the functions with the most own time."""
    proc = run_script("profile_national.py", "--weeks", "1", "--top", "3", timeout=300)
    assert proc.returncode == 0, proc.stderr
    shares = [float(m) for m in re.findall(r"^\S.*?\s+([\d.]+)%$", proc.stdout.split("\n\nfunction")[0], re.M)]
    assert "event loop and scheduled calls" in proc.stdout and "client journey" in proc.stdout, proc.stdout
    assert abs(sum(shares) - 100.0) < 1.0, proc.stdout
    assert len(proc.stdout.split("\n\nfunction")[1].strip().splitlines()) == 4  # header and three functions
