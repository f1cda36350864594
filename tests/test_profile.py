"""Specifications of simoffice.model.profile.ArrivalProfile: Poisson sampling and in-day quantiles."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from simoffice.config.catalogue import profile as build_profile
from simoffice.config.network_schema import ProfileConfig
from simoffice.config.strict import section
from simoffice.model.profile import ArrivalProfile
from simoffice.vocabulary import DAY, WEEK

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
CONFIDENCE = 0.9999  # per-count Poisson interval; fixed seeds make each check deterministic


def from_config(cfg: dict) -> ArrivalProfile:
    """The profile a network's ``arrival_profile`` block describes."""
    return build_profile(section(cfg, ProfileConfig, "network.arrival_profile"))


def poisson_interval(mean: float) -> tuple[float, float]:
    """Central 99.99 % interval of a Poisson count with this mean."""
    return stats.poisson.interval(CONFIDENCE, mean)


# ---------------------------------------------------------------- sample


def two_bin_profile() -> ArrivalProfile:
    """Two 12-hour bins a day: Mon-Fri weights 1 (night) and 3 (day), Saturday 0 and 1, Sunday closed."""
    w = np.zeros((7, 2))
    w[MON:FRI + 1] = [1.0, 3.0]
    w[SAT] = [0.0, 1.0]
    return ArrivalProfile(720, w / w.sum())


PER_WEEK = 2100.0
WEEKS = 8
START_WEEKDAY = THU
T0 = 3 * DAY  # a later day than 0: weekdays follow the absolute day index
T1 = T0 + WEEKS * WEEK


@pytest.fixture(scope="module")
def eight_weeks() -> np.ndarray:
    """Eight weeks of arrivals from the two-bin profile, day 0 a Thursday."""
    return two_bin_profile().sample(np.random.default_rng(42), PER_WEEK, START_WEEKDAY, T0, T1)


def counts_by_weekday_and_bin(times: np.ndarray, bin_min: int, start_weekday: int) -> np.ndarray:
    """Arrival counts in a (7, bins per day) array, Monday first."""
    day = (times // DAY).astype(int)
    k = ((times - day * DAY) // bin_min).astype(int)
    out = np.zeros((7, DAY // bin_min), int)
    np.add.at(out, ((start_weekday + day) % 7, k), 1)
    return out


def test_sample_total_matches_per_week_times_weeks(eight_weeks):
    """The number of arrivals in 8 weeks is within the Poisson interval around per_week × 8."""
    lo, hi = poisson_interval(PER_WEEK * WEEKS)
    assert lo <= len(eight_weeks) <= hi, len(eight_weeks)


def test_sample_counts_per_bin_match_the_weights(eight_weeks):
    """Each weekday × bin count is within the Poisson interval around per_week × weeks × weight."""
    profile = two_bin_profile()
    counts = counts_by_weekday_and_bin(eight_weeks, 720, START_WEEKDAY)
    expected = PER_WEEK * WEEKS * profile.weights
    for wd in range(7):
        for k in range(2):
            if expected[wd, k] > 0:
                lo, hi = poisson_interval(expected[wd, k])
                assert lo <= counts[wd, k] <= hi, (wd, k, counts[wd, k], expected[wd, k])


def test_no_arrivals_in_zero_weight_bins_or_weekdays(eight_weeks):
    """Saturday's zero-weight night bin and the whole of Sunday get no arrivals."""
    counts = counts_by_weekday_and_bin(eight_weeks, 720, START_WEEKDAY)
    assert counts[SAT, 0] == 0
    assert counts[SUN].sum() == 0
    assert (counts[two_bin_profile().weights > 0] > 0).all()


def test_sample_is_sorted_and_within_t0_t1(eight_weeks):
    """Arrival times are sorted and lie in [t0, t1)."""
    assert np.all(np.diff(eight_weeks) >= 0)
    assert eight_weeks.min() >= T0
    assert eight_weeks.max() < T1


def test_arrivals_fall_uniformly_within_their_bin(eight_weeks):
    """The position of an arrival inside its 12-hour bin is uniform (KS test, p > 0.0001)."""
    offset = (eight_weeks % DAY) % 720 / 720
    assert stats.kstest(offset, "uniform").pvalue > 1e-4


def test_sample_over_an_empty_horizon_is_empty():
    """With t0 == t1 there are no arrivals."""
    times = two_bin_profile().sample(np.random.default_rng(0), PER_WEEK, MON, 7 * DAY, 7 * DAY)
    assert times.shape == (0,)


def test_sample_is_reproducible_from_the_generator():
    """The same seed gives the same arrival times."""
    p = two_bin_profile()
    a = p.sample(np.random.default_rng(7), 500, MON, 0, WEEK)
    b = p.sample(np.random.default_rng(7), 500, MON, 0, WEEK)
    assert np.array_equal(a, b)


def test_one_minute_bins_from_config():
    """A bin_min = 1 profile (Tuesdays 10:00-11:00 only) puts every arrival in that hour, spread over it."""
    profile = from_config({"bin_min": 1, "start": "10:00", "time_of_day": [1] * 60, "weekdays": {"tue": 1}})
    assert profile.bin_min == 1
    assert profile.weights.shape == (7, 1440)
    assert profile.weights.sum() == pytest.approx(1.0)
    times = profile.sample(np.random.default_rng(3), 300.0, MON, 0, 4 * WEEK)
    day = (times // DAY).astype(int)
    minute = times - day * DAY
    assert (day % 7 == TUE).all()
    assert ((minute >= 600) & (minute < 660)).all()
    lo, hi = poisson_interval(1200.0)
    assert lo <= len(times) <= hi
    per_minute = np.bincount((minute - 600).astype(int), minlength=60)
    assert stats.chisquare(per_minute).pvalue > 1e-4


def test_constant_profile_is_flat():
    """ArrivalProfile.constant spreads the week evenly: per_week / 10080 per minute everywhere."""
    p = ArrivalProfile.constant()
    assert p.weights.sum() == pytest.approx(1.0)
    assert np.allclose(p.rate_per_min(10080.0), 1.0)


def test_rate_per_min_is_per_week_times_weight_over_bin_width():
    """rate_per_min gives each bin's arrival rate per minute."""
    p = two_bin_profile()
    rate = p.rate_per_min(PER_WEEK)
    assert rate[MON, 1] == pytest.approx(PER_WEEK * 3 / 21 / 720)
    assert (rate * 720).sum() == pytest.approx(PER_WEEK)


# ---------------------------------------------------------------- time_in_window


def hourly_profile() -> ArrivalProfile:
    """Hourly bins; on Thursdays 08-09 weight 1, 09-10 weight 3, 10-11 weight 0, 11-12 weight 2; other days flat."""
    w = np.ones((7, 24))
    w[THU] = 0.0
    w[THU, 8:12] = [1.0, 3.0, 0.0, 2.0]
    w[SUN] = 0.0
    return ArrivalProfile(60, w / w.sum())


# Start weekday Tuesday, so day 2 is a Thursday.
TW_START = TUE
THU_DAY = 2 * DAY
SUN_DAY = 5 * DAY


def mass_before(profile: ArrivalProfile, t: float, lo: float, start_weekday: int) -> float:
    """Profile weight between lo and t (same day), by brute-force overlap with each bin."""
    day = int(lo // DAY)
    w = profile.weights[(start_weekday + day) % 7]
    a, b = lo - day * DAY, t - day * DAY
    k = np.arange(len(w))
    overlap = np.clip(np.minimum((k + 1) * profile.bin_min, b) - np.maximum(k * profile.bin_min, a), 0, None)
    return float((w * overlap / profile.bin_min).sum())


def test_median_of_a_whole_window_is_the_weighted_median():
    """u = 0.5 over 08:00-12:00 (weights 1, 3, 0, 2) is 09:40, where half the weight (3 of 6) is reached."""
    p = hourly_profile()
    t = p.time_in_window(0.5, THU_DAY + 480, THU_DAY + 720, TW_START)
    assert t == pytest.approx(THU_DAY + 580)


def test_median_of_a_window_cutting_through_bins():
    """u = 0.5 over 08:30-11:30 (mass 0.5, 3, 0, 1) is 09:35, where 2.25 of 4.5 is reached."""
    p = hourly_profile()
    t = p.time_in_window(0.5, THU_DAY + 510, THU_DAY + 690, TW_START)
    assert t == pytest.approx(THU_DAY + 575)


def test_quantiles_on_a_window_within_one_bin_are_uniform():
    """A window inside a single bin of constant rate is used uniformly."""
    p = hourly_profile()
    lo, hi = THU_DAY + 545, THU_DAY + 575  # inside 09:00-10:00
    for u in (0.0, 0.25, 0.5, 0.9):
        assert p.time_in_window(u, lo, hi, TW_START) == pytest.approx(lo + u * (hi - lo))


def test_time_in_window_inverts_the_cumulative_weight():
    """The weight of the window before the returned time is the fraction u of the window's weight."""
    p = hourly_profile()
    lo, hi = THU_DAY + 510, THU_DAY + 690
    total = mass_before(p, hi, lo, TW_START)
    for u in np.linspace(0.0, 0.99, 34):
        t = p.time_in_window(u, lo, hi, TW_START)
        assert mass_before(p, t, lo, TW_START) / total == pytest.approx(u, abs=1e-9)


def test_time_in_window_is_monotone_and_stays_in_the_window():
    """Over u in [0, 1) the time is non-decreasing and in [lo, hi), skipping the zero-weight hour."""
    p = hourly_profile()
    lo, hi = THU_DAY + 450, THU_DAY + 735  # 07:30-12:15, both ends in zero-weight stretches
    u = np.linspace(0.0, 1.0, 2001)[:-1]
    t = np.array([p.time_in_window(x, lo, hi, TW_START) for x in u])
    assert np.all(np.diff(t) >= 0)
    assert t.min() >= lo and t.max() < hi
    assert t.min() == pytest.approx(THU_DAY + 480)  # u = 0: where the weight starts
    assert not ((t > THU_DAY + 600) & (t < THU_DAY + 660)).any()  # 10:00-11:00 has no weight
    assert t.max() <= THU_DAY + 720


def test_u_close_to_one_stays_below_hi():
    """Even at u just below 1 (and at u = 1) the time is strictly before hi."""
    p = hourly_profile()
    lo, hi = THU_DAY + 480, THU_DAY + 720
    for u in (np.nextafter(1.0, 0.0), 1.0):
        t = p.time_in_window(u, lo, hi, TW_START)
        assert lo <= t < hi


def test_window_with_zero_weight_is_used_uniformly():
    """A window with no demand in the profile (a Sunday here) maps u to lo + u·(hi − lo)."""
    p = hourly_profile()
    lo, hi = SUN_DAY + 480, SUN_DAY + 1020
    for u in (0.0, 0.1, 0.5, 0.75, 0.999):
        assert p.time_in_window(u, lo, hi, TW_START) == pytest.approx(lo + u * (hi - lo))


def test_zero_weight_part_of_a_day_is_used_uniformly():
    """A window on a weighted day that covers only zero-weight hours (Thursday 13:00-17:00) is uniform."""
    p = hourly_profile()
    lo, hi = THU_DAY + 780, THU_DAY + 1020
    assert p.time_in_window(0.5, lo, hi, TW_START) == pytest.approx(THU_DAY + 900)


def test_time_in_window_uses_the_weekday_of_the_windows_day():
    """The same clock window on a flat Wednesday has its median in the middle, unlike Thursday."""
    p = hourly_profile()
    wed = 1 * DAY  # start weekday Tuesday: day 1 is Wednesday
    assert p.time_in_window(0.5, wed + 480, wed + 720, TW_START) == pytest.approx(wed + 600)
    # With Wednesday as day 0, day 1 is the Thursday with the skewed weights.
    assert p.time_in_window(0.5, DAY + 480, DAY + 720, WED) == pytest.approx(DAY + 580)


def test_time_in_window_with_one_minute_bins():
    """With bin_min = 1 the quantile is exact to the minute structure (flat hour: u = 0.25 is 10:15)."""
    p = from_config({"bin_min": 1, "start": "10:00", "time_of_day": [1] * 60, "weekdays": {"tue": 1}})
    tue = 1 * DAY  # start weekday Monday
    assert p.time_in_window(0.25, tue + 480, tue + 1020, MON) == pytest.approx(tue + 615)
    assert p.time_in_window(0.0, tue + 480, tue + 1020, MON) == pytest.approx(tue + 600)


# ---------------------------------------------------------------- a zone's own profile


def test_a_zone_with_its_own_profile_has_its_clients_arrive_by_it():
    """Two zones of one office open every day: 'days' follows the network's profile
    (weekdays only), 'evenings' its own (18:00–20:00 every day). Each zone's first
    contacts fall only where its own profile has weight, as many as its demand."""
    from networks import network, rows, simulate

    cfg = network(per_week=700.0, desks=4, weeks=2, warmup_weeks=0, drain_weeks=0, replications=2)
    net = cfg["network"]
    net["arrival_profile"]["weekdays"] = {d: (1.0 if d not in ("sat", "sun") else 0.0) for d in net["arrival_profile"]["weekdays"]}
    net["bundles_per_1000_per_week"] = 1000.0
    del net["offices"][0]["bundles_per_week"]
    net["zones"] = {
        "days": {"population": 500.0, "travel_min": {"office": 0.0}},
        "evenings": {"population": 200.0, "travel_min": {"office": 0.0},
                     "arrival_profile": {"bin_min": 60, "start": "18:00", "time_of_day": [1.0, 1.0]}},
    }
    first = rows(simulate(cfg), in_window=False)
    first = first[first["visit"] == 1]
    minute = first["arrival_min"] % DAY
    weekday = (first["arrival_min"] // DAY).astype(int) % 7  # the run starts on a Monday
    evenings, days = first["zone"] == "evenings", first["zone"] == "days"
    assert ((minute[evenings] >= 18 * 60) & (minute[evenings] < 20 * 60)).all()
    assert (weekday[evenings] >= SAT).any()
    assert (weekday[days] < SAT).all()
    for zone, per_week in (("evenings", 200.0), ("days", 500.0)):
        lo, hi = stats.poisson.interval(CONFIDENCE, per_week * 2 * 2)  # 2 weeks × 2 replications
        assert lo <= int((first["zone"] == zone).sum()) <= hi


def test_a_zone_profile_is_checked_under_its_own_key():
    from simoffice.errors import ConfigError

    from networks import network, simulate

    cfg = network()
    cfg["network"]["bundles_per_1000_per_week"] = 1000.0
    del cfg["network"]["offices"][0]["bundles_per_week"]
    cfg["network"]["zones"] = {"late": {"population": 100.0, "travel_min": {"office": 0.0},
                                        "arrival_profile": {"bin_min": 7}}}
    with pytest.raises(ConfigError, match=r"network\.zones\.late\.arrival_profile\.bin_min"):
        simulate(cfg)
