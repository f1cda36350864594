"""A user's own config folder: composed from Python, run and compared from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import simoffice

SIMOFFICE = Path(sys.executable).parent / "simoffice"


@pytest.fixture
def my_configs(tmp_path) -> Path:
    """A folder laid out like configs/, with one network of its own built on a shipped one."""
    (tmp_path / "my_configs" / "network").mkdir(parents=True)
    (tmp_path / "my_configs" / "network" / "small.yaml").write_text(
        "defaults:\n  - mmc\n  - _self_\nname: small\nservers: 4\narrivals_per_hour: 150\n")
    return tmp_path / "my_configs"


def test_compose_searches_the_users_folder_before_the_shipped_configs(my_configs):
    cfg = simoffice.compose("network=small", config_dir=my_configs)
    assert (cfg.network.name, cfg.network.servers, cfg.network.arrivals_per_hour) == ("small", 4, 150)
    assert simoffice.compose("network=mmc", config_dir=my_configs).network.servers == 5  # shipped ones still there


@pytest.mark.parametrize("search", ["--config-dir", "hydra.searchpath"])
def test_a_comparison_recomposes_its_arms_with_the_same_search_path(my_configs, tmp_path, search):
    where = (["--config-dir", str(my_configs)] if search == "--config-dir"
             else [f"hydra.searchpath=[file://{my_configs}]"])
    done = subprocess.run(
        [str(SIMOFFICE), *where, "network=small", "task=compare",
         'compare.arms={four:["network.servers=4"],five:["network.servers=5"]}',
         "run.weeks=2", "run.replications=2", "run.quiet=true", f"hydra.run.dir={tmp_path / 'out'}"],
        cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    meta = json.loads((tmp_path / "out" / "comparison.json").read_text())["meta"]
    assert {arm: m["network"] for arm, m in meta.items()} == {"four": "small", "five": "small"}
