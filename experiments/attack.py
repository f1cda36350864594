"""Bad input against a copy of the code: every case of tests/attack_cases.py, counted.

    python experiments/attack.py                          # the working tree
    python experiments/attack.py --code /tmp/attack-before --json /tmp/attack-before.json
    python experiments/attack.py --only yaml --only clock # some categories
    python experiments/attack.py --ids yaml-tab,clock-shift-superscript

Each case runs in a temporary folder of its own (``simoffice`` and ``simoffice-calibrate``
from this virtual environment, importing the ``simoffice`` package of ``--code``), 2–4 at
a time. Prints the outcomes (ok, clean, not clean, traceback, accepted) overall and per
category, and the ids of the cases whose outcome is not the one the table expects;
``--json FILE`` writes each case's result. Exit status 1 when some case fails.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import attack_cases as A  # noqa: E402


def imported_from(code: Path | None) -> str:
    """The file of the ``simoffice`` package a case would import."""
    env = A.environment(Path(tempfile.gettempdir()), code, A.CASES[0])
    done = subprocess.run([sys.executable, "-c", "import simoffice; print(simoffice.__file__)"], env=env,
                          capture_output=True, text=True, check=True)
    return done.stdout.strip()


def table(results: list[A.Result], key) -> str:
    counts = collections.defaultdict(collections.Counter)
    for r in results:
        counts[key(r)][r.outcome] += 1
        counts[key(r)]["failing"] += not r.passed
    cols = [*A.OUTCOMES, "failing"]
    lines = [f"{'':<20}" + "".join(f"{c:>11}" for c in cols) + f"{'cases':>8}"]
    for k in sorted(counts, key=lambda k: (k != "all", k)):
        lines.append(f"{k:<20}" + "".join(f"{counts[k][c]:>11}" for c in cols)
                     + f"{sum(counts[k][c] for c in A.OUTCOMES):>8}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--code", type=Path, default=None,
                   help="a folder holding the simoffice package to attack (default: the installed one, this tree)")
    p.add_argument("--workers", type=int, default=2, help="cases run at once (2-4; default 2)")
    p.add_argument("--json", type=Path, default=None, help="write each case's result to this file")
    p.add_argument("--only", action="append", default=[], choices=A.CATEGORIES, help="a category (repeatable)")
    p.add_argument("--ids", default="", help="case ids, separated by commas")
    args = p.parse_args(argv)
    code = args.code.resolve() if args.code else None
    where = imported_from(code)
    if code is not None and not where.startswith(str(code)):
        p.error(f"--code {code}: simoffice is imported from {where}, not from there")
    cases = [c for c in A.CASES if (not args.only or c.category in args.only)
             and (not args.ids or c.id in args.ids.split(","))]
    print(f"{len(cases)} cases against {where}, {args.workers} at a time", flush=True)
    started = time.monotonic()
    results: list[A.Result] = []
    with tempfile.TemporaryDirectory(prefix="attack-") as root, \
            concurrent.futures.ThreadPoolExecutor(max(1, min(args.workers, 4))) as pool:
        futures = {pool.submit(A.run_case, c, Path(root) / c.id, code): c for c in cases}
        for fut in concurrent.futures.as_completed(futures):
            r = fut.result()
            results.append(r)
            mark = "  " if r.passed else "!!"
            print(f"{mark} {r.id:<48} {r.outcome:<10} {r.seconds:5.1f} s  {r.detail[:110]}", flush=True)
    results.sort(key=lambda r: A.CASES.index(A.by_id(r.id)))
    print(f"\n{len(results)} cases in {time.monotonic() - started:.0f} s\n")
    print(table(results, lambda r: "all") + "\n")
    print(table(results, lambda r: r.category))
    failing = [r for r in results if not r.passed]
    print(f"\nfailing ({len(failing)}): " + " ".join(r.id for r in failing))
    if args.json:
        args.json.write_text(json.dumps({"code": where, "results": [asdict(r) for r in results]}, indent=1,
                                        ensure_ascii=False))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
