"""Every mistake is one line: a config file that is no valid YAML, an interpolation that
does not resolve, a clock time in other digits, comparison arms of the wrong shape, a
file that cannot be written, Ctrl-C while the command starts.

Each is one line on stderr, without a traceback, exit status 2 (130 for Ctrl-C), and
nothing half-written: the run directory holds no result file.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from simoffice.config import config_files
from simoffice.config.compose import compose
from simoffice.errors import ConfigError
from simoffice.model.timetable import parse_clock, parse_opening
from simoffice.studies.compare import arms_given

SCRIPT = Path(sys.executable).parent / "simoffice"
SMALL_RUN = ("network=mmc", "run.weeks=2", "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=2",
             "run.jobs=1", "network.arrivals_per_hour=30", "network.service_mean_min=5", "run.progress=false")
RESULTS = ("summary.json", "report.html", "contacts.parquet", "comparison.html")
NETWORK_HEAD = "defaults:\n  - schema_mmc\n  - _self_\nname: mine\n"


def simoffice_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def assert_one_line(result: subprocess.CompletedProcess, *names: str, status: int = 2) -> str:
    """The single line on stderr (holding each of ``names``), with exit ``status`` and no traceback."""
    assert result.returncode == status, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr and "Error executing job" not in result.stderr
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def assert_nothing_written(run_dir: Path) -> None:
    found = [p.name for p in run_dir.rglob("*") if p.name in RESULTS] if run_dir.is_dir() else []
    assert found == [], found


# --- config files that are not valid YAML -------------------------------------------------------------------

BAD_FILES = {
    "syntax": (NETWORK_HEAD + "servers: [1, 2\n").encode(),
    "tab": (NETWORK_HEAD + "servers: 3\n\tservice_mean_min: 2\n").encode(),
    "duplicate_key": (NETWORK_HEAD + "servers: 3\nservice_mean_min: 2\nservers: 4\n").encode(),
    "cp1251": NETWORK_HEAD.encode() + "service_mean_min: 2  # Приём\n".encode("cp1251"),
    "alias": (NETWORK_HEAD + "x: &a 3\nservers: *a\n").encode(),
}
# (file, line of the mistake, words of its cause)
CAUSES = {"syntax": (6, "expected ',' or ']'"), "tab": (6, "a tab"), "duplicate_key": (7, "'servers' twice"),
          "cp1251": (5, "not UTF-8"), "alias": (5, "&a")}


def billion_laughs() -> bytes:
    """Nine levels of nine aliases each: 9**9 (387 million) strings once expanded, in ~600 bytes."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return (NETWORK_HEAD + "\n".join(lines) + "\n").encode()


@pytest.fixture
def config_dir(tmp_path) -> Path:
    folder = tmp_path / "configs"
    (folder / "network").mkdir(parents=True)
    for name, data in {**BAD_FILES, "bomb": billion_laughs()}.items():
        (folder / "network" / f"{name}.yaml").write_bytes(data)
    return folder


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_config_file_that_is_no_valid_yaml_is_named_by_file_and_line(config_dir, name):
    """compose (the Python API) raises a ConfigError ``<file>:<line>: expected valid YAML (got <cause>)``."""
    line, cause = CAUSES[name]
    with pytest.raises(ConfigError) as err:
        compose(f"network={name}", config_dir=config_dir)
    assert err.value.key == f"{config_dir / 'network' / name}.yaml:{line}"
    assert err.value.expected.startswith("valid YAML")
    assert cause in str(err.value.got)


def test_a_file_of_nested_aliases_is_refused_at_once(config_dir):
    """The billion laughs would take minutes (and gigabytes) to build: refused in well under 2 s."""
    path = config_dir / "network" / "bomb.yaml"
    assert len(path.read_bytes()) < 700
    started = time.perf_counter()
    with pytest.raises(ConfigError, match="without anchors or aliases"):
        config_files.check_file(path)
    assert time.perf_counter() - started < 2.0


def test_the_shipped_configs_are_read_as_they_were(tmp_path):
    """Every shipped config file passes the check (UTF-8, valid, no duplicate key, no alias)."""
    shipped = Path(config_files.__file__).resolve().parent.parent / "configs"
    files = sorted(shipped.rglob("*.yaml"))
    assert len(files) > 10
    for path in files:
        config_files.check_file(path)


def test_hydra_reads_config_files_through_the_check():
    """Pins the private Hydra API the check wraps: the class registered for ``file://`` sources."""
    from hydra._internal.sources_registry import SourcesRegistry

    config_files.install()
    assert getattr(SourcesRegistry.instance().resolve("file").load_config, "_simoffice_files", False)


@pytest.mark.parametrize("name", ["tab", "cp1251", "bomb"])
def test_the_command_says_which_file_and_line_in_one_line(config_dir, tmp_path, name):
    run_dir = tmp_path / "run"
    result = simoffice_cli(tmp_path, "--config-dir", str(config_dir), f"network={name}", *SMALL_RUN[1:],
                           f"hydra.run.dir={run_dir}")
    line = assert_one_line(result, f"{name}.yaml:", "expected valid YAML")
    assert line.startswith("simoffice: config error: ")
    assert not run_dir.exists()


# --- interpolations that do not resolve -----------------------------------------------------------------------

@pytest.mark.parametrize("override,key", [
    ("run.weeks=${oc.env:SIMOFFICE_NOT_SET}", "run.weeks"),
    ("network.name=${oc.env:SIMOFFICE_NOT_SET}", "network.name"),
    ("run.seed=${no_such.key}", "run.seed"),
    ("hydra.run.dir=${oc.env:SIMOFFICE_NOT_SET}", "hydra.run.dir"),
])
def test_an_interpolation_that_does_not_resolve_is_one_line_naming_the_key(tmp_path, override, key):
    run_dir = tmp_path / "run"
    args = [*SMALL_RUN, override] + ([] if override.startswith("hydra.run.dir") else [f"hydra.run.dir={run_dir}"])
    result = simoffice_cli(tmp_path, *args)
    assert_one_line(result, key, override.partition("=")[2])
    assert_nothing_written(run_dir)


# --- clock times ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["²:00", "٠٨:٠٠", "08:٠٠", "８:00", "8:0", "008:00", "08:00:00", " 08:00", "08h00"])
def test_a_clock_time_is_ascii_hh_mm_only(text):
    """Superscripts, Arabic-Indic or full-width digits are no clock time (int() would read some of them)."""
    with pytest.raises(ConfigError) as err:
        parse_clock(text, "schedule.shifts.early.start")
    assert err.value.key == "schedule.shifts.early.start" and err.value.got == text


@pytest.mark.parametrize("text,minutes", [("8:00", 480), ("08:00", 480), ("00:00", 0), ("24:00", 1440)])
def test_an_ascii_clock_time_is_read(text, minutes):
    assert parse_clock(text, "k") == minutes


def test_opening_hours_in_other_digits_are_one_line_naming_the_day(tmp_path):
    run_dir = tmp_path / "run"
    with pytest.raises(ConfigError, match="schedule.opening_hours.mon"):
        parse_opening("٠٨:٠٠-17:00", "schedule.opening_hours.mon")
    result = simoffice_cli(tmp_path, "network=single_office", "run.weeks=2", "run.replications=2",
                           "schedule.opening_hours.mon='²:00-17:00'", f"hydra.run.dir={run_dir}")
    assert_one_line(result, "schedule.opening_hours.mon", "²:00-17:00")
    assert_nothing_written(run_dir)


# --- comparison arms ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("arms,key", [
    (["a", "b"], "compare.arms"),
    ("design=siloed", "compare.arms"),
    ({"a": 3, "b": ["design=one_stop"]}, "compare.arms.a"),
    ({"a": {"x": 1}, "b": ["design=one_stop"]}, "compare.arms.a"),
    ({"a": "design=siloed", "b": ["design=one_stop"]}, "compare.arms.a"),
    ({"a": [3], "b": ["design=one_stop"]}, "compare.arms.a[0]"),
    ({"a": ["siloed"], "b": ["design=one_stop"]}, "compare.arms.a[0]"),
])
def test_comparison_arms_are_a_mapping_of_lists_of_overrides(arms, key):
    with pytest.raises(ConfigError) as err:
        arms_given(arms)
    assert err.value.key == key


def test_comparison_arms_as_given_are_kept_in_order():
    assert arms_given({"b": ["design=one_stop"], "a": ["~design", "run.seed=2"]}) == \
        {"b": ["design=one_stop"], "a": ["~design", "run.seed=2"]}
    assert arms_given(None) == {}


@pytest.mark.parametrize("arms", ["compare.arms=[a,b]", "compare.arms={a:3,b:['design=one_stop']}"])
def test_the_command_refuses_arms_of_the_wrong_shape_in_one_line(tmp_path, arms):
    run_dir = tmp_path / "run"
    result = simoffice_cli(tmp_path, *SMALL_RUN, "task=compare", arms, f"hydra.run.dir={run_dir}")
    assert_one_line(result, "compare.arms")
    assert_nothing_written(run_dir)


# --- files that cannot be written -----------------------------------------------------------------------------

def test_a_run_directory_that_is_a_file_is_one_line(tmp_path):
    in_the_way = tmp_path / "results"
    in_the_way.write_text("not a folder")
    for run_dir in (in_the_way, in_the_way / "run"):
        result = simoffice_cli(tmp_path, *SMALL_RUN, f"hydra.run.dir={run_dir}")
        assert_one_line(result, f"simoffice: cannot write {run_dir}: ")
    assert in_the_way.read_text() == "not a folder"


# The command run in a process whose file system fails as asked (running as root, chmod
# would not stop a write): the first ``after`` result files are written, then ``errno``.
FAILING_DISK = textwrap.dedent("""
    import errno, os, sys
    import simoffice.run.results as results
    code, after = getattr(errno, sys.argv[1]), int(sys.argv[2])
    real, calls = results.atomic_write, []
    def atomic_write(path, write):
        calls.append(path)
        if len(calls) > after:
            raise OSError(code, os.strerror(code), str(path))
        return real(path, write)
    results.atomic_write = atomic_write
    from simoffice.cli.start import main
    sys.argv = ["simoffice", *sys.argv[3:]]
    main()
""")


@pytest.mark.parametrize("code,after", [("ENOSPC", 2), ("EROFS", 0)])
def test_a_full_or_read_only_disk_is_one_line_and_leaves_no_result(tmp_path, code, after):
    run_dir = tmp_path / "run"
    result = subprocess.run([sys.executable, "-c", FAILING_DISK, code, str(after), *SMALL_RUN,
                             f"hydra.run.dir={run_dir}"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    line = assert_one_line(result, "simoffice: cannot write ", os.strerror(getattr(errno, code)))
    assert str(run_dir) in line
    assert_nothing_written(run_dir)
    leftovers = [p.name for p in run_dir.iterdir() if p.suffix in (".parquet", ".json", ".html", ".tmp")] \
        if run_dir.is_dir() else []
    assert leftovers == []


# --- Ctrl-C while the command starts --------------------------------------------------------------------------

def _catches_sigterm(pid: int) -> bool:
    """The process has installed a SIGTERM handler (Python installs none of its own)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = int(next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:")), 16)
    return bool(caught & (1 << (signal.SIGTERM - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc to see the handler installed")
@pytest.mark.parametrize("delay", [0.0, 0.2, 0.5, 1.0])
def test_ctrl_c_while_starting_is_one_line_and_status_130(tmp_path, delay):
    """SIGINT ``delay`` s after the entry point's handler is in place (imports, composing the
    config): one line, exit status 130, or a run that had already finished (status 0)."""
    env = {k: v for k, v in os.environ.items() if k != "HYDRA_FULL_ERROR"}
    proc = subprocess.Popen([str(SCRIPT), *SMALL_RUN, f"hydra.run.dir={tmp_path / 'run'}"], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not _catches_sigterm(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=300)
    assert "Traceback" not in stderr, stderr
    assert proc.returncode in (130, 0), stderr
    if proc.returncode == 130:
        assert len(stderr.splitlines()) == 1 and "interrupted by SIGINT" in stderr, stderr
        assert_nothing_written(tmp_path / "run")
