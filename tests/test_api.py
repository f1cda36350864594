"""The Python API: compose a config, simulate it, get the tables; save them."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from omegaconf import OmegaConf

import simoffice
from simoffice.config.build import build_spec
from simoffice.measures.metrics import MEASURES
from simoffice.run.results import FILES

SMALL = ("network=mmc", "network.arrivals_per_hour=20", "network.service_mean_min=10", "run.weeks=2",
         "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=2", "run.jobs=1", "run.check_invariants=true")


@pytest.fixture(scope="module")
def res():
    return simoffice.simulate(simoffice.compose(*SMALL), progress=False)


def test_simulate_returns_the_tables(res):
    """A run holds contacts, bundles, time series, per-replication measures and a summary."""
    assert {"arrival_min", "start_min", "end_min", "wait_min", "outcome", "office"} <= set(res.contacts)
    assert {"visits", "status", "bundle_type", "segment"} <= set(res.bundles)
    assert {"office", "desk_group", "bin_start_min", "queue_mean", "busy_mean", "on_duty_mean"} <= set(res.timeseries)
    assert set(res.replications["measure"]) == set(MEASURES)
    assert sorted(res.replications["replication"].unique()) == [0, 1]
    assert list(res.measures.columns) == ["mean", "ci_low", "ci_high", "n"]


def test_simulate_accepts_a_config_a_plain_mapping_or_a_spec(res):
    """The same tables come from a DictConfig, its plain-dict form, or a built ModelSpec."""
    cfg = simoffice.compose(*SMALL)
    as_dict = simoffice.simulate(OmegaConf.to_container(cfg, resolve=True), progress=False)
    as_spec = simoffice.simulate(build_spec(cfg), progress=False)
    for other in (as_dict, as_spec):
        pd.testing.assert_frame_equal(res.contacts, other.contacts)


def test_timeseries_has_fifteen_minute_bins_per_desk_group_and_office_total(res):
    """Bins are 15 minutes; each office has its desk groups and an "all" row per bin."""
    ts = res.timeseries[res.timeseries["replication"] == 0]
    assert set(ts["desk_group"]) == {"desks", "all"}
    for _, group in ts.groupby("desk_group", observed=True):
        assert (group["bin_start_min"].diff().dropna() == 15.0).all()
    assert (ts["busy_mean"] <= ts["on_duty_mean"] + 1e-9).all()


def test_save_writes_every_file_and_no_temporary_file(res, tmp_path):
    """save() writes the parquet tables, summary.json and report.html, nothing else."""
    res.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(FILES)
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary["measures"]) == set(MEASURES)
    assert summary["meta"]["seed"] == 2026 and summary["meta"]["config_hash"]
    back = pd.read_parquet(tmp_path / "contacts.parquet")
    assert len(back) == len(res.contacts)


def test_bad_config_raises_config_error():
    """A bad value raises ConfigError naming its key."""
    with pytest.raises(simoffice.ConfigError, match=r"^run\.replications: expected an integer >= 1 \(got 0\)$"):
        simoffice.simulate(simoffice.compose(*SMALL, "run.replications=0"))


def test_the_command_starts_before_the_heavy_imports():
    """Importing the console script's module loads no numpy, pandas or Hydra: its Ctrl-C
    handler is in place before them (``import simoffice`` loads its parts when first used)."""
    import subprocess
    import sys

    code = ("import sys, simoffice.cli.start; "
            "print(sorted(m for m in ('numpy', 'pandas', 'hydra', 'simoffice.run') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_a_result_saved_through_the_run_layer_alone_gets_its_page(tmp_path):
    """A fresh interpreter that imports only simoffice.run.simulate still writes report.html:
    the page writers are loaded by name when the first page is saved."""
    import subprocess
    import sys

    code = ("from simoffice.config.compose import compose; from simoffice.run.simulate import simulate; "
            "cfg = compose('network=mmc', 'run.weeks=2', 'run.warmup_weeks=1', 'run.replications=2', "
            "'run.jobs=1', 'run.progress=false'); "
            f"simulate(cfg).save({str(tmp_path / 'run')!r})")
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert (tmp_path / "run" / "report.html").is_file()
