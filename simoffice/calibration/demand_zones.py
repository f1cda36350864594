"""A calibrated network's demand as zones: who comes, for what, and when.

The model draws every zone's bundles from the network's mix, reweighted by the
zone's segment mix. So that each group of clients a log shows (an office's own
clients, the callers about one call type) needs only its own services, in its own
mix, at its own times, each group becomes a zone of its own whose clients are a
segment of their own, and each bundle is split over those segments in proportion
to the groups' demand for it. The log says nothing of residents: a zone's
``population`` is its demand in bundles a week, with ``bundles_per_1000_per_week``
1000.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simoffice.calibration.fitting import round_significant

__all__ = ["ZoneDemand", "write_zones"]


@dataclass
class ZoneDemand:
    """One group of clients: its segment's name and settings, its bundles a week of each
    bundle type, its one-way travel to the service points it reaches, and its own arrival
    profile (an ``arrival_profile`` block; None: the network's)."""

    segment: str
    settings: dict[str, Any]
    bundles: dict[str, float]
    travel: dict[str, float]
    profile: dict[str, Any] | None = None


def _r(x: float) -> float:
    return round_significant(float(x), 4)


def write_zones(net: dict[str, Any], zones: dict[str, ZoneDemand]) -> None:
    """Write ``zones`` into the network config ``net`` (plain dicts): its ``segments``,
    ``zones``, each bundle's ``segment_mix``; the offices' ``bundles_per_week`` go."""
    per_zone = {z: sum(d.bundles.values()) for z, d in zones.items()}
    total = sum(per_zone.values())
    demand: dict[str, float] = {}
    for d in zones.values():
        for bundle, v in d.bundles.items():
            demand[bundle] = demand.get(bundle, 0.0) + v
    net["bundles_per_1000_per_week"] = 1000.0
    net["segments"] = {d.segment: {**d.settings, "share": _r(per_zone[z] / total) if total > 0 else 1.0}
                       for z, d in zones.items()}
    for z, d in zones.items():
        for bundle, v in d.bundles.items():
            if v > 0:
                net["bundles"][bundle].setdefault("segment_mix", {})[d.segment] = _r(v / demand[bundle])
    net["zones"] = {}
    for z, d in zones.items():
        net["zones"][z] = {"population": _r(per_zone[z]), "segment_mix": {d.segment: 1.0}, "travel_min": d.travel}
        if d.profile is not None:
            net["zones"][z]["arrival_profile"] = d.profile
    for office in net["offices"]:
        office.pop("bundles_per_week", None)
    net["offices"] = net.pop("offices")  # after the zones
