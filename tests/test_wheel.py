"""A built wheel runs outside the source tree: the configs ship inside the package.
It is built without compiling the engine (``SIMOFFICE_BUILD=interpreted``, as on a
machine with no C compiler), so it also shows that such a package runs, interpreted;
the compiled engine is the test environment's own (tests/test_engine_mode.py).

The wheel is built from this checkout and installed, without its dependencies, into a
fresh virtual environment in a temporary folder; the dependencies come from the test
environment's site-packages through a ``.pth`` line (a plain path line, so the
editable install of the checkout is not activated there). Every command then runs
from that folder, so nothing can find ``configs/`` relative to the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The ``bin`` folder of a fresh virtual environment holding the wheel of this checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so that the build leaves nothing in the checkout.
    source = tmp / "source"
    shutil.copytree(ROOT, source, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", ".venv*", "build", "results", "*.egg-info", "__pycache__",
                                                  "*.so", "*.c", "compiled.json"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp / "dist"), str(source)],
                   check=True, capture_output=True, env={**os.environ, "SIMOFFICE_BUILD": "interpreted"})
    wheel = next((tmp / "dist").glob("simoffice-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / "bin"
    site = subprocess.run([str(bin_dir / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    return bin_dir


def _run(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(bin_dir / "simoffice"), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_package_is_imported_from_the_fresh_environment(installed):
    where = subprocess.run([str(installed / "python"), "-c", "import simoffice; print(simoffice.__file__)"],
                           cwd=installed.parent, check=True, capture_output=True, text=True).stdout
    assert where.startswith(str(installed.parent)) and str(ROOT) not in where
    mode = subprocess.run([str(installed / "python"), "-c", "import simoffice.engine as e; print(e.mode())"],
                          cwd=installed.parent, check=True, capture_output=True, text=True).stdout.strip()
    assert mode == "interpreted"


def test_the_installed_command_runs_a_network(installed, tmp_path):
    done = _run(installed, "network=mmc", "run.weeks=2", "run.replications=2", "run.quiet=true",
                f"hydra.run.dir={tmp_path / 'mmc'}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "mmc" / "summary.json").read_text())
    assert summary["meta"]["network"] == "mmc" and summary["measures"]["wait_mean_min"]["n"] == 2
    assert (tmp_path / "mmc" / "report.html").stat().st_size > 0


def test_the_installed_command_runs_an_experiment(installed, tmp_path):
    done = _run(installed, "experiment=schedule_comparison", "run.weeks=2", "run.replications=2", "run.quiet=true",
                f"hydra.run.dir={tmp_path / 'cmp'}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "cmp" / "comparison.json").read_text())["arms"] == ["mon_thu", "five_day"]


def test_a_users_own_config_folder_is_searched_first(installed, tmp_path):
    mine = tmp_path / "my_configs" / "network"
    mine.mkdir(parents=True)
    (mine / "small.yaml").write_text("defaults:\n  - mmc\n  - _self_\nname: small\nservers: 6\n")
    done = _run(installed, "--config-dir", str(tmp_path / "my_configs"), "network=small", "run.weeks=2",
                "run.replications=2", "run.quiet=true", f"hydra.run.dir={tmp_path / 'small'}", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads((tmp_path / "small" / "summary.json").read_text())["meta"]["network"] == "small"
