"""Instructions per contact, counted by Valgrind's callgrind: a measure the machine's noise does not move.

Runs ``network=mmc`` (5 desks, ρ = 0.9, as in ``peers.py``) for 1 and for 2 weeks,
each in its own Python process under ``valgrind --tool=callgrind``, and divides
the difference in instructions by the difference in contacts: what the
simulation of one more contact costs, without the imports and set-up that both
runs share. Done for each engine mode installed (compiled, interpreted), so the
two are compared on the same build. About 2 minutes per mode, one core.

    python experiments/benchmarks/instructions.py            # make callgrind
    python experiments/benchmarks/instructions.py --network national --weeks 2 3 \\
        --set network.offices=20 network.population=1625000

Then, per mode, where one more contact's instructions go: the difference of the
two runs, function by function, grouped by part (each compiled engine module; the
interpreter running Python code; Python's objects and calls; numpy; the C
library's memory functions). Interpreted, nearly everything is the interpreter's.

Needs ``valgrind`` (Debian: ``apt-get install valgrind``). The callgrind files
are kept in ``results/callgrind/`` for ``callgrind_annotate``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "results" / "callgrind"

CHILD = """
import json, sys, simoffice
network, weeks, extra = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
overrides = [f"network={network}", f"run.weeks={weeks}", "run.warmup_weeks=0", "run.drain_weeks=0",
             "run.replications=1", "run.jobs=1", "run.seed=1", "run.report=none", *extra]
if network == "mmc":
    overrides += ["network.servers=5", "network.arrivals_per_hour=270.0", "network.service_mean_min=1.0"]
res = simoffice.simulate(simoffice.compose(*overrides), progress=False)
import simoffice.engine
print(json.dumps({"contacts": len(res.contacts), "mode": simoffice.engine.mode()}))
"""


def count(network: str, weeks: int, mode: str, extra: list[str]) -> dict:
    """Instructions of one whole process (callgrind's total Ir) and its contacts."""
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"callgrind.{network}.{mode}.{weeks}w.out"
    env = {**os.environ, "SIMOFFICE_ENGINE": mode, "PYTHONHASHSEED": "0"}
    proc = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, "-c",
                           CHILD, network, str(weeks), *extra], capture_output=True, text=True, env=env, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["mode"] != mode:
        raise SystemExit(f"instructions: asked for the {mode} engine, got {result['mode']} (is it built?)")
    total = re.search(r"Collected : (\d+)", proc.stderr)
    return {"instructions": int(total.group(1)), **result}


LINE = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+(.*?):(\S+)(?: \[(.*)\])?$")


def functions(path: Path) -> dict[tuple[str, str], int]:
    """Instructions by (file, function) of one callgrind file (every function, exclusive)."""
    out = subprocess.run(["callgrind_annotate", "--threshold=100", "--inclusive=no", str(path)],
                         capture_output=True, text=True, check=True).stdout
    costs: dict[tuple[str, str], int] = {}
    for line in out.splitlines():
        m = LINE.match(line)
        if m and "PROGRAM TOTALS" not in line:
            key = (m.group(2) + " " + (m.group(4) or ""), m.group(3))
            costs[key] = costs.get(key, 0) + int(m.group(1).replace(",", ""))
    return costs


def part(where: str, function: str) -> str:
    """The part of the run a function belongs to."""
    engine = re.search(r"simoffice/engine/(\w+)\.c", where)
    if engine:
        return f"engine, compiled: {engine.group(1)}"
    if "ceval.c" in where:
        return "Python interpreter (interpreted code)"
    if "_struct" in where:
        return "log rows (struct packing)"
    if "numpy" in where:
        return "numpy"
    if "libc.so" in where:
        return "C library (memory copy, malloc)"
    if "libpython" in where or "Python-3" in where:
        return "Python objects, calls, dicts"
    return "other"


def by_part(short: Path, long: Path, contacts: int) -> dict[str, float]:
    """Instructions per contact by part: the long run's functions less the short run's."""
    a, b = functions(short), functions(long)
    parts: dict[str, float] = {}
    for key in set(a) | set(b):
        name = part(*key)
        parts[name] = parts.get(name, 0.0) + (b.get(key, 0) - a.get(key, 0)) / contacts
    return dict(sorted(parts.items(), key=lambda kv: -kv[1]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modes", nargs="+", default=["compiled", "interpreted"], choices=["compiled", "interpreted"])
    ap.add_argument("--network", default="mmc")
    ap.add_argument("--weeks", nargs=2, type=int, default=[1, 2], metavar=("SHORT", "LONG"))
    ap.add_argument("--set", nargs="*", default=[], metavar="KEY=VALUE",
                    help="more overrides for both runs, e.g. network.offices=20 network.population=1625000")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    rows = {}
    for mode in args.modes:
        short, long = (count(args.network, w, mode, args.set) for w in args.weeks)
        per_contact = (long["instructions"] - short["instructions"]) / (long["contacts"] - short["contacts"])
        rows[mode] = {"instructions_per_contact": per_contact, "contacts": [short["contacts"], long["contacts"]],
                      "instructions": [short["instructions"], long["instructions"]]}
        print(f"{mode:>12}: {per_contact:,.0f} instructions per contact "
              f"(network={args.network}, {args.weeks[0]} and {args.weeks[1]} weeks)", flush=True)
        files = [OUT / f"callgrind.{args.network}.{mode}.{w}w.out" for w in args.weeks]
        rows[mode]["by_part"] = parts = by_part(*files, long["contacts"] - short["contacts"])
        for name, value in parts.items():
            if abs(value) >= 0.005 * per_contact:
                print(f"{'':14}{value:>9,.0f}  {100 * value / per_contact:5.1f} %  {name}")
    if len(rows) == 2:
        ratio = rows["interpreted"]["instructions_per_contact"] / rows["compiled"]["instructions_per_contact"]
        print(f"interpreted / compiled: {ratio:.2f}x")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
