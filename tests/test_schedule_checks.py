"""Specifications of the warnings about opening hours and staffing, read off the spec.

A unit open with no desk on duty turns every client who comes away; open with
desks on duty but none with a skill its clients need, it turns away those
clients; desks on duty long before opening, after closing or on a closed day
say the office's hours and the schedule's shifts disagree; a shift that never
meets the opening hours, or a desk group no client can reach, is paid for nothing. Each warning names
the unit, the weekdays and the minutes, in one sentence for a manager.
"""

from __future__ import annotations

import copy

from simoffice.config.build import build_spec
from simoffice.config.compose import compose
from simoffice.measures.schedule_checks import CLOSED_DUTY_TOLERANCE_MIN, schedule_warnings

import networks

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def office(opening: str = "08:00-17:00", shifts: dict | None = None, staff: dict | None = None,
           **own_opening: str | None) -> dict:
    """One office of the schedule ``opening`` Monday to Friday, staffed on ``shifts``
    (default ``day`` 08:00–17:00 Monday to Friday) by ``staff`` (default 2 desks of
    ``day``); keyword weekdays give the office its own opening hours (the schedule's
    on the other days)."""
    cfg = networks.network()
    hours = {d: (opening if d in WEEKDAYS else None) for d in networks.DAYS}
    cfg["schedule"]["opening_hours"] = hours
    shifts = shifts or {"day": {"start": "08:00", "end": "17:00"}}
    cfg["schedule"]["shifts"] = {name: {"days": list(WEEKDAYS), **sh} for name, sh in shifts.items()}
    cfg["network"]["offices"][0]["desk_groups"][0]["staff"] = staff or {"day": 2}
    if own_opening:
        cfg["network"]["offices"][0]["opening_hours"] = {**hours, **own_opening}
    return cfg


def two_skills(cfg: dict, groups: list[dict]) -> dict:
    """``cfg`` with a second service (skill ``pension``) and the office's ``groups``;
    co-located, so that a desk keeps its own skills."""
    cfg = copy.deepcopy(cfg)
    net = cfg["network"]
    net["services"]["pension"] = {"skill": "pension", "service_time": networks.exponential(10.0),
                                  "missing_document_prob": 0.0}
    net["bundles"] = {"single": {"needs": ["need"], "share": 0.5}, "pension": {"needs": ["pension"], "share": 0.5}}
    net["offices"][0]["desk_groups"] = groups
    cfg["design"] = dict(networks.DESIGNS["co_located"])
    return cfg


def warnings(cfg) -> list[tuple[str, str, str]]:
    return [(w["kind"], w["unit"], w["text"]) for w in schedule_warnings(build_spec(cfg))]


def test_staff_on_the_opening_hours_give_no_warning():
    """Desks on duty whenever the office is open, and only then: nothing to say."""
    assert warnings(office()) == []


def test_an_office_open_on_a_day_without_shifts_has_no_desk_on_duty():
    """The office's own hours open it on Saturday morning; the schedule's shifts are Monday to Friday."""
    assert warnings(office(sat="09:00-12:00")) == [
        ("no_desk_on_duty", "office",
         "office is open on Sat 09:00–12:00 with no desk on duty: clients who come then cannot be served.")]


def test_open_after_the_shift_ends_is_reported_as_one_interval_for_the_weekdays_alike():
    """Open until 17:30 with desks until 17:00: the last half hour of Monday to Friday, in one warning."""
    assert [text for _, _, text in warnings(office("08:00-17:30"))] == [
        "office is open on Mon–Fri 17:00–17:30 with no desk on duty: clients who come then cannot be served."]


def test_days_with_different_gaps_are_warned_about_separately_monday_first():
    cfg = office(mon="07:30-17:00", wed="08:00-18:00", fri="07:30-17:00")
    assert [text.split(" with ")[0] for _, _, text in warnings(cfg)] == [
        "office is open on Mon, Fri 07:30–08:00", "office is open on Wed 17:00–18:00"]


def test_every_desk_on_the_same_break_leaves_nobody_on_duty():
    """Both desks lunch 12:00–13:00 while the office stays open."""
    lunch = {"day": {"start": "08:00", "end": "17:00", "breaks": [{"start": "12:00", "end": "13:00", "paid": False}]}}
    assert [kind for kind, _, _ in warnings(office(shifts=lunch))] == ["no_desk_on_duty"]
    assert "Mon–Fri 12:00–13:00" in warnings(office(shifts=lunch))[0][2]


def test_staggered_breaks_keep_a_desk_on_duty_unless_the_group_has_one_desk():
    staggered = {"day": {"start": "08:00", "end": "17:00", "stagger": True,
                         "breaks": [{"start": "12:00", "end": "13:00", "paid": False},
                                    {"start": "13:00", "end": "14:00", "paid": False}]}}
    assert warnings(office(shifts=staggered, staff={"day": 2})) == []
    assert [text.split(" with ")[0] for _, _, text in warnings(office(shifts=staggered, staff={"day": 1}))] == [
        "office is open on Mon–Fri 12:00–13:00"]


def test_an_office_closed_for_lunch_with_desks_on_their_lunch_gives_no_warning():
    lunch = {"day": {"start": "08:00", "end": "17:00", "breaks": [{"start": "12:00", "end": "13:00", "paid": False}]}}
    assert warnings(office("08:00-12:00,13:00-17:00", shifts=lunch)) == []


def test_a_skill_staffed_only_in_the_morning_is_missing_in_the_afternoon():
    """Pension desks work 08:00–12:00; the general desks stay until 17:00."""
    shifts = {"day": {"start": "08:00", "end": "17:00"}, "early": {"start": "08:00", "end": "12:00"}}
    cfg = two_skills(office(shifts=shifts), [
        {"name": "general desks", "skills": ["general"], "staff": {"day": 2}},
        {"name": "pension desks", "skills": ["pension"], "staff": {"early": 1}}])
    assert warnings(cfg) == [
        ("skill_not_on_duty", "office", "office: no desk with skill 'pension' on duty on Mon–Fri 12:00–17:00 while open.")]


def test_minutes_with_no_desk_at_all_are_not_repeated_as_missing_skills():
    """Open until 18:00: 17:00–18:00 has no desk, and is not also reported for the pension skill."""
    shifts = {"day": {"start": "08:00", "end": "17:00"}, "early": {"start": "08:00", "end": "12:00"}}
    cfg = two_skills(office("08:00-18:00", shifts=shifts), [
        {"name": "general desks", "skills": ["general"], "staff": {"day": 2}},
        {"name": "pension desks", "skills": ["pension"], "staff": {"early": 1}}])
    assert [(kind, text) for kind, _, text in warnings(cfg)] == [
        ("no_desk_on_duty",
         "office is open on Mon–Fri 17:00–18:00 with no desk on duty: clients who come then cannot be served."),
        ("skill_not_on_duty", "office: no desk with skill 'pension' on duty on Mon–Fri 12:00–17:00 while open.")]


def test_a_desk_group_with_no_desks_staffs_no_skill():
    """A pension group with 0 desks: the office does not staff the skill, so its
    absence is not a gap in the day (the build refuses a needed service nobody staffs)."""
    cfg = two_skills(office(), [
        {"name": "general desks", "skills": ["general", "pension"], "staff": {"day": 2}},
        {"name": "pension desks", "skills": ["pension"], "staff": {"day": 0}}])
    assert warnings(cfg) == []


def test_desks_on_duty_on_a_closed_weekday():
    """The office's own hours close it on Friday; the schedule's shift works Friday."""
    assert warnings(office(fri=None)) == [
        ("opening_vs_shifts", "office", "office: desks are on duty on Fri 08:00–17:00 while it is closed.")]


def test_a_shift_starting_long_before_opening_is_reported_but_an_hour_is_ordinary():
    assert CLOSED_DUTY_TOLERANCE_MIN == 60
    early = {"day": {"start": "06:30", "end": "17:00"}}  # 90 min before opening
    assert [text for _, _, text in warnings(office(shifts=early))] == [
        "office: desks are on duty on Mon–Fri 06:30–08:00 while it is closed."]
    ready = {"day": {"start": "07:00", "end": "17:00"}}  # exactly the tolerance
    assert warnings(office(shifts=ready)) == []


def test_a_short_duty_on_a_closed_day_is_still_reported_as_staff_paid_for_nothing():
    """Half an hour on Saturday, when the office is closed all day: the shift never
    meets the opening hours, said once for the group and shift."""
    shifts = {"day": {"start": "08:00", "end": "17:00"}, "sat": {"start": "09:00", "end": "09:30", "days": ["sat"]}}
    assert warnings(office(shifts=shifts, staff={"day": 2, "sat": 1})) == [
        ("staff_only_while_closed", "office",
         "office: the 1 desk of 'desks' on shift 'sat' is on duty only while it is closed (Sat 09:00–09:30): "
         "paid hours with no client to serve.")]


def test_staff_only_on_an_evening_shift_outside_the_opening_hours():
    """Open 08:00–17:00, the only desks work 18:00–20:00: the office is open with
    nobody, and the evening desks are paid for hours with no client."""
    evening = {"evening": {"start": "18:00", "end": "20:00"}}
    assert warnings(office(shifts=evening, staff={"evening": 3})) == [
        ("no_desk_on_duty", "office",
         "office is open on Mon–Fri 08:00–17:00 with no desk on duty: clients who come then cannot be served."),
        ("staff_only_while_closed", "office",
         "office: the 3 desks of 'desks' on shift 'evening' are on duty only while it is closed "
         "(Mon–Fri 18:00–20:00): paid hours with no client to serve.")]


def test_a_shift_inside_the_tolerance_after_closing_is_still_paid_for_nothing():
    """An hour after closing is ordinary for a shift that also works the open
    hours, but a shift of only that hour serves nobody."""
    shifts = {"day": {"start": "08:00", "end": "17:00"}, "late": {"start": "17:00", "end": "18:00"}}
    assert [kind for kind, _, _ in warnings(office(shifts=shifts, staff={"day": 2, "late": 1}))] == [
        "staff_only_while_closed"]
    shifts = {"day": {"start": "08:00", "end": "17:00"}, "long": {"start": "12:00", "end": "18:00"}}
    assert warnings(office(shifts=shifts, staff={"day": 2, "long": 1})) == []


def test_a_desk_group_whose_skills_no_service_needs_is_unused():
    """A pension desk at an office whose clients only ever need the general service
    (the pension service exists, but no bundle needs it)."""
    cfg = two_skills(office(), [
        {"name": "general desks", "skills": ["general"], "staff": {"day": 2}},
        {"name": "pension desks", "skills": ["pension"], "staff": {"day": 1}}])
    cfg["network"]["bundles"] = {"single": {"needs": ["need"], "share": 1.0}}
    assert warnings(cfg) == [
        ("desk_group_unused", "office", "office: desk group 'pension desks' has no skill that a service reaching "
         "office needs (skills: pension): its desk serves nobody.")]
    cfg["network"]["bundles"]["pension"] = {"needs": ["pension"], "share": 0.5}
    cfg["network"]["bundles"]["single"]["share"] = 0.5
    assert warnings(cfg) == []


def test_an_appointment_only_desk_group_where_nobody_books_is_unused():
    """The office has a calendar, but every client walks in."""
    cfg = office()
    net = cfg["network"]
    net["offices"][0]["appointments"] = {"slot_min": 30, "per_slot": 1}
    net["offices"][0]["desk_groups"].append({"name": "appointment desks", "skills": ["general"],
                                             "staff": {"day": 2}, "serves": "appointment"})
    assert warnings(cfg) == [
        ("desk_group_unused", "office", "office: desk group 'appointment desks' serves only appointments, and no "
         "client books one there (no segment chooses the appointment channel): its 2 desks serve nobody.")]
    net["segments"]["everyone"]["channels"] = {"walk_in": 0.8, "appointment": 0.2}
    assert warnings(cfg) == []


def test_a_contact_centre_open_after_its_agents_leave():
    cfg = networks.network()
    cfg["network"]["services"]["need"]["phone"] = "settle"
    cfg["network"]["segments"]["everyone"]["channels"] = {"walk_in": 0.5, "phone": 0.5}
    centre = networks.contact_centre(agents=2)
    centre["shifts"] = {"day": {"start": "08:00", "end": "16:00", "days": list(WEEKDAYS)}}
    centre["opening_hours"] = {d: ("08:00-18:00" if d in WEEKDAYS else None) for d in networks.DAYS}
    centre["desk_groups"][0]["staff"] = {"day": 2}
    cfg["network"]["contact_centre"] = centre
    assert warnings(cfg) == [
        ("no_desk_on_duty", "contact centre",
         "contact centre is open on Mon–Fri 16:00–18:00 with no desk on duty: clients who call then cannot be "
         "served.")]


def test_units_come_in_config_order_and_kinds_in_order_within_a_unit():
    """Friday closed by the office's hours but worked, Saturday open but not worked."""
    kinds = [kind for kind, _, _ in warnings(office(fri=None, sat="09:00-12:00"))]
    assert kinds == ["no_desk_on_duty", "opening_vs_shifts"]


def test_a_mobile_office_is_staffed_at_its_stops_unless_it_has_no_desk():
    """North bus stops on Tuesday 10:00–14:00 and Thursday 10:00–13:00 with one generalist on board."""
    cfg = compose("network=regional")
    assert [w for w in schedule_warnings(build_spec(cfg)) if w["unit"] == "North bus"] == []
    cfg.network.mobile_routes[0].desk_groups[0].count = 0
    assert [w["text"] for w in schedule_warnings(build_spec(cfg)) if w["unit"] == "North bus"] == [
        "North bus is open on Tue 10:00–14:00 with no desk on duty: clients who come then cannot be served.",
        "North bus is open on Thu 10:00–13:00 with no desk on duty: clients who come then cannot be served."]


# --- the shipped networks and schedules ----------------------------------------------------

def test_the_regional_network_on_its_schedules_gives_no_warning():
    for schedule in ("five_day", "mon_thu", "five_day_lunch_closed"):
        assert schedule_warnings(build_spec(compose("network=regional", f"schedule={schedule}"))) == [], schedule


def test_staggered_lunches_leave_single_desk_units_empty_at_noon():
    """five_day_staggered's first lunch is 12:00–13:00: Rural centre and the video
    centre have one desk each, so nobody is on duty then (its config says so)."""
    got = schedule_warnings(build_spec(compose("network=regional", "schedule=five_day_staggered")))
    assert [(w["kind"], w["unit"]) for w in got] == [("no_desk_on_duty", "Rural centre"),
                                                     ("no_desk_on_duty", "video centre")]
    assert all("Mon–Fri 12:00–13:00" in w["text"] for w in got)


def test_the_calibrated_office_under_mon_thu_is_open_on_friday_with_nobody():
    """Its own hours (from the log) are Monday to Friday 08:00–17:00; mon_thu staffs Monday to Thursday until 19:15."""
    got = schedule_warnings(build_spec(compose("network=sample_office", "schedule=mon_thu")))
    assert got == [
        {"kind": "no_desk_on_duty", "unit": "Social centre",
         "text": "Social centre is open on Fri 08:00–17:00 with no desk on duty: clients who come then cannot be "
                 "served."},
        {"kind": "opening_vs_shifts", "unit": "Social centre",
         "text": "Social centre: desks are on duty on Mon–Thu 17:00–19:15 while it is closed."}]
    assert schedule_warnings(build_spec(compose("network=sample_office", "schedule=five_day"))) == []


def test_the_national_network_gives_no_warning():
    assert schedule_warnings(build_spec(compose("network=national"))) == []
