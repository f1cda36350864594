"""The network config a calibration writes: the config as plain dicts, and as YAML text.

:func:`network_config` turns a :class:`~simoffice.calibration.fitted.Calibration`
into a network config (demand per service, one client segment, the fitted
service times and patience, offices with their desk groups, a contact centre
from a call log; with several offices, each office's own demand per service
through a zone and a segment of its own, :func:`_by_office`); :func:`network_yaml`
writes it with a header saying where it comes from and what it approximates, every
text double-quoted and never an interpolation, and :func:`write_network` to a file.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from simoffice.calibration.call_network import (
    CALLERS,
    CALLS_MAX_VISITS,
    callers,
    calls_only_network,
    contact_centre_block,
)
from simoffice.calibration.calls import POOLED
from simoffice.calibration.demand_zones import ZoneDemand, write_zones
from simoffice.calibration.fitted import Calibration
from simoffice.calibration.fitting import round_significant
from simoffice.calibration.summary import plural
from simoffice.files import atomic_write

__all__ = ["SEGMENT", "network_config", "offered_services", "office_segment", "phone_service",
           "check_buildable", "network_yaml",
           "config_yaml", "text_value", "one_line", "write_network"]

# The one client segment of a calibrated network.
SEGMENT = "clients"


def network_config(cal: Calibration) -> dict:
    """The network config (plain dicts) of a calibration.

    Demand is a bundle a week per first-visit ticket of a service at the offices.
    With a call log, the calls are the demand of callers of their own (:func:`_zones`):
    they phone, with the calls' own arrival profile (the contact centre's hours and
    shifts are the log's, not the offices'), about a service of their own per call
    type, ``<service> by phone``: the service's skill, the call's talk time, and no
    missing documents (those are the offices' returns).
    """
    if not cal.offices:  # a call log alone
        return calls_only_network(cal, SEGMENT)
    services = offered_services(cal)
    office_tickets = _office_tickets(cal, services)
    calls = _calls(cal, services, office_tickets)
    by_phone = {s: phone_service(s, services) for s in services if calls.get(s, 0) > 0}
    demand = {s: sum(mine.get(s, 0.0) for mine in office_tickets.values()) for s in services}
    demand.update({by_phone[s]: calls[s] for s in by_phone})
    total = sum(demand.values())
    net: dict[str, Any] = {
        "name": cal.name,
        "max_visits": int(cal.returns.max_visits),
        "return_after_days": int(cal.returns.return_after_days),
        "arrival_profile": cal.arrivals.config(),
        "busyness_cv": 0.0 if cal.busyness is None else _r(cal.busyness.cv, 2),
        "segments": {SEGMENT: _segment(cal)},
        "services": {**{s: _service(cal, s) for s in services},
                     **{phoned: _phone_service(cal, s) for s, phoned in by_phone.items()}},
        "bundles": {b: {"needs": [b], "share": _r(v / total) if total > 0 else 1.0} for b, v in demand.items()},
        "offices": [{"name": o.name,
                     "bundles_per_week": _r(sum(office_tickets[o.name].values())),
                     "opening_hours": dict(o.opening_hours),
                     "desk_groups": [{"name": g.name, "skills": list(g.services), "staff": dict(g.staff)}
                                     for g in o.desk_groups]}
                    for o in cal.offices],
    }
    if len(cal.offices) > 1 or by_phone:
        _zones(net, office_tickets, {s: (by_phone[s], calls[s]) for s in by_phone}, cal)
    if by_phone:
        net["contact_centre"] = contact_centre_block(cal.calls, list(by_phone))
        net["max_visits"] = max(net["max_visits"], CALLS_MAX_VISITS)
    return net


def office_segment(office: str) -> str:
    """The client segment of an office's own clients, in a network of several offices."""
    return f"{SEGMENT} of {office}"


def phone_service(service: str, services: list[str]) -> str:
    """The name of the service that a call about ``service`` is: ``<service> by phone``
    (longer while a service of the log has that name)."""
    name = f"{service} by phone"
    while name in services:
        name += " (call)"
    return name


def _zones(net: dict[str, Any], office_tickets: dict[str, dict[str, float]],
           calls: dict[str, tuple[str, float]], cal: Calibration) -> None:
    """Give each office its own demand per service, and the callers theirs
    (:mod:`~simoffice.calibration.demand_zones`): each office is a zone of its own,
    reaching only its office with no travel, whose clients are a segment of their own
    (the one segment's fits, copied); the callers are zones of their own
    (:func:`~simoffice.calibration.call_network.callers`). ``calls``: per call type,
    its service's bundle and first calls a week."""
    segment = net["segments"].pop(SEGMENT)
    zones = {o: ZoneDemand(office_segment(o), copy.deepcopy(segment), mine, {o: 0.0})
             for o, mine in office_tickets.items()}
    if calls:
        zones.update(callers(cal.calls, calls, segment, list(office_tickets), set(office_tickets)))
    write_zones(net, zones)


def offered_services(cal: Calibration) -> list[str]:
    """The services of the network: those some office's desks served (sorted)."""
    return sorted({s for o in cal.offices for g in o.desk_groups for s in g.services} & set(cal.service_fits))


def _office_tickets(cal: Calibration, services: list[str]) -> dict[str, dict[str, float]]:
    """Per office, first-visit tickets a week of each service its own desks served: the
    office's demand a week times the service's share of its first visits. Tickets for a
    service the office's desks never served are not its demand (the office does not offer it)."""
    volume = cal.log.frame[cal.log.frame["outcome"] != "no_show"]
    first = volume[cal.returns.first_visit]
    out: dict[str, dict[str, float]] = {}
    for o in cal.offices:
        mine = first[(first["office"] == o.name).to_numpy()]
        counts = mine["service"].value_counts()
        offered = {s for g in o.desk_groups for s in g.services}
        out[o.name] = {s: o.bundles_per_week * float(counts[s]) / len(mine)
                       for s in services if s in offered and counts.get(s, 0) > 0}
    return out


def _calls(cal: Calibration, services: list[str], office_tickets: dict[str, dict[str, float]]) -> dict[str, float]:
    """Per service the first calls a week about it (none without a call log): the calls'
    types that are services of the offices, or every service in proportion to its tickets
    when the calls have no type."""
    cc = cal.calls
    if cc is None:
        return {}
    if cc.log.has_services:
        return {s: v for s, v in cc.calls_by_service.items() if s in services and v > 0}
    tickets = {s: sum(mine.get(s, 0.0) for mine in office_tickets.values()) for s in services}
    total = sum(tickets.values())
    return {s: cc.calls_per_week * tickets[s] / max(total, 1e-12) for s in services}


def _segment(cal: Calibration) -> dict[str, Any]:
    """The one client segment: patience and returns; it walks in (callers are a segment of their own)."""
    return {
        "share": 1.0,
        "patience": None if cal.patience is None else cal.patience.best.config(),
        "priority": 0,
        "return_prob": _r(cal.returns.return_prob[0]),
        "informed_share": 1.0,
        "channels": {"walk_in": 1.0},
    }


def _service(cal: Calibration, service: str) -> dict[str, Any]:
    """A service at the offices: its desks' skill, service time and returns."""
    return {
        "skill": service,
        "service_time": cal.service_fits[service].best.config(),
        "missing_document_prob": _r(min(cal.returns.missing_document_prob.get(service, (0.0, 0))[0], 0.95)),
    }


def _phone_service(cal: Calibration, service: str) -> dict[str, Any]:
    """A call about ``service``: settled on the phone in the call type's talk time (a
    desk with the service's skill would take the caller who walked in)."""
    fit = cal.calls.call_times.get(service) or cal.calls.call_times[POOLED]
    return {"skill": service, "service_time": fit.best.config(), "phone": "settle"}


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


class _Text(str):
    """Text written double-quoted."""


# Mappings whose keys are names (from the log, or made from them), written double-quoted too.
NAME_KEYS = frozenset({"segments", "services", "bundles", "zones", "travel_min", "segment_mix"})
# Characters that break a line (YAML's and Unicode's) or are not printable.
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


def text_value(text: str) -> str:
    """``text`` as a config value that OmegaConf reads back unchanged: every ``${`` escaped
    as ``\\${`` (a backslash before it doubled), so that a name such as
    ``${oc.env:HOME}`` stays that text instead of becoming an interpolation."""
    return re.sub(r"(\\*)\$\{", lambda m: m.group(1) * 2 + "\\${", text)


def one_line(text: str) -> str:
    """``text`` with its line breaks and control characters shown as escapes (``\\n``),
    so that it cannot end a comment line of the YAML and start a key."""
    return _LINE_BREAKS.sub(lambda m: repr(m.group())[1:-1], text)


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Text, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style='"'))
_Dumper.add_representer(_Flow, lambda d, v: d.represent_sequence("tag:yaml.org,2002:seq", v, flow_style=True))
_Dumper.add_representer(_FlowMap, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(),
                                                                   flow_style=True))


def _flow(x: Any, depth: int = 0, names: bool = False) -> Any:
    """Lists of scalars and small leaf mappings on one line, the rest in blocks; every text
    value double-quoted and escaped (:func:`text_value`), and the keys of name mappings
    (``names``) double-quoted. Keys are never interpolated, so they stay as they are."""
    if isinstance(x, dict):
        items = {(_Text(k) if names and isinstance(k, str) else k): _flow(v, depth + 1, k in NAME_KEYS)
                 for k, v in x.items()}
        leaf = all(not isinstance(v, (dict, list)) or (isinstance(v, list) and all(not isinstance(i, (dict, list))
                                                                                  for i in v))
                   for v in x.values())
        if leaf and depth >= 2 and len(x) <= 8 and not any(isinstance(v, list) for v in x.values()):
            return _FlowMap(items)
        return items
    if isinstance(x, list):
        if all(not isinstance(i, (dict, list)) for i in x):
            return _Flow(_flow(i, depth + 1) for i in x)
        return [_flow(i, depth + 1) for i in x]
    if isinstance(x, str):
        return _Text(text_value(x))
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
    if not cal.offices:  # a call log or an interval report alone
        calls = (f"{cal.calls.intervals.offered} calls offered in {len(cal.log.frame)} intervals"
                 if cal.calls.intervals is not None else f"{len(cal.calls.log.frame)} calls")
        lines[1] = (f"# {calls}, {first} to {last}, a contact centre on its own, "
                    f"{plural(n_services, 'call type')}; its callers live at office '{CALLERS}' (never open, "
                    "one idle desk).")
    if command:
        lines.append(f"# Regenerate: {command}")
    lines += [
        "#",
        f"# Fitted: the arrival profile (weekday x {cal.arrivals.bin_min}-min bins, holidays left out),",
        "# service times (exponential, lognormal, gamma, Weibull: lowest AIC), patience (censored",
        "# maximum likelihood: served clients' waits are lower bounds of their patience), opening",
        "# hours and desks on duty from the desks' activity, day-to-day variability (busyness_cv: the",
        "# over-dispersion of daily tickets)"
        + (", returns of the same client." if cal.returns.with_ids else "; no client ids: no returns."),
        "# Approximations: one bundle per service (single needs), one client segment's fits, one arrival",
        f"# profile for every office, staff as whole desks per shift of schedule '{cal.schedule_name}'.",
        "# Run it with design=co_located to keep the desks' observed skills (one_stop, the default",
        "# design, cross-trains every desk of an office). See docs/pages/calibration.md for",
        "# the method; the fits are shown in calibration.html.",
    ]
    if len(cal.offices) > 1:
        lines += [
            "# Offices as they are: each office is a zone of its own (population = its bundles a week)",
            "# whose clients, a segment of their own with the same fits, need only the services its",
            "# desks served, in the office's own mix.",
        ]
    if cal.offices and "contact_centre" in cal.network:
        lines += [
            "# Callers are a zone and segment of their own: they phone, at the times of the calls' own",
            "# arrival profile; the contact centre has the opening hours and shifts of its log.",
        ]
    lines = [one_line(line) for line in lines]
    return "\n".join(lines) + "\n" + config_yaml(cal.network, defaults=["schema_network", "_self_"])


def config_yaml(config: dict[str, Any], defaults: list[str] | None = None) -> str:
    """A config (plain dicts) as YAML text that OmegaConf reads back as it is: every text
    value double-quoted and escaped (:func:`text_value`), the keys of name mappings
    double-quoted; lists of scalars and small leaf mappings on one line. ``defaults``:
    a Hydra defaults list to put first."""
    body = {**({"defaults": _Flow(defaults)} if defaults is not None else {}), **_flow(config)}
    return yaml.dump(body, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=150,
                     default_flow_style=False)


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
