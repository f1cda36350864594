"""Shared helpers: compose the real configs and simulate them quietly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simoffice
from simoffice.measures.intervals import t_interval

from oracle import assert_covers  # noqa: F401  (the oracle tests' interval check, at the family-wise level)

# The tests run the engine in invariant mode: a broken invariant fails the test at once.
CHECKED = "run.check_invariants=true"


def simulate(*overrides: str) -> simoffice.Results:
    """Compose configs/config.yaml with ``overrides`` and simulate, in this process, quietly,
    checking the engine's invariants."""
    cfg = simoffice.compose("run.progress=false", "run.jobs=1", CHECKED, *overrides)
    return simoffice.simulate(cfg, progress=False)


def interval(values, level: float = 0.95) -> tuple[float, float]:
    """Student-t interval of per-replication values."""
    ci = t_interval(np.asarray(values, dtype=float), level)
    return ci["ci_low"], ci["ci_high"]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "oracle: compares the simulator with queueing theory at the family-wise level of "
        "tests/oracle.py, on seeds derived from SIMOFFICE_TEST_SEED (tests/test_oracle_seeds.py reruns them)")


def per_replication(res: simoffice.Results, measure: str, office: str = "all") -> pd.Series:
    """One value per replication of a summary measure."""
    r = res.replications
    sel = r[(r["measure"] == measure) & (r["office"] == office)]
    return sel.set_index("replication")["value"].sort_index()


@pytest.fixture
def run():
    return simulate


PERCENTILES = ("wait_p50_min", "wait_p90_min", "wait_p95_min")


def assert_same_measures(kept: simoffice.Results, folded: simoffice.Results) -> None:
    """The measures (replications and groups tables) of a run with run.keep_contacts=false
    equal those of the same run keeping every row: up to the order of floating-point
    sums, and percentiles of waits within half a histogram bin."""
    from simoffice.measures.tally import WAIT_BIN_MIN

    for table, index in (("replications", ["replication", "office", "measure"]),
                         ("groups", ["replication", "by", "group", "measure"])):
        exact = getattr(kept, table).set_index(index)["value"]
        agg = getattr(folded, table).set_index(index)["value"]
        exact, agg = exact.align(agg)
        assert exact.isna().equals(agg.isna()), table
        is_p = exact.index.get_level_values("measure").isin(PERCENTILES)
        rest = np.isclose(agg[~is_p].to_numpy(float), exact[~is_p].to_numpy(float), rtol=1e-9, atol=1e-9,
                          equal_nan=True)
        assert rest.all(), pd.DataFrame({"exact": exact[~is_p], "aggregated": agg[~is_p]})[~rest]
        gap = (agg[is_p] - exact[is_p]).abs().dropna()
        assert (gap <= WAIT_BIN_MIN / 2 + 1e-9).all(), pd.DataFrame({"exact": exact[is_p], "histogram": agg[is_p]})
