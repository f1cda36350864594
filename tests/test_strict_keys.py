"""Strict keys everywhere, and one home for defaults.

A key the schema (simoffice/config/schema.py, network_schema.py) does not know is refused before
anything runs, in one line naming its full path and the known key nearest in
spelling — whatever form the config comes in: plain dicts or a DictConfig built
by hand (Python), an override with or without ``+``, a user's network YAML with
or without its ``defaults: [schema_network, _self_]`` line (command line and
``compose``). From Python it is a :class:`~simoffice.ConfigError`; the command
line prints ``simoffice: config error: …`` and exits with status 2.

A key not given takes the schema's default, the only place a default is written.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from omegaconf import OmegaConf

import simoffice
from simoffice.config import network_schema, schema
from simoffice.config.build import build_spec
from simoffice.config.compose import CONFIG_DIR
from simoffice.model import spec as model_spec

SCRIPT = Path(sys.executable).parent / "simoffice"
SMALL = ("network=single_office", "run.weeks=2", "run.replications=1", "run.jobs=1", "run.progress=false")


@functools.lru_cache(maxsize=None)
def _composed(*overrides: str) -> dict:
    return OmegaConf.to_container(simoffice.compose(*overrides), resolve=True)


def plain(*overrides: str) -> dict:
    """A shipped config as plain (mutable) dicts."""
    return copy.deepcopy(_composed(*overrides))


def refused(cfg, message: str) -> None:
    """simoffice.simulate(cfg) raises a ConfigError whose one line is ``message``."""
    with pytest.raises(simoffice.ConfigError) as info:
        simoffice.simulate(cfg, progress=False)
    assert str(info.value) == message


def user_network(folder: Path, name: str, *, schema_line: bool, **extra) -> Path:
    """A user's network YAML: the single office, with or without the schema's defaults line."""
    net = yaml.safe_load((CONFIG_DIR / "network" / "single_office.yaml").read_text())
    del net["defaults"]
    net.update(name=name, **extra)
    text = yaml.safe_dump(net, sort_keys=False)
    if schema_line:
        text = "defaults: [schema_network, _self_]\n" + text
    (folder / "network").mkdir(parents=True, exist_ok=True)
    (folder / "network" / f"{name}.yaml").write_text(text)
    return folder


# --- Python: plain dicts and DictConfigs built by hand ---------------------------------

def test_a_misspelt_run_key_in_a_plain_dict_is_refused():
    cfg = plain(*SMALL)
    cfg["run"]["sede"] = 7
    refused(cfg, "run.sede: unknown key (did you mean seed?)")


def test_a_misspelt_segment_key_in_a_plain_dict_is_refused():
    cfg = plain(*SMALL)
    cfg["network"]["segments"]["families"]["retrun_prob"] = 0.5
    refused(cfg, "network.segments.families.retrun_prob: unknown key (did you mean return_prob?)")


def test_a_segment_key_given_at_the_network_level_points_to_where_it_belongs():
    cfg = plain(*SMALL)
    cfg["network"]["retrun_prob"] = 0.5
    refused(cfg, "network.retrun_prob: unknown key (did you mean segments.<segment>.return_prob?)")


def test_a_misspelt_key_inside_a_list_is_named_with_its_index():
    cfg = plain(*SMALL)
    cfg["network"]["offices"][0]["desk_groups"][1]["sevres"] = "walk_in"
    refused(cfg, "network.offices[0].desk_groups[1].sevres: unknown key (did you mean serves?)")


def test_a_misspelt_top_level_group_is_refused():
    cfg = plain(*SMALL)
    cfg["rnu"] = {"weeks": 2}
    refused(cfg, "rnu: unknown key (did you mean run?)")


def test_a_key_far_from_every_known_one_is_refused_with_the_keys_there():
    cfg = plain("network=mmc", *SMALL[1:])
    cfg["network"]["colour"] = "blue"
    refused(cfg, "network.colour: unknown key (the keys here are kind, name, servers, arrivals_per_hour, "
                 "service_mean_min, service_cv, patience_mean_min)")


def test_a_dictconfig_built_by_hand_is_refused_like_a_plain_dict():
    cfg = OmegaConf.create(plain(*SMALL))
    cfg.network.max_vists = 5
    refused(cfg, "network.max_vists: unknown key (did you mean max_visits?)")


def test_the_unknown_key_error_is_a_config_error_naming_key_and_closest():
    cfg = plain(*SMALL)
    cfg["run"]["wekks"] = 3
    with pytest.raises(simoffice.ConfigError) as info:
        build_spec(cfg)
    assert (info.value.key, info.value.got, info.value.closest) == ("run.wekks", "wekks", "weeks")


def test_a_block_given_as_a_scalar_is_refused_with_its_keys():
    cfg = plain(*SMALL)
    cfg["network"]["offices"][0]["desk_groups"][0] = "family desks"
    refused(cfg, "network.offices[0].desk_groups[0]: expected a desk group {name, skills, staff, serves} "
                 "(got 'family desks')")


# --- Python: compose ------------------------------------------------------------------------

@pytest.mark.parametrize("override", ["run.wekks=3", "+run.wekks=3"], ids=["set", "added with +"])
def test_compose_refuses_a_misspelt_override(override):
    with pytest.raises(simoffice.ConfigError, match=r"^run\.wekks: unknown key \(did you mean weeks\?\)$"):
        simoffice.compose(override)


@pytest.mark.parametrize("schema_line", [False, True], ids=["without defaults line", "with defaults line"])
def test_compose_refuses_a_misspelt_key_in_a_users_network_yaml(tmp_path, schema_line):
    folder = user_network(tmp_path / "mine", "my_office", schema_line=schema_line, max_vists=5)
    with pytest.raises(simoffice.ConfigError,
                       match=r"^network\.max_vists: unknown key \(did you mean max_visits\?\)$"):
        simoffice.compose("network=my_office", config_dir=folder)


def test_a_users_network_yaml_without_defaults_line_takes_the_schemas_defaults(tmp_path):
    folder = user_network(tmp_path / "mine", "my_office", schema_line=False)
    spec = build_spec(simoffice.compose("network=my_office", config_dir=folder))
    assert spec.appointments.no_show_prob == network_schema.AppointmentPolicyConfig.no_show_prob
    assert spec.staff_cost_per_hour == network_schema.CatalogueConfig.staff_cost_per_hour


# --- one home for defaults ----------------------------------------------------------------------

def test_keys_not_given_take_the_schemas_defaults():
    """A plain-dict network that leaves out the optional blocks builds with the schema's values."""
    cfg = plain(*SMALL)
    for key in ("appointments", "choice", "staff_cost_per_hour", "max_visits", "return_after_days"):
        del cfg["network"][key]
    for seg in cfg["network"]["segments"].values():
        del seg["digital_skill"], seg["priority"]
    spec = build_spec(cfg)
    policy = network_schema.AppointmentPolicyConfig()
    assert (spec.appointments.horizon_days, spec.appointments.no_show_prob, spec.appointments.priority,
            spec.appointments.when_full) == (policy.booking_horizon_days, policy.no_show_prob, policy.priority,
                                             policy.when_full)
    assert spec.staff_cost_per_hour == network_schema.CatalogueConfig.staff_cost_per_hour == 35.0
    assert (spec.choice_scale_min, spec.choice_day_value_min) == (network_schema.ChoiceConfig.scale_min,
                                                                  network_schema.ChoiceConfig.day_value_min)
    assert (spec.max_visits, spec.return_after_days) == (network_schema.CatalogueConfig.max_visits,
                                                         network_schema.CatalogueConfig.return_after_days)
    assert all(s.digital_skill == network_schema.SegmentConfig.digital_skill for s in spec.segments)
    assert all(s.priority == network_schema.SegmentConfig.priority for s in spec.segments)


def test_the_default_scenario_takes_its_run_settings_from_the_schema():
    assert _composed()["run"] == dataclasses.asdict(schema.RunConfig())


def test_no_spec_field_has_a_default_of_its_own():
    """Every field of the frozen spec is given by build_spec, from the config or the schema."""
    for cls in (model_spec.ModelSpec, model_spec.Segment, model_spec.Service, model_spec.DeskGroup,
                model_spec.Office, model_spec.Appointments, model_spec.Run):
        with_default = [f.name for f in dataclasses.fields(cls)
                        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING]
        assert with_default == [], cls.__name__


# --- the command line ---------------------------------------------------------------------------

def simoffice_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([str(SCRIPT), *args, "run.weeks=2", "run.replications=1", f"hydra.run.dir={cwd / 'run'}"],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def assert_refused_in_one_line(result: subprocess.CompletedProcess, cwd: Path, line: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"simoffice: config error: {line}"], result.stderr
    assert not (cwd / "run").exists()


@pytest.mark.parametrize("override,line", [
    ("run.wekks=3", "run.wekks: unknown key (did you mean weeks?)"),
    ("+run.wekks=3", "run.wekks: unknown key (did you mean weeks?)"),
    ("network.max_vists=5", "network.max_vists: unknown key (did you mean max_visits?)"),
    ("+network.segments.families.retrun_prob=0.5",
     "network.segments.families.retrun_prob: unknown key (did you mean return_prob?)"),
])
def test_the_command_line_refuses_a_misspelt_key_in_one_line(tmp_path, override, line):
    assert_refused_in_one_line(simoffice_cli(tmp_path, override), tmp_path, line)


@pytest.mark.parametrize("schema_line", [False, True], ids=["without defaults line", "with defaults line"])
def test_the_command_line_refuses_a_misspelt_key_in_a_users_network_yaml(tmp_path, schema_line):
    folder = user_network(tmp_path / "mine", "my_office", schema_line=schema_line, max_vists=5)
    result = simoffice_cli(tmp_path, "--config-dir", str(folder), "network=my_office")
    assert_refused_in_one_line(result, tmp_path, "network.max_vists: unknown key (did you mean max_visits?)")


@pytest.mark.parametrize("override, key", [
    ("network.offices.2.appointments.slot_min=30", "network.offices.2.appointments.slot_min"),
    ("network.offices.2.appointments={slot_min: 30, per_slot: 1}", "network.offices.2.appointments"),
    ("network.offices.0.opening_hours.fri=null", "network.offices.0.opening_hours.fri"),
])
def test_filling_in_a_value_the_config_leaves_null_is_one_line(override, key):
    """OmegaConf fails on the null value without naming the key (an assertion, or an
    AttributeError on None): the error names the override and says what to do instead."""
    with pytest.raises(simoffice.ConfigError) as err:
        simoffice.compose(override)
    assert err.value.key == key
    assert "write it in a config file" in err.value.expected
