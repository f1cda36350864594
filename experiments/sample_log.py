"""Regenerate the sample ticket log, experiments/data/sample_ticket_log.csv.

The scenario: the single social centre of ``network=single_office`` (three
services, two desk groups, shifts ``full`` and ``peak`` of ``schedule=five_day``),
with ``design=co_located`` so that each ticket is for one service (a client with
two needs takes a second ticket after the first is served), seven weeks of which
the first is a warm-up, one replication at seed 2026. The log holds the six
measured weeks, 19 January to 27 February 2026, Defender of the Fatherland Day
(Monday 23 February, a holiday of ``five_day``) included: the offices are
closed, and the calibration finds it.

    python experiments/sample_log.py            # or: make sample-log

The calibration page's example (docs/pages/calibration.md) calibrates a network from it.
"""

from __future__ import annotations

import sys
from pathlib import Path

import simoffice
from simoffice.calibration.simulated_logs import ticket_log_from_results, write_log

OUT = Path(__file__).resolve().parent / "data" / "sample_ticket_log.csv"
SCENARIO = ("network=single_office", "schedule=five_day", "design=co_located", "run.weeks=7",
            "run.warmup_weeks=1", "run.drain_weeks=1", "run.replications=1", "run.seed=2026", "run.jobs=1",
            "run.progress=false")


def main(out: Path = OUT) -> Path:
    """Simulate the scenario and write its tickets in the ticket-log format."""
    results = simoffice.simulate(simoffice.compose(*SCENARIO), progress=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_log(ticket_log_from_results(results), out)
    return out


if __name__ == "__main__":
    path = main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(f"Wrote {path}")
