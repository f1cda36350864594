"""Where the time of a national run goes: a profile by part of the engine.

Runs one replication of ``network=national`` (``--weeks`` weeks, default 8, the
first a warm-up, then the default drain) under ``cProfile`` and prints the share of the
time spent in each part of simoffice (own time of the functions in each module,
SimPy's event loop apart), then the functions with the most own time.
The profiler adds a roughly constant cost to every Python call, so the shares
lean towards parts made of many small calls; they are a map, not a stopwatch.

cProfile sees Python functions only: inside the compiled engine it sees nothing
(its time goes to the caller), so this script runs the engine interpreted (it
sets ``SIMOFFICE_ENGINE=interpreted`` before simoffice is imported). Where the compiled engine's time goes, part
by part, is counted by ``make callgrind`` (``instructions.py``).

    python experiments/benchmarks/profile_national.py            # make profile
    python experiments/benchmarks/profile_national.py --weeks 4 --top 30
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
from collections import defaultdict

os.environ["SIMOFFICE_ENGINE"] = "interpreted"  # cProfile cannot see inside compiled modules

# What each module of the engine does, for the summary.
PARTS = {
    "journey.py": "client journey (channels, choices, contacts)",
    "choice.py": "client journey (channels, choices, contacts)",
    "contacts.py": "client journey (channels, choices, contacts)",
    "reach.py": "client journey (channels, choices, contacts)",
    "office.py": "units: queues and desks",
    "clients.py": "drawing clients, building the run",
    "streams.py": "drawing clients, building the run",
    "replication.py": "drawing clients, building the run",
    "clock.py": "event loop and scheduled calls",
    "profile.py": "arrival profile (times of day)",
    "timetable.py": "opening hours",
    "recorder.py": "event log",
    "expert.py": "expert centre",
    "calendar.py": "appointment calendars",
    "metrics.py": "measures from the log",
    "aggregate.py": "measures from the log",
    "tally.py": "measures from the log",
    "timeseries.py": "measures from the log",
    "occupancy.py": "measures from the log",
    "results.py": "tables and summary",
}


def part(filename: str) -> str:
    name = filename.rsplit("/", 1)[-1]
    if "simpy" in filename:
        return "SimPy processes and events"
    if "simoffice" in filename:
        return PARTS.get(name, f"other simoffice ({name})")
    if filename.startswith("~") or filename.startswith("<"):
        return "built-ins (heap, arrays, numpy calls)"
    return "libraries (numpy, pandas)"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--weeks", type=int, default=8, help="weeks of the run (default 8)")
    p.add_argument("--top", type=int, default=15, help="functions listed (default 15)")
    args = p.parse_args(argv)
    if args.weeks < 1:
        p.error(f"--weeks must be >= 1 (got {args.weeks})")

    import simoffice

    cfg = simoffice.compose("network=national", f"run.weeks={args.weeks}", f"run.warmup_weeks={min(1, args.weeks - 1)}",
                            "run.replications=1", "run.jobs=1", "run.progress=false")
    profiler = cProfile.Profile()
    profiler.enable()
    res = simoffice.simulate(cfg, progress=False)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(v[2] for v in stats.values())
    by_part: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, own, _, _) in stats.items():
        by_part[part(filename)] += own
    contacts = len(res.contacts)
    print(f"network=national, {args.weeks} weeks: {contacts:,} contacts, {total:.1f} s under the profiler "
          f"({1e6 * total / contacts:.0f} µs a contact)\n")
    print(f"{'part of the run':<48} {'share':>6}")
    shown = {name: own for name, own in by_part.items() if own >= 0.001 * total}
    shown["other"] = shown.get("other", 0.0) + total - sum(shown.values())  # parts under 0.1 %
    for name, own in sorted(shown.items(), key=lambda kv: -kv[1]):
        print(f"{name:<48} {own / total:6.1%}")
    print(f"\n{'function':<52} {'own time':>8} {'calls a contact':>16}")
    rows = sorted(stats.items(), key=lambda kv: -kv[1][2])[:args.top]
    for (filename, line, func), (_, ncalls, own, _, _) in rows:
        where = f"{filename.rsplit('/', 1)[-1]}:{line}" if line else "built-in"
        print(f"{(func[:30] + ' ' + where):<52} {own / total:8.1%} {ncalls / contacts:16.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
