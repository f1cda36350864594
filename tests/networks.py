"""Small explicit networks, written out as plain dicts, for the journey tests.

:func:`network` returns the smallest network with every key spelt out: one
office and one service, open and staffed around the clock (schedule ``always``,
shift ``always`` 00:00–24:00 every day), Poisson arrivals at a constant rate,
nobody reneges, everybody comes back; the engine checks its invariants as it
runs. Tests change what they are about with
:func:`contact_centre`, :func:`expert_centre` and plain dict updates, so that
each test reads as the specification of the behaviour it checks.
"""

from __future__ import annotations

import copy
from pathlib import Path

import simoffice

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ALWAYS = {d: "00:00-24:00" for d in DAYS}
ALWAYS_SHIFT = {"always": {"start": "00:00", "end": "24:00", "days": DAYS}}
DESIGNS = {
    "one_stop": {"name": "one_stop", "needs_per_ticket": "all", "other_needs": "same_visit", "cross_trained": True},
    "co_located": {"name": "co_located", "needs_per_ticket": "one", "other_needs": "same_visit",
                   "cross_trained": False},
    "siloed": {"name": "siloed", "needs_per_ticket": "one", "other_needs": "next_visit", "cross_trained": False},
}


def exponential(mean: float) -> dict:
    return {"dist": "exponential", "mean": mean}


def network(per_week: float = 500.0, service_mean: float = 10.0, desks: int = 2, *, design: str = "one_stop",
            weeks: int = 3, warmup_weeks: int = 1, drain_weeks: int = 1, replications: int = 8,
            seed: int = 2026) -> dict:
    """One office open 24/7 with ``desks`` desks and one service (skill ``general``,
    exponential service time), ``per_week`` single-need bundles a week at a
    constant rate, one segment ``everyone`` (no reneging, always comes back)."""
    return {
        "network": {
            "kind": "explicit", "name": "test", "max_visits": 10, "return_after_days": 1,
            "arrival_profile": {"bin_min": 60, "start": "00:00", "time_of_day": [1.0] * 24,
                                "weekdays": {d: 1.0 for d in DAYS}},
            "segments": {"everyone": {"share": 1.0, "patience": None, "priority": 0, "return_prob": 1.0,
                                      "informed_share": 1.0, "channels": {"walk_in": 1.0}, "digital_skill": 0.5}},
            "services": {"need": {"skill": "general", "service_time": exponential(service_mean),
                                  "missing_document_prob": 0.0}},
            "bundles": {"single": {"needs": ["need"], "share": 1.0}},
            "offices": [{"name": "office", "bundles_per_week": per_week,
                         "desk_groups": [{"name": "desks", "skills": ["general"], "staff": {"always": desks}}]}],
            "appointments": {"booking_horizon_days": 10, "no_show_prob": 0.0, "lateness": None,
                             "priority": True, "when_full": "walk_in"},
        },
        "schedule": {"name": "always", "opening_hours": dict(ALWAYS), "shifts": copy.deepcopy(ALWAYS_SHIFT),
                     "holidays": [], "closing_policy": "serve_waiting"},
        "design": dict(DESIGNS[design]),
        "run": {"weeks": weeks, "warmup_weeks": warmup_weeks, "drain_weeks": drain_weeks,
                "replications": replications, "seed": seed, "jobs": 1, "service_level_target_min": 15.0,
                "coverage_target_min": 30.0, "start_date": "2026-01-12", "progress": False,
                "keep_contacts": True, "check_invariants": True},
    }


def contact_centre(agents: int, skills=("general",), patience_mean: float | None = None, retry_prob: float = 0.0,
                   target_sec: float = 20.0) -> dict:
    """A contact centre open 24/7 with ``agents`` agents on its own ``always`` shift."""
    return {
        "opening_hours": dict(ALWAYS), "shifts": copy.deepcopy(ALWAYS_SHIFT),
        "desk_groups": [{"name": "agents", "skills": list(skills), "staff": {"always": agents}}],
        "patience": None if patience_mean is None else exponential(patience_mean),
        "retry_prob": retry_prob, "retry_after_min": 10.0, "service_level_target_sec": target_sec,
    }


def expert_centre(experts: int, skills=("general",), shift: dict | None = None) -> dict:
    """An expert centre with ``experts`` experts on one shift (default: around the clock)."""
    shifts = {"duty": shift} if shift is not None else {"duty": dict(ALWAYS_SHIFT["always"])}
    return {"shifts": shifts, "desk_groups": [{"name": "experts", "skills": list(skills), "staff": {"duty": experts}}]}


def simulate(cfg: dict) -> simoffice.Results:
    """Simulate a network dict quietly (a deep copy, so that the caller may reuse it)."""
    return simoffice.simulate(copy.deepcopy(cfg), progress=False)


def rows(res: simoffice.Results, table: str = "contacts", in_window: bool = True):
    """A table's rows, those in the measured window by default."""
    t = getattr(res, table)
    return t[t["in_window"]] if in_window else t


def per_rep(frame, column: str, fn) -> "object":
    """``fn`` of ``column`` per replication (a Series indexed by replication)."""
    return frame.groupby("replication", observed=True)[column].apply(fn)


def simulate_calibration(cal, folder, *overrides: str) -> simoffice.Results:
    """A calibration's network written to ``folder/network/<name>.yaml`` and simulated
    quietly with its desks' observed skills (``design=co_located``) and ``overrides``."""
    from omegaconf import OmegaConf

    from simoffice.calibration.network_yaml import write_network

    write_network(cal, Path(folder) / "network" / f"{cal.name}.yaml")
    cfg = simoffice.compose(f"network={cal.name}", "design=co_located", "run.jobs=1", "run.progress=false",
                            *overrides, config_dir=str(folder))
    return simoffice.simulate(OmegaConf.to_container(cfg, resolve=True), progress=False)
