"""simoffice against its peers on one M/M/c queue: a hand-written SimPy model and Ciw.

The queue is ``network=mmc`` with 5 desks, 270 arrivals an hour and a mean
service of 1 minute (exponential): ρ = 0.9, open 24/7. Every engine simulates
the same horizon from an empty queue, with no warm-up: simoffice runs whole
weeks, so the horizon is the fewest whole weeks with at least ``--clients``
expected arrivals (270 × 24 × 7 = 45,360 a week; 200,000 clients: 5 weeks).

- **simoffice** through its public API, ``simoffice.compose(...)`` then
  ``simoffice.simulate(cfg, progress=False)`` with one replication and one
  worker; the time is the whole ``simulate`` call (building the model, the run
  and the tables), which is what a user pays. Clients are the rows of the
  contacts table, the mean wait the summary's ``wait_mean_min``. A one-week run
  of a quiet queue comes first, untimed: it imports the modules ``simulate``
  loads on first use (imports are not timed for any engine). It runs in the
  mode installed (compiled where a C compiler was found), and once more
  interpreted (``SIMOFFICE_ENGINE=interpreted``), to show what compiling gives.
- **SimPy**: the textbook model written below, one process and one
  ``Resource.request`` per client, waits recorded in a list.
- **Ciw** (the ``bench`` extra): ``ciw.Network`` with one node, simulated until
  the horizon. Without Ciw installed, it is reported as absent and skipped.

Each run is a fresh Python process (so one engine's garbage does not slow the
next), the engines take turns (simoffice, SimPy, Ciw, simoffice, …) so that
the machine's noise falls on all of them alike, and the figures are medians
over ``--repeats`` runs. Imports and interpreter start-up are not timed.

    python experiments/benchmarks/peers.py                  # make bench
    python experiments/benchmarks/peers.py --repeats 9 --json bench.json
    python experiments/benchmarks/peers.py --check          # exit 1 if a target is missed

Targets: simoffice (compiled) three times as fast as SimPy and six times as
fast as Ciw, in clients per second (ratio of medians).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SERVERS = 5
ARRIVALS_PER_HOUR = 270.0
SERVICE_MEAN_MIN = 1.0
WEEK_MIN = 7 * 24 * 60
ENGINES = ("simoffice", "interpreted", "simpy", "ciw")
LABELS = {"simoffice": "simoffice", "interpreted": "simoffice, interpreted", "simpy": "SimPy", "ciw": "Ciw"}
TARGETS = {"simpy": 3.0, "ciw": 6.0}  # simoffice's clients/s over the peer's, at least


# --- the engines, each run in a child process -------------------------------------

def run_simoffice(weeks: int, seed: int) -> dict[str, Any]:
    """One replication of ``network=mmc`` through the public API."""
    import simoffice
    import simoffice.engine

    quiet = simoffice.compose("network=mmc", "network.arrivals_per_hour=10", "run.weeks=1", "run.warmup_weeks=0",
                              "run.replications=1", "run.jobs=1", "run.report=none")
    simoffice.simulate(quiet, progress=False)  # untimed: loads what simulate imports on first use
    cfg = simoffice.compose(
        "network=mmc", f"network.servers={SERVERS}", f"network.arrivals_per_hour={ARRIVALS_PER_HOUR}",
        f"network.service_mean_min={SERVICE_MEAN_MIN}", f"run.weeks={weeks}", "run.warmup_weeks=0",
        "run.drain_weeks=0", "run.replications=1", "run.jobs=1", f"run.seed={seed}",
    )
    start = time.perf_counter()
    res = simoffice.simulate(cfg, progress=False)
    seconds = time.perf_counter() - start
    return {"clients": len(res.contacts), "seconds": seconds, "mode": simoffice.engine.mode(),
            "wait_mean_min": res.summary["measures"]["wait_mean_min"]["mean"]}


def run_simpy(weeks: int, seed: int) -> dict[str, Any]:
    """The M/M/c queue as a SimPy user writes it: a process and a request per client."""
    import random

    import simpy

    rng = random.Random(seed)
    arrival_rate = ARRIVALS_PER_HOUR / 60.0
    service_rate = 1.0 / SERVICE_MEAN_MIN
    waits: list[float] = []
    arrived = [0]

    def client(env: simpy.Environment, desks: simpy.Resource, service_min: float):
        arrival = env.now
        with desks.request() as request:
            yield request
            waits.append(env.now - arrival)
            yield env.timeout(service_min)

    def arrivals(env: simpy.Environment, desks: simpy.Resource):
        while True:
            yield env.timeout(rng.expovariate(arrival_rate))
            arrived[0] += 1
            env.process(client(env, desks, rng.expovariate(service_rate)))

    start = time.perf_counter()
    env = simpy.Environment()
    desks = simpy.Resource(env, capacity=SERVERS)
    env.process(arrivals(env, desks))
    env.run(until=weeks * WEEK_MIN)
    seconds = time.perf_counter() - start
    return {"clients": arrived[0], "seconds": seconds, "wait_mean_min": statistics.fmean(waits)}


def run_ciw(weeks: int, seed: int) -> dict[str, Any]:
    """The M/M/c queue in Ciw: one node, simulated until the horizon."""
    import ciw

    ciw.seed(seed)  # Ciw's only way to seed its streams; this process runs nothing else
    start = time.perf_counter()
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(rate=ARRIVALS_PER_HOUR / 60.0)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / SERVICE_MEAN_MIN)],
        number_of_servers=[SERVERS],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_time(weeks * WEEK_MIN)
    records = sim.get_all_records()
    seconds = time.perf_counter() - start
    # Arrivals before the horizon: those served (the records) and those still there.
    return {"clients": sim.nodes[0].number_of_individuals, "seconds": seconds,
            "wait_mean_min": statistics.fmean(r.waiting_time for r in records)}


RUNS = {"simoffice": run_simoffice, "interpreted": run_simoffice, "simpy": run_simpy, "ciw": run_ciw}


# --- the parent: alternate engines in fresh processes, summarise --------------------

def ciw_version() -> str | None:
    """Ciw's version if it is installed, else None."""
    if importlib.util.find_spec("ciw") is None:
        return None
    from importlib.metadata import version

    return version("ciw")


def run_child(engine: str, weeks: int, seed: int) -> dict[str, Any]:
    """Run one engine once in a fresh Python process and return its figures."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", engine, "--weeks", str(weeks),
           "--seed", str(seed)]
    env = {**os.environ, "SIMOFFICE_ENGINE": "interpreted"} if engine == "interpreted" else None
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"peers.py: the {LABELS[engine]} run failed (exit status {done.returncode})")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["clients_per_s"] = out["clients"] / out["seconds"]
    return out


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Median, min and max of clients/s; mean over runs of clients, seconds and mean wait."""
    cps = [r["clients_per_s"] for r in runs]
    return {
        "clients_per_s": {"median": statistics.median(cps), "min": min(cps), "max": max(cps)},
        "seconds_median": statistics.median(r["seconds"] for r in runs),
        "clients_mean": statistics.fmean(r["clients"] for r in runs),
        "wait_mean_min": statistics.fmean(r["wait_mean_min"] for r in runs),
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clients", type=int, default=200_000,
                   help="expected arrivals at least (whole weeks of 45,360; default 200,000: 5 weeks)")
    p.add_argument("--repeats", type=int, default=5, help="runs of each engine (default 5)")
    p.add_argument("--seed", type=int, default=2026, help="seed of the first run; run i uses seed + i")
    p.add_argument("--check", action="store_true", help="exit 1 if a target is missed (or not measured)")
    p.add_argument("--json", metavar="PATH", help="write the figures to this JSON file")
    p.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    p.add_argument("--weeks", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.child:
        print(json.dumps(RUNS[args.child](args.weeks, args.seed)))
        return 0
    if args.clients < 1:
        p.error(f"--clients must be >= 1 (got {args.clients})")
    if args.repeats < 1:
        p.error(f"--repeats must be >= 1 (got {args.repeats})")

    from simoffice.measures.theory import erlang_c_wait_mean

    arrival_rate = ARRIVALS_PER_HOUR / 60.0  # per minute, as simoffice.measures.theory expects
    weeks = math.ceil(args.clients / (arrival_rate * WEEK_MIN))
    erlang = erlang_c_wait_mean(SERVERS, arrival_rate, 1.0 / SERVICE_MEAN_MIN)
    ciw_ver = ciw_version()
    engines = [e for e in ENGINES if e != "ciw" or ciw_ver]

    rho = arrival_rate * SERVICE_MEAN_MIN / SERVERS
    print(f"M/M/{SERVERS}, rho = {rho:.2f} ({ARRIVALS_PER_HOUR:g} arrivals/h, mean service "
          f"{SERVICE_MEAN_MIN:g} min): {weeks} week{'s' * (weeks != 1)} from an empty queue, "
          f"about {arrival_rate * weeks * WEEK_MIN:,.0f} clients a run.")
    print(f"{args.repeats} run{'s' * (args.repeats != 1)} of each engine, in turn, each in a fresh process.")
    if not ciw_ver:
        print("Ciw is not installed: skipping Ciw (pip install -e '.[bench]', or make bench).")
    print(flush=True)

    runs: dict[str, list[dict[str, Any]]] = {e: [] for e in engines}
    for i in range(args.repeats):
        for engine in engines:
            r = run_child(engine, weeks, args.seed + i)
            runs[engine].append(r)
            print(f"  run {i + 1}/{args.repeats}  {LABELS[engine]:<22} {r['clients']:>10,} clients "
                  f"{r['seconds']:8.2f} s {r['clients_per_s']:>11,.0f} clients/s", flush=True)
    results = {e: summarise(runs[e]) for e in engines}

    print()
    head = (f"{'engine':<22} {'clients':>10} {'seconds':>8} {'clients/s':>11} {'min':>9} {'max':>9}"
            f"   {'mean wait':>9} {'Erlang C':>9} {'diff':>7}")
    print(head)
    print("-" * len(head))
    for engine in ENGINES:
        if engine not in results:
            print(f"{LABELS[engine]:<22} {'not installed':>10}")
            continue
        s = results[engine]
        cps = s["clients_per_s"]
        w = s["wait_mean_min"]
        print(f"{LABELS[engine]:<22} {s['clients_mean']:>10,.0f} {s['seconds_median']:>8.2f} "
              f"{cps['median']:>11,.0f} {cps['min']:>9,.0f} {cps['max']:>9,.0f}   "
              f"{w:>9.3f} {erlang:>9.3f} {100 * (w - erlang) / erlang:>+6.1f}%")
    print("(clients/s: median, min and max over runs; seconds: median; mean wait: minutes, "
          "mean over runs, against Erlang C's E[Wq])")
    print()

    mode = results["simoffice"]["runs"][0]["mode"]
    speedup = results["simoffice"]["clients_per_s"]["median"] / results["interpreted"]["clients_per_s"]["median"]
    print(f"simoffice runs {mode} here; compiled / interpreted: {speedup:.2f}x" if mode == "compiled" else
          "simoffice runs interpreted here: no compiled engine is installed (see docs/pages/performance.md)")
    ratios: dict[str, float | None] = {}
    missed = mode != "compiled"
    for peer, target in TARGETS.items():
        if peer in results:
            ratio = results["simoffice"]["clients_per_s"]["median"] / results[peer]["clients_per_s"]["median"]
            met = ratio >= target
            verdict = "met" if met else "missed"
        else:
            ratio, met, verdict = None, False, "not measured (not installed)"
        ratios[peer] = ratio
        missed |= not met
        shown = f"{ratio:.2f}x" if ratio is not None else "-"
        print(f"simoffice / {LABELS[peer]:<6} {shown:>7}   target >= {target:.1f}x: {verdict}")

    if args.json:
        figures = {
            "queue": {"servers": SERVERS, "arrivals_per_hour": ARRIVALS_PER_HOUR,
                      "service_mean_min": SERVICE_MEAN_MIN, "rho": rho, "weeks": weeks},
            "repeats": args.repeats,
            "erlang_c_wait_mean_min": erlang,
            "engines": results,
            "absent": [e for e in ENGINES if e not in results],
            "ciw_version": ciw_ver,
            "mode": mode,
            "compiled_over_interpreted": speedup if mode == "compiled" else None,
            "ratios": {f"simoffice/{LABELS[k]}": v for k, v in ratios.items()},
            "targets": {f"simoffice/{LABELS[k]}": v for k, v in TARGETS.items()},
            "python": sys.version.split()[0],
        }
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
        print(f"\nFigures written to {args.json}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
