"""Rosters by integer programming: shift templates from the config, and the least-cost
roster that covers a unit's requirement (simoffice.studies.rostering).

A roster's cost is checked against brute force on small cases; its shifts against
the templates (lengths, breaks in their windows, tours of k days, the part-time
share) and its desks on duty against the requirement, interval by interval.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import simoffice
from simoffice.config.roster import RosterConfig, roster_rules
from simoffice.config.strict import typed_config
from simoffice.errors import ConfigError
from simoffice.studies import roster_solver
from simoffice.studies.roster_program import tour_days
from simoffice.studies.rostering import Roster, solve_roster
from simoffice.vocabulary import WEEKDAYS

MON_FRI = [((480, 1020),)] * 5 + [None, None]  # 08:00–17:00
EIGHT = 480  # 08:00


def weekday_requirement(n: int, per_day, days=range(5)) -> np.ndarray:
    """(7, n) with ``per_day`` (n,) on each of ``days``."""
    req = np.zeros((7, n))
    for d in days:
        req[d] = per_day
    return req


def on_duty_of(roster: Roster, start_min: int, interval: int, n: int, opening) -> np.ndarray:
    """Persons on duty and off their break over each weekday × interval, recounted from the
    shift table: the whole interval, or its open part where the unit is open for some of it."""
    out = np.zeros((7, n), dtype=int)
    for row in roster.shifts.itertuples():
        d = WEEKDAYS.index(row.weekday)
        for k in range(n):
            a, b = start_min + k * interval, start_min + (k + 1) * interval
            parts = [(max(a, lo), min(b, hi)) for lo, hi in (opening[d] or ()) if max(a, lo) < min(b, hi)]
            if parts:
                a, b = min(p[0] for p in parts), max(p[1] for p in parts)
            on = row.start_min <= a and row.end_min >= b
            if on and not np.isnan(row.break_start_min):
                on = row.break_end_min <= a or row.break_start_min >= b
            out[d, k] += row.count * on
    return out


def part_time_share(roster: Roster, part_time: set[str]) -> float:
    paid = roster.shifts["paid_min"] * roster.shifts["count"]
    return float(paid[roster.shifts["template"].isin(part_time)].sum() / paid.sum())


# --- brute force ------------------------------------------------------------------------------------------------

def explicit_shifts(rules, opening, start_min):
    """Every shift the templates allow, written out (breaks included), on a grid the
    openings are aligned to: (template, days, start, end, break start per day or None)."""
    out = []
    open_days = [d for d in range(7) if opening[d]]
    for t in rules.templates:
        step = t.start_step_min
        groups = [(d,) for d in open_days] if t.days_per_week is None else \
            list(itertools.combinations(open_days, t.days_per_week))
        for days in groups:
            lo = max(opening[d][0][0] for d in days)
            hi = min(opening[d][-1][1] for d in days)
            for s in range(lo, hi, step):
                for length in range(step, 24 * 60 + 1, step):
                    e = s + length
                    if not t.min_length_min <= length <= t.max_length_min or e > hi:
                        continue
                    if t.rest_break is None:
                        out.append((t, days, s, e, (None,) * len(days)))
                        continue
                    b = t.rest_break
                    starts = [bs for bs in range(s + b.after_min, s + b.after_min + b.window_min + 1,
                                                 rules.interval_min) if bs + b.length_min < e]
                    for per_day in itertools.product(starts, repeat=len(days)):
                        out.append((t, days, s, e, per_day))
    return out


def brute_force_cost(rules, requirement, start_min, opening, upper_bound: float) -> float:
    """The least cost of any roster of the explicit shifts that covers the requirement
    (and min_staff where open) and keeps the part-time share, found by trying every
    multiset of shifts cheaper than ``upper_bound`` (pruned by a bound that holds for
    every shift: cost >= rho × intervals it covers); inf if none is."""
    interval, n = rules.interval_min, requirement.shape[1]
    is_open = np.zeros((7, n), dtype=bool)
    for d in range(7):
        for lo, hi in opening[d] or ():
            for k in range(n):
                a = start_min + k * interval
                is_open[d, k] |= a < hi and a + interval > lo
    need = np.where(is_open, np.maximum(requirement, rules.min_staff), requirement).ravel()
    shifts = explicit_shifts(rules, opening, start_min)
    cover, cost, paid, pt = [], [], [], []
    for t, days, s, e, breaks in shifts:
        col = np.zeros((7, n))
        for d, bs in zip(days, breaks):
            for k in range(n):
                a, b = start_min + k * interval, start_min + (k + 1) * interval
                on = s <= a and e >= b and (bs is None or bs >= b or bs + t.rest_break.length_min <= a)
                col[d, k] = on
        unpaid = 0 if t.rest_break is None or t.rest_break.paid else t.rest_break.length_min
        minutes = (e - s - unpaid) * len(days)
        cover.append(col.ravel())
        paid.append(minutes)
        cost.append(minutes / 60 * t.cost_factor)
        pt.append(minutes if t.part_time else 0)
    rho = min(c / max(col.sum(), 1e-9) for c, col in zip(cost, cover))
    share = rules.part_time_max_share
    best = upper_bound

    def search(i: int, spent: float, covered: np.ndarray, pt_min: float, paid_min: float) -> None:
        nonlocal best
        deficit = np.maximum(need - covered, 0).sum()
        if spent + rho * deficit >= best - 1e-9:
            return
        if deficit == 0 and (share is None or pt_min <= share * paid_min + 1e-9):
            best = spent
            return
        if i == len(cost):
            return
        search(i, spent + cost[i], covered + cover[i], pt_min + pt[i], paid_min + paid[i])  # one more of shift i
        search(i + 1, spent, covered, pt_min, paid_min)  # no more of it

    search(0, 0.0, np.zeros(7 * n), 0.0, 0.0)
    return best


def small_case(seed: int):
    """1–2 days open 08:00–14:00, six 60-minute intervals, 0–2 desks needed in each; a
    3–4 h template with a one-hour break and a 2–3 h part-time one (maybe dearer), maybe
    a part-time share limit, maybe min_staff, maybe tours of two days."""
    rng = np.random.default_rng(seed)
    days = int(rng.integers(1, 3))
    opening = [((480, 840),)] * days + [None] * (7 - days)
    requirement = np.zeros((7, 6))
    requirement[:days] = rng.integers(0, 3, size=(days, 6))
    tours = days == 2 and rng.random() < 0.5
    cfg = {
        "interval_min": 60,
        "min_staff": int(rng.integers(0, 2)),
        "part_time_max_share": [None, 0.5, 0.3][int(rng.integers(0, 3))],
        "templates": {
            "long": {"min_hours": 3, "max_hours": 4, "start_step_min": 60, "days_per_week": 2 if tours else None,
                     "rest_break": {"length_min": 60, "paid": bool(rng.random() < 0.5), "after_hours": 1,
                                    "window_hours": 1}},
            "short": {"min_hours": 2, "max_hours": 3, "start_step_min": 60, "part_time": True,
                      "cost_factor": [1.0, 1.25][int(rng.integers(0, 2))]},
        },
    }
    return roster_rules(cfg), requirement, opening


# Seeds 2, 3, 13 (tours) and 20 (days on their own) are cases where the part-time share binds.
@pytest.mark.parametrize("seed", [*range(12), 13, 20])
def test_the_rosters_cost_is_the_least_that_brute_force_finds(seed):
    """On small cases, no roster of explicitly written-out shifts covers the requirement for less."""
    rules, requirement, opening = small_case(seed)
    roster = solve_roster(requirement, EIGHT, rules, opening, unit="Office")
    need = np.maximum(requirement, rules.min_staff)
    need[[d for d in range(7) if opening[d] is None]] = 0
    assert roster.optimal
    assert (on_duty_of(roster, EIGHT, 60, 6, opening) >= need).all()
    share = rules.part_time_max_share
    if share is not None and roster.paid_hours > 0:
        assert part_time_share(roster, {"short"}) <= share + 1e-9
    cheapest = brute_force_cost(rules, requirement, EIGHT, opening, upper_bound=roster.cost + 1e-6)
    assert cheapest == pytest.approx(roster.cost, abs=1e-9)


def test_brute_force_finds_a_roster_the_solver_is_not_given():
    """(The brute force is not vacuous: on a case of its own it finds the cost worked out by hand.)
    Need 1 desk 08:00–14:00, only 2–3 h part-time shifts without limit: two 3 h shifts, 6 hours."""
    rules = roster_rules({"interval_min": 60, "min_staff": 0, "part_time_max_share": None, "templates": {
        "short": {"min_hours": 2, "max_hours": 3, "start_step_min": 60, "part_time": True}}})
    requirement = np.zeros((7, 6))
    requirement[0] = 1
    opening = [((480, 840),)] + [None] * 6
    assert brute_force_cost(rules, requirement, EIGHT, opening, upper_bound=100.0) == 6.0


@pytest.mark.parametrize("seed", range(4))
def test_the_share_kept_day_by_day_and_by_the_whole_week_cost_the_same(seed, monkeypatch):
    """A week of alike days keeps the part-time share from each day's front of cost and
    excess; solved whole by HiGHS it costs the same."""
    rng = np.random.default_rng(seed)
    rules = roster_rules({"interval_min": 60, "part_time_max_share": 0.3})
    opening = [((480, 1020),)] * 3 + [None] * 4
    requirement = np.zeros((7, 9))
    requirement[:3] = rng.integers(0, 3, size=9)  # three alike days
    costs = []
    for same_days in (7, 0):
        monkeypatch.setattr(roster_solver, "SAME_DAYS", same_days)
        roster = solve_roster(requirement, EIGHT, rules, opening)
        assert roster.optimal and part_time_share(roster, {"part_time"}) <= 0.3 + 1e-9
        costs.append(roster.cost)
    assert costs[0] == pytest.approx(costs[1])


def test_tour_days_gives_each_person_k_different_days():
    persons = tour_days({0: 3, 1: 3, 2: 2, 3: 2, 4: 2}, k=4)  # 12 person-days: 3 persons
    assert sum(count for _, count in persons) == 3
    worked = {d: 0 for d in range(5)}
    for days, count in persons:
        assert len(set(days)) == 4
        for d in days:
            worked[d] += count
    assert worked == {0: 3, 1: 3, 2: 2, 3: 2, 4: 2}
    with pytest.raises(RuntimeError):
        tour_days({0: 3, 1: 1}, k=2)  # a day with more persons than the tour has


# --- what a roster keeps to -------------------------------------------------------------------------------------

def realistic_requirement(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return weekday_requirement(n, 0) + np.vstack(
        [np.round(2 + 2 * np.sin(np.pi * t / n) + rng.normal(0, 0.7, n)).clip(0) if d < 5 else np.zeros(n)
         for d in range(7)])


@pytest.fixture(scope="module")
def default_roster() -> tuple:
    """The default templates on an office open 08:00–19:15 Mon–Fri, 30-minute grid."""
    rules = roster_rules(RosterConfig())
    opening = [((480, 1155),)] * 5 + [None, None]
    requirement = realistic_requirement(23, seed=3)  # 08:00–19:30
    return rules, requirement, opening, solve_roster(requirement, EIGHT, rules, opening, cost_per_hour=30.0)


def test_the_roster_covers_every_interval(default_roster):
    rules, requirement, opening, roster = default_roster
    recount = on_duty_of(roster, EIGHT, 30, 23, opening)
    assert (roster.on_duty == recount).all()
    assert (recount >= np.maximum(requirement, 1) * (requirement.sum(axis=1) > 0)[:, None]).all()
    assert roster.optimal


def test_shifts_keep_their_templates_lengths_breaks_and_the_opening_hours(default_roster):
    rules, requirement, opening, roster = default_roster
    templates = {t.name: t for t in rules.templates}
    for row in roster.shifts.itertuples():
        t = templates[row.template]
        assert 480 <= row.start_min < row.end_min <= 1155
        assert row.start_min % 30 == 0
        assert t.min_length_min <= row.end_min - row.start_min <= t.max_length_min
        if t.rest_break is None:
            assert np.isnan(row.break_start_min) and row.paid_min == row.end_min - row.start_min
            continue
        b = t.rest_break
        assert b.after_min <= row.break_start_min - row.start_min <= b.after_min + b.window_min
        assert row.break_start_min % 30 == 0
        assert row.break_end_min - row.break_start_min == b.length_min and row.break_end_min < row.end_min
        assert row.paid_min == row.end_min - row.start_min - (0 if b.paid else b.length_min)


def test_paid_hours_and_cost_add_up_from_the_shifts(default_roster):
    _, _, _, roster = default_roster
    hours = (roster.shifts["paid_min"] * roster.shifts["count"]).sum() / 60
    assert roster.paid_hours == pytest.approx(hours)
    assert roster.cost == pytest.approx(30.0 * hours)  # every cost factor is 1


def test_the_part_time_share_is_kept_and_binds():
    """Without a limit this roster is mostly part-time; with 0.3 it is at most 30 %, and dearer."""
    opening = [((480, 1020),)] * 5 + [None, None]
    requirement = realistic_requirement(18, seed=5)
    free = solve_roster(requirement, EIGHT, roster_rules({"part_time_max_share": None}), opening)
    limited = solve_roster(requirement, EIGHT, roster_rules({"part_time_max_share": 0.3}), opening)
    assert part_time_share(free, {"part_time"}) > 0.3
    assert part_time_share(limited, {"part_time"}) <= 0.3 + 1e-9
    assert limited.cost >= free.cost
    assert (limited.on_duty >= np.maximum(requirement, 1)[:, :18] * (requirement.sum(axis=1) > 0)[:, None]).all()


def test_a_share_of_zero_leaves_part_time_shifts_out():
    requirement = weekday_requirement(18, 1)
    roster = solve_roster(requirement, EIGHT, roster_rules({"part_time_max_share": 0.0}), MON_FRI)
    assert set(roster.shifts["template"]) == {"full_time"}


def test_tours_work_k_days_at_the_same_times():
    """A template of 4 days a week on a unit open Mon–Fri: every tour's persons work 4
    distinct weekdays, starting and ending at the same times each day."""
    rules = roster_rules({"part_time_max_share": None, "templates": {
        "full_time": {"min_hours": 8, "max_hours": 9, "days_per_week": 4,
                      "rest_break": {"length_min": 30, "after_hours": 3, "window_hours": 2}},
        "part_time": {"min_hours": 4, "max_hours": 5, "part_time": True}}})
    requirement = realistic_requirement(18, seed=7)
    roster = solve_roster(requirement, EIGHT, rules, MON_FRI)
    tours = roster.shifts[roster.shifts["tour"] >= 0]
    assert len(tours) > 0 and set(tours["template"]) == {"full_time"}
    for _, tour in tours.groupby("tour"):
        assert tour["weekday"].nunique() == 4
        assert tour["start_min"].nunique() == 1 and tour["end_min"].nunique() == 1
        persons = tour.groupby("weekday")["count"].sum()
        assert persons.nunique() == 1  # the same persons every day of the tour
    assert (roster.shifts.loc[roster.shifts["template"] == "part_time", "tour"] == -1).all()
    assert (on_duty_of(roster, EIGHT, 30, 18, MON_FRI)[:5] >= np.maximum(requirement[:5], 1)).all()


def test_min_staff_is_on_duty_in_every_open_interval_and_none_while_closed_all_day():
    rules = roster_rules({"min_staff": 2})
    opening = [((480, 1020),)] * 5 + [((540, 780),), None]  # Saturday 09:00–13:00, Sunday closed
    roster = solve_roster(np.zeros((7, 18)), EIGHT, rules, opening)
    on_duty = on_duty_of(roster, EIGHT, 30, 18, opening)
    assert (on_duty[:5] >= 2).all()
    assert (on_duty[5, 2:10] >= 2).all()  # 09:00–13:00
    assert on_duty[6].sum() == 0 and "sun" not in set(roster.shifts["weekday"])
    assert (roster.shifts.loc[roster.shifts["weekday"] == "sat", "end_min"] <= 780).all()


def test_shifts_may_span_a_lunch_closure_which_needs_no_desks():
    """Open 08:00–12:00 and 13:00–17:00, a desk in each open interval: one 9-hour shift
    with its unpaid hour's break over lunch is the cheapest roster (8 paid hours a day)."""
    rules = roster_rules({"interval_min": 60, "templates": {"day": {
        "min_hours": 9, "max_hours": 9, "start_step_min": 60,
        "rest_break": {"length_min": 60, "after_hours": 3, "window_hours": 2}}}})
    opening = [((480, 720), (780, 1020))] * 5 + [None, None]
    roster = solve_roster(np.zeros((7, 9)), EIGHT, rules, opening)
    assert roster.paid_hours == 5 * 8
    assert set(zip(roster.shifts["start_min"], roster.shifts["end_min"], roster.shifts["break_start_min"])) == {
        (480, 1020, 720.0)}
    assert (roster.on_duty[:5] == [1, 1, 1, 1, 0, 1, 1, 1, 1]).all()


def test_a_shift_may_end_at_a_closing_off_the_grid():
    """Open 08:00–19:15 on a 30-minute grid: the last interval (19:00–19:30) is covered by
    shifts that end at the closing, 19:15."""
    opening = [((480, 1155),)] * 5 + [None, None]
    roster = solve_roster(weekday_requirement(23, 1), EIGHT, roster_rules({}), opening)
    assert roster.shifts["end_min"].max() == 1155
    assert (roster.on_duty[:5, -1] >= 1).all()


@pytest.mark.parametrize("close", [1020, 1155])
def test_the_default_templates_roster_a_regional_office(close):
    """08:00–17:00 and 08:00–19:15 Mon–Fri, on the unit's grid widened to the half hour."""
    cfg = simoffice.compose()
    rules = roster_rules(typed_config(cfg).roster)
    n = -(-(close - EIGHT) // 30)
    opening = [((480, close),)] * 5 + [None, None]
    roster = solve_roster(realistic_requirement(n, seed=1), EIGHT, rules, opening)
    assert roster.optimal and roster.paid_hours > 0


# --- what cannot be covered -------------------------------------------------------------------------------------

def test_an_interval_past_every_templates_latest_end_is_named_in_one_line():
    templates = {"full_time": {"min_hours": 7.5, "max_hours": 9, "latest_end": "18:00"},
                 "part_time": {"min_hours": 4, "max_hours": 6, "latest_end": "18:00"}}
    opening = [((480, 1140),)] * 5 + [None, None]  # 08:00–19:00
    requirement = np.zeros((7, 22))
    requirement[1, 21] = 1  # Tue 18:30–19:00
    rules = roster_rules({"min_staff": 0, "part_time_max_share": None, "templates": templates})
    with pytest.raises(ConfigError) as info:
        solve_roster(requirement, EIGHT, rules, opening, unit="Riverside", where="roster.templates")
    assert str(info.value) == ("roster.templates: expected shifts that cover Riverside Tue 18:30–19:00 "
                               "(got 'no template can: latest end 18:00')")
    rules = roster_rules({"min_staff": 1, "part_time_max_share": None, "templates": templates})
    with pytest.raises(ConfigError, match=r"Riverside Mon 18:00–19:00 \(got 'no template can: latest end 18:00'\)$"):
        solve_roster(np.zeros((7, 22)), EIGHT, rules, opening, unit="Riverside")  # min_staff: the whole evening


def test_each_template_says_why_when_their_reasons_differ():
    rules = roster_rules({"part_time_max_share": None, "templates": {
        "early": {"min_hours": 4, "max_hours": 6, "latest_end": "14:00"},
        "late": {"min_hours": 2, "max_hours": 6, "earliest_start": "15:00"}}})
    with pytest.raises(ConfigError) as info:
        solve_roster(weekday_requirement(18, 1), EIGHT, rules, MON_FRI, unit="Office")
    assert str(info.value) == ("roster: expected shifts that cover Office Mon 14:00–15:00 (got 'no template can: "
                               "early: latest end 14:00; late: earliest start 15:00')")


def test_a_requirement_on_a_closed_day_cannot_be_covered():
    requirement = np.zeros((7, 18))
    requirement[6, 4] = 2
    with pytest.raises(ConfigError, match=r"Office Sun 10:00–10:30 \(got 'no template can: the unit is closed on Sun'\)"):
        solve_roster(requirement, EIGHT, roster_rules({}), MON_FRI, unit="Office")


def test_tours_longer_than_the_units_week_cannot_cover():
    rules = roster_rules({"templates": {"full_time": {"min_hours": 8, "max_hours": 9, "days_per_week": 6}}})
    with pytest.raises(ConfigError, match=r"no template can: 6 days a week, the unit opens on 5'\)$"):
        solve_roster(weekday_requirement(18, 1), EIGHT, rules, MON_FRI, unit="Office")


def test_a_share_of_zero_when_only_part_time_shifts_can_cover_names_the_share():
    rules = roster_rules({"part_time_max_share": 0.0, "templates": {
        "full_time": {"min_hours": 8, "max_hours": 9, "earliest_start": "09:00"},
        "part_time": {"min_hours": 4, "max_hours": 6, "part_time": True}}})
    with pytest.raises(ConfigError) as info:
        solve_roster(weekday_requirement(18, 1), EIGHT, rules, MON_FRI, unit="Office")
    assert str(info.value) == ("roster.part_time_max_share: expected a share above 0, for only part-time shifts "
                               "can cover Office Mon 08:00–09:00 (got 0.0)")


def test_no_requirement_and_no_min_staff_is_an_empty_roster():
    roster = solve_roster(np.zeros((7, 18)), EIGHT, roster_rules({"min_staff": 0}), MON_FRI)
    assert len(roster.shifts) == 0 and roster.paid_hours == 0 and roster.on_duty.sum() == 0


def test_a_requirement_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="requirement"):
        solve_roster(np.zeros((5, 18)), EIGHT, roster_rules({}), MON_FRI)


# --- the config -------------------------------------------------------------------------------------------------

def test_the_defaults_compose_and_are_the_schemas():
    cfg = simoffice.compose()
    assert typed_config(cfg).roster == RosterConfig()
    rules = roster_rules(cfg.roster)
    assert rules == roster_rules(RosterConfig()) == roster_rules({})
    assert (rules.interval_min, rules.min_staff, rules.part_time_max_share) == (30, 1, 0.5)
    full, part = rules.templates
    assert (full.name, full.min_length_min, full.max_length_min, full.start_step_min, full.part_time) == (
        "full_time", 450, 540, 30, False)
    assert (full.rest_break.length_min, full.rest_break.paid, full.rest_break.after_min,
            full.rest_break.window_min) == (30, False, 210, 120)
    assert (part.name, part.min_length_min, part.max_length_min, part.rest_break, part.part_time) == (
        "part_time", 240, 360, None, True)


def test_a_template_set_to_null_is_left_out():
    rules = roster_rules(simoffice.compose("roster.templates.part_time=null", "roster.part_time_max_share=null").roster)
    assert [t.name for t in rules.templates] == ["full_time"]


def test_overrides_reach_the_rules():
    cfg = simoffice.compose("roster.interval_min=15", "roster.templates.full_time.start_step_min=15",
                            "roster.templates.full_time.days_per_week=5", "roster.templates.full_time.cost_factor=1.1")
    full = roster_rules(cfg.roster).templates[0]
    assert (full.start_step_min, full.days_per_week, full.cost_factor) == (15, 5, 1.1)
    assert roster_rules(cfg.roster).templates[1].start_step_min == 30  # null: the half hour


@pytest.mark.parametrize("override", ["roster.templates.full_time.lenght=3", "+roster.templates.full_time.lenght=3"])
def test_a_misspelt_template_key_is_refused_with_a_suggestion(override):
    with pytest.raises(ConfigError, match=r"^roster\.templates\.full_time\.lenght: unknown key \(did you mean "
                                          r"rest_break\.length_min\?\)$"):
        simoffice.compose(override)


def test_a_misspelt_key_in_plain_dicts_is_refused_too():
    with pytest.raises(ConfigError, match=r"^roster\.templates\.late\.min_hour: unknown key \(did you mean min_hours\?\)$"):
        roster_rules({"templates": {"late": {"min_hour": 4, "max_hours": 6}}})
    with pytest.raises(ConfigError, match=r"^roster\.templates\.late\.rest_break\.lenght_min: unknown key"):
        roster_rules({"templates": {"late": {"min_hours": 4, "max_hours": 6, "rest_break": {"lenght_min": 3}}}})


@pytest.mark.parametrize(("roster", "message"), [
    ({"interval_min": 20}, "roster.interval_min: expected 15, 30 or 60 (minutes) (got 20)"),
    ({"min_staff": -1}, "roster.min_staff: expected an integer >= 0 (got -1)"),
    ({"part_time_max_share": 1.5}, "roster.part_time_max_share: expected a probability in [0, 1] (got 1.5)"),
    ({"templates": {}}, "roster.templates: expected at least one shift template (got {})"),
    ({"templates": {"x": {"max_hours": 6}}}, "roster.templates.x.min_hours: expected a finite number > 0 (got None)"),
    ({"templates": {"x": {"min_hours": 8, "max_hours": 6}}},
     "roster.templates.x.max_hours: expected a number of hours >= min_hours (8) and <= 24 (got 6)"),
    ({"templates": {"x": {"min_hours": 4.2, "max_hours": 4.4}}},
     "roster.templates.x.max_hours: expected hours from min_hours (4.2) that hold a whole number of "
     "start_step_min (30 min) (got 4.4)"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "start_step_min": 45}}},
     "roster.templates.x.start_step_min: expected a multiple of roster.interval_min (30) or null (got 45)"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "earliest_start": "25:00"}}},
     "roster.templates.x.earliest_start: expected a clock time 'HH:MM' between 00:00 and 23:59 (got '25:00')"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "earliest_start": "14:00", "latest_end": "17:00"}}},
     "roster.templates.x.latest_end: expected a time at least min_hours (4 h) after earliest_start (14:00) "
     "(got '17:00')"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "days_per_week": 8}}},
     "roster.templates.x.days_per_week: expected an integer from 1 to 7, or null (got 8)"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "part_time": "yes"}}},
     "roster.templates.x.part_time: expected true or false (got 'yes')"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "cost_factor": 0}}},
     "roster.templates.x.cost_factor: expected a number > 0 (got 0)"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "rest_break": {"after_hours": 6}}}},
     "roster.templates.x.rest_break.after_hours: expected a break that ends before the longest shift ends "
     "(max_hours 6) (got 6)"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "rest_break": {"after_hours": 2.25, "window_hours": 0}}}},
     "roster.templates.x.rest_break.window_hours: expected a window from after_hours (2.25) that holds a multiple "
     "of roster.interval_min (30 min) (got 0)"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "rest_break": {"length_min": 0}}}},
     "roster.templates.x.rest_break.length_min: expected an integer >= 1 (got 0)"),
    ({"templates": {"x": {"min_hours": 4, "max_hours": 6, "part_time": True}}},
     "roster.part_time_max_share: expected 1 or null when every template is part-time (got 0.5)"),
])
def test_bad_values_are_refused_in_one_line(roster, message):
    with pytest.raises(ConfigError) as info:
        roster_rules(roster)
    assert str(info.value) == message
    assert "\n" not in str(info.value)


def test_a_bad_value_from_the_command_line_names_its_key():
    with pytest.raises(ConfigError, match=r"^roster\.templates\.full_time\.max_hours: expected a number of hours "
                                          r">= min_hours \(7\.5\) and <= 24 \(got 7\.0\)$"):
        roster_rules(simoffice.compose("roster.templates.full_time.max_hours=7").roster)
