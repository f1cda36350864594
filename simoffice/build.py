"""From a composed config to a validated :class:`~simoffice.spec.ModelSpec`.

Every cross-field check lives here and runs once, before any simulation. A
failed check raises :class:`~simoffice.errors.ConfigError` with the key path,
what was expected and the value given.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Mapping

import numpy as np
from omegaconf import DictConfig, OmegaConf

from simoffice import distributions
from simoffice.errors import ConfigError
from simoffice.profile import ArrivalProfile
from simoffice.schema import WEEKDAYS
from simoffice.spec import (
    Bundle, DeskGroup, Design, ModelSpec, Office, Run, Schedule, Segment, Service, Shift,
)
from simoffice.timetable import DAY, parse_clock, parse_hours

CLOSING_POLICIES = ("serve_waiting", "send_away")
NEEDS_PER_TICKET = ("one", "all")
OTHER_NEEDS = ("same_visit", "next_visit")


def build_spec(cfg: DictConfig | Mapping[str, Any]) -> ModelSpec:
    """Validate a composed config and freeze it into a ModelSpec.

    Args:
        cfg: the composed Hydra config (or the same as plain dicts) with
            ``network``, ``schedule``, ``design`` and ``run``.

    Raises:
        ConfigError: the first invalid value found, named by its key path.
    """
    if isinstance(cfg, DictConfig):
        cfg = OmegaConf.to_container(cfg, resolve=True)
    for part in ("network", "schedule", "design", "run"):
        if not isinstance(cfg.get(part), Mapping):
            raise ConfigError(part, "a config group (mapping)", cfg.get(part))
    run = _run(cfg["run"])
    design = _design(cfg["design"])
    schedule, hours = _schedule(cfg["schedule"], run)  # checked even where it does not apply (mmc)
    net = cfg["network"]
    kind = net.get("kind", "explicit")
    if kind == "mmc":
        return _mmc(net, design, run, schedule.name)
    if kind != "explicit":
        raise ConfigError("network.kind", "'explicit' or 'mmc'", kind)
    return _explicit(net, schedule, hours, design, run)


# --- scalar checks ---------------------------------------------------------------

def _int(value: Any, key: str, low: int | None = None) -> int:
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
            or value != int(value)):
        raise ConfigError(key, "an integer" + (f" >= {low}" if low is not None else ""), value)
    if low is not None and value < low:
        raise ConfigError(key, f"an integer >= {low}", value)
    return int(value)


def _num(value: Any, key: str, low: float | None = None, strict: bool = False) -> float:
    bound = "" if low is None else (f" > {low}" if strict else f" >= {low}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(key, "a finite number" + bound, value)
    if low is not None and (value <= low if strict else value < low):
        raise ConfigError(key, "a number" + bound, value)
    return float(value)


def _prob(value: Any, key: str, below_one: bool = False) -> float:
    expected = "a probability in [0, 1)" if below_one else "a probability in [0, 1]"
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(key, expected, value)
    if not 0 <= value <= 1 or (below_one and value >= 1):
        raise ConfigError(key, expected, value)
    return float(value)


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, "true or false", value)
    return value


def _choice(value: Any, key: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise ConfigError(key, f"one of {list(options)}", value)
    return value


def _nonempty(value: Any, key: str, what: str) -> Any:
    if not value:
        raise ConfigError(key, f"at least one {what}", value)
    return value


def _weekday(value: Any, key: str) -> int:
    if value not in WEEKDAYS:
        raise ConfigError(key, f"a weekday, one of {list(WEEKDAYS)}", value)
    return WEEKDAYS.index(value)


def _weights(mapping: Mapping[str, Any], key: str, names: tuple[str, ...], what: str,
             suffix: str = "") -> tuple[float, ...]:
    """Probabilities over ``names`` from a name -> weight mapping, normalised.
    A weight's key is ``{key}.{name}{suffix}``."""
    w = [0.0] * len(names)
    for name, value in mapping.items():
        if name not in names:
            raise ConfigError(f"{key}.{name}", f"a known {what}, one of {list(names)}", name)
        w[names.index(name)] = _num(value, f"{key}.{name}{suffix}", 0)
    total = sum(w)
    if total <= 0:
        raise ConfigError(key, "weights with a positive sum", dict(mapping))
    return tuple(x / total for x in w)


# --- groups ----------------------------------------------------------------------

def _run(r: Mapping[str, Any]) -> Run:
    weeks = _int(r.get("weeks"), "run.weeks", 1)
    warmup = _int(r.get("warmup_weeks"), "run.warmup_weeks", 0)
    if warmup >= weeks:
        raise ConfigError("run.warmup_weeks", f"fewer weeks than run.weeks ({weeks})", warmup)
    try:
        start = dt.date.fromisoformat(str(r.get("start_date")))
    except ValueError:
        raise ConfigError("run.start_date", "an ISO date such as 2026-01-05", r.get("start_date")) from None
    return Run(
        weeks=weeks,
        warmup_weeks=warmup,
        drain_weeks=_int(r.get("drain_weeks"), "run.drain_weeks", 0),
        replications=_int(r.get("replications"), "run.replications", 1),
        seed=_int(r.get("seed"), "run.seed", 0),
        jobs=_int(r.get("jobs"), "run.jobs", 0),
        service_level_target_min=_num(r.get("service_level_target_min"), "run.service_level_target_min", 0, True),
        start_date=start.isoformat(),
        start_weekday=start.weekday(),
        progress=_bool(r.get("progress", True), "run.progress"),
    )


def _design(d: Mapping[str, Any]) -> Design:
    return Design(
        name=str(d.get("name")),
        needs_per_ticket=_choice(d.get("needs_per_ticket"), "design.needs_per_ticket", NEEDS_PER_TICKET),
        other_needs=_choice(d.get("other_needs"), "design.other_needs", OTHER_NEEDS),
        cross_trained=_bool(d.get("cross_trained"), "design.cross_trained"),
    )


def _opening(hours: Mapping[str, Any] | None, key: str) -> tuple:
    if not isinstance(hours, Mapping):
        raise ConfigError(key, "a mapping weekday -> 'HH:MM-HH:MM' or null", hours)
    out: list = [None] * 7
    for day, text in hours.items():
        i = _weekday(day, f"{key}.{day}")
        out[i] = None if text is None else parse_hours(text, f"{key}.{day}")
    return tuple(out)


def _schedule(s: Mapping[str, Any], run: Run) -> tuple[Schedule, tuple]:
    """The schedule, and its weekly opening hours (the offices' default)."""
    shifts = []
    for name, sh in _nonempty(s.get("shifts"), "schedule.shifts", "shift").items():
        key = f"schedule.shifts.{name}"
        start = parse_clock(sh.get("start"), f"{key}.start", allow_24=False)
        end = parse_clock(sh.get("end"), f"{key}.end")
        if end <= start:
            raise ConfigError(f"{key}.end", f"a time after the start ({sh.get('start')})", sh.get("end"))
        days = _nonempty(sh.get("days"), f"{key}.days", "weekday")
        shifts.append(Shift(name, start, end, frozenset(_weekday(d, f"{key}.days[{i}]") for i, d in enumerate(days))))
    start = dt.date.fromisoformat(run.start_date)
    holidays = set()
    for i, h in enumerate(s.get("holidays") or []):
        try:
            day = (dt.date.fromisoformat(str(h)) - start).days
        except ValueError:
            raise ConfigError(f"schedule.holidays[{i}]", "an ISO date such as 2026-01-07", h) from None
        holidays.add(day)
    return Schedule(
        name=str(s.get("name")),
        shifts=tuple(shifts),
        holidays=frozenset(holidays),
        closing_policy=_choice(s.get("closing_policy"), "schedule.closing_policy", CLOSING_POLICIES),
    ), _opening(s.get("opening_hours"), "schedule.opening_hours")


def _profile(p: Mapping[str, Any]) -> ArrivalProfile:
    key = "network.arrival_profile"
    bin_min = _int(p.get("bin_min"), f"{key}.bin_min", 1)
    if bin_min > DAY or DAY % bin_min:
        raise ConfigError(f"{key}.bin_min", "a divisor of 1440 (1, 5, 15, 30, 60 …)", bin_min)
    start = parse_clock(p.get("start", "00:00"), f"{key}.start", allow_24=False)
    if start % bin_min:
        raise ConfigError(f"{key}.start", f"a multiple of bin_min ({bin_min} min)", p.get("start"))
    n_bins, first = DAY // bin_min, start // bin_min

    def day_shape(values: Any, k: str) -> np.ndarray:
        values = list(values or [])
        if len(values) > n_bins - first:
            raise ConfigError(k, f"at most {n_bins - first} bins of {bin_min} min from {p.get('start')}", values)
        row = np.zeros(n_bins)
        for i, v in enumerate(values):
            row[first + i] = _num(v, f"{k}[{i}]", 0)
        return row

    base = day_shape(p.get("time_of_day"), f"{key}.time_of_day")
    by_day = p.get("by_weekday") or {}
    day_weights = np.zeros(7)
    for day, w in (p.get("weekdays") or {}).items():
        day_weights[_weekday(day, f"{key}.weekdays.{day}")] = _num(w, f"{key}.weekdays.{day}", 0)
    rows = []
    for i, day in enumerate(WEEKDAYS):
        row = day_shape(by_day[day], f"{key}.by_weekday.{day}") if day in by_day else base
        rows.append(day_weights[i] * row)
    for day in by_day:
        _weekday(day, f"{key}.by_weekday.{day}")
    weights = np.array(rows)
    if weights.sum() <= 0:
        raise ConfigError(key, "a profile with some positive rate in the week", dict(p))
    return ArrivalProfile(bin_min, weights / weights.sum())


def _explicit(net: Mapping[str, Any], schedule: Schedule, default_hours: tuple, design: Design,
              run: Run) -> ModelSpec:
    # segments
    seg_cfg = _nonempty(net.get("segments"), "network.segments", "segment")
    seg_names = tuple(seg_cfg)
    shares = _weights({n: s.get("share") for n, s in seg_cfg.items()}, "network.segments", seg_names,
                      "segment", ".share")
    segments = []
    for (name, s), share in zip(seg_cfg.items(), shares):
        key = f"network.segments.{name}"
        patience = s.get("patience")
        segments.append(Segment(
            name=name,
            share=share,
            patience=None if patience is None else distributions.from_config(patience, f"{key}.patience"),
            priority=_int(s.get("priority"), f"{key}.priority"),
            return_prob=_prob(s.get("return_prob"), f"{key}.return_prob"),
            informed_share=_prob(s.get("informed_share"), f"{key}.informed_share"),
        ))
    # services and skills
    svc_cfg = _nonempty(net.get("services"), "network.services", "service")
    skills: list[str] = []
    services = []
    for name, s in svc_cfg.items():
        key = f"network.services.{name}"
        skill = s.get("skill")
        if not isinstance(skill, str) or not skill:
            raise ConfigError(f"{key}.skill", "a skill name", skill)
        if skill not in skills:
            skills.append(skill)
        services.append(Service(
            name=name,
            skill=skills.index(skill),
            service_time=distributions.from_config(s.get("service_time"), f"{key}.service_time"),
            missing_document_prob=_prob(s.get("missing_document_prob"), f"{key}.missing_document_prob", below_one=True),
        ))
    svc_names = tuple(svc_cfg)
    # bundles
    b_cfg = _nonempty(net.get("bundles"), "network.bundles", "bundle")
    b_shares = _weights({n: b.get("share") for n, b in b_cfg.items()}, "network.bundles", tuple(b_cfg),
                        "bundle", ".share")
    bundles = []
    for (name, b), share in zip(b_cfg.items(), b_shares):
        key = f"network.bundles.{name}"
        needs = _nonempty(b.get("needs"), f"{key}.needs", "service")
        idx = []
        for i, need in enumerate(needs):
            if need not in svc_names:
                raise ConfigError(f"{key}.needs[{i}]", f"a service, one of {list(svc_names)}", need)
            if svc_names.index(need) in idx:
                raise ConfigError(f"{key}.needs[{i}]", "each service at most once in a bundle", need)
            idx.append(svc_names.index(need))
        mix = b.get("segment_mix")
        probs = shares if mix is None else _weights(mix, f"{key}.segment_mix", seg_names, "segment")
        bundles.append(Bundle(name, tuple(idx), share, tuple(probs)))
    # offices
    shift_names = tuple(s.name for s in schedule.shifts)
    offices = []
    names_seen: set[str] = set()
    for o_i, o in enumerate(_nonempty(net.get("offices"), "network.offices", "office")):
        key = f"network.offices[{o_i}]"
        name = o.get("name")
        if not isinstance(name, str) or not name or name in names_seen:
            raise ConfigError(f"{key}.name", "a unique, non-empty office name", name)
        names_seen.add(name)
        groups = []
        for g_i, g in enumerate(_nonempty(o.get("desk_groups"), f"{key}.desk_groups", "desk group")):
            gkey = f"{key}.desk_groups[{g_i}]"
            g_skills = _nonempty(g.get("skills"), f"{gkey}.skills", "skill")
            for s_i, sk in enumerate(g_skills):
                if sk not in skills:
                    raise ConfigError(f"{gkey}.skills[{s_i}]", f"a skill some service needs, one of {skills}", sk)
            staff = []
            for shift, count in (g.get("staff") or {}).items():
                if shift not in shift_names:
                    raise ConfigError(f"{gkey}.staff.{shift}", f"a shift of schedule '{schedule.name}', one of {list(shift_names)}", shift)
                staff.append((shift_names.index(shift), _int(count, f"{gkey}.staff.{shift}", 0)))
            groups.append(DeskGroup(str(g.get("name")), frozenset(skills.index(s) for s in g_skills), tuple(staff)))
        if len({g.name for g in groups}) < len(groups):
            raise ConfigError(f"{key}.desk_groups", "desk groups with unique names", [g.name for g in groups])
        per_week = _num(o.get("bundles_per_week"), f"{key}.bundles_per_week", 0)
        if design.cross_trained:
            union = frozenset().union(*(g.skills for g in groups))
            groups = [DeskGroup(g.name, union, g.staff) for g in groups]
        staffed = set().union(*(g.skills for g in groups if any(n > 0 for _, n in g.staff)))
        if per_week > 0:
            for svc in services:
                if svc.skill not in staffed:
                    raise ConfigError(
                        f"{key}.desk_groups",
                        f"a staffed desk group with skill '{skills[svc.skill]}' (service '{svc.name}')",
                        sorted(skills[s] for s in staffed),
                    )
        hours = o.get("opening_hours")
        opening = default_hours if hours is None else _opening(hours, f"{key}.opening_hours")
        offices.append(Office(name, per_week, tuple(groups), opening))
    return ModelSpec(
        name=str(net.get("name")),
        skills=tuple(skills),
        segments=tuple(segments),
        services=tuple(services),
        bundles=tuple(bundles),
        offices=tuple(offices),
        profile=_profile(net.get("arrival_profile") or {}),
        schedule=schedule,
        design=design,
        run=run,
        max_visits=_int(net.get("max_visits"), "network.max_visits", 1),
        return_after_days=_int(net.get("return_after_days"), "network.return_after_days", 1),
        schedule_name=schedule.name,
    )


def _mmc(net: Mapping[str, Any], design: Design, run: Run, schedule_name: str) -> ModelSpec:
    c = _int(net.get("servers"), "network.servers", 1)
    lam_h = _num(net.get("arrivals_per_hour"), "network.arrivals_per_hour", 0, strict=True)
    mean = _num(net.get("service_mean_min"), "network.service_mean_min", 0, strict=True)
    cv = _num(net.get("service_cv"), "network.service_cv", 0)
    patience = net.get("patience_mean_min")
    if patience is not None:
        patience = distributions.Exponential(_num(patience, "network.patience_mean_min", 0, strict=True))
    elif lam_h * mean / 60 >= c:
        raise ConfigError(
            "network.arrivals_per_hour",
            f"less than servers × 60 / service_mean_min = {c * 60 / mean:g} when nobody reneges (the queue would grow without end)",
            lam_h,
        )
    if cv == 0:
        service_time = distributions.Deterministic(mean)
    elif cv == 1:
        service_time = distributions.Exponential(mean)
    else:
        service_time = distributions.Lognormal(mean, cv)
    always = Shift("always", 0, DAY, frozenset(range(7)))
    return ModelSpec(
        name=str(net.get("name", "mmc")),
        skills=("service",),
        segments=(Segment("all", 1.0, patience, 0, 0.0, 1.0),),
        services=(Service("service", 0, service_time, 0.0),),
        bundles=(Bundle("single", (0,), 1.0, (1.0,)),),
        offices=(Office("office", lam_h * 168, (DeskGroup("desks", frozenset({0}), ((0, c),)),), ((0, DAY),) * 7),),
        profile=ArrivalProfile.constant(),
        schedule=Schedule("always_open", (always,), frozenset(), "serve_waiting"),
        design=design,
        run=run,
        max_visits=1,
        return_after_days=1,
        schedule_name=schedule_name,
    )


def weekly_staff_hours(spec: ModelSpec) -> dict[tuple[str, str], float]:
    """Scheduled desk hours per week, by (office, desk group)."""
    out = {}
    for office in spec.offices:
        for g in office.desk_groups:
            minutes = sum(
                n * (spec.schedule.shifts[s].end - spec.schedule.shifts[s].start) * len(spec.schedule.shifts[s].days)
                for s, n in g.staff
            )
            out[(office.name, g.name)] = minutes / 60
    return out
