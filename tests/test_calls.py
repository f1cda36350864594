"""Call logs as ACDs export them, and the contact centre calibrated from them.

The reading rules (ids unique within a day, zero times, clock glitches, voice
response, phantoms), the retries from customer ids, the agents written as shifts
of the centre's own, and the round trip: the sample call log
(``experiments/sample_call_log.py``) calibrates on its own into a contact-centre
network whose simulation reproduces the log's abandonment and mean wait.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from omegaconf import OmegaConf

from simoffice.calibration.calibrate import calibrate
from simoffice.calibration.call_retries import fit_retries
from simoffice.calibration.call_shifts import shifts_for
from simoffice.calibration.fitting import fit_patience
from simoffice.calibration.logs import LogError, read_log
from simoffice.cli.calibrate import main

from networks import simulate_calibration

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "experiments" / "data" / "sample_call_log.csv"
Z = 4.0  # a z-interval that a correct estimate leaves with probability about 6e-5

HEADER = ["call_id", "ivr_entered_at", "arrived_at", "queue_exit_at", "answered_at", "ended_at", "outcome", "agent",
          "customer_id"]
D1, D2 = "2026-01-19", "2026-01-20"
# Two days whose ids both start at 1: an answered call, an abandoned one (hang-up from queue_exit_at),
# one answered straight from the voice response (no queue: 00:00:00), one ended in the voice response.
CALLS = [
    ["1", f"{D1} 08:00:00", f"{D1} 08:00:30", f"{D1} 08:01:30", f"{D1} 08:01:30", f"{D1} 08:05:30", "served", "ann",
     "c1"],
    ["2", f"{D1} 08:02:00", f"{D1} 08:02:20", f"{D1} 08:04:20", "", "", "abandoned", "", "c2"],
    ["3", f"{D1} 08:03:00", f"{D1} 00:00:00", f"{D1} 00:00:00", f"{D1} 08:03:40", f"{D1} 08:06:40", "served", "bob",
     "c3"],
    ["4", f"{D1} 08:04:00", "", "", "", "", "ivr", "", "c4"],
    ["1", f"{D2} 09:00:00", f"{D2} 09:00:10", f"{D2} 09:00:40", f"{D2} 09:00:40", f"{D2} 09:02:40", "served", "ann",
     "c2"],
    ["2", f"{D2} 09:01:00", f"{D2} 09:01:10", "", "", "", "phantom", "", "0"],
]


def write(tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path = tmp_path / "calls.csv"
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


def with_value(row: int, column: str, value: str) -> list[list[str]]:
    rows = [list(r) for r in CALLS]
    rows[row - 1][HEADER.index(column)] = value
    return rows


def odd_rows(log) -> dict[str, tuple[int, ...]]:
    return {o.what: o.rows for o in log.odd}


# ---------------------------------------------------------------- reading an ACD export


def test_an_acd_export_reads_into_calls(tmp_path):
    """Ids repeat across days, not within one; a queue's end is the answer or the hang-up;
    a zero queue entry is a call answered straight from the voice response (a wait of 0);
    calls that ended in the voice response and phantom records are counted and left out."""
    log = read_log(write(tmp_path, CALLS), kind="calls")
    f = log.frame
    assert list(f["row"]) == [1, 2, 3, 5]
    assert list(f["call_id"]) == ["1", "2", "3", "1"]
    assert list(f["outcome"]) == ["answered", "abandoned", "answered", "answered"]
    assert list(f["wait_min"]) == [1.0, 2.0, 0.0, 0.5]
    assert f.loc[1, "abandoned"] == pd.Timestamp(f"{D1} 08:04:20")
    assert list(f["service_min"].round(6)[[0, 2, 3]]) == [4.0, 3.0, 2.0]
    assert log.has_client_ids and list(f["customer_id"]) == ["c1", "c2", "c3", "c2"]
    odd = odd_rows(log)
    assert odd["calls that ended in the voice response (never queued)"] == (4,)
    assert odd["phantom calls"] == (6,)
    assert odd["times of 00:00:00 before the call began"] == (3,)


def test_a_served_call_with_a_time_of_hanging_up_is_an_odd_row_the_outcome_decides(tmp_path):
    rows = [r + [""] for r in CALLS]
    rows[0][-1] = f"{D1} 08:01:00"
    log = read_log(write(tmp_path, rows, HEADER + ["abandoned_at"]), kind="calls")
    assert odd_rows(log)["served calls with a time of hanging up"] == (1,)
    assert log.frame.loc[0, "outcome"] == "answered"


def test_a_call_id_repeated_on_the_same_day_is_an_odd_row(tmp_path):
    rows = with_value(2, "call_id", "1")
    log = read_log(write(tmp_path, rows), kind="calls")
    assert odd_rows(log)["records repeating a call_id of the same day"] == (2,)
    assert 2 not in set(log.frame["row"]) and 5 in set(log.frame["row"])


def test_clock_glitches_are_counted_not_refused(tmp_path):
    """An answer a second before the queue entry is a wait of 0, left out of the patience fit;
    a service "ending" at 00:00:00 of its day is left out of the talk-time fit."""
    rows = with_value(1, "answered_at", f"{D1} 08:00:29")
    rows[0][HEADER.index("ended_at")] = f"{D1} 00:00:00"
    log = read_log(write(tmp_path, rows), kind="calls")
    odd = odd_rows(log)
    assert odd["calls answered or abandoned up to 60 s before they reached the queue (clock glitch)"] == (1,)
    assert odd["answered calls ending at 00:00:00 before they were answered"] == (1,)
    first = log.frame.iloc[0]
    assert first["wait_min"] == 0 and not first["wait_ok"] and not first["service_ok"]


@pytest.mark.parametrize("row,column,value,expected", [
    (1, "answered_at", f"{D1} 07:59:00", f"a time at or after arrived_at ({D1} 08:00:30)"),
    (1, "outcome", "hung up", "one of served, abandoned, ivr, phantom (or map the log's own with the outcome mapping)"),
    (1, "ended_at", f"{D1} 08:00:00", f"a time at or after answered_at ({D1} 08:01:30)"),
], ids=["answered 90 s before the queue: not a glitch", "unknown outcome", "ended before answered"])
def test_a_bad_call_is_refused_naming_column_and_row(tmp_path, row, column, value, expected):
    with pytest.raises(LogError) as info:
        read_log(write(tmp_path, with_value(row, column, value)), kind="calls")
    assert str(info.value) == f"{column} row {row}: expected {expected} (got {value!r})"


def test_a_call_log_needs_a_way_to_tell_the_hang_up(tmp_path):
    header = [h for h in HEADER if h not in ("outcome", "queue_exit_at")]
    rows = [[v for h, v in zip(HEADER, r) if h in header] for r in CALLS[:1]]
    with pytest.raises(LogError, match="abandoned_at: expected a column 'abandoned_at', or 'outcome' and "
                                       "'queue_exit_at'"):
        read_log(write(tmp_path, rows, header), kind="calls")


# ---------------------------------------------------------------- retries and shifts


def test_retries_are_the_next_call_of_a_caller_who_hung_up():
    """4 of 10 abandoned calls are followed by the same caller within a day (2 to 8 minutes
    later), one only two days later (new demand); a placeholder id with 21 calls a day is no caller."""
    t0 = pd.Timestamp("2026-01-19 09:00")
    rows = []
    for i in range(10):
        start = t0 + pd.Timedelta(minutes=30 * i)
        rows.append((f"k{i}", start, start + pd.Timedelta(minutes=1), "abandoned"))
        if i < 4:
            rows.append((f"k{i}", start + pd.Timedelta(minutes=1 + 2 * (i + 1)), pd.NaT, "answered"))
        if i == 4:
            rows.append((f"k{i}", start + pd.Timedelta(days=2), pd.NaT, "answered"))
    rows += [("0", t0 + pd.Timedelta(minutes=10 * i), t0 + pd.Timedelta(minutes=10 * i + 1), "abandoned")
             for i in range(21)]
    rows += [(f"once{i}", t0 + pd.Timedelta(days=3, minutes=i), pd.NaT, "answered") for i in range(300)]
    f = pd.DataFrame(rows, columns=["customer_id", "arrived", "abandoned", "outcome"])
    r = fit_retries(f)
    assert r.placeholders == ("0",)
    known = 1 - 21 / len(f)  # a retry is seen only if it, too, carries a known id
    assert r.n == 10 and r.prob == pytest.approx(0.4 / known)
    assert r.after_min == pytest.approx(5.0)  # median of 2, 4, 6, 8
    assert list(np.flatnonzero(r.is_retry)) == [1, 3, 5, 7]


def test_agents_from_known_shifts_come_back_as_those_shifts():
    """Agents on duty made of 2 agents 07:00–15:00, 1 on 09:00–17:00 and 2 on 14:00–22:00,
    Monday to Friday, and 2 on Saturday 08:00–14:00, are written as exactly those shifts."""
    bin_min = 15
    minute = np.arange(1440 // bin_min) * bin_min
    on_duty = np.zeros((7, len(minute)))

    def add(days, start, end, n):
        for d in days:
            on_duty[d] += n * ((minute >= start * 60) & (minute < end * 60))

    add(range(5), 7, 15, 2)
    add(range(5), 9, 17, 1)
    add(range(5), 14, 22, 2)
    add([5], 8, 14, 2)
    plan = shifts_for(on_duty, bin_min)
    assert plan.staff == {"0700-1500": 2, "0800-1400": 2, "0900-1700": 1, "1400-2200": 2}
    assert plan.shifts["0800-1400"] == {"start": "08:00", "end": "14:00", "days": ["sat"]}
    assert plan.shifts["0700-1500"]["days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert np.array_equal(plan.scheduled, on_duty)
    with pytest.raises(ValueError, match="agents on duty: expected 7 x 96"):
        shifts_for(on_duty[:, :10], bin_min)


# ---------------------------------------------------------------- a call log alone


@pytest.fixture(scope="module")
def sample_calibration():
    return calibrate(None, name="sample_call_centre", calls=read_log(SAMPLE, kind="calls"))


def test_the_sample_call_log_alone_calibrates_a_contact_centre(sample_calibration):
    """The scenario of experiments/sample_call_log.py comes back: the centre's own hours, its
    talk times and callers' patience within their standard errors, 30 % retries, agents on
    shifts of its own, and the voice response and phantom records counted."""
    cal = sample_calibration
    net = cal.network
    cc = net["contact_centre"]
    assert cc["opening_hours"]["mon"] == "07:00-22:00" and cc["opening_hours"]["sun"] is None
    assert cc["opening_hours"]["sat"].startswith("08:00")
    assert net["segments"]["clients"]["channels"] == {"phone": 1.0}
    for service, mean, cv in (("accounts", 4.0, 1.0), ("cards", 2.5, 0.8)):
        fit = cal.service_fits[service].best
        n = len(cal.service_samples[service])
        assert abs(fit.mean - mean) <= Z * mean * cv / math.sqrt(n)
    calls = cal.calls.log.frame
    waits = calls[calls["wait_ok"]]
    expo = fit_patience(waits["wait_min"], waits["outcome"] == "abandoned")["exponential"]
    events = int((waits["outcome"] == "abandoned").sum())
    assert abs(expo.mean - 3.0) <= Z * 3.0 / math.sqrt(events)
    r = cal.calls.retries
    assert abs(r.prob - 0.3) <= Z * math.sqrt(0.3 * 0.7 / r.n) and r.after_min == pytest.approx(10.0)
    staff = cc["desk_groups"][0]["staff"]
    weekday = sum(n for s, n in staff.items() if "mon" in cc["shifts"][s]["days"])
    assert 4 <= weekday <= 7  # 5 agents a weekday in the truth; edges of activity are seen late
    whats = {o.what for o in cal.calls.log.odd}
    assert {"phantom calls", "calls that ended in the voice response (never queued)",
            "answered calls ending at 00:00:00 before they were answered"} <= whats


def test_the_calibrated_contact_centre_reproduces_the_log(sample_calibration, tmp_path):
    """Simulated, the network gives the log's abandonment share and mean wait within what one
    log's chance variation allows (its spread estimated by the replications')."""
    cal = sample_calibration
    calls = cal.calls.log.frame
    queued = calls[calls["outcome"].isin(["answered", "abandoned"])]
    observed = {"abandoned": float((queued["outcome"] == "abandoned").mean()), "wait": float(queued["wait_min"].mean())}
    res = simulate_calibration(cal, tmp_path, "run.weeks=6", "run.warmup_weeks=1", "run.drain_weeks=1",
                               "run.replications=6")
    c = res.contacts
    c = c[c["in_window"].to_numpy() & (c["channel"].astype(str) == "phone").to_numpy()
          & c["outcome"].astype(str).isin(["served", "reneged"]).to_numpy()]
    served = (c["outcome"].astype(str) == "served").to_numpy()
    c = c.assign(wait=np.where(served, c["start_min"] - c["arrival_min"], c["end_min"] - c["arrival_min"]),
                 abandoned=~served)
    per_rep = c.groupby("replication").agg(abandoned=("abandoned", "mean"), wait=("wait", "mean"))
    k = len(per_rep)
    for measure in ("abandoned", "wait"):
        mean, sd = per_rep[measure].mean(), per_rep[measure].std(ddof=1)
        # A new log and the mean of k replications differ by sd·sqrt(1 + 1/k) by chance; t with k−1 df.
        assert abs(observed[measure] - mean) <= 6.0 * sd * math.sqrt(1 + 1 / k), (measure, observed, mean, sd)
        assert abs(observed[measure] - mean) <= 0.2 * observed[measure], (measure, observed, mean)


def test_the_command_takes_a_call_log_alone(tmp_path, capsys):
    out = tmp_path / "calls_only.yaml"
    main(["--calls", str(SAMPLE), "--out", str(out), "--report", str(tmp_path / "cal.html"),
          "--check-replications", "0"])
    text = out.read_text()
    assert "a contact centre on its own" in text.splitlines()[1]
    net = OmegaConf.to_container(OmegaConf.load(out))
    assert net["contact_centre"]["retry_prob"] > 0 and net["offices"][0]["name"] == "callers"
    with pytest.raises(SystemExit) as info:
        main(["--out", str(tmp_path / "none.yaml")])
    assert info.value.code == 2
    assert capsys.readouterr().err.strip() == ("simoffice-calibrate: LOG: expected a ticket log, or a call log with "
                                               "--calls, or an interval report with --intervals (got none)")


def test_a_ticket_log_and_a_call_log_give_the_callers_their_own_times(tmp_path):
    """The sample ticket log (an office open Mon–Fri) with the sample call log (a centre open
    07:00–22:00 and on Saturdays, its call types dropped): the callers are a zone of their
    own whose arrivals follow the calls, not the office's tickets, so that the simulated
    contact centre has the log's calls by weekday × hour, its waits and its abandonment."""
    from simoffice.calibration.calibrate import load_schedule
    from simoffice.calibration.validation import check_against_log

    calls = pd.read_csv(SAMPLE).drop(columns=["service"])
    calls.to_csv(tmp_path / "calls.csv", index=False)
    cal = calibrate(read_log(ROOT / "experiments" / "data" / "sample_ticket_log.csv"), name="both",
                    calls=read_log(tmp_path / "calls.csv", kind="calls"))
    net = cal.network
    profile = net["zones"]["callers"]["arrival_profile"]
    assert profile["start"] == "07:00" and "sat" in profile.get("by_weekday", profile["weekdays"])
    assert net["arrival_profile"]["weekdays"].get("sat", 0) == 0  # the office's clients: Mon–Fri
    check = check_against_log(cal, load_schedule("five_day"), replications=4)
    centre = check.units[check.units["unit"] == "contact centre"].set_index("measure")
    for measure in ("arrivals", "wait_mean_min", "abandonment_rate"):
        assert centre.loc[measure, "verdict"] == "inside", centre.loc[measure].to_dict()
    hours = check.hours[(check.hours["unit"] == "contact centre") & (check.hours["measure"] == "arrivals")]
    saturday_evening = hours[(hours["weekday"] == 5) | (hours["hour"] >= 18)]
    assert (saturday_evening["verdict"] != "no data").any()
    outside, judged = hours["verdict"].eq("outside").sum(), hours["verdict"].isin(["inside", "outside"]).sum()
    # Each value is outside its 95 % prediction interval with chance 0.05 when the model is right:
    # far fewer than the more than half outside when the callers came at the office's times.
    assert judged >= 50 and outside <= 0.05 * judged + 3 * math.sqrt(0.05 * 0.95 * judged) + 1, (outside, judged)


def test_call_types_that_come_at_different_times_get_profiles_of_their_own(tmp_path):
    """The sample call log with the 'cards' calls of the afternoon left out: the types' calls
    are spread differently over the day, so each type's callers are a zone with its own
    profile, and the model's 'cards' calls all come before noon; the sample itself (both
    types at the same times) keeps one profile."""
    calls = pd.read_csv(SAMPLE)
    arrived = pd.to_datetime(calls["arrived_at"]).dt.hour
    calls[(calls["service"] != "cards") | (arrived < 12)].to_csv(tmp_path / "calls.csv", index=False)
    cal = calibrate(None, name="typed", calls=read_log(tmp_path / "calls.csv", kind="calls"))
    zones = cal.network["zones"]
    assert set(zones) == {"callers about accounts", "callers about cards"}
    cards = zones["callers about cards"]["arrival_profile"]
    noon = (12 * 60 - int(cards["start"][:2]) * 60) // cards["bin_min"]
    assert all(sum(bins[noon:]) == 0 for bins in cards["by_weekday"].values())
    c = simulate_calibration(cal, tmp_path, "run.weeks=1", "run.warmup_weeks=0", "run.drain_weeks=0",
                             "run.replications=1").contacts
    first = c[(c["visit"] == 1).to_numpy() & (c["service"].astype(str) == "cards").to_numpy()]
    assert len(first) > 100 and (first["arrival_min"] % 1440 < 12 * 60).all()
    assert "zones" not in calibrate(None, name="s", calls=read_log(SAMPLE, kind="calls")).network
