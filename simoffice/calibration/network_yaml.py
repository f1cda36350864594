"""The network config a calibration writes: the config as plain dicts, and as YAML text.

:func:`network_config` turns a :class:`~simoffice.calibration.fitted.Calibration`
into a network config (demand per service, one client segment, the fitted
service times and patience, offices with their desk groups, a contact centre
from a call log); :func:`network_yaml` writes it with a header saying where it
comes from and what it approximates, and :func:`write_network` to a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml

from simoffice.calibration.calls import POOLED
from simoffice.calibration.fitted import Calibration
from simoffice.calibration.fitting import round_significant
from simoffice.calibration.summary import plural
from simoffice.files import atomic_write

__all__ = ["SEGMENT", "network_config", "check_buildable", "network_yaml", "write_network"]

# The one client segment of a calibrated network.
SEGMENT = "clients"


def network_config(cal: Calibration) -> dict:
    """The network config (plain dicts) of a calibration.

    Demand per service is first-visit tickets a week, plus calls a week when there
    is a call log. A client of a service the contact centre handles phones with
    the segment's ``phone`` weight p, chosen so that the model's calls match the
    log's: p = calls / demand of the services handled by phone.
    """
    services = sorted(cal.service_fits)
    tickets_per_week, calls, demand, phone_services = _demand(cal, services)
    total = sum(demand.values())
    # Clients of an office who phone instead are part of its demand.
    scale = total / tickets_per_week if tickets_per_week > 0 else 1.0
    net: dict[str, Any] = {
        "name": cal.name,
        "max_visits": int(cal.returns.max_visits),
        "return_after_days": int(cal.returns.return_after_days),
        "arrival_profile": cal.arrivals.config(),
        "segments": {SEGMENT: _segment(cal, calls, demand, phone_services)},
        "services": {s: _service(cal, s, s in phone_services) for s in services},
        "bundles": {s: {"needs": [s], "share": _r(demand[s] / total) if total > 0 else 1.0} for s in services},
        "offices": [{"name": o.name,
                     "bundles_per_week": _r(o.bundles_per_week * scale),
                     "opening_hours": dict(o.opening_hours),
                     "desk_groups": [{"name": g.name, "skills": list(g.services), "staff": dict(g.staff)}
                                     for g in o.desk_groups]}
                    for o in cal.offices],
    }
    cc = cal.calls
    if cc is not None:
        net["contact_centre"] = {
            "opening_hours": dict(cc.opening_hours),
            "shifts": cc.shifts,
            "desk_groups": [{"name": "agents", "skills": phone_services, "staff": dict(cc.agents.staff)}],
            "patience": None if cc.patience is None else cc.patience.best.config(),
            "retry_prob": 0.0,
        }
    return net


def _demand(cal: Calibration, services: list[str]) -> tuple[float, dict, dict, list[str]]:
    """Tickets a week over every office, and per service the calls and the whole demand
    a week (first-visit tickets and calls), and the services the contact centre handles."""
    returns = cal.returns
    cc = cal.calls
    volume = cal.log.frame[cal.log.frame["outcome"] != "no_show"]
    first = volume[returns.first_visit]
    counts = first["service"].value_counts()
    tickets_per_week = sum(o.bundles_per_week for o in cal.offices)
    tickets = {s: tickets_per_week * float(counts.get(s, 0)) / max(len(first), 1) for s in services}
    calls = {s: 0.0 for s in services}
    phone_services: list[str] = []
    if cc is not None:
        if cc.log.has_services:
            calls.update({s: v for s, v in cc.calls_by_service.items() if s in calls})
            phone_services = [s for s in services if calls[s] > 0]
        else:
            calls = {s: cc.calls_per_week * tickets[s] / max(tickets_per_week, 1e-12) for s in services}
            phone_services = list(services)
    demand = {s: tickets[s] + calls[s] for s in services}
    return tickets_per_week, calls, demand, phone_services


def _segment(cal: Calibration, calls: dict, demand: dict, phone_services: list[str]) -> dict[str, Any]:
    """The one client segment: patience, returns, and the phone weight that reproduces the calls."""
    segment: dict[str, Any] = {
        "share": 1.0,
        "patience": None if cal.patience is None else cal.patience.best.config(),
        "priority": 0,
        "return_prob": _r(cal.returns.return_prob[0]),
        "informed_share": 1.0,
        "channels": {"walk_in": 1.0},
    }
    if phone_services:
        p = sum(calls.values()) / sum(demand[s] for s in phone_services)
        segment["channels"] = {"walk_in": _r(1 - p), "phone": _r(p)}
    return segment


def _service(cal: Calibration, service: str, by_phone: bool) -> dict[str, Any]:
    """A service: its desks' skill, service time, returns, and the phone's call time if ``by_phone``."""
    entry: dict[str, Any] = {
        "skill": service,
        "service_time": cal.service_fits[service].best.config(),
        "missing_document_prob": _r(min(cal.returns.missing_document_prob.get(service, (0.0, 0))[0], 0.95)),
    }
    if by_phone:
        entry["phone"] = "settle"
        fit = cal.calls.call_times.get(service) or cal.calls.call_times[POOLED]
        entry["phone_time"] = fit.best.config()
    return entry


def _r(x: float, digits: int = 4) -> float:
    """``x`` to ``digits`` significant digits, as a config shows it."""
    return round_significant(float(x), digits)


def check_buildable(cal: Calibration, schedule: dict) -> None:
    """The written network must build with the schedule (a failure here is a bug)."""
    from dataclasses import asdict

    from simoffice.config.build import build_spec
    from simoffice.config.schema import RunConfig

    design = {"name": "co_located", "needs_per_ticket": "one", "other_needs": "same_visit", "cross_trained": False}
    sched = {"name": cal.schedule_name, "holidays": [], "closing_policy": "serve_waiting", **schedule}
    build_spec({"network": {"kind": "explicit", **cal.network}, "schedule": sched, "design": design,
                "run": asdict(RunConfig())})


class _Flow(list):
    """A list written on one line."""


class _FlowMap(dict):
    """A mapping written on one line."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(),
                                                                   flow_style=True))


def _flow(x: Any, depth: int = 0) -> Any:
    """Lists of scalars and small leaf mappings on one line, the rest in blocks."""
    if isinstance(x, dict):
        leaf = all(not isinstance(v, (dict, list)) or (isinstance(v, list) and all(not isinstance(i, (dict, list))
                                                                                  for i in v))
                   for v in x.values())
        if leaf and depth >= 2 and len(x) <= 8 and not any(isinstance(v, list) for v in x.values()):
            return _FlowMap({k: _flow(v, depth + 1) for k, v in x.items()})
        return {k: _flow(v, depth + 1) for k, v in x.items()}
    if isinstance(x, list):
        if all(not isinstance(i, (dict, list)) for i in x):
            return _Flow(x)
        return [_flow(i, depth + 1) for i in x]
    if isinstance(x, (np.floating,)):
        return float(x)
    if isinstance(x, (np.integer,)):
        return int(x)
    return x


def network_yaml(cal: Calibration, source: str | None = None, command: str | None = None) -> str:
    """The network config as YAML text, with a header saying where it comes from
    and what it approximates."""
    first, last = cal.first_day.isoformat(), cal.last_day.isoformat()
    n_services = len(cal.service_fits)
    lines = [
        f"# Calibrated by simoffice-calibrate from {source or cal.log.source}:",
        f"# {cal.counts['tickets']} tickets, {first} to {last}, {plural(len(cal.offices), 'office')}, "
        f"{plural(n_services, 'service')}"
        + (f", {len(cal.calls.log.frame)} calls" if cal.calls else "") + ".",
    ]
    if command:
        lines.append(f"# Regenerate: {command}")
    lines += [
        "#",
        f"# Fitted: the arrival profile (weekday x {cal.arrivals.bin_min}-min bins, holidays left out),",
        "# service times (exponential, lognormal, gamma, Weibull: lowest AIC), patience (censored",
        "# maximum likelihood: served clients' waits are lower bounds of their patience), opening",
        "# hours and desks on duty from the desks' activity"
        + (", returns of the same client." if cal.returns.with_ids else "; no client ids: no returns."),
        "# Approximations: one bundle per service (single needs), one client segment, one arrival",
        f"# profile for every office, staff as whole desks per shift of schedule '{cal.schedule_name}'.",
        "# Run it with design=co_located to keep the desks' observed skills (one_stop, the default",
        "# design, cross-trains every desk of an office). See README.md, \"Calibrating from a",
        "# queue-system log\"; the fits are shown in calibration.html.",
    ]
    body = {"defaults": ["schema_network", "_self_"], **cal.network}
    text = yaml.dump(_flow(body), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=150,
                     default_flow_style=False)
    return "\n".join(lines) + "\n" + text


def write_network(cal: Calibration, path: str | Path, force: bool = False, source: str | None = None,
                  command: str | None = None) -> Path:
    """Write the network config atomically; refuse an existing file unless ``force``."""
    path = Path(path)
    if path.exists() and not force:
        raise FileExistsError(f"--out: expected a file that does not exist yet, or --force to replace it "
                              f"(got '{path}')")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = network_yaml(cal, source, command)
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))
