"""The oracle suite's statistics: one family-wise error level and one seed per scenario.

The oracle tests (marked ``oracle``) compare simulated measures with queueing theory
through confidence intervals across replications. There are ``M_ASSERTIONS`` such
comparisons in the whole suite (slow ones included), so each is made at the level
``LEVEL = 1 − ALPHA / M_ASSERTIONS`` (Bonferroni): at any seed, the chance that one
or more of them misses a true value is at most ``ALPHA`` (1 %). The price is width: with n
replications the Student-t factor is 5.9 (n = 10) or 6.9 (n = 8) instead of 2.3–2.4
at 95 %, and 21 at n = 4, so oracle scenarios run at least 8 replications.

Each scenario (a named simulated set-up) draws its clients from its own seed,
derived from the base seed and the scenario's name (:func:`scenario_seed`), so no
two scenarios share one. The base seed is the project's, 2026, unless the
environment variable ``SIMOFFICE_TEST_SEED`` names another:
``SIMOFFICE_TEST_SEED=7 pytest -m oracle`` reruns the oracle tests on fresh clients.
``tests/test_oracle_seeds.py`` (slow) does so at many base seeds and checks that the
misses are no more than the error level allows.

With ``SIMOFFICE_ORACLE_LOG`` naming a file, every comparison appends one JSON line
to it (test, what, theory, interval, covered) before it asserts.
"""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np

from simoffice.measures.intervals import t_interval

PROJECT_SEED = 2026
BASE_SEED = int(os.environ.get("SIMOFFICE_TEST_SEED", PROJECT_SEED))

# Interval comparisons in the suite (assert_covers calls as run, each parametrisation
# counted): test_validation 23 (+3 slow), test_expert 5, test_journey 7,
# test_standards 2, test_calendar 2, test_theory 2.
M_ASSERTIONS = 44
ALPHA = 0.01
LEVEL = 1 - ALPHA / M_ASSERTIONS

# Every simulated scenario of the oracle suite; arms of one comparison (common random
# numbers) share their scenario's seed.
SCENARIOS = (
    "M/M/5 rho=0.7",
    "M/M/5 rho=0.9",
    "M/M/5+M",
    "M/M/c with 5, 6, 7 desks",
    "bundle visits one_stop",
    "bundle visits co_located",
    "bundle visits siloed",
    "M_t/M/infinity sinusoid",
    "long M/M/5 rho=0.9",
    "expert centre (Jackson)",
    "phone M/M/2+M",
    "phone 20 s and 120 s targets",
    "standards on M/M/2",
    "no-shows",
    "max of geometrics k=3 r=0.4",
    "max of geometrics k=5 r=0.7",
)


def scenario_seed(name: str, base: int | None = None) -> int:
    """The seed of scenario ``name`` (one of SCENARIOS) at base seed ``base`` (default
    BASE_SEED): a stable hash of both, in [0, 2³²). Raises KeyError for an unlisted name."""
    if name not in SCENARIOS:
        raise KeyError(f"{name!r} is not an oracle scenario; list it in tests/oracle.py SCENARIOS")
    digest = hashlib.blake2b(f"{BASE_SEED if base is None else base}/{name}".encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big")


def seed_override(name: str) -> str:
    """The ``run.seed=…`` override of scenario ``name``."""
    return f"run.seed={scenario_seed(name)}"


def with_seed(cfg: dict, name: str) -> dict:
    """``cfg`` (a plain config dict) set to draw from scenario ``name``'s seed; returned."""
    cfg["run"]["seed"] = scenario_seed(name)
    return cfg


def _log(record: dict) -> None:
    path = os.environ.get("SIMOFFICE_ORACLE_LOG")
    if path:
        record["test"] = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" (", 1)[0]
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")


def assert_covers(values, theory: float, what: str, level: float = LEVEL) -> None:
    """The Student-t interval (at ``level``, by default the suite's family-wise LEVEL) of
    ``values`` — one per independent replication — contains ``theory``; AssertionError if not."""
    ci = t_interval(np.asarray(values, dtype=float), level)
    lo, hi = ci["ci_low"], ci["ci_high"]
    covered = lo is not None and lo <= theory <= hi
    _log({"what": what, "theory": theory, "ci_low": lo, "ci_high": hi, "level": level, "n": ci["n"],
          "base_seed": BASE_SEED, "covered": bool(covered)})
    assert covered, f"{what}: theory {theory:.4f} outside the {level:.3%} interval [{lo}, {hi}]"
