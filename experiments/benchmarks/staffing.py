"""The whole staffing search, timed: pilot run, requirements, rosters and simulation rounds.

For each network (``--networks``, default ``regional,national``) the search of
``experiment=staffing_search`` runs in a fresh Python process with
``--replications`` × ``--weeks`` (default 10 × 8) and ``run.jobs=--jobs``
(default 2), at most ``staffing.max_rounds`` rounds (``--max-rounds``). Reported per network: the wall
time of ``search_staffing``, the part spent solving rosters (integer programs)
and simulating rounds (the pilot is the rest with the requirements), the rounds,
the units rostered, the peak resident memory, and the verdict (the staffed
run's measured staff hours against the baseline's). Target: the national search
within 20 minutes on two cores.

    python experiments/benchmarks/staffing.py                       # make bench-staffing
    python experiments/benchmarks/staffing.py --networks regional --replications 5 --weeks 4
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

CHILD = r"""
import json, sys, time
import simoffice
from simoffice.studies.staffing import search_staffing
overrides = json.loads(sys.argv[1])
cfg = simoffice.compose(*overrides)
started = time.perf_counter()
search = search_staffing(cfg, progress=False, overrides=overrides,
                         log=lambda line: print(f"  {time.perf_counter() - started:7.1f} s  {line}", file=sys.stderr,
                                                flush=True))
seconds = time.perf_counter() - started
m = search.meta
print(json.dumps({"seconds": seconds, "solve_seconds": m["solve_seconds"], "simulate_seconds": m["simulate_seconds"],
                  "rounds": m["rounds"], "units": len(m["units"]), "shifts": int(search.roster["count"].sum()),
                  "intervals": len(search.intervals), "converged": search.converged, "missing": search.missing,
                  "baseline_hours": search.total("staff_hours", "baseline")["mean"],
                  "staffed_hours": search.total("staff_hours", "staffed")["mean"], "verdict": search.verdict()}))
"""


def run(network: str, args: argparse.Namespace) -> dict:
    """One search in a fresh process: its figures, and the peak memory of the process tree."""
    overrides = ["experiment=staffing_search", f"network={network}", f"run.replications={args.replications}",
                 f"run.weeks={args.weeks}", f"run.jobs={args.jobs}", "run.progress=false"]
    if args.max_rounds is not None:
        overrides.append(f"staffing.max_rounds={args.max_rounds}")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, json.dumps(overrides)], stdout=subprocess.PIPE, text=True)
    out, _ = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"the search on {network} failed (exit {proc.returncode})")
    doc = json.loads(out.strip().splitlines()[-1])
    doc["wall_seconds"] = time.perf_counter() - started
    # The largest resident set of a process waited for (the search, or a worker it waited for), in kB.
    doc["peak_gb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024**2
    return doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--networks", default="regional,national")
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--weeks", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--max-rounds", type=int, help="staffing.max_rounds (default: the config's)")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    results = {}
    for network in args.networks.split(","):
        print(f"{network}: staffing search, {args.replications} replications × {args.weeks} weeks, "
              f"run.jobs={args.jobs}", flush=True)
        r = results[network] = run(network, args)
        print(f"{network}: {r['seconds']:.0f} s in search_staffing ({r['solve_seconds']:.0f} s solving rosters, "
              f"{r['simulate_seconds']:.0f} s simulating {r['rounds']} rounds; the rest is the pilot run and the "
              f"requirements), peak memory {r['peak_gb']:.2f} GB; {r['units']} units, {r['intervals']} intervals, "
              f"{r['shifts']} shifts a week", flush=True)
        print(f"{network}: {r['verdict']}\n", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
