"""Streams of random numbers: one per replication, zone, source of randomness and week.

Every source of randomness has its own stream for each zone and week — the
PCG64 generator of the child ``[replication][zone][source]`` of the run's
``SeedSequence``, jumped ``week`` times as ``PCG64.jumped`` does (each jump is
about 0.618 × 2**128 draws, so weeks never overlap). A new source is appended
to :data:`SOURCES`, so that the others keep their streams.
"""

from __future__ import annotations

import numpy as np

from simoffice.model.spec import ModelSpec

# Sources of randomness, in spawn order (new sources are only ever appended).
SOURCES = ("arrivals", "bundle", "segment", "service", "missing", "patience", "informed", "return", "day",
           "channel", "point", "proactive", "online", "escalate", "expert", "follow_up", "no_show", "lateness",
           "home", "retry", "busyness", "booking")


# Draws between the starts of two weeks' streams of one source: numpy's jump for PCG64,
# (golden ratio - 1) × 2**128 (a power of two would give correlated streams).
WEEK_JUMP = 0x9E3779B97F4A7C15F39CC0605CEDC835


def stream(spec: ModelSpec, replication: int, zone: int, source: str, week: int) -> np.random.Generator:
    """The generator of one source of randomness for one zone and week (see the module docstring)."""
    bits = np.random.PCG64(np.random.SeedSequence(spec.run.seed, spawn_key=(replication, zone, SOURCES.index(source))))
    bits.advance(week * WEEK_JUMP % 2**128)
    return np.random.Generator(bits)


class Streams:
    """The streams of one zone, made once per source and moved to each week's start:
    as :func:`stream`, without building a seed sequence for every source and week."""

    def __init__(self, spec: ModelSpec, replication: int, zone: int):
        self.spec, self.replication, self.zone = spec, replication, zone
        self.made: dict[str, tuple[np.random.Generator, np.random.PCG64, dict]] = {}

    def __call__(self, source: str, week: int) -> np.random.Generator:
        made = self.made.get(source)
        if made is None:
            bits = stream(self.spec, self.replication, self.zone, source, 0).bit_generator
            made = self.made[source] = (np.random.Generator(bits), bits, bits.state)
        generator, bits, start = made
        bits.state = start
        bits.advance(week * WEEK_JUMP % 2**128)
        return generator
