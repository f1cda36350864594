"""``simoffice --help``: one page, written from the config folders, so it cannot drift.

The page lists every shipped network, schedule, design and experiment (the YAML
files of ``simoffice/configs/``), never the typed schemas (``schema_*``); says how
to sweep (``-m``), the most used ``run.*`` keys with their schema defaults, where
``simoffice-calibrate`` and the full config (``--cfg job``) are; and fits a screen.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from simoffice.cli import usage
from simoffice.config.compose import CONFIG_DIR
from simoffice.config.schema import RunConfig

SCRIPT = Path(sys.executable).parent / "simoffice"


def simoffice(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    result = simoffice("--help", cwd=tmp_path_factory.mktemp("help"))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def shipped(group: str) -> list[str]:
    return sorted(p.stem for p in (CONFIG_DIR / group).glob("*.yaml"))


def test_help_fits_a_screen(page):
    """About 40 lines, none wider than a wide terminal."""
    lines = page.splitlines()
    assert 25 <= len(lines) <= 50, len(lines)
    assert max(map(len, lines)) <= 100, max(lines, key=len)


@pytest.mark.parametrize("group", ["network", "schedule", "design"])
def test_help_lists_every_option_of_a_group_on_its_line(page, group):
    """The group's line holds exactly its YAML files, the default starred."""
    line = next(line for line in page.splitlines() if line.split()[:1] == [group])
    options = line.split()[1:]
    assert sorted(o.rstrip("*") for o in options) == shipped(group)
    assert [o.rstrip("*") for o in options if o.endswith("*")] == [usage.defaults()[group]]


def test_help_gives_every_experiment_a_line_of_its_own(page):
    """Each experiment's line is its ``# help:`` comment."""
    experiments = shipped("experiment")
    assert len(experiments) >= 5
    for name in experiments:
        line = next((line for line in page.splitlines() if line.split()[:1] == [name]), None)
        assert line is not None, name
        own = usage.one_liner(CONFIG_DIR / "experiment" / f"{name}.yaml")
        assert own and not own.startswith("@") and line.endswith(own), (name, line)


def test_every_shipped_experiment_has_a_help_comment():
    for name in shipped("experiment"):
        text = (CONFIG_DIR / "experiment" / f"{name}.yaml").read_text(encoding="utf-8")
        assert any(line.startswith("# help: ") for line in text.splitlines()), name


def test_help_lists_no_typed_schema(page):
    assert "schema" not in page


def test_help_names_the_sweep_the_run_keys_the_calibrator_and_the_full_config(page):
    for words in ("simoffice -m ", "run.replications=", "run.warmup_weeks=", "auto", "run.precision=",
                  "run.quiet=", "run.seed=", "simoffice-calibrate --help", "--cfg job", "--hydra-help",
                  "README.md"):
        assert words in page, words


def test_the_run_keys_shown_are_the_schemas_with_its_defaults(page):
    """A key renamed or a default changed in RunConfig shows here without editing the page."""
    schema = {f.name: f.default for f in fields(RunConfig)}
    assert set(usage.RUN_KEYS) <= set(schema)
    for key in usage.RUN_KEYS:
        assert f"run.{key}={usage.shown(schema[key])} " in page, key


def test_a_network_of_the_users_folder_is_listed_with_the_shipped_ones(tmp_path):
    (tmp_path / "network").mkdir()
    (tmp_path / "network" / "my_town.yaml").write_text("defaults:\n  - regional\n", encoding="utf-8")
    page = usage.text([f"hydra.searchpath=[file://{tmp_path}]", "--help"])
    line = next(line for line in page.splitlines() if line.split()[:1] == ["network"])
    assert "my_town" in line.split() and "regional*" in line.split()


def test_cfg_job_still_prints_the_full_composed_config(tmp_path):
    result = simoffice("--cfg", "job", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "network:" in lines and "run:" in lines and len(lines) > 100


def test_hydra_help_is_still_hydras(tmp_path):
    result = simoffice("--hydra-help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Hydra" in result.stdout and "--cfg" in result.stdout
