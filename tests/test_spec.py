"""The frozen model (simoffice.model.spec): what a unit can do for a service."""

from __future__ import annotations

from simoffice.model.distributions import Exponential
from simoffice.model.spec import OFFICE, PHONE_NONE, DeskGroup, Office, Service


def need(skill: int, agency: int = 0) -> Service:
    """A desk-only service of 5 minutes on average."""
    return Service("need", skill, Exponential(5.0), 0.0, agency=agency, online=False, phone=PHONE_NONE, video=False,
                   phone_time=None, video_time=None, escalation_prob=0.0, expert_time=None, follow_up_prob=0.0,
                   proactive_share=0.0)


def office(groups: tuple[DeskGroup, ...], agencies: frozenset[int]) -> Office:
    """An office never open (opening hours play no part here)."""
    return Office("office", 0.0, groups, (None,) * 7, kind=OFFICE, shifts=(), agencies=agencies, slots=None,
                  video_stations=0, stops=(), local_travel_min=0.0, cost_per_day=0.0, shrinkage=0.0, xy=None)


def test_a_unit_serves_a_need_when_a_staffed_desk_has_its_skill_and_the_unit_its_agency():
    """Skills count only with a desk on some shift; a desk group may take only walk-in
    or only booked clients; a unit with no agencies listed serves every agency."""
    front = DeskGroup("front", frozenset({0}), ((0, 2),), serves="walk_in")
    booked = DeskGroup("booked", frozenset({1}), ((0, 1),), serves="appointment")
    unstaffed = DeskGroup("empty", frozenset({2}), ((0, 0),), serves="all")
    unit = office((front, booked, unstaffed), frozenset({0}))
    assert unit.staffed_skills() == {0, 1}
    assert (unit.staffed_skills("walk_in"), unit.staffed_skills("appointment")) == ({0}, {1})
    assert unit.serves(need(0)) and unit.serves(need(1)) and not unit.serves(need(2))
    assert not unit.serves(need(0, agency=1))
    assert not unit.serves(need(1), unit.staffed_skills("walk_in"))
    assert office((front,), frozenset()).serves(need(0, agency=3))
