"""The calibrated model against its log: does the network reproduce the office?

After the network is written, :func:`check_against_log` simulates it over the
log's own calendar — the same weeks (a warm-up week before, a drain week
after), the log's holidays closed, the calibration's schedule and the
``co_located`` design — for some replications; exports each replication as a
log (:mod:`simoffice.calibration.simulated_logs`); and measures the log and
every simulated log with the same yardstick (:mod:`simoffice.calibration.log_measures`):
arrivals, mean wait, service level, abandonment and utilisation, per office
(and the contact centre) and by weekday × hour (the offices pooled).

**The intervals.** Over R replications each value has a mean m and a standard
deviation s. The confidence interval m ± t·s/√R says where the model's own mean
lies. The log is one more realisation of the same length, so whether the model
reproduces it is judged against the 95 % *prediction* interval
m ± t·s·√(1 + 1/R) (Student t with R − 1 degrees of freedom): if the model were
the process that wrote the log, the observed value would fall outside it 5 % of
the time (a little less, since the model was fitted to this log). Across many
weekday × hour cells, about 5 % outside is chance; many more is a misfit.
A share from n records moves in steps of 1/n, so it is judged with half a step
of slack either side (a continuity correction: an hour where every one of 51
clients was served in time is not "outside" an interval ending at 99.99 %).
Values behind fewer records than :data:`MIN_JUDGED` are shown but not judged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from simoffice.calibration.log_measures import MEASURES, SHARES, call_contacts, measure_log, ticket_contacts
from simoffice.calibration.simulated_logs import call_log_from_results, ticket_log_from_results
from simoffice.config.network_schema import ContactCentreConfig
from simoffice.config.schema import RunConfig
from simoffice.run.simulate import simulate

__all__ = ["CHECK_REPLICATIONS", "MIN_JUDGED", "LEVEL", "LogCheck", "check_against_log", "compare",
           "simulation_config"]

CHECK_REPLICATIONS = 5  # the command's default (--check-replications)
LEVEL = 0.95
# measure -> the fewest records (contacts; served; queued; queued; desk hours) behind an
# observed value for it to be judged against the prediction interval.
MIN_JUDGED = {"arrivals": 30, "wait_mean_min": 30, "service_level": 30, "abandonment_rate": 30, "utilisation": 10}
CALLS_UNIT = "contact centre"
CO_LOCATED = {"name": "co_located", "needs_per_ticket": "one", "other_needs": "same_visit", "cross_trained": False}
WARMUP_WEEKS = 1
DRAIN_WEEKS = 1


@dataclass
class LogCheck:
    """Observed against simulated, with intervals over the replications.

    ``units`` has a row per unit (each office, the contact centre) and measure;
    ``hours`` a row per unit (``offices`` pooled, the contact centre), weekday
    (0 = Monday), hour of arrival and measure. Their columns: ``observed``, ``n``
    (records behind it), ``simulated`` (the replications' mean), ``ci_low``/``ci_high``
    (its confidence interval), ``low``/``high`` (the prediction interval for one
    log), ``verdict`` (``inside``, ``outside``, ``few data`` or ``no data``).
    """

    replications: int
    seed: int
    first_day: dt.date
    last_day: dt.date
    target_min: float
    call_target_min: float | None
    units: pd.DataFrame
    hours: pd.DataFrame
    level: float = LEVEL

    def outside(self, table: str = "hours") -> tuple[int, int]:
        """Judged values outside their prediction interval, and judged values in all."""
        frame = getattr(self, table)
        judged = frame["verdict"].isin(["inside", "outside"])
        return int((frame["verdict"] == "outside").sum()), int(judged.sum())


def simulation_config(cal: Any, schedule: dict, replications: int, seed: int, jobs: int = 1) -> dict:
    """The config that simulates a calibration over its log's calendar: whole weeks from the
    Monday of the log's first day (after a warm-up week) to its last day, the log's holidays
    closed, the calibration's schedule and the ``co_located`` design."""
    first, last = _period(cal)
    monday = first - dt.timedelta(days=first.weekday())
    weeks = -(-((last - monday).days + 1) // 7)
    run = {**asdict(RunConfig()), "weeks": WARMUP_WEEKS + weeks, "warmup_weeks": WARMUP_WEEKS,
           "drain_weeks": DRAIN_WEEKS, "replications": replications, "seed": seed, "jobs": jobs,
           "start_date": (monday - dt.timedelta(weeks=WARMUP_WEEKS)).isoformat(), "progress": False,
           "quiet": True, "report": "none", "keep_contacts": True}
    holidays = sorted(str(d) for d in (cal.arrivals.holidays if cal.arrivals is not None else {}))
    sched = {"name": cal.schedule_name, "closing_policy": "serve_waiting", **schedule, "holidays": holidays}
    return {"network": {"kind": "explicit", **cal.network}, "schedule": sched, "design": dict(CO_LOCATED),
            "run": run}


def check_against_log(cal: Any, schedule: dict, replications: int = CHECK_REPLICATIONS,
                      seed: int | None = None, jobs: int = 1, level: float = LEVEL) -> LogCheck:
    """Simulate a calibration's network over its log's calendar and compare with the log.

    Args:
        cal: a :class:`~simoffice.calibration.fitted.Calibration` (its ``network`` is simulated).
        schedule: the schedule config the calibration staffed the desks with.
        replications: at least 2 (the intervals need a spread).
        seed: the runs' seed (default: ``run.seed``'s default).
        jobs: worker processes (1: in this process).

    Raises:
        ValueError: fewer than 2 replications.
        RunInterrupted: Ctrl-C during the runs.
    """
    if replications < 2:
        raise ValueError(f"--check-replications: expected 0 (no check) or an integer >= 2 (got {replications})")
    seed = RunConfig.seed if seed is None else seed
    cfg = simulation_config(cal, schedule, replications, seed, jobs)
    results = simulate(cfg, progress=False)
    first, last = _period(cal)
    period = pd.date_range(first, last, freq="D")
    target = float(cfg["run"]["service_level_target_min"])
    call_target = _call_target(cal)
    calls_unit = _calls_unit(cal)
    observed = _observed(cal, target, call_target, calls_unit)
    simulated = [_simulated(results, r, target, call_target, calls_unit) for r in range(replications)]
    units = compare(measure_log(observed, period, "unit"), [measure_log(s, period, "unit") for s in simulated],
                    ["unit"], level)
    hours = compare(measure_log(observed, period, "hour"), [measure_log(s, period, "hour") for s in simulated],
                    ["unit", "weekday", "hour"], level)
    order = {name: i for i, name in enumerate([o.name for o in cal.offices] + ["offices", calls_unit])}
    units = units.sort_values(["unit", "measure"], key=lambda col: col.map(order) if col.name == "unit"
                              else col.map(MEASURES.index), kind="stable").reset_index(drop=True)
    return LogCheck(replications, seed, first, last, target, call_target, units, hours, level)


def compare(observed: pd.DataFrame, simulated: list[pd.DataFrame], keys: list[str],
            level: float = LEVEL) -> pd.DataFrame:
    """Observed values against the replications' (frames from
    :func:`~simoffice.calibration.log_measures.measure_log`): the mean, its confidence
    interval, the prediction interval for one more log, and the verdict.

    A cell that one side lacks has 0 arrivals there and no other value."""
    cols = [*keys, "measure"]
    obs = observed.set_index(cols)
    sims = [s.set_index(cols)["value"] for s in simulated]
    index = obs.index.union(pd.Index([]) if not sims else sims[0].index)
    for s in sims[1:]:
        index = index.union(s.index)
    values = np.column_stack([s.reindex(index).to_numpy(dtype=float, copy=True) for s in sims])
    is_arrivals = index.get_level_values("measure") == "arrivals"
    values[is_arrivals] = np.nan_to_num(values[is_arrivals])
    observed_value = obs["value"].reindex(index).to_numpy(dtype=float, copy=True)
    observed_value[is_arrivals] = np.nan_to_num(observed_value[is_arrivals])
    n = obs["n"].reindex(index).fillna(0).to_numpy(dtype=float)
    k = (~np.isnan(values)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(np.where(k[:, None] > 0, values, 0.0), axis=1)
        mean[k == 0] = np.nan
        sd = np.sqrt(np.nansum((values - mean[:, None]) ** 2, axis=1) / (k - 1))
        t = stats.t.ppf((1 + level) / 2, np.maximum(k - 1, 1))
        half_ci = np.where(k >= 2, t * sd / np.sqrt(k), np.nan)
        half_pi = np.where(k >= 2, t * sd * np.sqrt(1 + 1 / k), np.nan)
    measure = index.get_level_values("measure")
    top = np.where(np.isin(measure, SHARES), 1.0, np.inf)
    out = index.to_frame(index=False)
    out["observed"] = observed_value
    out["n"] = n
    out["simulated"] = mean
    out["ci_low"] = np.clip(mean - half_ci, 0, top)
    out["ci_high"] = np.clip(mean + half_ci, 0, top)
    out["low"] = np.clip(mean - half_pi, 0, top)
    out["high"] = np.clip(mean + half_pi, 0, top)
    minimum = np.array([MIN_JUDGED[m] for m in measure], dtype=float)
    judged = np.isfinite(observed_value) & np.isfinite(half_pi) & (n >= minimum)
    # A share of n records moves in steps of 1/n: half a step either side is within the interval.
    slack = np.where(np.isin(measure, SHARES), 0.5 / np.maximum(n, 1), 0.0)
    inside = (observed_value >= out["low"].to_numpy() - slack) & (observed_value <= out["high"].to_numpy() + slack)
    verdict = np.where(~np.isfinite(observed_value) | ~np.isfinite(mean), "no data",
                       np.where(~judged, "few data", np.where(inside, "inside", "outside")))
    out["verdict"] = verdict
    return out


def _period(cal: Any) -> tuple[dt.date, dt.date]:
    """The days compared: the log's first to last; with a ticket log and a call log, the days
    both cover (a week of one log's counts is not a week of the other's).

    Raises:
        ValueError: a ticket log and a call log with no day in common.
    """
    first, last = cal.first_day, cal.last_day
    if cal.offices and cal.calls is not None and cal.calls.log.kind == "calls":
        arrived = cal.calls.log.frame["arrived"]
        first, last = max(first, arrived.min().date()), min(last, arrived.max().date())
        if first > last:
            raise ValueError(f"--check-replications: expected a ticket log and a call log with days in common "
                             f"(got {cal.first_day}–{cal.last_day} and {arrived.min().date()}–"
                             f"{arrived.max().date()})")
    return first, last


def _call_target(cal: Any) -> float | None:
    """The contact centre's service-level target (minutes); None without a contact centre
    fitted from a call log (one fitted from an interval report has no calls to compare)."""
    centre = cal.network.get("contact_centre") if cal.calls is not None else None
    if not centre or cal.calls.log is None or cal.calls.log.kind != "calls":
        return None
    return float(centre.get("service_level_target_sec", ContactCentreConfig.service_level_target_sec)) / 60


def _calls_unit(cal: Any) -> str:
    names = {o.name for o in cal.offices}
    return CALLS_UNIT if CALLS_UNIT not in names else f"{CALLS_UNIT} (calls)"


def _observed(cal: Any, target: float, call_target: float | None, calls_unit: str) -> pd.DataFrame:
    parts = []
    if cal.log is not None and cal.log.kind == "tickets":
        parts.append(ticket_contacts(cal.log.frame, target))
    if call_target is not None:
        parts.append(call_contacts(cal.calls.log.frame, call_target, calls_unit))
    return pd.concat(parts, ignore_index=True)


def _simulated(results: Any, replication: int, target: float, call_target: float | None,
               calls_unit: str) -> pd.DataFrame:
    parts = [ticket_contacts(ticket_log_from_results(results, replication), target, issued="issued_at",
                             called="called_at", ended="service_end")]
    if call_target is not None:
        calls = call_log_from_results(results, replication)
        parts.append(call_contacts(calls, call_target, calls_unit, arrived="arrived_at", answered="answered_at",
                                   abandoned="abandoned_at", ended="ended_at"))
    return pd.concat(parts, ignore_index=True)

