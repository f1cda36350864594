"""The "service circle": who can reach a service point open that day.

A zone is covered on a day when some service point it can reach within
``run.coverage_target_min`` minutes of travel (one way) is open to its clients
that day: an office open that weekday and not on a holiday, or a mobile office
that stops in the zone that day. Coverage is the population-weighted share of
zone-days covered over every calendar day of the measured window, as people
live it: a weekend or holiday with every point closed counts as not covered, so
closing a day lowers coverage. The share over the days on which some service
point is open (``coverage_open_days``) is kept under its own name. Zones
without a population are weighted by their demand.
"""

from __future__ import annotations

import numpy as np

from simoffice.model.spec import MOBILE_OFFICE, ModelSpec
from simoffice.vocabulary import DAY


def open_days(spec: ModelSpec, unit: int, zone: int, days: np.ndarray) -> np.ndarray:
    """Whether unit ``unit`` is open to clients of ``zone`` on each day index in ``days``."""
    u = spec.offices[unit]
    weekday = (days + spec.run.start_weekday) % 7
    if u.kind == MOBILE_OFFICE:
        stop_days = {st.weekday for st in u.stops if st.zone == zone}
        is_open = np.isin(weekday, list(stop_days))
    else:
        is_open = np.array([u.opening[w] is not None for w in weekday], dtype=bool)
    return is_open & ~np.isin(days, list(spec.schedule.holidays))


def zone_coverage(spec: ModelSpec) -> tuple[float, float, np.ndarray]:
    """The network's coverage per calendar day and per open day, and each zone's
    share of calendar days covered (NaN when no service point is ever open)."""
    w0, w1 = spec.run.window
    days = np.arange(int(w0 // DAY), int(w1 // DAY))
    any_open = np.zeros(len(days), bool)
    covered = np.zeros((len(spec.zones), len(days)), bool)
    target = spec.run.coverage_target_min
    for z, zone in enumerate(spec.zones):
        for u, travel in zone.travel:
            if not spec.offices[u].physical:
                continue
            days_open = open_days(spec, u, z, days)
            any_open |= days_open
            if travel <= target:
                covered[z] |= days_open
    if not any_open.any():
        return float("nan"), float("nan"), np.full(len(spec.zones), np.nan)
    weights = np.array([z.population for z in spec.zones])
    if weights.sum() <= 0:
        weights = np.array([z.bundles_per_week for z in spec.zones])

    def share(per_zone: np.ndarray) -> float:
        return float((per_zone * weights).sum() / weights.sum()) if weights.sum() > 0 else float("nan")

    per_zone = covered.mean(axis=1)
    return share(per_zone), share(covered[:, any_open].mean(axis=1)), per_zone
