"""The simulator reproduces queueing theory (the oracles of docs/pages/validation.md).

Each statistical check runs several independent replications and asserts that the
confidence interval across replications contains the theoretical value, at the
suite's family-wise level (tests/oracle.py: at most a 1 % chance that any of the
suite's comparisons misses, whatever the seed); each scenario draws its clients from
its own seed. Nothing here pins a simulated number.
"""

from __future__ import annotations

import numpy as np
import pytest

from simoffice.measures import theory
from simoffice.measures.erlang_a import erlang_a
from simoffice.vocabulary import DAY

from conftest import per_replication, simulate
from oracle import assert_covers, scenario_seed, seed_override

pytestmark = pytest.mark.oracle

MMC_RUN = ("network=mmc", "run.weeks=3", "run.warmup_weeks=1", "run.drain_weeks=0",
           "run.replications=10", "network.servers=5", "network.service_mean_min=10")


def in_window_tickets(res):
    c = res.contacts
    return c[c["in_window"] & (c["outcome"] != "closed")]


@pytest.fixture(scope="module", params=[0.7, 0.9], ids=["rho=0.7", "rho=0.9"])
def erlang_c_run(request):
    rho = request.param
    lam_h = rho * 5 * 60 / 10  # servers × 60 / service_mean_min
    return rho, lam_h / 60, simulate(*MMC_RUN, f"network.arrivals_per_hour={lam_h}",
                                     seed_override(f"M/M/5 rho={rho}"))


def test_erlang_c_probability_of_waiting(erlang_c_run):
    """M/M/5: the share of clients who wait matches Erlang C at ρ = 0.7 and ρ = 0.9."""
    rho, lam, res = erlang_c_run
    t = in_window_tickets(res)
    p_wait = t.groupby("replication", observed=True)["wait_min"].apply(lambda w: float((w > 0).mean()))
    assert_covers(p_wait, theory.erlang_c(5, lam, 0.1), f"P(wait > 0) at rho={rho}")


def test_erlang_c_mean_wait(erlang_c_run):
    """M/M/5: the mean wait matches C / (cμ − λ)."""
    rho, lam, res = erlang_c_run
    assert_covers(per_replication(res, "wait_mean_min"), theory.erlang_c_wait_mean(5, lam, 0.1),
                  f"E[Wq] at rho={rho}")


def test_utilisation_is_offered_load_per_desk(erlang_c_run):
    """Utilisation = λE[S]/c."""
    rho, lam, res = erlang_c_run
    assert_covers(per_replication(res, "utilisation"), rho, "utilisation")


def test_littles_law_in_the_queue(erlang_c_run):
    """L = λW on each replication's sample path: the time-average queue length L over the
    window of length T is λ̂·W̄ (arrivals in the window per minute × their mean time in the
    queue), plus the queue time inside the window of those who came before it, less the
    queue time after it of those who came in it — exactly, whatever the seed."""
    rho, lam, res = erlang_c_run
    c = res.contacts[res.contacts["outcome"] != "closed"]
    w0 = res.timeseries["bin_start_min"].min()
    window_min = (3 - 1) * 7 * DAY
    w1 = w0 + window_min
    for r, g in c.groupby("replication", observed=True):
        arrive = g["arrival_min"].to_numpy()
        leave_queue = arrive + g["wait_min"].to_numpy()
        inside = (arrive >= w0) & (arrive < w1)
        assert (inside == g["in_window"].to_numpy()).all()
        came_before = np.clip(np.minimum(leave_queue, w1) - w0, 0, None)[arrive < w0].sum()
        still_after = np.clip(leave_queue - w1, 0, None)[inside].sum()
        lam_hat, w_bar = inside.sum() / window_min, g["wait_min"].to_numpy()[inside].mean()
        L = per_replication(res, "queue_length_mean")[r]
        assert L == pytest.approx(lam_hat * w_bar + (came_before - still_after) / window_min, rel=1e-9)


@pytest.fixture(scope="module")
def erlang_a_run():
    # 5 desks, mean service 10 min, 30 arrivals an hour (offered load 5: ρ = 1),
    # exponential patience with mean 20 min (θ = 0.05 per minute).
    return simulate(*MMC_RUN, "network.arrivals_per_hour=30", "network.patience_mean_min=20",
                    seed_override("M/M/5+M"))


def test_erlang_a_waiting_and_abandonment(erlang_a_run):
    """M/M/5+M: P(wait > 0) and the abandonment share match the exact birth–death solution."""
    res = erlang_a_run
    exact = erlang_a(5, 0.5, 0.1, 0.05)
    t = in_window_tickets(res)
    by_rep = t.groupby("replication", observed=True)
    assert_covers(by_rep["wait_min"].apply(lambda w: float((w > 0).mean())), exact.p_wait, "P(wait > 0)")
    assert_covers(per_replication(res, "abandonment_rate"), exact.abandon_prob, "P(abandon)")
    assert_covers(by_rep["wait_min"].mean(), exact.wait_mean, "E[Wq] over all arrivals")


def test_erlang_a_abandonment_equals_theta_times_wait(erlang_a_run):
    """P(abandon) = θ·E[Wq] holds in the simulation, replication by replication, within noise."""
    t = in_window_tickets(erlang_a_run)
    by_rep = t.groupby("replication", observed=True)
    abandon = by_rep["outcome"].apply(lambda o: float((o == "reneged").mean()))
    theta_wait = 0.05 * by_rep["wait_min"].mean()
    assert_covers(abandon - theta_wait, 0.0, "P(abandon) − θ·E[Wq]")


def test_more_staff_never_raises_the_mean_wait():
    """Adding a desk lowers the mean wait, beyond noise (same clients: common random numbers)."""
    seed = seed_override("M/M/c with 5, 6, 7 desks")
    waits = {c: per_replication(simulate(*MMC_RUN, "network.arrivals_per_hour=27", f"network.servers={c}", seed),
                                "wait_mean_min") for c in (5, 6, 7)}
    for fewer, more in ((5, 6), (6, 7)):
        diff = waits[fewer] - waits[more]
        assert (diff >= 0).all(), f"{more} desks waited longer than {fewer} in some replication"
        assert diff.mean() > 0


def bundle_network(design: str, k: int, r: float) -> dict:
    """One office, one bundle of ``k`` needs each settled at a visit with probability ``r``;
    nobody reneges, everybody comes back, no visit limit in practice."""
    from omegaconf import OmegaConf

    import simoffice

    cfg = OmegaConf.to_container(simoffice.compose(
        "network=single_office", f"design={design}", "run.weeks=6", "run.warmup_weeks=1",
        "run.drain_weeks=4", "run.replications=10", "run.jobs=1", "run.progress=false",
        "run.check_invariants=true", seed_override(f"bundle visits {design}")), resolve=True)
    net = cfg["network"]
    services = list(net["services"])[:k]
    for svc in net["services"].values():
        svc["missing_document_prob"] = 1 - r
    net["bundles"] = {"life_event": {"needs": services, "share": 1.0, "segment_mix": None}}
    for seg in net["segments"].values():
        seg.update(patience=None, informed_share=1.0, return_prob=1.0)
    net["max_visits"] = 60
    net["offices"][0]["bundles_per_week"] = 120
    return cfg


@pytest.mark.parametrize("design", ["one_stop", "co_located"])
def test_bundle_visits_when_every_need_is_handled_each_visit(design):
    """All needs handled at each visit: E[visits] = Σ_j C(k,j)(−1)^{j+1} / (1 − (1−r)^j)."""
    import simoffice

    res = simoffice.simulate(bundle_network(design, 3, 0.7), progress=False)
    assert_covers(per_replication(res, "visits_per_bundle_mean"), theory.bundle_visits_all_needs(3, 0.7),
                  f"visits per bundle ({design})")
    assert_covers(per_replication(res, "one_visit_resolution"), 0.7**3, f"one-visit resolution ({design})")


def test_bundle_visits_when_one_need_is_handled_per_visit():
    """Siloed, one need per visit: E[visits] = k / r."""
    import simoffice

    res = simoffice.simulate(bundle_network("siloed", 3, 0.7), progress=False)
    assert_covers(per_replication(res, "visits_per_bundle_mean"), theory.bundle_visits_one_need(3, 0.7),
                  "visits per bundle (siloed)")


@pytest.fixture(scope="module")
def long_mmc_run():
    # 50 replications of 3 measured weeks: about 7 million clients.
    return simulate("network=mmc", "network.servers=5", "network.service_mean_min=1",
                    "network.arrivals_per_hour=270", "run.weeks=4", "run.warmup_weeks=1",
                    "run.drain_weeks=0", "run.replications=50", "run.jobs=2", seed_override("long M/M/5 rho=0.9"))


@pytest.mark.slow
def test_erlang_c_mean_wait_and_wait_tail_on_a_long_run(long_mmc_run):
    """M/M/5 at ρ = 0.9 on a long run: E[Wq] = C/(cμ−λ) and P(Wq > t) = C·e^{−(cμ−λ)t}."""
    by_rep = in_window_tickets(long_mmc_run).groupby("replication", observed=True)["wait_min"]
    assert_covers(by_rep.mean(), theory.erlang_c_wait_mean(5, 4.5, 1.0), "E[Wq]")
    for t in (2.0, 5.0):
        assert_covers(by_rep.apply(lambda w: float((w > t).mean())), theory.erlang_c_wait_tail(5, 4.5, 1.0, t),
                      f"P(Wq > {t})")


def sinusoidal_network(bins: np.ndarray, per_week: float, mean_service: float, desks: int) -> dict:
    """One office open 24/7 with ``desks`` desks (enough to be an infinite-server station) and a
    daily arrival profile of 15-minute bins with relative rates ``bins``."""
    always = "00:00-24:00"
    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    return {
        "network": {
            "kind": "explicit", "name": "sinusoid", "max_visits": 1, "return_after_days": 1,
            "arrival_profile": {"bin_min": 15, "start": "00:00", "time_of_day": bins.tolist(),
                                "weekdays": {d: 1.0 for d in days}, "by_weekday": None},
            "segments": {"everyone": {"share": 1.0, "patience": None, "priority": 0, "return_prob": 0.0,
                                      "informed_share": 1.0}},
            "services": {"visit": {"skill": "any", "missing_document_prob": 0.0,
                                   "service_time": {"dist": "exponential", "mean": mean_service}}},
            "bundles": {"one_need": {"needs": ["visit"], "share": 1.0, "segment_mix": None}},
            "offices": [{"name": "station", "bundles_per_week": per_week, "opening_hours": None,
                         "desk_groups": [{"name": "desks", "skills": ["any"], "staff": {"always": desks}}]}],
        },
        "schedule": {"name": "always", "opening_hours": {d: always for d in days},
                     "shifts": {"always": {"start": "00:00", "end": "24:00", "days": days}},
                     "holidays": [], "closing_policy": "serve_waiting"},
        "design": {"name": "one_stop", "needs_per_ticket": "all", "other_needs": "same_visit",
                   "cross_trained": True},
        "run": {"weeks": 3, "warmup_weeks": 1, "drain_weeks": 0, "replications": 8,
                "seed": scenario_seed("M_t/M/infinity sinusoid"), "jobs": 1,
                "service_level_target_min": 15.0, "start_date": "2026-01-12", "progress": False,
                "check_invariants": True},
    }


def peak_time(curve, centres: np.ndarray) -> float:
    """Time of day (minutes) at which the first daily harmonic of ``curve`` (values at the
    times ``centres`` of one day's bins) peaks."""
    gamma = 2 * np.pi / DAY
    y = np.asarray(curve, dtype=float)
    angle = np.arctan2((y * np.sin(gamma * centres)).sum(), (y * np.cos(gamma * centres)).sum())
    return float(angle / gamma % DAY)


def lag(later: float, earlier: float) -> float:
    """``later`` − ``earlier`` on the daily clock, in (−720, 720] minutes."""
    return float(-((earlier - later + DAY / 2) % DAY - DAY / 2))


def test_time_varying_arrivals_infinite_server_mean_number_present():
    """M_t/M/∞ with λ(t) = λ̄ + b·sin(γt): the mean number in service follows
    m′ = λ(t) − μm, whose peak lags the arrival peak by arctan(γ/μ)/γ (≈ 30 min here);
    the simulated lag of the peak, measured replication by replication, is the theory's."""
    import simoffice

    lam_bar, b, mu = 1.0, 0.6, 1 / 30  # per minute
    centres = (np.arange(96) + 0.5) * 15
    rate = lam_bar + b * np.sin(2 * np.pi * centres / 1440)  # the profile, per 15-minute bin
    res = simoffice.simulate(sinusoidal_network(rate, lam_bar * 10080, 1 / mu, desks=120), progress=False)
    # Exact periodic solution for the binned rate: m(t + dt) = m e^{−μ dt} + λ/μ (1 − e^{−μ dt}).
    dt, decay = 0.25, np.exp(-mu * 0.25)
    m, per_bin = lam_bar / mu, np.zeros(96)
    for _ in range(4):  # four days settle to the periodic state; keep the last one
        for k in range(96):
            total = 0.0
            for _ in range(int(15 / dt)):
                m = m * decay + rate[k] / mu * (1 - decay)
                total += m
            per_bin[k] = total / (15 / dt)
    ts = res.timeseries[res.timeseries["desk_group"] == "all"]
    ts = ts.assign(bin=((ts["bin_start_min"] % 1440) // 15).astype(int))
    by_rep = ts.groupby(["replication", "bin"])["busy_mean"].mean().unstack()
    assert (ts["queue_mean"] == 0).all(), "the station must have a desk free for everyone"

    arrival_peak = peak_time(rate, centres)
    assert arrival_peak == pytest.approx(360.0, abs=1e-6)  # sin peaks at 06:00
    gamma = 2 * np.pi / DAY
    theory_lag = lag(peak_time(per_bin, centres), arrival_peak)
    assert theory_lag == pytest.approx(np.arctan(gamma / mu) / gamma, abs=0.5)  # the binned solution's lag
    simulated_lag = [lag(peak_time(by_rep.loc[r], centres), arrival_peak) for r in by_rep.index]
    assert_covers(simulated_lag, theory_lag, "lag of the peak of m(t) behind the arrival peak (min)")
    assert min(simulated_lag) > 0, f"the number present peaks before the arrivals do: {simulated_lag}"
    for k in (12, 24, 36, 48, 60, 72, 84):  # every three hours
        assert_covers(by_rep[k], per_bin[k], f"m(t) in bin {k}")
