"""Upper bounds on config values, and the size of a run before it starts.

Three kinds of values are refused above a bound, in one line that names the bound
(``network.servers: expected an integer >= 1 and at most 10000 … (got 1000000000)``):

- values that land in a column of the log packed as a small integer
  (:mod:`simoffice.engine.recorder`): a segment's ``priority`` (16 bits), the
  needs of a bundle (8 bits), and the count of units, zones, segments, services,
  skills, bundles and desk groups, stored as 16-bit codes. A value that does not
  fit would stop the run midway with a ``struct.error``. The bounds are the
  ranges of the column types (:mod:`simoffice.model.log_columns`, which the
  recorder packs rows in), named in :data:`PACKED`;
- values that would exhaust memory or time long before they mean anything
  (:data:`LIMITS`: desks in a group, contacts a bundle may take, weeks,
  replications, worker processes, population, the synthetic generator's sizes,
  prices);
- a run whose log would not fit in the machine's memory: :func:`check_run_size`
  estimates it from the spec (bundles a week × weeks × replications × needs per
  bundle × :data:`BYTES_PER_CONTACT`) before anything runs.

Units: minutes for times, bytes for memory; money in the run's currency.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import numpy as np

from simoffice.errors import ConfigError
from simoffice.model.log_columns import BUNDLE_COLUMNS, CONTACT_COLUMNS
from simoffice.model.spec import ModelSpec

# The log's packed column types that config values end up in.
PACKED = {
    "priority": CONTACT_COLUMNS["priority"],  # a segment's priority
    "n_needs": CONTACT_COLUMNS["n_needs"],  # the needs of a bundle (bundles.needs … alike)
    "tickets": BUNDLE_COLUMNS["tickets"],  # contacts of one bundle (visits, failed_trips alike)
    "office": CONTACT_COLUMNS["office"],  # unit codes (offices, mobile routes, centres)
    "zone": CONTACT_COLUMNS["zone"],
    "segment": CONTACT_COLUMNS["segment"],
    "service": CONTACT_COLUMNS["service"],
    "skill": CONTACT_COLUMNS["skill"],
    "bundle_type": BUNDLE_COLUMNS["bundle_type"],
    "desk_group": CONTACT_COLUMNS["desk_group"],  # network-wide desk-group index
    "desk": CONTACT_COLUMNS["desk"],  # network-wide desk index
}


def packed_range(column: str) -> tuple[int, int]:
    """The smallest and largest integer the log's ``column`` holds."""
    info = np.iinfo(np.dtype(PACKED[column]))
    return int(info.min), int(info.max)


@dataclass(frozen=True)
class Limit:
    """An upper bound and why it is there (shown in the table of docs/pages/bad-input.md)."""

    high: float
    why: str


LIMITS = {
    # A desk is a process of its own with its own duty rows; the largest contact centres
    # have a few thousand agents, and an M/M/c queue of more desks is an infinite-server one.
    "desks": Limit(10_000, "desks in one group"),
    # Each client draws its handling times for max_visits contacts when created
    # (max_visits × needs values): 10^6 took 9 GB in 26 s. No service takes 100 trips.
    "max_visits": Limit(100, "contacts one bundle may take"),
    # Ten years of weekly figures; a longer horizon is not a steady state to measure.
    "weeks": Limit(520, "ten years"),
    # An interval's half-width shrinks as 1/√n: 1000 replications already give a
    # thirtieth of one's; more is better spent on weeks.
    "replications": Limit(1000, "the interval's width barely shrinks beyond"),
    # Each worker holds a copy of the model and of a replication's log; more workers
    # than a large server's cores only share them.
    "jobs": Limit(256, "worker processes"),
    # More people than the most populous country.
    "population": Limit(2e9, "people"),
    # The generator builds zones × offices travel times; the largest national networks
    # have a few thousand offices.
    "synthetic_offices": Limit(5_000, "offices the generator places"),
    "synthetic_zones": Limit(20_000, "zones the generator places"),
    # Finite and reasonable: summary.json holds the product with staff hours.
    "cost_per_hour": Limit(1e6, "a staff hour's price"),
    "cost_per_day": Limit(24e6, "a mobile office's daily price (24 hours at the hourly bound)"),
}

# Memory per contact kept, at the peak of a run (the log, the bundles' rows and the
# tables built from them): measured on the default scenario (network=regional, one_stop),
# peak RSS from 4 × 4 to 4 × 20 weeks grew by 121 MB for 121,122 more contacts
# (≈1,050 B); rounded up.
BYTES_PER_CONTACT = 1_100
# Each week a client factory draws, for every client, max_visits × needs uniform and
# handling-time values (float64), about six arrays of them (see engine.clients).
BYTES_PER_DRAW = 6 * 8


def _fmt(x: float) -> str:
    return f"{int(x)}" if float(x).is_integer() else f"{x:g}"


def at_most(value: Any, key: str, limit: str, expected: str = "an integer >= 1") -> Any:
    """``value`` (already checked by :mod:`~simoffice.config.checks`), refused above
    ``LIMITS[limit]``.

    Raises:
        ConfigError: ``<key>: expected <expected> and at most <bound> (<why>) (got …)``.
    """
    bound = LIMITS[limit]
    if value > bound.high:
        raise ConfigError(key, f"{expected} and at most {_fmt(bound.high)} ({bound.why})", value)
    return value


def fits(value: int, key: str, column: str, what: str) -> int:
    """An integer the log's packed ``column`` holds.

    Raises:
        ConfigError: ``<key>: expected <what> from <min> to <max> (…) (got …)``, or
            ``at most <max>`` for a count.
    """
    low, high = packed_range(column)
    if not low <= value <= high:
        raise ConfigError(key, f"{what} from {low} to {high} (the log stores it in {_bits(column)} bits)", value)
    return value


def count_fits(n: int, key: str, column: str, what: str, codes: bool = True) -> None:
    """A count of things the log codes in ``column`` (``codes``: as 0 … n − 1; else
    the count itself is stored).

    Raises:
        ConfigError: ``<key>: expected at most <max> <what> (…) (got n)``.
    """
    high = packed_range(column)[1] + (1 if codes else 0)
    if n > high:
        raise ConfigError(key, f"at most {high} {what} (the log stores "
                          f"{'their codes' if codes else 'the count'} in {_bits(column)} bits)", n)


def _bits(column: str) -> int:
    return 8 * np.dtype(PACKED[column]).itemsize


def check_counts(spec: ModelSpec) -> None:
    """The spec's units, zones, segments, services, skills, bundles, desk groups and
    desks fit the log's codes.

    Raises:
        ConfigError: the first count that does not fit.
    """
    count_fits(len(spec.offices), "network.offices", "office", "service points and centres")
    count_fits(len(spec.zones), "network.zones", "zone", "zones")
    count_fits(len(spec.segments), "network.segments", "segment", "segments")
    count_fits(len(spec.services), "network.services", "service", "services")
    count_fits(len(spec.skills), "network.services", "skill", "skills")
    count_fits(len(spec.bundles), "network.bundles", "bundle_type", "bundles")
    groups = [g for u in spec.offices for g in u.desk_groups]
    count_fits(len(groups), "network.offices", "desk_group", "desk groups in the network")
    count_fits(sum(n for g in groups for _, n in g.staff), "network.offices", "desk", "desks in the network")


def machine_memory() -> int | None:
    """The machine's physical memory in bytes (None where the system does not say)."""
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):
        return None


def run_size(spec: ModelSpec, replications: int | None = None) -> dict[str, float]:
    """An estimate of a run's memory (bytes) before it starts.

    ``clients``: bundles a week over the zones; ``contacts``: contacts kept, about
    the needs of every bundle (one_stop makes fewer, siloed more) over the weeks and
    replications (``replications``, default ``run.replications``; a precision run
    checks its first batch, then grows at most to :func:`affordable_replications`),
    none with ``run.keep_contacts=false`` (the log is folded week by
    week); ``working``: what each worker process holds at once (a week's contacts and
    the week's draws), times the workers that run together; ``bytes``: both.
    """
    run = spec.run
    clients = sum(z.bundles_per_week for z in spec.zones)
    needs = sum(b.share * len(b.needs) for b in spec.bundles) / (sum(b.share for b in spec.bundles) or 1.0)
    widest = max((len(b.needs) for b in spec.bundles), default=1)
    n = run.replications if replications is None else replications
    contacts = clients * needs * run.weeks * n if run.keep_contacts else 0.0
    parallel = max(1, min(run.jobs or os.cpu_count() or 1, n))
    week = clients * (needs * BYTES_PER_CONTACT + spec.max_visits * widest * BYTES_PER_DRAW)
    working = parallel * week
    return {"clients": clients, "contacts": contacts, "working": working,
            "bytes": contacts * BYTES_PER_CONTACT + working}


def check_run_size(spec: ModelSpec, memory: int | None = None, replications: int | None = None) -> None:
    """Refuse a run whose estimated memory (:func:`run_size` of ``replications``,
    default ``run.replications``) exceeds the machine's (``memory`` bytes; default
    :func:`machine_memory`; not checked when unknown).

    Raises:
        ConfigError: ``run: expected a run that fits in memory … (got …)``.
    """
    memory = machine_memory() if memory is None else memory
    if not memory:
        return
    size = run_size(spec, replications)
    if size["bytes"] <= memory:
        return
    run = spec.run
    gb = 2.0**30
    advice = ("fewer weeks, replications or run.jobs" if not run.keep_contacts
              else "run.keep_contacts=false, or fewer weeks or replications")
    raise ConfigError(
        "run",
        f"a run that fits in memory: about {size['bytes'] / gb:.1f} GB for {size['clients']:,.0f} clients a week × "
        f"{run.weeks} weeks × {run.replications if replications is None else replications} replications, "
        f"this machine has {memory / gb:.1f} GB; set {advice}",
        {"weeks": run.weeks, "replications": run.replications, "keep_contacts": run.keep_contacts,
         "jobs": run.jobs})


def affordable_replications(spec: ModelSpec, memory: int | None = None) -> int | None:
    """The most replications whose estimated memory (:func:`run_size`) fits in the
    machine's (``memory`` bytes; default :func:`machine_memory`): where a precision run
    stops growing (:mod:`simoffice.run.precision`). None: no limit known (the memory
    unknown, or ``run.keep_contacts=false``, whose replications keep little)."""
    memory = machine_memory() if memory is None else memory
    if not memory or not spec.run.keep_contacts:
        return None
    one = run_size(spec, 1)
    per_replication = one["contacts"] * BYTES_PER_CONTACT
    working = run_size(spec, LIMITS["replications"].high)["working"]  # every worker busy
    if per_replication <= 0:
        return None
    return max(0, int((memory - working) // per_replication))
