"""No code from a config: nothing a config file, an experiment or an override says is
imported, called or looked up.

- Hydra builds objects from ``_target_`` (callbacks, launcher, sweeper, nested ones
  recursively) and from the logging config (``class``, ``()``, ``ext://``). simoffice
  allows exactly its own callback and the launchers and sweeper it documents, by full
  class name; anything else is refused in one line (exit status 2) before Hydra
  instantiates anything: a ``builtins.open(file, 'w')`` callback leaves the file alone.
- Outside ``hydra.*`` a value is taken literally: an interpolation such as
  ``${oc.env:HOME}`` in a name is refused (an escaped ``\\${…}`` is literal text).
- A network has a name: one without it is refused instead of running as ``???``.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hydra._internal.callbacks import Callbacks
from omegaconf import OmegaConf
from omegaconf.grammar.gen.OmegaConfGrammarParser import OmegaConfGrammarParser
from omegaconf.grammar_parser import parse

import simoffice
from simoffice.config import hydra_guard
from simoffice.config.build import build_spec
from simoffice.config.checks import interpolates
from simoffice.errors import ConfigError

SCRIPT = Path(sys.executable).parent / "simoffice"
SMALL = ("network=mmc", "run.weeks=1", "run.warmup_weeks=0", "run.drain_weeks=0", "run.replications=2",
         "run.jobs=1", "network.arrivals_per_hour=20", "run.progress=false")
HOME = "${oc.env:HOME}"


def cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def assert_one_line(done: subprocess.CompletedProcess, *names: str) -> str:
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("simoffice: config error: "), lines[0]
    for name in names:
        assert name in lines[0], lines[0]
    assert "Traceback" not in done.stderr
    return lines[0]


@pytest.fixture
def victim(tmp_path) -> Path:
    """A file an attack would truncate (open in mode 'w')."""
    path = tmp_path / "victim.txt"
    path.write_text("precious\n")
    return path


def open_callback(victim: Path) -> dict:
    return {"_target_": "builtins.open", "file": str(victim), "mode": "w"}


# --- the attack is real: Hydra instantiates what hydra.callbacks names -------------------

def test_hydra_itself_runs_a_callback_named_in_the_config(victim):
    """The control: without simoffice's check, Hydra's Callbacks(cfg) calls open(victim, 'w')."""
    Callbacks(OmegaConf.create({"hydra": {"callbacks": {"x": open_callback(victim)}}}))
    assert victim.read_text() == ""


# --- refused before Hydra instantiates anything ---------------------------------------

@pytest.mark.parametrize("mode", ["run", "multirun"])
def test_a_callback_on_the_command_line_is_refused_before_it_is_built(tmp_path, victim, mode):
    flags = ["-m"] if mode == "multirun" else []
    done = cli(tmp_path, *flags, *SMALL, "+hydra.callbacks.x._target_=builtins.open",
               f"+hydra.callbacks.x.file={victim}", "+hydra.callbacks.x.mode=w",
               f"hydra.run.dir={tmp_path / 'run'}", f"hydra.sweep.dir={tmp_path / 'sweep'}")
    line = assert_one_line(done, "hydra.callbacks.x._target_", "expected no object to instantiate",
                           "'builtins.open'")
    assert "SweepSummary" in line  # what is allowed there
    assert victim.read_text() == "precious\n"
    assert not (tmp_path / "run").exists() and not (tmp_path / "sweep").exists()


def test_a_callback_in_an_experiment_of_the_users_folder_is_refused_before_it_is_built(tmp_path, victim):
    folder = tmp_path / "mine" / "experiment"
    folder.mkdir(parents=True)
    (folder / "evil.yaml").write_text(
        "# @package _global_\nhydra:\n  callbacks:\n    evil:\n"
        f"      _target_: builtins.open\n      file: {victim}\n      mode: w\n")
    done = cli(tmp_path, "--config-dir", str(tmp_path / "mine"), "experiment=evil", *SMALL,
               f"hydra.run.dir={tmp_path / 'run'}")
    assert_one_line(done, "hydra.callbacks.evil._target_", "'builtins.open'")
    assert victim.read_text() == "precious\n"
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("override,key,got", [
    ("+hydra.callbacks.x._target_=builtins.open", "hydra.callbacks.x._target_", "builtins.open"),
    ("hydra.callbacks.sweep_summary._target_=os.system", "hydra.callbacks.sweep_summary._target_", "os.system"),
    ("+hydra.callbacks.sweep_summary.arg._target_=os.system", "hydra.callbacks.sweep_summary.arg._target_",
     "os.system"),
    ("+hydra.callbacks.sweep_summary._partial_=true", "hydra.callbacks.sweep_summary._partial_", True),
    ("hydra.launcher._target_=builtins.open", "hydra.launcher._target_", "builtins.open"),
    ("+hydra.launcher.pool._target_=os.system", "hydra.launcher.pool._target_", "os.system"),
    ("+hydra.launcher._args_=[rm]", "hydra.launcher._args_", ["rm"]),
    ("hydra.sweeper._target_=os.system", "hydra.sweeper._target_", "os.system"),
    ("+hydra.job.x._call_=true", "hydra.job.x._call_", True),
    ("+hydra.job_logging.handlers.console._target_=os.system", "hydra.job_logging.handlers.console._target_",
     "os.system"),
    ("hydra.job_logging.handlers.file.class=subprocess.Popen", "hydra.job_logging.handlers.file.class",
     "subprocess.Popen"),
    ("hydra.hydra_logging.handlers.console.stream=ext://antigravity.fly",
     "hydra.hydra_logging.handlers.console.stream", "ext://antigravity.fly"),
    ("+run._target_=os.system", "run._target_", "os.system"),
    ("+network._recursive_=false", "network._recursive_", False),
    ("+compare.arms.a._convert_=all", "compare.arms.a._convert_", "all"),
])
def test_an_object_to_instantiate_anywhere_in_the_config_is_refused_in_one_line(override, key, got):
    with pytest.raises(ConfigError) as err:
        simoffice.compose("network=mmc", override)
    assert (err.value.key, err.value.got) == (key, got)
    assert "\n" not in str(err.value)


def test_a_logging_factory_is_refused():
    """logging.config.dictConfig calls what a '()' key names (not expressible as an override)."""
    cfg = {"hydra": {"job_logging": {"version": 1, "formatters": {"x": {"()": "os.system"}}}}}
    with pytest.raises(ConfigError) as err:
        hydra_guard.check(cfg)
    assert err.value.key == "hydra.job_logging.formatters.x.()"


@pytest.mark.parametrize("choice", ["", "hydra/launcher=basic", "hydra/launcher=joblib", "hydra/launcher=submitit_local",
                                    "hydra/launcher=submitit_slurm", "hydra/job_logging=stdout",
                                    "hydra/job_logging=disabled", "hydra/hydra_logging=hydra_debug"])
def test_the_shipped_and_documented_launchers_callback_and_logging_pass(choice):
    from hydra import compose, initialize_config_dir

    from simoffice.config.compose import CONFIG_DIR

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=[o for o in ("network=mmc", choice) if o], return_hydra_config=True)
    assert cfg.hydra.callbacks.sweep_summary._target_ in hydra_guard.CALLBACKS
    assert cfg.hydra.launcher._target_ in hydra_guard.LAUNCHERS
    hydra_guard.check(cfg)  # (what compose already did)


def test_the_ray_launcher_of_the_readme_is_allowed_by_name():
    cfg = {"hydra": {"launcher": {"_target_": "hydra_plugins.hydra_ray_launcher.ray_launcher.RayLauncher",
                                  "ray": {"init": {"address": "auto"}, "remote": {}}}}}
    hydra_guard.check(cfg)
    cfg["hydra"]["launcher"]["_target_"] = "hydra_plugins.hydra_ray_launcher.ray_launcher.Evil"
    with pytest.raises(ConfigError):
        hydra_guard.check(cfg)


# --- values taken literally ---------------------------------------------------------

@pytest.mark.parametrize("override,key", [
    (f"network.name={HOME}", "network.name"),
    (f"network.offices.0.name=x{HOME}", "network.offices[0].name"),
    (f"network.offices.0.desk_groups.0.name={HOME}", "network.offices[0].desk_groups[0].name"),
    ("network.max_visits=${network.return_after_days}", "network.max_visits"),
    ("run.weeks=${oc.env:SIMOFFICE_WEEKS,3}", "run.weeks"),
    (f'compare.arms={{a:["network.name={HOME}"],b:[]}}', "compare.arms.a[0]"),
])
def test_an_interpolation_outside_hydra_is_refused_naming_the_key(override, key):
    with pytest.raises(ConfigError) as err:
        simoffice.compose("network=regional", override)
    assert err.value.key == key
    assert "taken literally, without ${…}" in str(err.value)
    if key.endswith(".name"):
        assert str(err.value).startswith(f"{key}: expected a name taken literally")


def test_a_name_interpolated_on_the_command_line_is_refused_and_nothing_is_written(tmp_path):
    done = cli(tmp_path, *SMALL, f"network.name={HOME}", f"hydra.run.dir={tmp_path / 'run'}")
    assert_one_line(done, "network.name", "expected a name taken literally", f"'{HOME}'")
    assert not (tmp_path / "run").exists()
    assert os.environ["HOME"] not in done.stderr


def test_an_escaped_interpolation_is_a_name_taken_literally():
    cfg = simoffice.compose("network=mmc", f"network.name=\\{HOME}")
    assert cfg.network.name == HOME
    assert build_spec(cfg).name == HOME  # the model (its tables and pages) keeps the text as written


def test_hydras_own_interpolations_keep_working(tmp_path):
    """hydra.run.dir's ${now:…} (the default) and any interpolation under hydra.* are Hydra's to resolve."""
    from hydra import compose, initialize_config_dir

    from simoffice.config.compose import CONFIG_DIR

    with initialize_config_dir(config_dir=str(CONFIG_DIR), version_base="1.3"):
        cfg = compose("config", overrides=["network=mmc", "hydra.run.dir=${oc.env:HOME}/runs/${now:%Y}"],
                      return_hydra_config=True)
    assert cfg.hydra.run.dir == f"{os.environ['HOME']}/runs/{datetime.date.today().year}"
    assert OmegaConf.to_container(cfg.hydra.sweep)["subdir"] == "${hydra.job.num}"


@pytest.mark.parametrize("text", ["plain", HOME, "\\" + HOME, "\\\\" + HOME, "a ${x} b", "a \\${x} b",
                                  "$HOME", "${x}${y}", "x \\${y} ${z}", "\\\\\\${x}", "50 $ {x}", "{x}"])
def test_an_interpolation_is_what_omegaconf_reads_as_one(text):
    """interpolates() agrees with OmegaConf's grammar: ${ after an even number of backslashes."""
    tree = parse(text)

    def has_interpolation(node) -> bool:
        if isinstance(node, OmegaConfGrammarParser.InterpolationContext):
            return True
        return any(has_interpolation(c) for c in (node.getChildren() if hasattr(node, "getChildren") else ()))

    assert interpolates(text) == has_interpolation(tree)


# --- a network has a name ------------------------------------------------------------

def test_a_network_without_a_name_is_refused_instead_of_running_as_question_marks(tmp_path):
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / "nameless.yaml").write_text(
        "defaults: [schema_network, _self_]\noffices:\n  - name: Main\n    desk_groups:\n"
        "      - {name: all, skills: [a], staff: {full: 1}}\n")
    cfg = simoffice.compose("network=nameless", config_dir=tmp_path)
    for given in (cfg, OmegaConf.to_container(cfg)):  # composed, or as plain dicts
        with pytest.raises(ConfigError) as err:
            simoffice.simulate(given, progress=False)
        assert err.value.key == "network.name" and err.value.got is None
        assert str(err.value) == "network.name: expected the network's name (text) (got None)"
