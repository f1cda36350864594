"""The compiled engine and the interpreted one simulate the same numbers.

The engine's modules are compiled with Cython when the package is installed with
a C compiler (``setup.py``); ``SIMOFFICE_ENGINE=interpreted`` runs their Python
sources instead. Both must give identical tables at the same seed, for every kind
of unit and channel. Each scenario runs in two child processes, one per mode, so
that neither inherits the other's imported modules.

Under CI (``CI=true``) the compiled modules must have been built: a missing
compiler there is a failure, not a skip.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest

import simoffice.engine as engine
from simoffice.errors import ConfigError

TABLES = ("contacts", "bundles", "cases", "timeseries", "replications", "groups", "standards", "hours", "weekly")
CHILD = """
import sys, simoffice, simoffice.engine as engine
out, overrides = sys.argv[1], sys.argv[2:]
res = simoffice.simulate(simoffice.compose(*overrides), progress=False)
for name in {tables!r}:
    getattr(res, name).to_parquet(f"{{out}}/{{name}}.parquet")
print(engine.mode())
""".format(tables=TABLES)

SCENARIOS = {
    # offices with appointments, a mobile office, the contact centre, video sessions, the expert centre
    "regional": ["run.weeks=2", "run.replications=2"],
    "regional, siloed, Monday-Thursday, send away at closing, invariants checked": [
        "run.weeks=2", "run.replications=1", "design=siloed", "schedule=mon_thu", "schedule.closing_policy=send_away",
        "run.check_invariants=true"],
    "M/M/c": ["network=mmc", "run.weeks=2", "run.replications=1"],
    "synthetic": ["network=synthetic", "run.weeks=2", "run.replications=1"],
}


def simulate_in(mode: str, overrides: list[str], out) -> dict[str, pd.DataFrame]:
    out.mkdir()
    env = {**os.environ, engine.ENGINE_VARIABLE: mode}
    done = subprocess.run([sys.executable, "-c", CHILD, str(out), "run.jobs=1", "run.report=none", *overrides],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == mode
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in TABLES}


def test_the_compiled_engine_is_built_under_ci():
    """CI installs with a compiler: the engine must then run compiled."""
    if os.environ.get("CI") != "true" and not engine.compiled_modules():
        pytest.skip("the engine is not compiled here (no C compiler at install): only the interpreted mode runs")
    assert "journey" in engine.compiled_modules() and "office" in engine.compiled_modules()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_compiled_and_interpreted_runs_give_identical_tables(scenario, tmp_path):
    if not engine.compiled_modules():
        if os.environ.get("CI") == "true":
            pytest.fail("the engine is not compiled under CI")
        pytest.skip("the engine is not compiled here: nothing to compare")
    compiled = simulate_in("compiled", SCENARIOS[scenario], tmp_path / "compiled")
    interpreted = simulate_in("interpreted", SCENARIOS[scenario], tmp_path / "interpreted")
    assert len(compiled["contacts"]) > 0
    for name in TABLES:
        pd.testing.assert_frame_equal(compiled[name], interpreted[name], obj=f"{scenario}: {name}")


def test_compiled_modules_older_than_their_sources_are_out_of_date(monkeypatch):
    """A source edited since the build: its compiled module would run old code, so the
    engine runs interpreted (simoffice/engine/__init__.py) until it is rebuilt."""
    monkeypatch.setattr(engine, "compiled_modules", lambda: ["journey", "office"])
    monkeypatch.setattr(engine, "source_digest", lambda module: "edited")
    assert engine.out_of_date() == ["journey", "office"]


def test_a_mode_that_does_not_exist_is_one_line(monkeypatch):
    monkeypatch.setenv(engine.ENGINE_VARIABLE, "fast")
    with pytest.raises(ConfigError, match="SIMOFFICE_ENGINE: expected compiled or interpreted"):
        engine.requested()


def test_the_command_refuses_a_mode_that_does_not_exist_in_one_line(tmp_path):
    simoffice = os.path.join(os.path.dirname(sys.executable), "simoffice")
    done = subprocess.run([simoffice, "run.weeks=2"], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, engine.ENGINE_VARIABLE: "fast"}, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == "simoffice: config error: SIMOFFICE_ENGINE: expected compiled or interpreted " \
                                  "(got 'fast')"
    assert not any(tmp_path.iterdir())
