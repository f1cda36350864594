"""Specifications of a sweep that goes wrong: a job refused by the config checks is recorded
and skipped while the other jobs run (with either launcher), the summary lists the failed jobs
and why, swept values of mixed types are written as text, the exit status says whether any
job has results or the summary could not be written, and worker processes (a sweep's jobs,
a run's replications) end when the command is killed outright."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf

import simoffice.reports  # noqa: F401  (registers the sweep page)
from simoffice.run import workers
from simoffice.studies import sweep
from simoffice.studies.sweep import FAILED, JobFailed, SweepSummary, collect, collect_sweep, run_job, write_summary

SCRIPT = Path(sys.executable).parent / "simoffice"
SMALL = ("network=mmc", "network.arrivals_per_hour=50", "network.service_mean_min=2", "run.weeks=2",
         "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=2")
# Long enough (minutes) that no job finishes before the command is killed.
LONG = ("network=mmc", "network.arrivals_per_hour=50", "network.service_mean_min=2", "run.weeks=200",
        "run.warmup_weeks=1", "run.drain_weeks=0", "run.replications=4")
SERVERS_REFUSED = "config error: network.servers: expected an integer >= 1 (got -1)"


def simoffice(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=900)


# ---------------------------------------------------------------- a failed job is skipped

@pytest.mark.parametrize("launcher", ["joblib_progress", "basic"])
def test_a_job_refused_by_the_config_checks_is_skipped_and_the_others_run(tmp_path, launcher):
    out = tmp_path / "sweep"
    proc = simoffice("-m", f"hydra/launcher={launcher}", *SMALL, "network.servers=3,-1",
                     f"hydra.sweep.dir={out}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (out / "0" / "summary.json").exists()
    assert not (out / "1" / "summary.json").exists()
    assert json.loads((out / "1" / FAILED).read_text()) == {"error": SERVERS_REFUSED}
    # The terminal: the job's own line, then the sweep's list of failures.
    assert f"simoffice: job 1 failed and was skipped: {SERVERS_REFUSED}" in proc.stderr
    assert "1 of 2 jobs failed and were skipped" in proc.stderr
    assert f"  job 1 (network.servers=-1): {SERVERS_REFUSED}" in proc.stderr
    assert "Traceback" not in proc.stderr
    table = pd.read_parquet(out / "summary.parquet")
    failed = table[table["error"].notna()]
    assert failed[["job", "network.servers", "error"]].values.tolist() == [[1, -1, SERVERS_REFUSED]]
    assert failed["office"].isna().all() and failed["measure"].isna().all() and (failed["n"] == 0).all()
    assert set(table.loc[table["error"].isna(), "job"]) == {0}
    page = (out / "sweep.html").read_text()
    assert "Failed jobs" in page and "network.servers: expected an integer &gt;= 1 (got -1)" in page


def test_a_sweep_whose_jobs_all_fail_exits_2_and_still_writes_its_summary(tmp_path):
    """Mixed-type swept values (a name swept as alpha,1) are written as the overrides' text, and the sweep says so."""
    out = tmp_path / "sweep"
    proc = simoffice("-m", "hydra/launcher=basic", *SMALL, "network.servers=-1", "network.name=alpha,1",
                     f"hydra.sweep.dir={out}")
    assert proc.returncode == 2, proc.stderr[-3000:]
    assert proc.stderr.splitlines()[-1] == (f"simoffice: sweep: no job of 2 has results (2 failed); "
                                            f"see {out / 'sweep.html'}")
    assert "the values of network.name mix types; written as text" in proc.stderr
    table = pd.read_parquet(out / "summary.parquet")
    assert sorted(zip(table["job"], table["network.name"], table["error"])) == \
        [(0, "alpha", SERVERS_REFUSED), (1, "1", SERVERS_REFUSED)]


def test_values_hydra_refuses_refuse_the_whole_sweep_in_one_line(tmp_path):
    """A value of the wrong type is found while composing, before any job runs."""
    out = tmp_path / "sweep"
    proc = simoffice("-m", "hydra/launcher=basic", *SMALL, "network.servers=3,abc", f"hydra.sweep.dir={out}")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "simoffice: config error: network.servers: expected an integer (got 'abc')"
    assert not out.exists() or not any(p.is_dir() for p in out.iterdir())


# ---------------------------------------------------------------- the summary, from job directories

def fake_job(sweep_dir: Path, job: int, overrides: list[str], wait: float | None = None,
             error: str | None = None) -> None:
    """A job directory as a sweep leaves it: its overrides, and its summary.json or failed.json."""
    (sweep_dir / str(job) / ".hydra").mkdir(parents=True)
    (sweep_dir / str(job) / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
    if wait is not None:
        interval = {"mean": wait, "ci_low": wait - 1, "ci_high": wait + 1, "n": 3}
        (sweep_dir / str(job) / "summary.json").write_text(json.dumps({"measures": {"wait_mean_min": interval}}))
    if error is not None:
        (sweep_dir / str(job) / FAILED).write_text(json.dumps({"error": error}))


@pytest.mark.parametrize("values, typed", [
    (["alpha", "1"], False),         # text and an integer
    (["1", "2.5"], True),            # numbers: one column of floats
    (["true", "1"], False),          # true or false, and an integer
    (["[0,1]", "[0,'a']"], False),   # lists of different element types
    (["[0,1]", "[0,1,2]"], True),    # lists of integers
])
def test_swept_values_one_parquet_column_cannot_hold_are_written_as_text(tmp_path, values, typed):
    for job, v in enumerate(values):
        fake_job(tmp_path, job, [f"network.x={v}"], wait=1.0 + job)
    result = collect_sweep(tmp_path)
    assert (result.as_text == []) is typed
    write_summary(tmp_path)
    column = pd.read_parquet(tmp_path / "summary.parquet")["network.x"]
    if not typed:
        assert list(column) == values


def test_a_swept_value_is_typed_as_hydra_reads_it(tmp_path):
    """1e1 is the number 10 on Hydra's command line (not the text YAML would make of it)."""
    for job, v in enumerate(("5", "1e1")):
        fake_job(tmp_path, job, [f"network.servers={v}"], wait=1.0)
    assert list(collect(tmp_path)["network.servers"]) == [5, 10]


def test_the_summary_has_a_row_per_failed_job_with_its_reason(tmp_path):
    fake_job(tmp_path, 0, ["network.servers=3"], wait=2.0)
    fake_job(tmp_path, 1, ["network.servers=-1"], error=SERVERS_REFUSED)
    fake_job(tmp_path, 2, ["network.servers=4"])  # interrupted: neither results nor a failure
    result = collect_sweep(tmp_path)
    assert (result.jobs, result.missing, result.failed) == (3, 1, {1: ("network.servers=-1", SERVERS_REFUSED)})
    table = result.table
    assert list(table.columns) == ["job", "overrides", "network.servers", "office", "measure", "mean", "ci_low",
                                   "ci_high", "n", "error"]
    assert table[["job", "office", "measure"]].astype(object).where(table[["job", "office", "measure"]].notna(),
                                                                    None).values.tolist() == \
        [[0, "all", "wait_mean_min"], [1, None, None]]
    assert table["error"].isna().tolist() == [True, False]


def sweep_config(sweep_dir: Path):
    return OmegaConf.create({"hydra": {"sweep": {"dir": str(sweep_dir)}}})


def test_a_summary_that_cannot_be_written_makes_the_sweep_exit_2(tmp_path, monkeypatch):
    """Hydra would turn the callback's exception into a warning and exit 0: the callback records it instead."""
    monkeypatch.setattr(sweep, "OUTCOMES", [])
    fake_job(tmp_path, 0, ["network.servers=3"], wait=2.0)
    (tmp_path / "summary.parquet").mkdir()  # a folder in the way: the file cannot be renamed into place
    (tmp_path / "summary.parquet" / "x").write_text("")
    SweepSummary().on_multirun_end(sweep_config(tmp_path))
    status, line = sweep.exit_status()
    assert status == 2
    assert line.startswith(f"sweep summary: could not write summary.parquet and sweep.html in {tmp_path}: ")
    assert not list(tmp_path.glob(".*.tmp"))  # nothing half-written


def test_a_sweep_with_results_exits_0(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep, "OUTCOMES", [])
    fake_job(tmp_path, 0, ["network.servers=3"], wait=2.0)
    fake_job(tmp_path, 1, ["network.servers=-1"], error=SERVERS_REFUSED)
    SweepSummary().on_multirun_end(sweep_config(tmp_path))
    assert sweep.exit_status() == (0, "")
    assert (tmp_path / "summary.parquet").exists() and (tmp_path / "sweep.html").exists()


# ---------------------------------------------------------------- one job

def test_a_refused_job_writes_failed_json_and_returns_nothing(tmp_path, capsys):
    def refused():
        raise JobFailed(SERVERS_REFUSED)

    assert run_job(refused, tmp_path, 7) is None
    assert json.loads((tmp_path / FAILED).read_text()) == {"error": SERVERS_REFUSED}
    assert capsys.readouterr().err == f"simoffice: job 7 failed and was skipped: {SERVERS_REFUSED}\n"
    assert sweep.IN_JOB == []


def test_a_jobs_unexpected_error_is_one_line_with_the_traceback_kept(tmp_path, capsys):
    def broken():
        raise OSError(28, "No space left on device")

    assert run_job(broken, tmp_path, 0) is None
    record = json.loads((tmp_path / FAILED).read_text())
    assert record["error"] == "OSError: [Errno 28] No space left on device"
    assert "Traceback" in record["traceback"] and "Traceback" not in capsys.readouterr().err


def test_a_job_run_again_loses_its_earlier_failure(tmp_path):
    (tmp_path / FAILED).write_text(json.dumps({"error": "earlier"}))
    assert run_job(lambda: 4.5, tmp_path, 0) == 4.5
    assert not (tmp_path / FAILED).exists()


def test_an_interrupt_or_exit_in_a_job_is_not_a_failure(tmp_path):
    def interrupted():
        raise SystemExit(130)

    with pytest.raises(SystemExit):
        run_job(interrupted, tmp_path, 0)
    assert not (tmp_path / FAILED).exists()


# ---------------------------------------------------------------- workers end with the command

def test_the_origin_is_gone_only_when_its_process_has_ended_on_this_machine():
    me = os.getpid()
    boot = workers._boot_id()
    started = workers._start_time(me)
    assert not workers.origin_gone(f"{boot}:{me}:{started}")
    assert workers.origin_gone(f"{boot}:{me}:{int(started) + 1}")  # a reused process id
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert workers.origin_gone(f"{boot}:{child.pid}:{started}")
    assert not workers.origin_gone(f"another-machine:{child.pid}:{started}")
    assert not workers.origin_gone("")


def processes(group: int) -> dict[int, int]:
    """The live processes of a process group: ``{pid: parent pid}`` (zombies count as ended)."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] not in ("Z", "X"):
            out[int(entry.name)] = int(fields[1])
    return out


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def kill_and_check_the_workers_end(proc: subprocess.Popen, out: Path) -> None:
    """SIGKILL the command; every process it started ends within seconds and no job writes results."""
    try:
        assert set(processes(proc.pid)) - {proc.pid}, "no worker to watch"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        wait_for(lambda: not processes(proc.pid), 20, f"workers outlived their parent: {processes(proc.pid)}")
        time.sleep(1)
        assert not list(out.rglob("summary.json"))
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # nothing of the test left running, whatever happened
        except ProcessLookupError:
            pass


def test_a_sweeps_workers_end_when_the_command_is_killed(tmp_path):
    out = tmp_path / "sweep"
    proc = subprocess.Popen([str(SCRIPT), "-m", *LONG, "network.servers=3,4,5", f"hydra.sweep.dir={out}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        # The loky workers exist and have begun their jobs.
        wait_for(lambda: (out / "0" / ".hydra").is_dir() and (out / "1" / ".hydra").is_dir(), 300,
                 "the sweep's jobs did not begin")
        assert sum(parent == proc.pid for parent in processes(proc.pid).values()) >= 2
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    kill_and_check_the_workers_end(proc, out)


def test_a_runs_replication_workers_end_when_the_command_is_killed(tmp_path):
    out = tmp_path / "run"
    proc = subprocess.Popen([str(SCRIPT), *LONG, "network.servers=3", "run.jobs=2", f"hydra.run.dir={out}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_for(lambda: sum(parent == proc.pid for parent in processes(proc.pid).values()) >= 2, 300,
                 "the replication workers did not start")
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        raise
    kill_and_check_the_workers_end(proc, out)
