"""Shared helpers: compose the real configs and simulate them quietly."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import simoffice
from simoffice.stats import t_interval


def simulate(*overrides: str) -> simoffice.Results:
    """Compose configs/config.yaml with ``overrides`` and simulate, in this process, quietly."""
    cfg = simoffice.compose("run.progress=false", "run.jobs=1", *overrides)
    return simoffice.simulate(cfg, progress=False)


def interval(values, level: float = 0.95) -> tuple[float, float]:
    """Student-t interval of per-replication values."""
    ci = t_interval(np.asarray(values, dtype=float), level)
    return ci["ci_low"], ci["ci_high"]


def assert_covers(values, theory: float, what: str, level: float = 0.95) -> None:
    """The confidence interval of ``values`` (one per replication) contains ``theory``."""
    lo, hi = interval(values, level)
    assert lo <= theory <= hi, (
        f"{what}: theory {theory:.4f} outside the {level:.1%} interval [{lo:.4f}, {hi:.4f}]")


def per_replication(res: simoffice.Results, measure: str, office: str = "all") -> pd.Series:
    """One value per replication of a summary measure."""
    r = res.replications
    sel = r[(r["measure"] == measure) & (r["office"] == office)]
    return sel.set_index("replication")["value"].sort_index()


@pytest.fixture
def run():
    return simulate
