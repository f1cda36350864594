"""Bad input is refused before any simulation, in one line naming the key.

:func:`simoffice.config.build.build_spec` validates a composed config. Every test here
starts from a shipped config that builds, breaks exactly one value and checks
that the :class:`~simoffice.errors.ConfigError` names the exact key path, says
what was expected and repeats the value that was given.
"""

from __future__ import annotations

import copy
import functools
import itertools
import math
from typing import Any

import numpy as np
import pytest
from omegaconf import OmegaConf

import simoffice
from simoffice.config.build import build_spec, weekly_staff_hours
from simoffice.errors import ConfigError
from simoffice.model.spec import ModelSpec

SINGLE = ("network=single_office",)
SILOED = ("network=single_office", "design=siloed")
REGIONAL = ("network=regional",)
MMC = ("network=mmc",)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DELETE = object()  # value that removes the key


# --- helpers ------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _composed(overrides: tuple[str, ...]) -> dict:
    return OmegaConf.to_container(simoffice.compose(*overrides), resolve=True)


def config(*overrides: str) -> dict:
    """A shipped config, composed with ``overrides``, as plain (mutable) dicts."""
    return copy.deepcopy(_composed(tuple(overrides)))


def _steps(path: str) -> list:
    """'a.b[1].c' -> ['a', 'b', 1, 'c']."""
    out: list = []
    for part in path.split("."):
        name, *indices = part.replace("]", "").split("[")
        out.append(name)
        out.extend(int(i) for i in indices)
    return out


def with_value(cfg: dict, path: str, value: Any) -> dict:
    """``cfg`` with the value at ``path`` replaced (or removed, for DELETE)."""
    *parents, last = _steps(path)
    node = cfg
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value
    return cfg


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def assert_refused(cfg: dict, key: str, got: Any, expected: str) -> ConfigError:
    """build_spec(cfg) raises a ConfigError for ``key`` that repeats ``got`` and says ``expected``."""
    with pytest.raises(ConfigError) as info:
        build_spec(cfg)
    err = info.value
    assert err.key == key
    assert _same(err.got, got), f"got {err.got!r}, the value given was {got!r}"
    message = str(err)
    assert message.startswith(f"{key}: expected "), message
    assert expected in message, message
    assert "\n" not in message
    return err


def refuse_value(overrides: tuple[str, ...], path: str, value: Any, expected: str) -> ConfigError:
    """Set ``path`` to ``value`` in a shipped config; build_spec names ``path`` and ``value``."""
    return assert_refused(with_value(config(*overrides), path, value), path, value, expected)


def case(overrides, path, value, expected, id=None, marks=()):
    return pytest.param(overrides, path, value, expected, id=id or f"{path}={value!r}", marks=marks)


# --- every shipped config builds -----------------------------------------------------

@pytest.mark.parametrize(
    "network,schedule,design",
    list(itertools.product(["regional", "synthetic", "single_office", "mmc"], ["five_day", "mon_thu"],
                           ["siloed", "co_located", "one_stop"])),
    ids=lambda x: x,
)
def test_every_shipped_config_composes_and_builds(network, schedule, design):
    cfg = simoffice.compose(f"network={network}", f"schedule={schedule}", f"design={design}")
    spec = build_spec(cfg)
    assert isinstance(spec, ModelSpec)
    assert spec.schedule_name == schedule
    assert spec.design.name == design
    assert spec.offices and all(o.desk_groups for o in spec.offices)


def test_schedules_give_equal_weekly_staff_hours_per_office_and_desk_group():
    five = weekly_staff_hours(build_spec(config("network=regional", "schedule=five_day")))
    mon_thu = weekly_staff_hours(build_spec(config("network=regional", "schedule=mon_thu")))
    assert five.keys() == mon_thu.keys()
    # 2 + 2 + 1 office desk groups, the mobile office's, the contact centre's and the video centre's
    assert len(five) == 8
    for k in five:
        assert five[k] > 0
        assert mon_thu[k] == pytest.approx(five[k]), k


# --- the config groups and the run ---------------------------------------------------

@pytest.mark.parametrize("group", ["network", "schedule", "design"])
def test_every_config_group_must_be_present(group):
    cfg = with_value(config(*SINGLE), group, DELETE)
    assert_refused(cfg, group, None, "a config group (mapping)")


def test_a_config_without_run_settings_takes_the_schemas():
    """The run settings have defaults, written once in the schema (RunConfig)."""
    spec = build_spec(with_value(config(*SINGLE), "run", DELETE))
    assert (spec.run.weeks, spec.run.replications, spec.run.seed, spec.run.start_date) == (8, 10, 2026, "2026-01-12")


@pytest.mark.parametrize("overrides,path,value,expected", [
    case(SINGLE, "run.weeks", 0, "an integer >= 1", id="run.weeks=0"),
    case(SINGLE, "run.weeks", 2.5, "an integer >= 1", id="run.weeks=2.5"),
    case(SINGLE, "run.warmup_weeks", -1, "an integer >= 0"),
    case(SINGLE, "run.drain_weeks", -1, "an integer >= 0"),
    case(SINGLE, "run.replications", 0, "an integer >= 1"),
    case(SINGLE, "run.replications", True, "an integer >= 1"),
    case(SINGLE, "run.seed", -1, "an integer >= 0"),
    case(SINGLE, "run.jobs", -2, "an integer >= 0"),
    case(SINGLE, "network.max_visits", 0, "an integer >= 1"),
    case(SINGLE, "network.return_after_days", 0, "an integer >= 1"),
    case(SINGLE, "network.segments.families.priority", 0.5, "an integer"),
    case(SINGLE, "network.arrival_profile.bin_min", 0, "an integer >= 1"),
    case(SINGLE, "network.offices[0].desk_groups[1].staff.full", -1, "an integer >= 0"),
    case(SINGLE, "network.offices[0].desk_groups[0].staff.peak", 1.5, "an integer >= 0"),
    case(REGIONAL, "network.offices[2].desk_groups[0].staff.full", "two", "an integer >= 0"),
    case(SINGLE, "network.offices[0].desk_groups[1].staff.full", float("nan"), "an integer >= 0"),
    case(SINGLE, "run.weeks", float("inf"), "an integer >= 1"),
])
def test_counts_must_be_whole_numbers_at_or_above_their_minimum(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


@pytest.mark.parametrize("weeks,warmup", [(8, 8), (8, 9), (1, 1)], ids=["equal", "longer", "one-week run"])
def test_warmup_must_be_shorter_than_the_run(weeks, warmup):
    cfg = config(*SINGLE)
    cfg["run"]["weeks"] = weeks
    cfg["run"]["warmup_weeks"] = warmup
    assert_refused(cfg, "run.warmup_weeks", warmup, f"fewer weeks than run.weeks ({weeks})")


@pytest.mark.parametrize("value", ["2026-02-30", "12/01/2026", "next monday", None])
def test_run_start_date_must_be_an_iso_date(value):
    refuse_value(SINGLE, "run.start_date", value, "an ISO date such as 2026-01-05")


@pytest.mark.parametrize("overrides,path,value,expected", [
    case(SINGLE, "run.service_level_target_min", 0, "a number > 0"),
    case(SINGLE, "run.service_level_target_min", "soon", "a finite number > 0"),
    case(SINGLE, "network.offices[0].bundles_per_week", -1, "a number >= 0"),
    case(SINGLE, "network.offices[0].bundles_per_week", float("inf"), "a finite number >= 0"),
    case(SINGLE, "network.arrival_profile.time_of_day[2]", -0.5, "a number >= 0"),
    case(SINGLE, "network.arrival_profile.weekdays.mon", -1, "a number >= 0"),
    case(SINGLE, "network.bundles.family_bundle.segment_mix.families", -0.5, "a number >= 0"),
])
def test_rates_and_weights_must_be_finite_and_not_negative(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


# --- choices -------------------------------------------------------------------------

@pytest.mark.parametrize("overrides,path,value,expected", [
    case(SINGLE, "schedule.closing_policy", "later", "one of ['serve_waiting', 'send_away']"),
    case(SINGLE, "design.needs_per_ticket", "two", "one of ['one', 'all']"),
    case(SINGLE, "design.other_needs", "never", "one of ['same_visit', 'next_visit']"),
    case(SINGLE, "network.kind", "grid", "one of ['explicit', 'synthetic', 'mmc']"),
    case(MMC, "network.kind", "mm1", "one of ['explicit', 'synthetic', 'mmc']", id="mmc network.kind='mm1'"),
])
def test_named_options_must_be_one_of_their_set(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


@pytest.mark.parametrize("path", ["design.cross_trained", "run.progress"])
def test_switches_must_be_true_or_false(path):
    """A switch given as text ("false") is refused, not read as true."""
    refuse_value(SINGLE, path, "false", "true or false")


# --- probabilities -------------------------------------------------------------------

@pytest.mark.parametrize("overrides,path,value,expected", [
    case(SINGLE, "network.segments.families.return_prob", 1.5, "a probability in [0, 1]"),
    case(SINGLE, "network.segments.pensioners.return_prob", -0.1, "a probability in [0, 1]"),
    case(SINGLE, "network.segments.families.informed_share", 1.2, "a probability in [0, 1]"),
    case(SINGLE, "network.segments.pensioners.informed_share", "most", "a probability in [0, 1]"),
    case(SINGLE, "network.services.status_certificate.missing_document_prob", -0.1, "a probability in [0, 1)"),
    case(SINGLE, "network.services.pension_consultation.missing_document_prob", 1.5, "a probability in [0, 1)"),
])
def test_probabilities_must_lie_between_0_and_1(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


@pytest.mark.parametrize("value", [1, 1.0])
def test_missing_document_prob_must_be_below_1_or_no_client_would_ever_finish(value):
    refuse_value(SINGLE, "network.services.utility_compensation.missing_document_prob", value,
                 "a probability in [0, 1)")


# --- distributions (distributions.from_config) ----------------------------------------

ST = "network.services.status_certificate.service_time"
PAT = "network.segments.families.patience"


def refuse_dist(node: Any, key: str, got: Any, expected: str, where: str = ST) -> None:
    """A distribution ``node`` placed at ``where`` is refused for ``where``.``key``."""
    cfg = with_value(config(*SINGLE), where, node)
    assert_refused(cfg, f"{where}{key}", got, expected)


@pytest.mark.parametrize("node", [None, 12, "lognormal"], ids=["missing", "number", "string"])
def test_a_distribution_must_be_a_mapping(node):
    refuse_dist(node, "", node, "a distribution such as {dist: exponential, mean: 10}")


@pytest.mark.parametrize("name", ["normal", "Lognormal", None])
def test_a_distribution_name_must_be_known(name):
    refuse_dist({"dist": name, "mean": 10}, ".dist", name,
                "one of ['deterministic', 'empirical', 'exponential', 'gamma', 'lognormal', 'triangular', "
                "'uniform', 'weibull']")


@pytest.mark.parametrize("node,param", [
    ({"dist": "exponential"}, "mean"),
    ({"dist": "lognormal", "mean": 12}, "cv"),
    ({"dist": "gamma", "cv": 0.5}, "mean"),
    ({"dist": "deterministic"}, "value"),
    ({"dist": "uniform", "low": 1}, "high"),
    ({"dist": "triangular", "low": 1, "high": 9}, "mode"),
    ({"dist": "empirical", "probs": [1.0]}, "values"),
], ids=lambda x: x["dist"] if isinstance(x, dict) else x)
def test_a_distribution_needs_each_of_its_parameters(node, param):
    refuse_dist(node, f".{param}", None, f"a value for the {node['dist']} distribution's '{param}'")


@pytest.mark.parametrize("node,param,value", [
    ({"dist": "exponential", "mean": "ten"}, "mean", "ten"),
    ({"dist": "lognormal", "mean": 12, "cv": float("nan")}, "cv", float("nan")),
    ({"dist": "uniform", "low": True, "high": 5}, "low", True),
], ids=["string", "nan", "bool"])
def test_distribution_parameters_must_be_finite_numbers(node, param, value):
    refuse_dist(node, f".{param}", value, "a finite number")


@pytest.mark.parametrize("mean", [0, -3])
@pytest.mark.parametrize("dist", ["exponential", "lognormal", "gamma", "weibull"])
def test_a_distribution_mean_must_be_positive(dist, mean):
    refuse_dist({"dist": dist, "mean": mean, "cv": 1.0}, ".mean", mean, "a number > 0")


@pytest.mark.parametrize("cv", [0, -0.5])
@pytest.mark.parametrize("dist,where", [("lognormal", ST), ("gamma", ST), ("lognormal", PAT), ("weibull", PAT)],
                         ids=["lognormal service_time", "gamma service_time", "lognormal patience",
                              "weibull patience"])
def test_a_distribution_cv_must_be_positive(dist, where, cv):
    refuse_dist({"dist": dist, "mean": 12, "cv": cv}, ".cv", cv,
                "a number > 0 (use dist: deterministic for no variation)", where=where)


def test_a_deterministic_value_must_not_be_negative():
    refuse_dist({"dist": "deterministic", "value": -1}, ".value", -1, "a number >= 0")


@pytest.mark.parametrize("node", [
    {"dist": "uniform", "low": -1, "high": 5},
    {"dist": "triangular", "low": -1, "mode": 2, "high": 5},
], ids=["uniform", "triangular"])
def test_a_range_must_not_start_below_0(node):
    refuse_dist(node, ".low", -1, "a number >= 0")


@pytest.mark.parametrize("node", [
    {"dist": "uniform", "low": 10, "high": 5},
    {"dist": "triangular", "low": 10, "mode": 10, "high": 5},
], ids=["uniform", "triangular"])
def test_a_range_high_must_not_be_below_low(node):
    refuse_dist(node, ".high", 5, "a number >= low (10)")


@pytest.mark.parametrize("mode", [0.5, 12], ids=["below low", "above high"])
def test_a_triangular_mode_must_lie_in_its_range(mode):
    refuse_dist({"dist": "triangular", "low": 1, "mode": mode, "high": 9}, ".mode", mode, "a number in [1, 9]")


def test_empirical_values_must_not_be_empty():
    refuse_dist({"dist": "empirical", "values": []}, ".values", [], "a non-empty list of numbers >= 0")


@pytest.mark.parametrize("value,expected", [(-2, "a number >= 0"), ("five", "a finite number")])
def test_empirical_values_must_be_numbers_at_least_0(value, expected):
    refuse_dist({"dist": "empirical", "values": [1, value, 5]}, ".values[1]", value, expected)


def test_empirical_values_must_have_a_positive_mean():
    refuse_dist({"dist": "empirical", "values": [0, 0]}, ".values", [0, 0], "values whose mean is > 0")


def test_empirical_values_must_be_a_list():
    refuse_dist({"dist": "empirical", "values": 5}, ".values", 5, "a non-empty list of numbers >= 0")


@pytest.mark.parametrize("probs", [[0.5, 0.5], [0.2, 0.3, 0.4, 0.1]], ids=["too few", "too many"])
def test_empirical_probs_must_give_one_per_value(probs):
    refuse_dist({"dist": "empirical", "values": [1, 2, 5], "probs": probs}, ".probs", probs,
                "3 probabilities, one per value")


@pytest.mark.parametrize("p", [-0.2, 1.2])
def test_empirical_probs_must_each_lie_between_0_and_1(p):
    refuse_dist({"dist": "empirical", "values": [1, 2, 5], "probs": [0.6, p, 0.6 - p]}, ".probs[1]", p,
                "a probability in [0, 1]")


@pytest.mark.parametrize("probs", [[0.5, 0.3, 0.1], [0.5, 0.5, 0.5]], ids=["0.9", "1.5"])
def test_empirical_probs_must_sum_to_1(probs):
    refuse_dist({"dist": "empirical", "values": [1, 2, 5], "probs": probs}, ".probs", probs,
                "probabilities that sum to 1")


# --- segments, services, bundles --------------------------------------------------------

@pytest.mark.parametrize("overrides,path,value,expected", [
    case(SINGLE, "network.segments", {}, "at least one segment"),
    case(SINGLE, "network.services", {}, "at least one service"),
    case(SINGLE, "network.bundles", {}, "at least one bundle"),
    case(SINGLE, "network.offices", [], "at least one office"),
    case(SINGLE, "network.offices[0].desk_groups", [], "at least one desk group"),
    case(SINGLE, "network.offices[0].desk_groups[0].skills", [], "at least one skill"),
    case(SINGLE, "schedule.shifts", {}, "at least one shift"),
    case(SINGLE, "schedule.shifts.peak.days", [], "at least one weekday"),
])
def test_lists_that_the_model_needs_must_not_be_empty(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


def test_a_bundle_must_need_at_least_one_service():
    refuse_value(SINGLE, "network.bundles.utilities.needs", [], "at least one service")


def test_a_bundle_must_name_known_services():
    cfg = with_value(config(*SINGLE), "network.bundles.family_bundle.needs[1]", "passport")
    assert_refused(cfg, "network.bundles.family_bundle.needs[1]", "passport",
                   "a service, one of ['status_certificate', 'utility_compensation', 'pension_consultation']")


def test_a_bundle_must_name_each_service_once():
    cfg = with_value(config(*SINGLE), "network.bundles.family_bundle.needs",
                     ["status_certificate", "utility_compensation", "status_certificate"])
    assert_refused(cfg, "network.bundles.family_bundle.needs[2]", "status_certificate",
                   "each service at most once in a bundle")


@pytest.mark.parametrize("share_key", ["segments", "bundles"])
def test_segment_and_bundle_shares_must_not_all_be_zero(share_key):
    cfg = config(*SINGLE)
    for item in cfg["network"][share_key].values():
        item["share"] = 0
    zeros = {name: 0 for name in cfg["network"][share_key]}
    assert_refused(cfg, f"network.{share_key}", zeros, "weights with a positive sum")


@pytest.mark.parametrize("path", ["network.segments.families.share", "network.bundles.utilities.share"])
def test_a_negative_share_is_named_by_its_share_key(path):
    refuse_value(SINGLE, path, -1, "a number >= 0")


def test_a_segment_mix_must_name_known_segments():
    cfg = with_value(config(*SINGLE), "network.bundles.family_bundle.segment_mix", {"students": 1.0})
    assert_refused(cfg, "network.bundles.family_bundle.segment_mix.students", "students",
                   "a known segment, one of ['families', 'pensioners']")


def test_a_segment_mix_must_not_be_all_zero():
    mix = {"families": 0, "pensioners": 0}
    refuse_value(SINGLE, "network.bundles.family_bundle.segment_mix", mix, "weights with a positive sum")


@pytest.mark.parametrize("skill", ["", None, 3])
def test_a_service_must_name_a_skill(skill):
    refuse_value(SINGLE, "network.services.pension_consultation.skill", skill, "a skill name")


# --- offices and desk groups -----------------------------------------------------------

def test_a_desk_skill_must_be_one_some_service_needs():
    refuse_value(SINGLE, "network.offices[0].desk_groups[1].skills[1]", "passports",
                 "a skill some service needs, one of ['family', 'housing', 'pensions']")


@pytest.mark.parametrize("shift", ["night", "Full"])
def test_desk_group_staff_must_be_given_per_shift_of_the_schedule(shift):
    cfg = config(*SINGLE)
    cfg["network"]["offices"][0]["desk_groups"][1]["staff"][shift] = 1
    assert_refused(cfg, f"network.offices[0].desk_groups[1].staff.{shift}", shift,
                   "a shift of schedule 'five_day', one of ['full', 'peak']")


@pytest.mark.parametrize("overrides,path,value,office", [
    pytest.param(SILOED, "network.offices[0].desk_groups[1].skills", ["housing"], 0,
                 id="no desk group has the skill"),
    pytest.param(SILOED, "network.offices[0].desk_groups[1].staff", {"full": 0}, 0,
                 id="the only desk group with the skill has staff 0"),
    pytest.param(SILOED, "network.offices[0].desk_groups[1].staff", {}, 0,
                 id="the only desk group with the skill has no staff entry"),
    pytest.param(SILOED, "network.offices[0].desk_groups[1].serves", "appointment", 0,
                 id="the only desk group with the skill takes appointments only"),
])
def test_each_service_needs_a_staffed_desk_with_its_skill_in_every_office_with_demand(overrides, path, value, office):
    cfg = with_value(config(*overrides), path, value)
    if value == "appointment":
        cfg["network"]["offices"][0]["appointments"] = {"slot_min": 20, "per_slot": 1}
    # ``got``: the skills of the staffed walk-in desk groups (the desk groups themselves are too long to repeat)
    assert_refused(cfg, f"network.offices[{office}].desk_groups", ["family", "housing"],
                   "a staffed desk group with skill 'pensions' (service 'pension_consultation') that takes walk-in")


def test_a_service_without_staffed_desk_is_fine_when_desks_are_cross_trained_or_there_is_no_demand():
    """The companion of the check above: what it must not refuse."""
    one_stop = with_value(config("network=single_office", "design=one_stop"),
                          "network.offices[0].desk_groups[1].staff", {"full": 0})
    build_spec(one_stop)  # cross-trained family desks take pension questions too
    no_demand = with_value(config(*SILOED), "network.offices[0].desk_groups[1].staff", {"full": 0})
    no_demand["network"]["offices"][0]["bundles_per_week"] = 0
    build_spec(no_demand)


@pytest.mark.parametrize("index,name", [(1, "City centre"), (2, "Town centre"), (1, ""), (2, None)],
                         ids=["second repeats first", "third repeats second", "empty", "missing"])
def test_office_names_must_be_unique_and_non_empty(index, name):
    refuse_value(REGIONAL, f"network.offices[{index}].name", name, "a unique, non-empty service point name")


def test_desk_group_names_must_be_unique_within_an_office():
    cfg = with_value(config(*SINGLE), "network.offices[0].desk_groups[1].name", "family desks")
    assert_refused(cfg, "network.offices[0].desk_groups", ["family desks", "family desks"],
                   "desk groups with unique names")


# --- clock times, opening hours, shifts, holidays (timetable.parse_clock / parse_hours) ---

CLOCK = "a clock time 'HH:MM' between 00:00 and 24:00"  # an end may be 24:00
CLOCK_START = "a clock time 'HH:MM' between 00:00 and 23:59"  # a start may not


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("text", ["25:00", "08:60", "8am", "24:01", "08:5", "0800", ""])
def test_shift_times_must_be_clock_times_within_the_day(text, field):
    refuse_value(SINGLE, f"schedule.shifts.full.{field}", text, CLOCK_START if field == "start" else CLOCK)


@pytest.mark.parametrize("path,text", [
    pytest.param("schedule.opening_hours.mon", "08:00-25:00", id="25:00"),
    pytest.param("schedule.opening_hours.tue", "08:60-17:00", id="08:60"),
    pytest.param("schedule.opening_hours.wed", "8am-17:00", id="8am"),
    pytest.param("network.offices[0].opening_hours", "8am-5pm", id="office override 8am-5pm"),
])
def test_opening_hours_must_be_made_of_clock_times(path, text):
    cfg = config(*SINGLE)
    if path.startswith("network.offices"):
        cfg["network"]["offices"][0]["opening_hours"] = {"mon": text}
        path += ".mon"
    else:
        with_value(cfg, path, text)
    assert_refused(cfg, path, text, CLOCK)


@pytest.mark.parametrize("text", ["08:00", "08:00-12:00-17:00", "-1:00-08:00", 8])
def test_opening_hours_must_be_of_the_form_open_dash_close(text):
    refuse_value(SINGLE, "schedule.opening_hours.thu", text, "opening hours 'HH:MM-HH:MM' or null for closed")


@pytest.mark.parametrize("text", ["17:00-08:00", "08:00-08:00"], ids=["before", "equal"])
def test_closing_time_must_come_after_opening_time(text):
    refuse_value(SINGLE, "schedule.opening_hours.fri", text, "a closing time after the opening time")


def test_an_office_opening_hours_override_is_checked_like_the_schedule():
    cfg = config(*REGIONAL)
    cfg["network"]["offices"][2]["opening_hours"] = {"mon": "09:00-13:00", "tue": "13:00-09:00"}
    assert_refused(cfg, "network.offices[2].opening_hours.tue", "13:00-09:00",
                   "a closing time after the opening time")


@pytest.mark.parametrize("value", [["08:00-17:00"], "08:00-17:00"], ids=["list", "string"])
def test_opening_hours_must_be_a_mapping_of_weekdays(value):
    refuse_value(SINGLE, "schedule.opening_hours", value, "a mapping weekday -> 'HH:MM-HH:MM' or null")


@pytest.mark.parametrize("text", ["09:00", "10:00"], ids=["before", "equal"])
def test_a_shift_must_end_after_it_starts(text):
    refuse_value(SINGLE, "schedule.shifts.peak.end", text, "a time after the start (10:00)")


@pytest.mark.parametrize("path", ["schedule.shifts.full.start", "network.arrival_profile.start"])
def test_a_start_of_24_00_is_refused_with_a_message_that_excludes_it(path):
    err = refuse_value(SINGLE, path, "24:00", "a clock time 'HH:MM'")
    assert "and 24:00" not in err.expected


WEEKDAY = "a weekday, one of ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']"


@pytest.mark.parametrize("where", [
    "schedule.opening_hours", "network.offices[0].opening_hours",
    "network.arrival_profile.weekdays", "network.arrival_profile.by_weekday",
])
@pytest.mark.parametrize("day", ["monday", "Mon", "funday"])
def test_weekday_keys_must_be_mon_to_sun(where, day):
    cfg = config(*SINGLE)
    value = {"weekdays": 1.0, "by_weekday": [1.0]}.get(where.rsplit(".", 1)[1], "08:00-17:00")
    if where.startswith("network.offices"):
        cfg["network"]["offices"][0]["opening_hours"] = {day: value}
    elif where == "network.arrival_profile.by_weekday":
        cfg["network"]["arrival_profile"]["by_weekday"] = {day: value}
    else:
        with_value(cfg, f"{where}.{day}", value)
    assert_refused(cfg, f"{where}.{day}", day, WEEKDAY)


@pytest.mark.parametrize("day", ["monday", "Fri", "sa"])
def test_shift_days_must_be_mon_to_sun(day):
    refuse_value(SINGLE, "schedule.shifts.full.days[4]", day, WEEKDAY)


@pytest.mark.parametrize("value", ["2026-02-30", "23.02.2026", "holiday"])
def test_holidays_must_be_iso_dates(value):
    refuse_value(SINGLE, "schedule.holidays[1]", value, "an ISO date such as 2026-01-07")


# --- arrival profile --------------------------------------------------------------------

PROFILE = "network.arrival_profile"


@pytest.mark.parametrize("bin_min", [7, 50, 2880])
def test_profile_bins_must_divide_the_day(bin_min):
    refuse_value(SINGLE, f"{PROFILE}.bin_min", bin_min, "a divisor of 1440")


@pytest.mark.parametrize("start", ["08:30", "08:15"])
def test_profile_start_must_be_a_multiple_of_the_bin_width(start):
    refuse_value(SINGLE, f"{PROFILE}.start", start, "a multiple of bin_min (60 min)")


@pytest.mark.parametrize("start", ["8am", "25:00"])
def test_profile_start_must_be_a_clock_time(start):
    refuse_value(SINGLE, f"{PROFILE}.start", start, CLOCK_START)


@pytest.mark.parametrize("path", [
    pytest.param(f"{PROFILE}.time_of_day", id="time_of_day"),
    pytest.param(f"{PROFILE}.by_weekday.mon", id="by_weekday"),
])
def test_profile_must_not_have_more_bins_than_the_day_from_its_start(path):
    cfg = config(*SINGLE)  # 60-min bins from 08:00: 16 bins to midnight
    bins = [1.0] * 17
    if path.endswith(".mon"):
        cfg["network"]["arrival_profile"]["by_weekday"] = {"mon": bins}
    else:
        with_value(cfg, path, bins)
    assert_refused(cfg, path, bins, "at most 16 bins of 60 min from 08:00")


@pytest.mark.parametrize("part,value", [
    ("time_of_day", [0.0] * 9),
    ("time_of_day", []),
    ("weekdays", {d: 0 for d in WEEKDAYS}),
    ("by_weekday", {d: [0.0] for d in ["mon", "tue", "wed", "thu", "fri"]}),
], ids=["time_of_day zero", "time_of_day empty", "weekdays zero", "by_weekday zero"])
def test_profile_must_have_some_positive_rate_in_the_week(part, value):
    cfg = with_value(config(*SINGLE), f"{PROFILE}.{part}", value)
    assert_refused(cfg, PROFILE, cfg["network"]["arrival_profile"],
                   "a profile with some positive rate in the week")


# --- the M/M/c network --------------------------------------------------------------------

@pytest.mark.parametrize("overrides,path,value,expected", [
    case(MMC, "network.servers", 0, "an integer >= 1"),
    case(MMC, "network.servers", -1, "an integer >= 1"),
    case(MMC, "network.servers", 2.5, "an integer >= 1"),
    case(MMC, "network.arrivals_per_hour", 0, "a number > 0"),
    case(MMC, "network.arrivals_per_hour", -30, "a number > 0"),
    case(MMC, "network.service_mean_min", 0, "a number > 0"),
    case(MMC, "network.service_mean_min", -1, "a number > 0"),
    case(MMC, "network.service_cv", -0.5, "a number >= 0"),
    case(MMC, "network.patience_mean_min", 0, "a number > 0"),
    case(MMC, "network.patience_mean_min", -10, "a number > 0"),
    case(MMC, "run.warmup_weeks", 8, "fewer weeks than run.weeks (8)", id="mmc run.warmup_weeks=8"),
    case(MMC, "design.other_needs", "later", "one of ['same_visit', 'next_visit']",
         id="mmc design.other_needs='later'"),
])
def test_mmc_parameters_must_be_in_range(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


@pytest.mark.parametrize("arrivals", [300, 301, 1000])
def test_mmc_without_reneging_must_be_stable(arrivals):
    """5 servers × 60 / 1 min = 300 an hour: at or above it the queue grows without end."""
    assert_refused(with_value(config(*MMC), "network.arrivals_per_hour", arrivals), "network.arrivals_per_hour",
                   arrivals, "less than servers × 60 / service_mean_min = 300 when nobody reneges")
    # ... unless clients give up waiting: then any load has a steady state
    patient = with_value(config(*MMC), "network.arrivals_per_hour", arrivals)
    patient["network"]["patience_mean_min"] = 10
    build_spec(patient)


# --- the regional network's blocks: zones, channels, centres, appointments, mobile routes ---
#
# ``design=siloed``: desks are not cross-trained, so a desk group's skills are its own.

REG = ("network=regional", "design=siloed")
ROUTE = "network.mobile_routes[0]"
CHANNEL = "a known channel, one of ['walk_in', 'appointment', 'phone', 'video', 'online']"


def regional(**paths: Any) -> dict:
    """The regional network (siloed) with the value at each dotted path replaced."""
    cfg = config(*REG)
    for path, value in paths.items():
        with_value(cfg, path, value)
    return cfg


def test_the_regional_network_uses_every_block_and_builds_in_every_design():
    """The starting point of the checks below: a valid network with every block."""
    net = config(*REG)["network"]
    for block in ("zones", "mobile_routes", "contact_centre", "video_centre", "expert_centre", "appointments"):
        assert net.get(block), block
    for design in ("siloed", "co_located", "one_stop"):
        spec = build_spec(config("network=regional", f"design={design}"))
        assert spec.contact_centre is not None and spec.video_centre is not None and spec.expert is not None


@pytest.mark.parametrize("overrides,path,value,expected", [
    case(REG, "network.segments.families.digital_skill", 1.5, "a probability in [0, 1]"),
    case(REG, "network.segments.pensioners.digital_skill", -0.1, "a probability in [0, 1]"),
    case(REG, "network.segments.disabled.digital_skill", "low", "a probability in [0, 1]"),
    case(REG, "network.services.disability_benefit.escalation_prob", 1.2, "a probability in [0, 1]"),
    case(REG, "network.services.disability_benefit.escalation_prob", -0.3, "a probability in [0, 1]"),
    case(REG, "network.services.disability_benefit.follow_up_prob", 1.5, "a probability in [0, 1]"),
    case(REG, "network.services.disability_benefit.follow_up_prob", -0.1, "a probability in [0, 1]"),
    case(REG, "network.services.utility_compensation.proactive_share", 1.1, "a probability in [0, 1]"),
    case(REG, "network.services.utility_compensation.proactive_share", -0.2, "a probability in [0, 1]"),
    case(REG, "network.appointments.no_show_prob", 1.0, "a probability in [0, 1)"),
    case(REG, "network.appointments.no_show_prob", -0.05, "a probability in [0, 1)"),
    case(REG, "network.contact_centre.retry_prob", 1.5, "a probability in [0, 1]"),
    case(REG, "network.contact_centre.retry_prob", -1, "a probability in [0, 1]"),
])
def test_new_probabilities_must_lie_between_0_and_1(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


@pytest.mark.parametrize("overrides,path,value,expected", [
    case(REG, "network.services.status_certificate.phone", "maybe", "one of ['none', 'advise', 'settle']"),
    case(REG, "network.services.pension_consultation.phone", True, "one of ['none', 'advise', 'settle']"),
    case(REG, "network.offices[0].desk_groups[0].serves", "walkin", "one of ['all', 'walk_in', 'appointment']"),
    case(REG, "network.appointments.when_full", "queue", "one of ['walk_in', 'wait']"),
    case(REG, "network.services.pension_consultation.video", "yes", "true or false"),
    case(REG, "network.services.child_allowance.online", "true", "true or false"),
    case(REG, "network.zones.Town.rural", "no", "true or false"),
    case(REG, "network.appointments.priority", "yes", "true or false"),
])
def test_new_named_options_and_switches_must_be_one_of_their_set(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


@pytest.mark.parametrize("overrides,path,value,expected", [
    case(REG, "network.offices[0].appointments.slot_min", 0, "an integer >= 1"),
    case(REG, "network.offices[1].appointments.slot_min", 7.5, "an integer >= 1"),
    case(REG, "network.offices[0].appointments.slot_min", 1500, "an integer from 1 to 1440"),
    case(REG, "network.offices[0].appointments.per_slot", 0, "an integer >= 1"),
    case(REG, "network.video_centre.slots.slot_min", 0, "an integer >= 1"),
    case(REG, "network.video_centre.slots.per_slot", 0, "an integer >= 1"),
    case(REG, "network.appointments.booking_horizon_days", 0, "an integer >= 1"),
    case(REG, "network.offices[0].video_stations", -1, "an integer >= 0"),
    case(REG, f"{ROUTE}.desk_groups[0].count", -1, "an integer >= 0"),
    case(REG, "network.contact_centre.desk_groups[0].staff.day", -2, "an integer >= 0"),
])
def test_new_counts_must_be_whole_numbers_at_or_above_their_minimum(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


@pytest.mark.parametrize("overrides,path,value,expected", [
    case(REG, "network.contact_centre.service_level_target_sec", 0, "a number > 0"),
    case(REG, "network.contact_centre.retry_after_min", -5, "a number >= 0"),
    case(REG, "network.video_centre.connect_min", -1, "a number >= 0"),
    case(REG, "network.choice.scale_min", 0, "a number > 0"),
    case(REG, "network.choice.scale_min", -20, "a number > 0"),
    case(REG, "network.choice.day_value_min", -1, "a number >= 0"),
    case(REG, "network.zones.City.population", -1, "a number >= 0"),
    case(REG, "network.zones.Town.population", "many", "a finite number >= 0"),
    case(REG, "network.zones.Suburbs.travel_min.City centre", -5, "a number >= 0"),
    case(REG, "network.zones.Villages north.travel_min.Town centre", float("inf"), "a finite number >= 0"),
    case(REG, "network.bundles_per_1000_per_week", -1, "a number >= 0"),
    case(REG, "network.staff_cost_per_hour", -35, "a number >= 0"),
    case(REG, f"{ROUTE}.travel_between_stops_min", -1, "a number > 0"),
    case(REG, f"{ROUTE}.travel_between_stops_min", 0, "a number > 0"),
    case(REG, f"{ROUTE}.local_travel_min", -10, "a number >= 0"),
    case(REG, f"{ROUTE}.cost_per_day", -150, "a number >= 0"),
    case(REG, "network.segments.families.channels.phone", -0.1, "a number >= 0"),
])
def test_new_minutes_rates_and_weights_must_be_in_range(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


# --- segments' channels ---

@pytest.mark.parametrize("channel", ["fax", "mobile", "Phone"])
def test_a_segment_channel_must_be_a_known_channel(channel):
    cfg = regional(**{f"network.segments.pensioners.channels.{channel}": 0.1})
    assert_refused(cfg, f"network.segments.pensioners.channels.{channel}", channel, CHANNEL)


def test_a_segment_channel_weights_must_not_all_be_zero():
    zeros = {c: 0 for c in ["walk_in", "appointment", "phone", "video", "online"]}
    refuse_value(REG, "network.segments.families.channels", zeros, "weights with a positive sum")


@pytest.mark.parametrize("block,channel,expected", [
    ("contact_centre", "phone", "0 (the network has no contact_centre)"),
    ("video_centre", "video", "0 (the network has no video_centre)"),
])
def test_a_segment_must_not_use_a_channel_the_network_lacks(block, channel, expected):
    cfg = regional(**{f"network.{block}": None})
    families = cfg["network"]["segments"]["families"]["channels"]
    assert families[channel] > 0
    assert_refused(cfg, f"network.segments.families.channels.{channel}", families[channel], expected)


def test_a_segment_must_not_book_appointments_when_no_office_has_a_calendar():
    cfg = config(*REG)
    for office in cfg["network"]["offices"]:
        office["appointments"] = None
    weight = cfg["network"]["segments"]["families"]["channels"]["appointment"]
    assert_refused(cfg, "network.segments.families.channels.appointment", weight,
                   "0 (no office has an appointments calendar)")


def test_the_channel_error_repeats_the_weight_given_not_the_normalised_one():
    cfg = regional(**{"network.contact_centre": None})
    for seg in cfg["network"]["segments"].values():
        seg["channels"] = {c: 10 * w for c, w in seg["channels"].items()}
    weight = cfg["network"]["segments"]["families"]["channels"]["phone"]
    assert_refused(cfg, "network.segments.families.channels.phone", weight, "the network has no contact_centre")


def test_a_channel_the_network_lacks_is_fine_with_weight_0():
    """The companion of the checks above: what they must not refuse."""
    cfg = regional(**{"network.contact_centre": None, "network.video_centre": None})
    for seg in cfg["network"]["segments"].values():
        seg["channels"]["phone"] = seg["channels"]["video"] = 0
    build_spec(cfg)


# --- services: phone, video, escalation ---

@pytest.mark.parametrize("skills,service,mode,skill", [
    (["family", "housing"], "pension_consultation", "settle", "pensions"),
    (["pensions", "housing"], "status_certificate", "advise", "family"),
], ids=["settle", "advise"])
def test_a_phone_service_needs_a_contact_centre_agent_with_its_skill(skills, service, mode, skill):
    cfg = regional(**{"network.contact_centre.desk_groups[0].skills": skills})
    assert cfg["network"]["services"][service]["phone"] == mode
    assert_refused(cfg, f"network.services.{service}.phone", mode,
                   f"'none', or a staffed contact-centre agent with skill '{skill}'")


def test_a_phone_service_needs_an_agent_on_duty_not_just_on_paper():
    cfg = regional(**{"network.contact_centre.desk_groups[0].staff": {"day": 0}})
    assert_refused(cfg, "network.services.status_certificate.phone", "advise",
                   "'none', or a staffed contact-centre agent with skill 'family'")


@pytest.mark.parametrize("group", [{"skills": ["family"]}, {"staff": {"full": 0}}], ids=["skill", "staff 0"])
def test_a_video_service_needs_a_video_advisor_with_its_skill(group):
    cfg = config(*REG)
    cfg["network"]["video_centre"]["desk_groups"][0].update(group)
    assert_refused(cfg, "network.services.pension_consultation.video", True,
                   "false, or a staffed video-centre advisor with skill 'pensions'")


def test_escalation_needs_an_expert_centre():
    cfg = regional(**{"network.expert_centre": None})
    given = cfg["network"]["services"]["disability_benefit"]["escalation_prob"]
    assert_refused(cfg, "network.services.disability_benefit.escalation_prob", given,
                   "0 (the network has no expert_centre)")


def test_escalation_needs_an_expert_time():
    cfg = regional(**{"network.services.disability_benefit.expert_time": None})
    assert_refused(cfg, "network.services.disability_benefit.expert_time", None,
                   "a distribution of the expert centre's working minutes, since escalation_prob = 0.3 > 0")


@pytest.mark.parametrize("group", [{"skills": ["family"]}, {"staff": {"full": 0}}], ids=["skill", "staff 0"])
def test_escalation_needs_an_expert_with_the_skill(group):
    cfg = config(*REG)
    cfg["network"]["expert_centre"]["desk_groups"][0].update(group)
    given = cfg["network"]["services"]["disability_benefit"]["escalation_prob"]
    assert_refused(cfg, "network.services.disability_benefit.escalation_prob", given,
                   "0, or a staffed expert with skill 'pensions'")


def test_no_escalation_needs_no_expert_centre():
    """The companion of the checks above: escalation_prob 0 builds without expert centre or time."""
    cfg = regional(**{"network.expert_centre": None,
                      "network.services.disability_benefit.escalation_prob": 0,
                      "network.services.disability_benefit.expert_time": None})
    assert build_spec(cfg).expert is None


# --- centres: contact, video, expert ---

@pytest.mark.parametrize("centre", ["contact_centre", "video_centre", "expert_centre"])
def test_a_centre_desk_skill_must_be_one_some_service_needs(centre):
    refuse_value(REG, f"network.{centre}.desk_groups[0].skills[0]", "taxes",
                 "a skill some service needs, one of ['family', 'housing', 'pensions']")


def test_contact_centre_staff_must_name_its_own_shifts():
    cfg = regional(**{"network.contact_centre.desk_groups[0].staff": {"day": 3, "night": 1}})
    assert_refused(cfg, "network.contact_centre.desk_groups[0].staff.night", "night",
                   "a shift of network.contact_centre.shifts, one of ['day']")


@pytest.mark.parametrize("centre", ["video_centre", "expert_centre"])
def test_a_centre_without_own_shifts_uses_the_schedule_shifts(centre):
    cfg = regional(**{f"network.{centre}.desk_groups[0].staff": {"day": 1}})
    assert_refused(cfg, f"network.{centre}.desk_groups[0].staff.day", "day",
                   "a shift of schedule 'five_day', one of ['full', 'peak']")


def test_expert_centre_staff_must_name_its_own_shifts_when_it_has_them():
    cfg = regional(**{"network.expert_centre.shifts": {"office": {"start": "09:00", "end": "17:00",
                                                                  "days": ["mon", "tue", "wed", "thu", "fri"]}}})
    assert_refused(cfg, "network.expert_centre.desk_groups[0].staff.full", "full",
                   "a shift of network.expert_centre.shifts, one of ['office']")


@pytest.mark.parametrize("overrides,path,value,expected", [
    case(REG, "network.contact_centre.shifts.day.end", "07:00", "a time after the start (08:00)"),
    case(REG, "network.contact_centre.shifts.day.days[0]", "monday", WEEKDAY),
    case(REG, "network.contact_centre.opening_hours.mon", "18:00-08:00", "a closing time after the opening time"),
    case(REG, "network.contact_centre.desk_groups", [], "at least one desk group"),
    case(REG, "network.video_centre.desk_groups[0].skills", [], "at least one skill"),
])
def test_centre_shifts_hours_and_desks_are_checked_like_an_office(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


@pytest.mark.parametrize("path", ["network.contact_centre.patience", "network.appointments.lateness",
                                  "network.services.disability_benefit.expert_time"])
def test_new_distributions_are_checked_like_service_times(path):
    cfg = with_value(config(*REG), path, {"dist": "exponential", "mean": 0})
    assert_refused(cfg, f"{path}.mean", 0, "a number > 0")


@pytest.mark.parametrize("centre", ["contact_centre", "video_centre", "expert_centre"])
@pytest.mark.parametrize("serves", ["walk_in", "appointment"])
def test_centre_desks_serve_every_client(centre, serves):
    refuse_value(REG, f"network.{centre}.desk_groups[0].serves", serves, "'all' (a centre's desks serve every client")


# --- offices: agencies, appointments, demand ---

def test_an_office_agency_must_be_one_some_service_has():
    cfg = regional(**{"network.offices[0].agencies": ["social_protection", "tax_office"]})
    assert_refused(cfg, "network.offices[0].agencies[1]", "tax_office",
                   "an agency of some service, one of ['social_protection', 'pension_fund']")


@pytest.mark.parametrize("value", [[], "pension_fund"], ids=["empty", "string"])
def test_office_agencies_must_be_a_non_empty_list_or_null(value):
    refuse_value(REG, "network.offices[0].agencies", value,
                 "a non-empty list of agencies out of ['social_protection', 'pension_fund'], or null for all")


def test_zones_reaching_only_an_office_without_the_agency_are_refused():
    cfg = regional(**{"network.offices[0].agencies": ["social_protection"]})
    city = cfg["network"]["zones"]["City"]["travel_min"]
    assert list(city) == ["City centre"]
    assert_refused(cfg, "network.zones.City.travel_min", city,
                   "a service point with agency 'pension_fund' and a staffed desk with skill 'pensions'")


def test_an_office_without_zones_must_host_the_agency_of_its_services():
    cfg = config(*SILOED)
    cfg["network"]["services"]["pension_consultation"]["agency"] = "pension_fund"
    cfg["network"]["offices"][0]["agencies"] = ["agency"]
    assert_refused(cfg, "network.offices[0].agencies", ["agency"],
                   "agency 'pension_fund' (service 'pension_consultation')")


@pytest.mark.parametrize("value", [100, 0.5])
def test_offices_have_no_demand_of_their_own_when_the_network_has_zones(value):
    refuse_value(REG, "network.offices[1].bundles_per_week", value, "0 (demand comes from network.zones)")


def test_an_appointment_only_desk_group_needs_an_office_that_takes_appointments():
    cfg = regional(**{"network.offices[2].appointments": None, "network.offices[2].video_stations": 0,
                      "network.offices[2].desk_groups[0].serves": "appointment"})
    assert_refused(cfg, "network.offices[2].desk_groups[0].serves", "appointment",
                   "'all' or 'walk_in' (the office takes no appointments")


@pytest.mark.parametrize("value", [{"slot_min": 20, "per_slot": 0}, 20], ids=["per_slot 0", "not a mapping"])
def test_an_office_appointment_calendar_is_checked(value):
    cfg = regional(**{"network.offices[0].appointments": value})
    if isinstance(value, dict):
        assert_refused(cfg, "network.offices[0].appointments.per_slot", 0, "an integer >= 1")
    else:
        assert_refused(cfg, "network.offices[0].appointments", 20, "a slot calendar {slot_min, per_slot} or null")


# --- zones: travel and reachability ---

def test_travel_must_name_a_service_point():
    cfg = regional(**{"network.zones.Town.travel_min.Moon base": 10})
    assert_refused(cfg, "network.zones.Town.travel_min.Moon base", "Moon base",
                   "a service point (office or mobile route), one of "
                   "['City centre', 'Town centre', 'Rural centre', 'North bus']")


def test_travel_to_a_mobile_route_needs_a_stop_in_the_zone():
    cfg = regional(**{"network.zones.City.travel_min.North bus": 5})
    assert_refused(cfg, "network.zones.City.travel_min.North bus", "North bus",
                   "a service point that serves zone 'City' (mobile route 'North bus' stops only in")


def test_a_zone_segment_mix_must_name_known_segments():
    cfg = regional(**{"network.zones.Town.segment_mix": {"families": 0.5, "students": 0.5}})
    assert_refused(cfg, "network.zones.Town.segment_mix.students", "students",
                   "a known segment, one of ['families', 'pensioners', 'disabled', 'job_seekers']")


@pytest.mark.parametrize("group", [
    {"staff": {"full": 0}}, {"skills": ["housing"]}, {"serves": "appointment"},
], ids=["no staff", "no skill", "appointments only"])
def test_a_zone_must_reach_a_staffed_walk_in_desk_for_every_need_its_clients_have(group):
    cfg = config(*REG)
    cfg["network"]["offices"][0]["desk_groups"][1].update(group)  # City centre's pension desks
    city = cfg["network"]["zones"]["City"]["travel_min"]
    assert_refused(cfg, "network.zones.City.travel_min", city,
                   "a service point with agency 'pension_fund' and a staffed desk with skill 'pensions' "
                   "taking walk-in clients, for service 'pension_consultation'")


@pytest.mark.parametrize("travel", [{}, None], ids=["empty", "null"])
def test_a_zone_with_people_must_reach_some_service_point(travel):
    cfg = regional(**{"network.zones.City.travel_min": travel})
    assert_refused(cfg, "network.zones.City.travel_min", {}, "a service point with agency")


def test_a_zone_reaching_only_a_mobile_office_is_named_with_the_route():
    cfg = regional(**{"network.zones.Forest settlements.travel_min": {},
                      f"{ROUTE}.desk_groups[0].skills": ["family", "housing"]})
    assert_refused(cfg, "network.zones.Forest settlements.travel_min", {"North bus": 10.0},
                   "a staffed desk with skill 'pensions'")


def test_what_a_zone_need_not_reach():
    """The companions of the reachability checks: what they must not refuse."""
    # A zone without people needs no service point.
    empty = regional(**{"network.zones.City.population": 0, "network.zones.City.travel_min": {}})
    build_spec(empty)
    # A zone whose clients are all families never has a pension question.
    families = regional(**{"network.zones.City.segment_mix": {"families": 1.0},
                           "network.offices[0].desk_groups[1].staff": {"full": 0}})
    build_spec(families)
    # A service always delivered proactively needs no desk.
    proactive = regional(**{"network.services.disability_benefit.proactive_share": 1.0,
                            "network.services.pension_consultation.proactive_share": 1.0,
                            "network.offices[0].desk_groups[1].staff": {"full": 0}})
    build_spec(proactive)
    # Cross-trained desks (one_stop) take every skill of their office.
    one_stop = with_value(config("network=regional", "design=one_stop"),
                          "network.offices[0].desk_groups[1].staff", {"full": 0})
    build_spec(one_stop)


# --- mobile routes ---

def test_a_stop_must_be_in_a_zone_of_the_network():
    cfg = config(*REG)
    zones = list(cfg["network"]["zones"])
    with_value(cfg, f"{ROUTE}.stops[0].zone", "Atlantis")
    assert_refused(cfg, f"{ROUTE}.stops[0].zone", "Atlantis", f"a zone of network.zones, one of {zones}")


@pytest.mark.parametrize("day", ["tuesday", "Tue", "", None])
def test_a_stop_weekday_must_be_mon_to_sun(day):
    refuse_value(REG, f"{ROUTE}.stops[1].weekday", day, WEEKDAY)


@pytest.mark.parametrize("hours,expected", [
    ("22:00-25:00", "opening hours 'HH:MM-HH:MM' (" + CLOCK + ")"),
    ("10:00-24:30", "opening hours 'HH:MM-HH:MM' (" + CLOCK + ")"),
    ("10am-2pm", "opening hours 'HH:MM-HH:MM'"),
    ("10:00", "opening hours 'HH:MM-HH:MM'"),
    ("14:00-10:00", "a closing time after the opening time"),
    ("10:00-10:00", "a closing time after the opening time"),
], ids=["past midnight", "24:30", "am-pm", "no end", "closing before opening", "empty"])
def test_stop_hours_must_be_an_interval_within_a_day(hours, expected):
    refuse_value(REG, f"{ROUTE}.stops[0].hours", hours, expected)


@pytest.mark.parametrize("hours,after", [
    ("12:00-15:00", "15:00"), ("09:00-11:00", "15:00"), ("14:00-16:00", "15:00"), ("14:59-16:00", "15:00"),
], ids=["overlapping", "inside", "back to back", "one minute short"])
def test_two_stops_on_a_day_must_leave_time_to_travel_between_them(hours, after):
    """stops[0] is Tuesday 10:00-14:00 and the route needs 60 min between stops."""
    cfg = config(*REG)
    route = cfg["network"]["mobile_routes"][0]
    route["stops"][0].update(weekday="tue", hours="10:00-14:00")
    route["travel_between_stops_min"] = 60
    route["stops"][1].update(weekday="tue", hours=hours)
    if hours.startswith("09"):  # the stop given second starts first: the other one is named
        assert_refused(cfg, f"{ROUTE}.stops[0].hours", "10:00-14:00",
                       "a start at or after 12:00 (stops[1] that day ends at 11:00, "
                       "then travel_between_stops_min = 60)")
    else:
        assert_refused(cfg, f"{ROUTE}.stops[1].hours", hours,
                       f"a start at or after {after} (stops[0] that day ends at 14:00, "
                       "then travel_between_stops_min = 60)")


def test_a_stop_too_late_for_the_same_day_asks_for_another_weekday():
    cfg = config(*REG)
    route = cfg["network"]["mobile_routes"][0]
    route["stops"][0].update(weekday="tue", hours="10:00-23:30")
    route["stops"][1].update(weekday="tue", hours="23:45-24:00")
    assert_refused(cfg, f"{ROUTE}.stops[1].hours", "23:45-24:00", "another weekday (stops[0] that day ends at 23:30")


def test_two_stops_on_a_day_with_enough_time_between_them_build():
    """The companion of the check above."""
    cfg = config(*REG)
    route = cfg["network"]["mobile_routes"][0]
    route["stops"][0].update(weekday="tue", hours="09:00-11:00")
    route["stops"][1].update(weekday="tue", hours="12:00-15:00")
    route["travel_between_stops_min"] = 60
    build_spec(cfg)


@pytest.mark.parametrize("value,expected", [
    ([], "at least one stop"),
    (None, "at least one stop"),
])
def test_a_mobile_route_must_have_stops(value, expected):
    refuse_value(REG, f"{ROUTE}.stops", value, expected)


def test_a_stop_must_be_a_mapping():
    refuse_value(REG, f"{ROUTE}.stops[0]", "Villages north", "a stop {zone, weekday, hours}")


def test_a_mobile_route_needs_zones_to_stop_in():
    cfg = config(*SILOED)
    cfg["network"]["mobile_routes"] = [{"name": "Bus",
                                        "desk_groups": [{"name": "desk", "skills": ["family"], "count": 1}],
                                        "stops": [{"zone": "Anywhere", "weekday": "tue", "hours": "10:00-14:00"}]}]
    assert_refused(cfg, "network.zones", cfg["network"].get("zones"),
                   "zones for the stops of mobile route 'Bus' (network.mobile_routes[0])")


@pytest.mark.parametrize("overrides,path,value,expected", [
    case(REG, f"{ROUTE}.desk_groups[0].skills[2]", "passports", "a skill some service needs"),
    case(REG, f"{ROUTE}.desk_groups", [], "at least one desk group"),
    case(REG, f"{ROUTE}.name", "City centre", "a unique, non-empty service point name"),
])
def test_mobile_route_desks_and_name_are_checked(overrides, path, value, expected):
    refuse_value(overrides, path, value, expected)


# --- the whole block given as something else than a mapping ---

@pytest.mark.parametrize("path,value,expected", [
    ("network.zones", ["City", "Town"],
     "a mapping name -> a zone {population, segment_mix, rural, travel_min, xy_km, arrival_profile}, or null"),
    ("network.zones.City", 110000, "a zone {population, segment_mix, rural, travel_min, xy_km, arrival_profile}"),
    ("network.zones.City.travel_min", "City centre", "a mapping service point -> one-way minutes"),
    ("network.contact_centre", "yes", "a contact centre {desk_groups, opening_hours, shifts, patience, retry_prob, "
                                      "retry_after_min, service_level_target_sec, shrinkage} or null"),
    ("network.video_centre", True, "a video centre {desk_groups, opening_hours, shifts, slots, connect_min, shrinkage} "
                                     "or null"),
    ("network.expert_centre", 2, "a centre {desk_groups, opening_hours, shifts} or null"),
    ("network.appointments", "walk_in", "an appointment policy {booking_horizon_days, no_show_prob, lateness, "
                                        "priority, when_full, preferred, preferred_profile}"),
    ("network.appointments", None, "an appointment policy {booking_horizon_days"),
    ("network.choice", 20, "a choice rule {scale_min, day_value_min}"),
    (ROUTE, "North bus", "a mobile route {name, desk_groups, stops, travel_between_stops_min, local_travel_min, "
                         "cost_per_day, shrinkage}"),
    ("network.contact_centre.desk_groups[0]", "agents", "a desk group {name, skills, staff, serves}"),
    ("network.offices", {"name": "City centre"}, "a list of an office {name, bundles_per_week, desk_groups, "
                                                 "opening_hours, agencies, appointments, video_stations, "
                                                 "shrinkage, xy_km}"),
    ("network.segments.families.channels", ["walk_in", "phone"], "a mapping channel -> weight"),
], ids=lambda x: x if isinstance(x, str) and x.startswith("network") else None)
def test_a_block_that_is_not_a_mapping_is_refused_in_one_line(path, value, expected):
    refuse_value(REG, path, value, expected)


# --- nothing in a config is imported or instantiated ---------------------------------

@pytest.mark.parametrize("path,key", [
    ("network", "_target_"),
    ("network.segments.families", "_target_"),
    ("network.offices[0]", "_call_"),
    ("schedule", "_partial_"),
    ("design", "_args_"),
])
def test_instantiation_keys_are_refused_wherever_they_appear(path, key):
    """A config cannot name a Python object to build: `_target_` and its kin are refused."""
    cfg = config("network=regional")
    node = cfg
    for part in path.replace("[0]", ".0").split("."):
        node = node[int(part)] if part.isdigit() else node[part]
    node[key] = "os.system"
    err = assert_refused(cfg, f"{path}.{key}", "os.system", "no object instantiation keys")
    assert "os.system" in str(err)


def test_online_uptake_sets_every_segments_online_share_and_keeps_the_other_channels_proportions():
    spec = build_spec(config("network=regional", "+network.online_uptake=0.4"))
    online = list(("walk_in", "appointment", "phone", "video", "online")).index("online")
    base = build_spec(config("network=regional"))
    for seg, ref in zip(spec.segments, base.segments):
        assert seg.channels[online] == pytest.approx(0.4)
        others = [w for i, w in enumerate(seg.channels) if i != online]
        ref_others = [w for i, w in enumerate(ref.channels) if i != online]
        assert np.allclose(np.array(others) / sum(others), np.array(ref_others) / sum(ref_others))


def test_online_uptake_is_a_probability():
    cfg = config("network=regional")
    cfg["network"]["online_uptake"] = 1.5
    assert_refused(cfg, "network.online_uptake", 1.5, "a probability in [0, 1]")
