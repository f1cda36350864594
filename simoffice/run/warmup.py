"""``run.warmup_weeks=auto``: a pilot run finds the warm-up, and the run uses it.

The pilot is the same network from week 0 (no warm-up left out), with
:data:`PILOT_REPLICATIONS` replications of at least :data:`MIN_PILOT_WEEKS` weeks
(``run.weeks`` when longer: MSER looks for a warm-up in the first half of its
series only), keeping aggregates only and writing nothing. Its weekly figures go
to the MSER rule of :mod:`simoffice.measures.warmup`, and the largest truncation
over the units is the warm-up of the run. The pilot uses the run's seed; it is
then discarded, so the run's tables are those of the same run with
``run.warmup_weeks`` set to the number found.

A warm-up of half the run or more leaves few weeks to measure: the run still uses
it (at most ``run.weeks − 1``) and says, in a warning of kind ``warmup``, how
long the run should be.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd

from simoffice.measures.warmup import truncation
from simoffice.model.spec import ModelSpec
from simoffice.model.standards import EXPERT_CENTRE
from simoffice.run.results import weekly_table
from simoffice.run.runner import run_replications

PILOT_REPLICATIONS = 5  # enough for the check across replications (measures.warmup.lower_at_start)
MIN_PILOT_WEEKS = 8  # MSER finds at most half of them
# The words the line and the page use for the measures.
WORDS = {"wait_mean_min": "mean wait", "queue_length_mean": "queue", "expert_backlog": "backlog"}


def pilot_spec(spec: ModelSpec) -> ModelSpec:
    """The pilot's spec: the run's network and seed from week 0, :data:`PILOT_REPLICATIONS`
    replications of ``max(run.weeks, MIN_PILOT_WEEKS)`` weeks, aggregates only."""
    run = dataclasses.replace(spec.run, weeks=max(spec.run.weeks, MIN_PILOT_WEEKS), warmup_weeks=0,
                              warmup_auto=False, replications=PILOT_REPLICATIONS, keep_contacts=False,
                              report="none")
    return dataclasses.replace(spec, run=run)


def pilot_weekly(spec: ModelSpec, progress: bool | None = None) -> pd.DataFrame:
    """The pilot's ``weekly`` table (``replication, office, week, measure, value``)."""
    return weekly_table(run_replications(pilot_spec(spec), progress))


def resolve_warmup(spec: ModelSpec, progress: bool | None = None) -> tuple[ModelSpec, dict[str, Any] | None]:
    """With ``run.warmup_weeks=auto``, run the pilot and return the spec with the warm-up
    found (at most ``run.weeks − 1``) and what was found (``summary["meta"]["warmup"]``:
    ``method``, ``weeks`` used, ``found``, ``pilot`` {replications, weeks}, ``set_by``
    {unit, measure} or None, ``at_limit``, ``by_unit`` unit -> measure -> weeks, and
    ``series`` unit -> measure -> the pilot's weekly means); otherwise ``(spec, None)``.

    Raises:
        RunInterrupted: a KeyboardInterrupt stopped the pilot.
    """
    if not spec.run.warmup_auto:
        return spec, None
    pilot = pilot_spec(spec)
    found = truncation(pilot_weekly(spec, progress))
    used = min(found.weeks, spec.run.weeks - 1)
    info = {
        "method": "MSER",
        "weeks": used,
        "found": found.weeks,
        "pilot": {"replications": pilot.run.replications, "weeks": pilot.run.weeks},
        "set_by": None if found.set_by is None else {"unit": found.set_by[0], "measure": found.set_by[1]},
        "at_limit": [{"unit": u, "measure": m} for u, m in found.at_limit],
        "by_unit": found.by_unit,
        "series": {u: {m: [None if v is None else round(v, 4) for v in s] for m, s in ms.items()}
                   for u, ms in found.series.items()},
    }
    run = dataclasses.replace(spec.run, warmup_weeks=used, warmup_auto=False)
    return dataclasses.replace(spec, run=run), info


def warmup_warnings(info: dict[str, Any] | None, weeks: int) -> list[dict[str, str]]:
    """A warning (kind ``warmup``) when the warm-up found leaves fewer than half of the
    run's ``weeks`` to measure, or when a unit's transient may be longer than the pilot."""
    if not info:
        return []
    out = []
    found = info["found"]
    if 2 * found > weeks:
        used = info["weeks"]
        text = (f"The warm-up found is {found} weeks, which leaves {weeks - used} of the run's {weeks} weeks to "
                f"measure{' (the run used ' + str(used) + ')' if used != found else ''}: run run.weeks="
                f"{2 * found} or more.")
        out.append({"kind": "warmup", "unit": "all", "text": text})
    for limit in info["at_limit"]:
        out.append({"kind": "warmup", "unit": limit["unit"],
                    "text": f"{limit['unit'][:1].upper() + limit['unit'][1:]}: its {WORDS[limit['measure']]} was "
                            f"still settling after half of the {info['pilot']['weeks']}-week pilot; its warm-up "
                            "may be longer (run more weeks, or set run.warmup_weeks by hand)."})
    return out


def warmup_line(info: dict[str, Any]) -> str:
    """One line for the terminal: the warm-up used, how it was found and what set it."""
    pilot = info["pilot"]
    weeks = info["weeks"]
    what = f"{weeks} week{'s' if weeks != 1 else ''}"
    if "arm" in info:
        what += f" (the largest of the arms'; this arm's pilot found {info['arm']})"
    elif info["found"] != weeks:
        what += f" (found {info['found']}, cut to the run's length)"
    how = f"MSER on a {pilot['replications']}-replication pilot of {pilot['weeks']} weeks"
    by = info.get("set_by")
    if by is None:
        why = "no unit has a transient"
    else:
        unit = f"the {by['unit']}" if by["unit"] == EXPERT_CENTRE else by["unit"]
        why = f"set by {unit}'s {WORDS[by['measure']]}"
    return f"warm-up: {what} ({how}; {why})"


def common_warmup(prepared: dict[str, tuple[ModelSpec, dict[str, Any]]]) -> dict[str, tuple[ModelSpec, dict[str, Any]]]:
    """A comparison's arms (name -> (spec, meta) of :func:`simoffice.run.simulate.prepare`)
    with one warm-up: each arm whose pilot found its own (``meta["warmup"]``) uses the
    largest of them, so that every arm measures the same weeks (``meta["warmup"]["arm"]``
    keeps what the arm's own pilot found). Arms given a warm-up are left as they are."""
    found = [meta["warmup"]["weeks"] for _, meta in prepared.values() if meta.get("warmup")]
    if not found:
        return prepared
    weeks = max(found)
    out = {}
    for name, (spec, meta) in prepared.items():
        used = min(weeks, spec.run.weeks - 1)
        if meta.get("warmup") and meta["warmup"]["weeks"] != used:
            info = {**meta["warmup"], "weeks": used, "arm": meta["warmup"]["weeks"]}
            spec = dataclasses.replace(spec, run=dataclasses.replace(spec.run, warmup_weeks=used))
            meta = {**meta, "warmup_weeks": used, "warmup": info}
        out[name] = (spec, meta)
    return out
