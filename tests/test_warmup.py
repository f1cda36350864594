"""``run.warmup_weeks=auto``: a pilot run, MSER on each unit's weekly figures, the
warm-up used (simoffice.measures.warmup, simoffice.run.warmup).

The known transient: an expert centre of 50 experts at utilisation 0.9, each case
a week of work, starting empty. It is an M/M/50 queue of its own (the office in
front is light and open around the clock), and the mean backlog week by week
follows from the Kolmogorov equations; the warm-up found must be of the order of
the weeks it takes to come within 10 % of its steady level.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from scipy import linalg, stats
from test_cli import SCRIPT, simoffice_cli

import simoffice
from simoffice.config.build import build_spec
from simoffice.errors import ConfigError
from simoffice.measures.warmup import ALPHA, mser, mser_statistic, truncation
from simoffice.reports.report import build_report_html
from simoffice.run.warmup import common_warmup, resolve_warmup, warmup_line, warmup_warnings
from simoffice.vocabulary import WEEK

import networks as N

EXPERTS = 50
EXPERT_MEAN = float(WEEK)  # a case takes a week of an expert's (around the clock) time
RHO = 0.9
PER_WEEK = RHO * EXPERTS / (EXPERT_MEAN / WEEK) / 0.5  # bundles a week; half are escalated
PILOT_WEEKS = 12


# --- MSER on series whose transient is known ------------------------------------------------

def test_mser_of_a_flat_or_constant_series_is_zero():
    assert mser(np.full(20, 3.0)) == 0
    assert mser(np.zeros(12)) == 0
    assert mser([5.0, 5.0, 5.0]) == 0  # too short to tell
    assert mser([np.nan] * 10) == 0


def test_mser_drops_the_weeks_an_exponential_transient_keeps_above_the_noise():
    """x_t = 10 (1 − e^(−t/3)) + noise of sd 0.3: the first 6 weeks lie more than 4 sd
    below the steady level, so MSER drops at least them, and never more than half."""
    t = np.arange(40) + 0.5
    x = 10 * (1 - np.exp(-t / 3.0)) + 0.3 * np.random.default_rng().normal(size=40)
    assert 6 <= mser(x) <= 20


def test_mser_leaves_weeks_without_a_figure_out():
    """A week with no contact (NaN) is neither zero nor a reason to truncate."""
    x = np.array([1.0, 4.0, 5.0, np.nan, 5.0, 5.0, np.nan, 5.0, 5.0, 5.0])
    assert mser(x) == 2  # the two first weeks, below the 5s that follow
    stat = mser_statistic(x)
    assert len(stat) == 6 and np.isfinite(stat).all()


def noise_table(rng, replications=5, weeks=8, units=("a", "b", "c")) -> pd.DataFrame:
    rows = [(r, u, w, m, float(v)) for u in units for m in ("wait_mean_min", "queue_length_mean")
            for r in range(replications) for w, v in enumerate(rng.normal(10.0, 1.0, size=weeks))]
    return pd.DataFrame(rows, columns=["replication", "office", "week", "measure", "value"])


def test_a_network_without_transient_gets_a_warm_up_at_most_at_the_tests_level():
    """MSER alone truncates about half of all stationary series; with the check across
    replications, at most ALPHA of networks (six series each) get a warm-up above 0."""
    rng = np.random.default_rng()
    n = 150
    above = sum(truncation(noise_table(rng)).weeks > 0 for _ in range(n))
    assert above <= stats.binom.ppf(0.999, n, ALPHA), f"{above} of {n} networks"


def test_a_transient_in_every_replication_is_kept_and_named():
    rng = np.random.default_rng()
    table = noise_table(rng, weeks=12)
    rising = (table["office"] == "b") & (table["measure"] == "queue_length_mean")
    table.loc[rising, "value"] -= 8.0 * np.exp(-(table.loc[rising, "week"] + 0.5) / 1.5)
    found = truncation(table)
    assert found.set_by == ("b", "queue_length_mean")
    assert 2 <= found.weeks <= 6
    assert len(found.series["b"]["queue_length_mean"]) == 12


# --- the known transient: an expert centre starting empty under high load ------------------

def mean_backlog_by_week(lam: float, mu: float, c: int, weeks: int, top: int = 300) -> tuple[np.ndarray, float]:
    """The M/M/c queue's mean number in system, averaged over each week, starting empty
    (the Kolmogorov forward equations on 0 … ``top``, by the matrix exponential), and
    its steady mean."""
    q = np.zeros((top + 1, top + 1))
    for n in range(top + 1):
        if n < top:
            q[n, n + 1] = lam
        if n > 0:
            q[n, n - 1] = min(n, c) * mu
        q[n, n] = -q[n].sum()
    steps = 28
    step = linalg.expm(q * WEEK / steps)
    p, k = np.eye(top + 1)[0], np.arange(top + 1)
    out = []
    for _ in range(weeks):
        total = 0.0
        for _ in range(steps):
            nxt = p @ step
            total += (p @ k + nxt @ k) / 2
            p = nxt
        out.append(total / steps)
    # steady state: birth–death balance
    w = np.ones(top + 1)
    for n in range(1, top + 1):
        w[n] = w[n - 1] * lam / (min(n, c) * mu)
    return np.array(out), float((w / w.sum()) @ k)


def escalating(weeks: int = PILOT_WEEKS, replications: int = 2, warmup="auto") -> dict:
    """A light office (M/M/2 around the clock) that escalates half of its clients to an
    expert centre of EXPERTS experts at utilisation RHO."""
    cfg = N.network(PER_WEEK, 10.0, 2, weeks=weeks, warmup_weeks=0, drain_weeks=1, replications=replications)
    cfg["run"].update(warmup_weeks=warmup, check_invariants=False)
    cfg["network"]["services"]["need"].update(escalation_prob=0.5, expert_time=N.exponential(EXPERT_MEAN))
    cfg["network"]["expert_centre"] = N.expert_centre(EXPERTS)
    return cfg


@pytest.fixture(scope="module")
def expert_run():
    return N.simulate(escalating())


def test_the_theory_of_the_transient_is_a_few_weeks():
    lam, mu = RHO * EXPERTS / EXPERT_MEAN, 1 / EXPERT_MEAN
    weekly, steady = mean_backlog_by_week(lam, mu, EXPERTS, 20)
    settled = int(np.argmax(np.abs(weekly - steady) <= 0.1 * steady))
    assert settled == 3, (np.round(weekly, 1), steady)


def test_the_warm_up_found_for_an_expert_centre_starting_empty_is_of_the_transients_order(expert_run):
    """The theory says the mean backlog comes within 10 % of its steady level after 3
    weeks; the pilot's MSER warm-up is within a factor 2 of it, and set by the backlog."""
    info = expert_run.summary["meta"]["warmup"]
    assert 2 <= info["found"] <= 6, info["by_unit"]
    assert info["set_by"] == {"unit": "expert centre", "measure": "expert_backlog"}
    assert info["pilot"] == {"replications": 5, "weeks": PILOT_WEEKS}
    assert expert_run.summary["meta"]["warmup_weeks"] == info["weeks"] == info["found"]
    assert expert_run.spec.run.warmup_weeks == info["weeks"] and not expert_run.spec.run.warmup_auto
    backlog = info["series"]["expert centre"]["expert_backlog"]
    assert len(backlog) == PILOT_WEEKS and backlog[0] < 0.6 * backlog[-1]


def test_the_run_with_auto_has_the_tables_of_the_run_given_the_warm_up_found(expert_run):
    found = expert_run.summary["meta"]["warmup_weeks"]
    given = N.simulate(escalating(warmup=found))
    for table in ("contacts", "bundles", "cases", "timeseries", "replications", "groups", "standards", "hours",
                  "weekly"):
        pd.testing.assert_frame_equal(getattr(expert_run, table), getattr(given, table), obj=table)
    assert "warmup" not in given.summary["meta"]
    assert expert_run.summary["measures"] == given.summary["measures"]


def test_an_office_whose_queue_empties_every_evening_needs_little_or_no_warm_up():
    res = simoffice.simulate(simoffice.compose("network=single_office", "run.warmup_weeks=auto", "run.weeks=8",
                                               "run.replications=2", "run.jobs=1", "run.keep_contacts=false",
                                               "run.progress=false"), progress=False)
    info = res.summary["meta"]["warmup"]
    assert info["weeks"] <= 1, info["by_unit"]
    assert not [w for w in res.summary["warnings"] if w["kind"] == "warmup"]


def test_the_report_draws_the_pilot_only_when_the_warm_up_was_found(expert_run):
    html = build_report_html(expert_run)
    assert 'id="fig-warmup"' in html and "Warm-up: the pilot" in html
    plain = copy.copy(expert_run)
    plain.summary = {**expert_run.summary, "meta": {k: v for k, v in expert_run.summary["meta"].items()
                                                     if k != "warmup"}}
    assert 'id="fig-warmup"' not in build_report_html(plain)


# --- config, warnings and the line on the terminal --------------------------------------------

@pytest.mark.parametrize("value", ["sometimes", -1, 2.5, True, "3"])
def test_a_warm_up_neither_weeks_nor_auto_is_one_line_error(value):
    cfg = N.network(weeks=4)
    cfg["run"]["warmup_weeks"] = value
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    message = str(info.value)
    assert message.startswith("run.warmup_weeks: expected an integer >= 0 or 'auto'") and "\n" not in message


def test_auto_builds_a_spec_that_the_pilot_resolves_and_a_number_does_not_run_a_pilot():
    spec = build_spec(N.network(per_week=50, weeks=4, warmup_weeks=2))
    assert resolve_warmup(spec) == (spec, None)
    auto = N.network(per_week=50, weeks=4)
    auto["run"]["warmup_weeks"] = "auto"
    spec = build_spec(auto)
    assert spec.run.warmup_auto and spec.run.warmup_weeks == 0
    resolved, info = resolve_warmup(spec, progress=False)
    assert not resolved.run.warmup_auto and resolved.run.warmup_weeks == info["weeks"] <= 3
    assert info["pilot"]["weeks"] == 8  # a 4-week run: the pilot is longer, for MSER's half


def info_found(found: int, used: int, at_limit=()) -> dict:
    return {"method": "MSER", "weeks": used, "found": found, "pilot": {"replications": 5, "weeks": 12},
            "set_by": {"unit": "expert centre", "measure": "expert_backlog"}, "at_limit": list(at_limit),
            "by_unit": {}, "series": {}}


def test_a_warm_up_of_half_the_run_or_more_is_warned_of_with_the_length_to_run():
    assert warmup_warnings(info_found(3, 3), 8) == []
    (w,) = warmup_warnings(info_found(5, 5), 8)
    assert w["kind"] == "warmup" and "run.weeks=10" in w["text"] and "leaves 3 of the run's 8 weeks" in w["text"]
    (w,) = warmup_warnings(info_found(6, 3), 4)
    assert "(the run used 3)" in w["text"] and "run.weeks=12" in w["text"]
    limit = warmup_warnings(info_found(6, 6, [{"unit": "expert centre", "measure": "expert_backlog"}]), 20)
    assert [w["unit"] for w in limit] == ["expert centre"] and "still settling" in limit[0]["text"]


def test_the_line_says_the_warm_up_the_method_the_pilot_and_what_set_it():
    assert warmup_line(info_found(3, 3)) == ("warm-up: 3 weeks (MSER on a 5-replication pilot of 12 weeks; "
                                             "set by the expert centre's backlog)")
    none = {**info_found(0, 0), "set_by": None}
    assert warmup_line(none).startswith("warm-up: 0 weeks (") and "no unit has a transient" in warmup_line(none)


def test_the_arms_of_a_comparison_use_the_largest_warm_up_found():
    a, b = build_spec(N.network(weeks=8, warmup_weeks=1)), build_spec(N.network(weeks=8, warmup_weeks=3))
    prepared = {"a": (a, {"warmup_weeks": 1, "warmup": info_found(1, 1)}),
                "b": (b, {"warmup_weeks": 3, "warmup": info_found(3, 3)})}
    out = common_warmup(prepared)
    assert [s.run.warmup_weeks for s, _ in out.values()] == [3, 3]
    assert out["a"][1]["warmup"]["arm"] == 1 and out["a"][1]["warmup_weeks"] == 3
    assert out["b"] == prepared["b"]
    assert "the largest of the arms'; this arm's pilot found 1" in warmup_line(out["a"][1]["warmup"])


def test_the_command_prints_the_warm_up_on_one_line_of_stderr(tmp_path):
    assert SCRIPT.exists()
    result = simoffice_cli(tmp_path, tmp_path / "run", "network=mmc", "run.weeks=3", "run.warmup_weeks=auto",
                           "run.drain_weeks=0", "run.replications=2", "run.jobs=1", "network.arrivals_per_hour=6",
                           "network.service_mean_min=20", "run.progress=false", "run.report=none")
    assert result.returncode == 0, result.stderr
    lines = [x for x in result.stderr.splitlines() if "warm-up" in x]
    assert len(lines) == 1 and lines[0].startswith("simoffice: warm-up: ") and "MSER on a 5-replication pilot " \
        "of 8 weeks" in lines[0], result.stderr
    quiet = simoffice_cli(tmp_path, tmp_path / "quiet", "network=mmc", "run.weeks=3", "run.warmup_weeks=auto",
                          "run.drain_weeks=0", "run.replications=2", "run.jobs=1", "network.arrivals_per_hour=6",
                          "network.service_mean_min=20", "run.report=none", "run.quiet=true")
    assert quiet.returncode == 0 and "warm-up" not in quiet.stderr, quiet.stderr
