"""Specifications of reopening saved results: ``Results.load``, ``Comparison.load`` and
``simoffice.load`` give back what the run returned, and a short repr."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

import simoffice
from simoffice.errors import ConfigError
from simoffice.run.results import TABLES, Results, jsonable

SHORT = ("run.replications=3", "run.weeks=2", "run.drain_weeks=1", "run.progress=false", "run.jobs=1")
MMC = ("network=mmc", "network.arrivals_per_hour=12", "network.service_mean_min=20", *SHORT)


def same_tables(a: Results, b: Results) -> None:
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), obj=name)


def public(x):
    """A spec as nested tuples of its public fields (caches, ``_name``, left out)."""
    if dataclasses.is_dataclass(x):
        return tuple(public(getattr(x, f.name)) for f in dataclasses.fields(x) if not f.name.startswith("_"))
    if isinstance(x, (tuple, list)):
        return tuple(public(v) for v in x)
    return x


def same_spec(a, b) -> None:
    # numpy's assert_equal walks tuples and arrays (a dataclass's == cannot compare arrays).
    np.testing.assert_equal(public(a), public(b))


@pytest.fixture(scope="module")
def regional():
    return simoffice.simulate(simoffice.compose(*SHORT, "run.report=light"))


def test_a_saved_run_reopens_as_the_results_the_run_returned(regional, tmp_path):
    regional.save(tmp_path)
    back = Results.load(tmp_path)
    same_tables(regional, back)
    assert back.summary == jsonable(regional.summary)
    assert back.config == regional.config
    same_spec(back.spec, regional.spec)
    # Reopened, it saves (and draws its page) as the run did.
    back.save(tmp_path / "again")
    same_tables(regional, Results.load(tmp_path / "again"))
    assert (tmp_path / "again" / "report.html").read_text() == (tmp_path / "report.html").read_text()


def test_a_run_that_found_its_warm_up_reopens_with_the_warm_up_it_used(tmp_path):
    res = simoffice.simulate(simoffice.compose(*MMC, "run.weeks=4", "run.warmup_weeks=auto"))
    res.save(tmp_path)
    back = Results.load(tmp_path)
    assert back.config["run"]["warmup_weeks"] == "auto"
    same_spec(back.spec, res.spec)
    same_tables(res, back)


def test_empty_tables_keep_their_columns_types(tmp_path):
    """M/M/c has no bundles of several visits and no expert centre: an empty cases table
    still reads back with its categories."""
    res = simoffice.simulate(simoffice.compose(*MMC))
    assert res.cases.empty
    res.save(tmp_path)
    same_tables(res, simoffice.load(tmp_path))


def test_a_run_of_a_model_spec_reopens_without_its_spec(tmp_path):
    spec = simoffice.simulate(simoffice.compose(*MMC)).spec
    res = simoffice.simulate(spec)
    res.save(tmp_path)
    assert not (tmp_path / "config.yaml").exists()
    back = Results.load(tmp_path)
    assert back.spec is None and back.config is None
    same_tables(res, back)


def test_a_saved_comparison_reopens_with_its_verdicts(tmp_path):
    arms = {"five": simoffice.compose(*MMC, "network.servers=5"),
            "six": simoffice.compose(*MMC, "network.servers=6")}
    cmp = simoffice.compare(arms)
    cmp.save(tmp_path)
    back = simoffice.load(tmp_path)
    assert isinstance(back, simoffice.Comparison)
    assert list(back.arms) == ["five", "six"]
    pd.testing.assert_frame_equal(back.differences, cmp.differences)
    assert back.verdicts == cmp.verdicts
    assert back.descriptions == cmp.descriptions
    for name in arms:
        same_tables(cmp.arms[name], back.arms[name])
    assert isinstance(simoffice.load(tmp_path / "six"), Results)  # an arm is a run


def test_the_repr_is_one_short_line(regional):
    text = repr(regional)
    assert "\n" not in text and len(text) < 400
    assert text.startswith("<Results regional × ")
    assert "wait_mean_min=" in text and f"{len(regional.contacts):,} contacts" in text


def test_what_is_not_a_saved_run_is_one_line(tmp_path, regional):
    with pytest.raises(ConfigError, match="no summary.json"):
        Results.load(tmp_path)
    with pytest.raises(ConfigError, match="no such folder"):
        Results.load(tmp_path / "nowhere")
    cmp_dir = tmp_path / "cmp"
    cmp_dir.mkdir()
    (cmp_dir / "comparison.json").write_text(json.dumps({"arms": ["../../etc", "b"]}))
    with pytest.raises(ConfigError, match="Comparison.load"):
        Results.load(cmp_dir)
    with pytest.raises(ConfigError, match="arms"):  # an arm name that is a path stays text
        simoffice.load(cmp_dir)
    run_dir = tmp_path / "run"
    regional.save(run_dir)
    (run_dir / "hours.parquet").write_bytes(b"not parquet")
    with pytest.raises(ConfigError) as err:
        Results.load(run_dir)
    assert "\n" not in str(err.value)
