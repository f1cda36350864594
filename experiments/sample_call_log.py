"""Regenerate the sample call log, experiments/data/sample_call_log.csv.

The scenario: a contact centre on its own (:data:`NETWORK`): two call types
(``accounts``, lognormal talk time of mean 4 min, and ``cards``, mean 2.5 min),
about 1 500 calls a week, open Monday–Friday 07:00–22:00 and Saturday
08:00–14:00, agents on four shifts of its own (early 07–15 two, middle 09–17 one, late 14–22 two,
Saturday two),
callers' patience exponential with mean 3 minutes, and 30 % of those who hang up
calling again 10 minutes later (about 6 % of calls are abandoned). Simulated with
``schedule=five_day`` for six weeks of which the first is a warm-up, one replication
at seed 2026; the log holds the five measured weeks, 19 January to 21 February 2026
(about 8 300 rows, 1 MB).

The simulated calls are then written the way an ACD exports them:

- every call first passes a **voice response** (``ivr_entered_at``: 10–60 s before
  it joins the queue), and 12 % of callers more end there (outcome ``ivr``, no
  queue times);
- an ``outcome`` column (``served``, ``abandoned``, ``ivr``, ``phantom``: 0.5 % of
  rows are phantom records) and one ``queue_exit_at`` column instead of separate
  answered / abandoned columns for the queue's end (``answered_at`` is the talk's
  start);
- ``call_id`` restarts at 1 every day (unique only within a day);
- ``customer_id`` is the caller (retries share it); 15 % of callers are
  unidentified and carry the placeholder ``0``;
- clock glitches: 0.3 % of answered calls are answered a second before their
  queue entry, and 0.2 % end at ``00:00:00`` of their day.

    python experiments/sample_call_log.py            # or: make sample-call-log

The calibration page (docs/pages/calibration.md) calibrates a contact-centre network from it
(``simoffice-calibrate --calls experiments/data/sample_call_log.csv --out …``).
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from omegaconf import OmegaConf

import simoffice
from simoffice.calibration.simulated_logs import call_log_from_results, write_log

OUT = Path(__file__).resolve().parent / "data" / "sample_call_log.csv"
SEED = 2026
WEEKDAYS5 = ["mon", "tue", "wed", "thu", "fri"]
# Relative calls per hour from 07:00 to 22:00 (Monday–Friday), and 08:00–14:00 on Saturday.
WEEKDAY_HOURS = [0.4, 1.0, 1.5, 1.6, 1.4, 1.1, 1.0, 1.1, 1.2, 1.1, 1.0, 0.9, 0.7, 0.5, 0.3]
SATURDAY_HOURS = [0.0] + [0.6, 0.8, 0.8, 0.7, 0.5, 0.4] + [0.0] * 8
NETWORK = {
    "kind": "explicit",
    "name": "sample_call_centre",
    "max_visits": 10,
    "return_after_days": 1,
    "arrival_profile": {
        "bin_min": 60, "start": "07:00", "time_of_day": WEEKDAY_HOURS,
        "weekdays": {**{d: 1.0 for d in WEEKDAYS5}, "sat": 0.35, "sun": 0.0},
        "by_weekday": {**{d: WEEKDAY_HOURS for d in WEEKDAYS5}, "sat": SATURDAY_HOURS},
    },
    "segments": {"callers": {"share": 1.0, "patience": None, "priority": 0, "return_prob": 0.0,
                             "informed_share": 1.0, "channels": {"phone": 1.0}}},
    "services": {
        "accounts": {"skill": "accounts", "service_time": {"dist": "lognormal", "mean": 4.0, "cv": 1.0},
                     "phone": "settle"},
        "cards": {"skill": "cards", "service_time": {"dist": "lognormal", "mean": 2.5, "cv": 0.8},
                  "phone": "settle"},
    },
    "bundles": {"accounts": {"needs": ["accounts"], "share": 0.6}, "cards": {"needs": ["cards"], "share": 0.4}},
    "offices": [{"name": "callers", "bundles_per_week": 1500.0,
                 "opening_hours": {d: None for d in [*WEEKDAYS5, "sat", "sun"]},
                 "desk_groups": [{"name": "idle desk", "skills": ["accounts", "cards"], "staff": {"full": 1}}]}],
    "contact_centre": {
        "opening_hours": {**{d: "07:00-22:00" for d in WEEKDAYS5}, "sat": "08:00-14:00", "sun": None},
        "shifts": {"early": {"start": "07:00", "end": "15:00", "days": WEEKDAYS5},
                   "middle": {"start": "09:00", "end": "17:00", "days": WEEKDAYS5},
                   "late": {"start": "14:00", "end": "22:00", "days": WEEKDAYS5},
                   "saturday": {"start": "08:00", "end": "14:00", "days": ["sat"]}},
        "desk_groups": [{"name": "agents", "skills": ["accounts", "cards"],
                         "staff": {"early": 2, "middle": 1, "late": 2, "saturday": 2}}],
        "patience": {"dist": "exponential", "mean": 3.0},
        "retry_prob": 0.3,
        "retry_after_min": 10.0,
    },
}
RUN = ("schedule=five_day", "design=co_located", "run.weeks=6", "run.warmup_weeks=1", "run.drain_weeks=1",
       "run.replications=1", f"run.seed={SEED}", "run.jobs=1", "run.progress=false")
IVR_SEC = (10, 60)
IVR_ONLY_SHARE = 0.12
PHANTOM_SHARE = 0.005
UNIDENTIFIED_SHARE = 0.15
EARLY_ANSWER_SHARE = 0.003
MIDNIGHT_END_SHARE = 0.002


def simulate() -> pd.DataFrame:
    """The contact centre's calls of the measured weeks, in the simple call-log format."""
    cfg = OmegaConf.to_container(simoffice.compose(*RUN), resolve=True)
    cfg["network"] = copy.deepcopy(NETWORK)
    return call_log_from_results(simoffice.simulate(cfg, progress=False))


def as_acd_export(calls: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The calls as an ACD exports them (see the module docstring)."""
    n = len(calls)
    answered = calls["answered_at"].notna().to_numpy()
    arrived = pd.to_datetime(calls["arrived_at"])
    ivr = arrived - pd.to_timedelta(rng.integers(*IVR_SEC, n), unit="s")
    out = pd.DataFrame({
        "ivr_entered_at": ivr,
        "arrived_at": arrived,
        "queue_exit_at": pd.to_datetime(calls["answered_at"]).fillna(pd.to_datetime(calls["abandoned_at"])),
        "answered_at": pd.to_datetime(calls["answered_at"]),
        "ended_at": pd.to_datetime(calls["ended_at"]),
        "outcome": np.where(answered, "served", "abandoned"),
        "agent": calls["agent"],
        "service": calls["service"],
        "customer_id": calls["customer_id"],
    })
    # Callers who end in the voice response: at the times other calls come.
    k = int(IVR_ONLY_SHARE * n)
    ivr_only = pd.DataFrame({"ivr_entered_at": ivr.sample(k, random_state=rng.integers(2**31)).to_numpy()
                             + pd.to_timedelta(rng.integers(-600, 600, k), unit="s"),
                             "outcome": "ivr", "service": rng.choice(["accounts", "cards"], k),
                             "customer_id": [f"V{i:06d}" for i in range(k)]})
    out = pd.concat([out, ivr_only], ignore_index=True)
    phantom = rng.random(len(out)) < PHANTOM_SHARE
    out.loc[phantom, ["arrived_at", "queue_exit_at", "answered_at", "ended_at", "agent"]] = None
    out.loc[phantom, "outcome"] = "phantom"
    out.loc[rng.random(len(out)) < UNIDENTIFIED_SHARE, "customer_id"] = "0"
    served = (out["outcome"] == "served").to_numpy()
    early = served & (rng.random(len(out)) < EARLY_ANSWER_SHARE)
    out.loc[early, "answered_at"] = out.loc[early, "arrived_at"] - pd.Timedelta(seconds=1)
    midnight = served & ~early & (rng.random(len(out)) < MIDNIGHT_END_SHARE)
    out.loc[midnight, "ended_at"] = out.loc[midnight, "arrived_at"].dt.normalize()
    out = out.sort_values("ivr_entered_at", kind="stable").reset_index(drop=True)
    day = out["ivr_entered_at"].dt.normalize()
    out.insert(0, "call_id", out.groupby(day).cumcount() + 1)
    return out


def main(out: Path = OUT) -> Path:
    """Simulate the scenario and write its calls as an ACD export."""
    frame = as_acd_export(simulate(), np.random.default_rng(SEED))
    out.parent.mkdir(parents=True, exist_ok=True)
    write_log(frame, out)
    return out


if __name__ == "__main__":
    path = main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(f"Wrote {path}")
