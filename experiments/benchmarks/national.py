"""simoffice at national scale: one year of a national network, cost per contact as
the network grows, and parallel replications.

Three sections (``--only`` picks some of them):

- **run** — one replication of ``network=national`` (80 offices, 240 zones, 6.5
  million people, a contact centre, a video centre, an expert centre and mobile
  routes: about 3.3 million contacts in 52 weeks) with one worker. Reported: the
  wall time of the ``simulate`` call, the process's CPU time and peak resident
  memory (``os.wait4``: the child and the workers it waited for), and the
  contacts (rows of the contacts table). Beside it, in the same benchmark run,
  the hand-written SimPy model of ``peers.py`` (M/M/5 at ρ = 0.9, 5 weeks) runs
  once before and once after, each in a fresh process. Targets: the national
  year's contacts per second at least 0.75 × SimPy's clients per second (the
  mean of its two runs), and at most 1.2 GB.
- **scaling** — the same network at 10, 40, 80 and 160 offices (``--offices``),
  population in proportion (as many people per office as ``national``), for
  ``--weeks`` weeks: seconds per 1000 contacts and its ratio to the smallest
  network. Total cost should grow no faster than linearly with the contacts,
  so the cost per contact should stay flat as the network grows: target at
  most 1.15 × the smallest network's, at every size. The
  sizes are run in ``--rounds`` rounds (each size once a round, so that a slow
  spell of a shared machine falls on all of them); the best round of each size
  is compared, the median shown beside it.
- **workers** — ``--replications`` replications of a 40-office network for 6
  weeks with ``run.jobs=1``, then ``run.jobs=2``: the throughput ratio
  (target at least 1.8 on two cores).

Each measurement runs in a fresh Python process (``simoffice.compose`` then
``simoffice.simulate(cfg, progress=False)``); imports and composing the config
are not in the wall time, but are in the CPU time and memory. The engine runs
in the mode installed (compiled where a C compiler was found); with
``SIMOFFICE_ENGINE=interpreted`` set, every run of the benchmark runs interpreted.

    python experiments/benchmarks/national.py                    # make bench-national
    python experiments/benchmarks/national.py --only scaling,workers --json national.json
    python experiments/benchmarks/national.py --only scaling --offices 2,4 --weeks 1
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

SECTIONS = ("run", "scaling", "workers")
TARGET_SIMPY_RATIO = 0.75  # the national year's contacts/s over SimPy's M/M/5 clients/s, at least
TARGET_RSS_GB = 1.2
TARGET_SCALING = 1.15  # cost per contact over the smallest network's, at most
TARGET_WORKERS_RATIO = 1.8
WORKERS_OFFICES = 40
WORKERS_WEEKS = 6


# --- the child: one simulate call ---------------------------------------------------

def child(overrides: list[str]) -> dict[str, Any]:
    """Compose and simulate ``overrides``; the contacts and the seconds of ``simulate``."""
    import simoffice

    cfg = simoffice.compose(*overrides)
    start = time.perf_counter()
    res = simoffice.simulate(cfg, progress=False)
    seconds = time.perf_counter() - start
    contacts, counted = len(res.contacts), "rows"
    if contacts == 0 and not cfg.run.get("keep_contacts", True):
        # No contacts table: the measured window's contacts from the summary.
        per_week = res.summary["measures"]["contacts_per_week"]["mean"] or 0.0
        contacts = round(per_week * (cfg.run.weeks - cfg.run.warmup_weeks) * cfg.run.replications)
        counted = "contacts_per_week × measured weeks"
    import simoffice.engine

    return {"contacts": contacts, "contacts_counted_as": counted, "seconds": seconds,
            "replications": cfg.run.replications, "mode": simoffice.engine.mode()}


def simpy_child() -> dict[str, Any]:
    """The hand-written SimPy model of peers.py: M/M/5 at ρ = 0.9 for 5 weeks."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from peers import run_simpy

    return run_simpy(5, 2026)


def simpy_rate() -> float:
    """SimPy's clients per second, in a fresh process."""
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--simpy-child"], capture_output=True,
                          text=True, check=True)
    r = json.loads(done.stdout.strip().splitlines()[-1])
    return r["clients"] / r["seconds"]


# --- the parent ---------------------------------------------------------------------

def measure(overrides: list[str]) -> dict[str, Any]:
    """Run ``overrides`` in a fresh process; its figures, CPU time and peak RSS."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(overrides)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    # wait4 gives the child's resource use, with that of the workers it waited for.
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"national.py: the run {' '.join(overrides)} failed (exit status {proc.returncode})")
    figures = json.loads(out.strip().splitlines()[-1])
    figures.update(process_seconds=wall, cpu_seconds=usage.ru_utime + usage.ru_stime,
                   peak_rss_gb=usage.ru_maxrss / 1024**2, overrides=overrides)  # ru_maxrss: KB on Linux
    return figures


def weeks_overrides(weeks: int) -> list[str]:
    """``run.weeks`` with a one-week warm-up (none for a one-week run)."""
    return [f"run.weeks={weeks}", f"run.warmup_weeks={min(1, weeks - 1)}"]


def verdict(met: bool) -> str:
    return "met" if met else "missed"


def section_run(args, extra: list[str]) -> dict[str, Any]:
    overrides = ["network=national", *weeks_overrides(args.run_weeks), "run.replications=1", "run.jobs=1", *extra]
    print(f"run: network=national, {args.run_weeks} weeks, 1 replication, 1 worker ({' '.join(overrides)})",
          flush=True)
    before = simpy_rate()
    r = measure(overrides)
    simpy = (before + simpy_rate()) / 2
    r["contacts_per_s"] = r["contacts"] / r["seconds"]
    r["simpy_clients_per_s"] = simpy
    r["over_simpy"] = r["contacts_per_s"] / simpy
    r["targets"] = {"over_simpy": TARGET_SIMPY_RATIO, "peak_rss_gb": TARGET_RSS_GB}
    r["met"] = {"over_simpy": r["over_simpy"] >= TARGET_SIMPY_RATIO, "peak_rss_gb": r["peak_rss_gb"] <= TARGET_RSS_GB}
    print(f"  engine     {r['mode']}")
    print(f"  wall time  {r['seconds']:10.1f} s   (the simulate call; the whole process {r['process_seconds']:.1f} s)")
    print(f"  CPU time   {r['cpu_seconds']:10.1f} s")
    print(f"  peak RSS   {r['peak_rss_gb']:10.2f} GB"
          f"{'':28}target <= {TARGET_RSS_GB:g} GB: {verdict(r['met']['peak_rss_gb'])}")
    print(f"  contacts   {r['contacts']:10,}     ({r['contacts_counted_as']}; {r['contacts_per_s']:,.0f} a second)")
    print(f"  SimPy      {simpy:10,.0f} clients a second (M/M/5, the mean of a run before and one after)")
    print(f"  national / SimPy {r['over_simpy']:.2f}x{'':20}target >= {TARGET_SIMPY_RATIO:g}x: "
          f"{verdict(r['met']['over_simpy'])}")
    print(flush=True)
    return r


def section_scaling(args, extra: list[str], per_office: float) -> dict[str, Any]:
    print(f"scaling: network=national at {', '.join(map(str, args.offices))} offices, "
          f"{per_office:,.0f} people per office, {args.weeks} week{'s' * (args.weeks != 1)}, "
          f"1 replication, 1 worker, {args.rounds} round{'s' * (args.rounds != 1)}", flush=True)
    runs: dict[int, list[dict[str, Any]]] = {n: [] for n in args.offices}
    for i in range(args.rounds):
        for n in args.offices:
            overrides = ["network=national", f"network.offices={n}", f"network.population={round(per_office * n)}",
                         *weeks_overrides(args.weeks), "run.replications=1", "run.jobs=1", *extra]
            r = measure(overrides)
            r["seconds_per_1000_contacts"] = 1000 * r["seconds"] / r["contacts"]
            runs[n].append(r)
            print(f"  round {i + 1}: {n:>4} offices, {r['contacts']:,} contacts in {r['seconds']:.1f} s", flush=True)
    rows = []
    for n, rs in runs.items():
        per = sorted(r["seconds_per_1000_contacts"] for r in rs)
        rows.append({"offices": n, "contacts": rs[0]["contacts"], "seconds": min(r["seconds"] for r in rs),
                     "seconds_per_1000_contacts": per[0], "median_seconds_per_1000_contacts": statistics.median(per),
                     "peak_rss_gb": max(r["peak_rss_gb"] for r in rs), "runs": rs})
    base, base_median = rows[0]["seconds_per_1000_contacts"], rows[0]["median_seconds_per_1000_contacts"]
    print()
    head = (f"  {'offices':>7} {'population':>11} {'contacts':>10} {'seconds':>8} {'s/1000 contacts':>16} "
            f"{'ratio':>6}   {'median':>7} {'ratio':>6} {'peak RSS GB':>12}")
    print(head)
    print("  " + "-" * (len(head) - 2))
    for r in rows:
        r["ratio"] = r["seconds_per_1000_contacts"] / base
        r["median_ratio"] = r["median_seconds_per_1000_contacts"] / base_median
        print(f"  {r['offices']:>7} {round(per_office * r['offices']):>11,} {r['contacts']:>10,} "
              f"{r['seconds']:>8.1f} {r['seconds_per_1000_contacts']:>16.3f} {r['ratio']:>6.2f}   "
              f"{r['median_seconds_per_1000_contacts']:>7.3f} {r['median_ratio']:>6.2f} {r['peak_rss_gb']:>12.2f}")
    print(f"  (seconds and s/1000 contacts: the best round; ratio: cost per contact against {rows[0]['offices']} "
          "offices; it should stay flat, i.e. total cost no faster than linear in contacts)")
    worst = max(r["ratio"] for r in rows)
    print(f"  largest ratio {worst:.2f}x   target <= {TARGET_SCALING:g}x: {verdict(worst <= TARGET_SCALING)}")
    print(flush=True)
    return {"weeks": args.weeks, "rounds": args.rounds, "people_per_office": per_office, "rows": rows,
            "largest_ratio": worst, "target": TARGET_SCALING, "met": worst <= TARGET_SCALING}


def section_workers(args, extra: list[str], per_office: float) -> dict[str, Any]:
    n = args.workers_offices
    base = ["network=national", f"network.offices={n}", f"network.population={round(per_office * n)}",
            *weeks_overrides(args.workers_weeks), f"run.replications={args.replications}", *extra]
    print(f"workers: network=national at {n} offices, "
          f"{args.workers_weeks} week{'s' * (args.workers_weeks != 1)}, {args.replications} replications, "
          "run.jobs=1 then run.jobs=2", flush=True)
    runs = {}
    for jobs in (1, 2):
        r = measure([*base, f"run.jobs={jobs}"])
        r["replications_per_minute"] = 60 * r["replications"] / r["seconds"]
        runs[jobs] = r
        print(f"  run.jobs={jobs}: {r['seconds']:7.1f} s, {r['replications_per_minute']:.2f} replications/min, "
              f"CPU {r['cpu_seconds']:.1f} s, peak RSS of one process {r['peak_rss_gb']:.2f} GB", flush=True)
    ratio = runs[2]["replications_per_minute"] / runs[1]["replications_per_minute"]
    print(f"  throughput ratio jobs=2 / jobs=1: {ratio:.2f}x   target >= {TARGET_WORKERS_RATIO:g}x: "
          f"{verdict(ratio >= TARGET_WORKERS_RATIO)}   ({os.cpu_count()} CPUs)")
    print(flush=True)
    return {"jobs_1": runs[1], "jobs_2": runs[2], "ratio": ratio, "target": TARGET_WORKERS_RATIO,
            "met": ratio >= TARGET_WORKERS_RATIO, "cpus": os.cpu_count()}


def int_list(text: str) -> list[int]:
    try:
        values = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected integers separated by commas (got {text!r})") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected integers >= 1 separated by commas (got {text!r})")
    return values


def section_list(text: str) -> list[str]:
    names = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [x for x in names if x not in SECTIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(SECTIONS)} (got {text!r})")
    return names


def true_false(text: str) -> bool:
    if text.lower() in ("true", "1", "yes"):
        return True
    if text.lower() in ("false", "0", "no"):
        return False
    raise argparse.ArgumentTypeError(f"expected true or false (got {text!r})")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", type=section_list, default=list(SECTIONS),
                   help="sections to run, comma-separated: run,scaling,workers (default all)")
    p.add_argument("--run-weeks", type=int, default=52, help="weeks of the national run (default 52)")
    p.add_argument("--offices", type=int_list, default=[10, 40, 80, 160],
                   help="network sizes of the scaling section (default 10,40,80,160)")
    p.add_argument("--weeks", type=int, default=4, help="weeks of each scaling run (default 4)")
    p.add_argument("--rounds", type=int, default=3, help="rounds of the scaling section (default 3)")
    p.add_argument("--workers-offices", type=int, default=WORKERS_OFFICES,
                   help=f"offices of the workers section's network (default {WORKERS_OFFICES})")
    p.add_argument("--workers-weeks", type=int, default=WORKERS_WEEKS,
                   help=f"weeks of the workers section's runs (default {WORKERS_WEEKS})")
    p.add_argument("--replications", type=int, default=4, help="replications of the workers section (default 4)")
    p.add_argument("--keep-contacts", type=true_false, default=True, metavar="true|false",
                   help="false: run.keep_contacts=false (aggregates only)")
    p.add_argument("--check", action="store_true", help="exit 1 if a target of a section run is missed")
    p.add_argument("--json", metavar="PATH", help="write the figures to this JSON file")
    p.add_argument("--child", help=argparse.SUPPRESS)
    p.add_argument("--simpy-child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.simpy_child:
        print(json.dumps(simpy_child()))
        return 0
    if args.child:
        print(json.dumps(child(json.loads(args.child))))
        return 0
    for name in ("run_weeks", "weeks", "rounds", "workers_offices", "workers_weeks", "replications"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1 (got {getattr(args, name)})")

    import simoffice

    national = simoffice.compose("network=national").network
    per_office = national.population / national.offices
    extra = [] if args.keep_contacts else ["run.keep_contacts=false"]

    figures: dict[str, Any] = {"keep_contacts_override": extra, "cpus": os.cpu_count(),
                               "python": sys.version.split()[0]}
    missed = False
    if "run" in args.only:
        figures["run"] = section_run(args, extra)
        missed |= not all(figures["run"]["met"].values())
    if "scaling" in args.only:
        figures["scaling"] = section_scaling(args, extra, per_office)
        missed |= not figures["scaling"]["met"]
    if "workers" in args.only:
        figures["workers"] = section_workers(args, extra, per_office)
        missed |= not figures["workers"]["met"]
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
        print(f"Figures written to {args.json}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
