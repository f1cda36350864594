"""Specifications of simoffice.calibration.logs and .simulated_logs: reading, checking and writing queue-system logs.

A bad log is refused with one message naming the column and the first offending
row (rows count from 1 after the header); odd rows are counted and reported with
what is done with them, never dropped silently.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from simoffice.calibration.logs import LogError, read_log
from simoffice.calibration.simulated_logs import call_log_from_results, ticket_log_from_results, write_log

from networks import network, simulate

HEADER = ["ticket_id", "office", "service", "channel", "issued_at", "called_at", "service_end", "desk", "outcome",
          "client_id"]
# Four good tickets: served, served, reneged (left at 09:40), a no-show.
GOOD = [
    ["T1", "Centre", "benefit", "walk_in", "2026-01-12 08:05:00", "2026-01-12 08:05:00", "2026-01-12 08:17:30",
     "desk 1", "served", "C1"],
    ["T2", "Centre", "benefit", "walk_in", "2026-01-12 08:10:00", "2026-01-12 08:17:30", "2026-01-12 08:30:00",
     "desk 1", "served", "C2"],
    ["T3", "Centre", "pension", "walk_in", "2026-01-12 09:00:00", "2026-01-12 09:40:00", "", "", "reneged", "C3"],
    ["T4", "Centre", "pension", "appointment", "2026-01-12 10:00:00", "", "", "", "no_show", "C4"],
]
CALL_HEADER = ["call_id", "arrived_at", "answered_at", "abandoned_at", "ended_at", "agent", "service"]
CALLS = [
    ["K1", "2026-01-12 08:00:00", "2026-01-12 08:00:30", "", "2026-01-12 08:04:30", "agent 1", "benefit"],
    ["K2", "2026-01-12 08:01:00", "", "2026-01-12 08:03:00", "", "", "benefit"],
]


def write_csv(path, rows, header=HEADER):
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


def with_value(rows, row, column, value, header=HEADER):
    rows = copy.deepcopy(rows)
    rows[row - 1][header.index(column)] = value
    return rows


def refused(tmp_path, rows, header=HEADER, name="log.csv") -> LogError:
    with pytest.raises(LogError) as info:
        read_log(write_csv(tmp_path / name, rows, header))
    return info.value


# ---------------------------------------------------------------- reading a good log


def test_a_good_ticket_log_gives_waits_and_service_times_in_minutes(tmp_path):
    """Waits are called − issued, service times end − called, in minutes; rows are kept in order."""
    log = read_log(write_csv(tmp_path / "log.csv", GOOD))
    f = log.frame
    assert log.kind == "tickets" and log.has_client_ids and log.odd == []
    assert list(f["ticket_id"]) == ["T1", "T2", "T3", "T4"]
    assert list(f["row"]) == [1, 2, 3, 4]
    assert f["wait_min"].iloc[:3].tolist() == [0.0, 7.5, 40.0]
    assert f["service_min"].iloc[:2].tolist() == [12.5, 12.5]
    assert list(f["outcome"]) == ["served", "served", "reneged", "no_show"]
    assert list(f["service_ok"]) == [True, True, False, False]
    assert list(f["wait_ok"]) == [True, True, True, False]  # a no-show never waited


def test_csv_and_parquet_give_the_same_log(tmp_path):
    """The same tickets read from CSV and from parquet (timestamps as timestamps) are equal."""
    csv = read_log(write_csv(tmp_path / "log.csv", GOOD)).frame
    frame = pd.DataFrame(GOOD, columns=HEADER)
    for col in ("issued_at", "called_at", "service_end"):
        frame[col] = pd.to_datetime(frame[col].replace("", None))
    frame.to_parquet(tmp_path / "log.parquet")
    parquet = read_log(tmp_path / "log.parquet").frame
    cols = ["ticket_id", "office", "service", "outcome", "issued", "called", "ended", "wait_min", "service_min"]
    pd.testing.assert_frame_equal(csv[cols], parquet[cols])


def test_column_names_are_matched_without_case_or_spaces(tmp_path):
    """'Issued At' and 'issued-at' are the column issued_at."""
    header = [h.replace("_", " ").title() for h in HEADER]
    log = read_log(write_csv(tmp_path / "log.csv", GOOD, header))
    assert log.frame["wait_min"].iloc[1] == 7.5


@pytest.mark.parametrize("stamp,timezone,clock", [
    ("2026-01-12T05:15:00Z", "Europe/Moscow", "08:15"),     # converted to the office's zone
    ("2026-01-12 05:15:00+0000", "Europe/Moscow", "08:15"),
    ("2026-01-12T08:15:00+03:00", "Europe/Moscow", "08:15"),
    ("2026-01-12 08:15", "Europe/Moscow", "08:15"),         # no offset: already local
])
def test_timestamps_with_or_without_a_time_zone(tmp_path, stamp, timezone, clock):
    """With a time zone, a timestamp with an offset is converted to it; one without is local already."""
    rows = with_value(GOOD, 1, "issued_at", stamp)
    rows = with_value(rows, 1, "called_at", "")  # keep the row valid whatever the zone
    rows = with_value(rows, 1, "service_end", "")
    rows = with_value(rows, 1, "outcome", "reneged")
    f = read_log(write_csv(tmp_path / "log.csv", rows), timezone=timezone).frame
    assert f["issued"].iloc[0].strftime("%H:%M") == clock


@pytest.mark.parametrize("stamp", ["2026-01-12T05:15:00Z", "2026-01-12 08:15:00+03:00", "2026-01-12T08:15+0300"])
def test_a_timestamp_with_an_offset_needs_a_time_zone(tmp_path, stamp):
    """A UTC export read as local time would open an office at 05:00: a timestamp with an
    offset and no --timezone is refused at its first row, saying to pass --timezone."""
    rows = with_value(GOOD, 2, "called_at", stamp)
    err = refused(tmp_path, rows)
    assert (err.column, err.row) == ("called_at", 2)
    assert "--timezone" in err.expected and err.got == stamp


def test_a_zone_aware_parquet_column_needs_a_time_zone(tmp_path):
    frame = pd.DataFrame(GOOD, columns=HEADER)
    for col in ("issued_at", "called_at", "service_end"):
        frame[col] = pd.to_datetime(frame[col].replace("", None)).dt.tz_localize("UTC")
    frame.to_parquet(tmp_path / "log.parquet")
    with pytest.raises(LogError, match=r"issued_at row 1: expected a local time, or --timezone"):
        read_log(tmp_path / "log.parquet")
    moscow = read_log(tmp_path / "log.parquet", timezone="Europe/Moscow").frame
    assert moscow["issued"].iloc[0] == pd.Timestamp("2026-01-12 11:05")


def test_a_date_alone_is_midnight_not_an_offset(tmp_path):
    """'2026-01-12' ends in '-12' but has no clock time: it is no UTC offset."""
    rows = with_value(GOOD, 4, "issued_at", "2026-01-12")
    assert read_log(write_csv(tmp_path / "log.csv", rows)).frame["issued"].iloc[3] == pd.Timestamp("2026-01-12")


def test_an_unknown_time_zone_is_refused_in_one_line(tmp_path):
    with pytest.raises(ValueError) as info:
        read_log(write_csv(tmp_path / "log.csv", GOOD), timezone="Mars/Olympus")
    assert str(info.value) == ("--timezone: expected an IANA time zone such as Europe/Moscow or UTC "
                               "(got 'Mars/Olympus')")


def test_timestamps_in_a_given_format(tmp_path):
    """--time-format reads day-first stamps such as 12.01.2026 08:05."""
    rows = [[*r] for r in GOOD[:2]]
    for r in rows:
        for i in (4, 5, 6):
            r[i] = pd.Timestamp(r[i]).strftime("%d.%m.%Y %H:%M")
    f = read_log(write_csv(tmp_path / "log.csv", rows), time_format="%d.%m.%Y %H:%M").frame
    assert f["issued"].iloc[0] == pd.Timestamp("2026-01-12 08:05")


# ---------------------------------------------------------------- bad logs


def test_a_missing_column_is_named_with_the_columns_found(tmp_path):
    rows = [r[:5] + r[6:] for r in GOOD]  # no called_at
    err = refused(tmp_path, rows, header=HEADER[:5] + HEADER[6:])
    assert err.column == "called_at" and err.row is None
    assert str(err).startswith("called_at: expected a column 'called_at'")
    assert "(got columns ['ticket_id', 'office', 'service', 'channel', 'issued_at', 'service_end'" in str(err)


@pytest.mark.parametrize("row,column,value,expected", [
    (3, "issued_at", "2026-13-01 08:00", "a timestamp such as 2026-01-12 08:15:00 (other formats: --time-format)"),
    (2, "called_at", "soon", "a timestamp such as 2026-01-12 08:15:00 (other formats: --time-format)"),
    (2, "service_end", "2026-01-12 08:10:00", "a time at or after called_at (2026-01-12 08:17:30)"),
    (2, "called_at", "2026-01-12 08:09:00", "a time at or after issued_at (2026-01-12 08:10:00)"),
    (3, "called_at", "2026-01-12 08:59:00", "a time at or after issued_at (2026-01-12 09:00:00)"),
    (4, "outcome", "cancelled", "one of served, reneged, no_show, sent_away (map other codes with --outcome, "
                                "e.g. --outcome reneged=abandoned)"),
    (2, "service", "", "a service name"),
    (1, "issued_at", "", "a timestamp such as 2026-01-12 08:15:00 (other formats: --time-format)"),
], ids=["unparseable issue", "unparseable call", "service end before call", "called before issued (negative wait)",
        "reneged before issued", "unknown outcome", "no service", "no issue time"])
def test_a_bad_value_names_the_column_and_the_first_offending_row(tmp_path, row, column, value, expected):
    rows = with_value(GOOD, row, column, value)
    rows.append(copy.deepcopy(rows[row - 1]))  # the same fault later: the first row is named
    rows[-1][0] = "T9"
    err = refused(tmp_path, rows)
    assert (err.column, err.row) == (column, row)
    assert str(err) == f"{column} row {row}: expected {expected} (got {value!r})"


def test_a_served_ticket_needs_its_call_and_end(tmp_path):
    err = refused(tmp_path, with_value(GOOD, 2, "service_end", ""))
    assert str(err) == "service_end row 2: expected a timestamp for a served ticket (got '')"


@pytest.mark.parametrize("content,got", [("", "an empty file"), ("\n", "an empty file")])
def test_an_empty_file_is_refused(tmp_path, content, got):
    path = tmp_path / "log.csv"
    path.write_text(content)
    with pytest.raises(LogError) as info:
        read_log(path)
    assert str(info.value) == f"{path}: expected a log with a header row and at least one record (got {got})"


def test_a_header_without_records_is_refused(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(",".join(HEADER) + "\n")
    expected = r"expected a log with a header row and at least one record \(got a header with no records: \['ticket_id'"
    with pytest.raises(LogError, match=expected):
        read_log(path)


@pytest.mark.parametrize("row,column,value,expected", [
    (1, "ended_at", "2026-01-12 08:00:10", "a time at or after answered_at (2026-01-12 08:00:30)"),
    (2, "abandoned_at", "2026-01-12 07:59:00", "a time at or after arrived_at (2026-01-12 08:01:00)"),
    (1, "abandoned_at", "2026-01-12 08:02:00", "an empty value for an answered call (answered_at is set)"),
    (1, "ended_at", "", "a timestamp for an answered call"),
])
def test_a_bad_call_log_names_the_column_and_row(tmp_path, row, column, value, expected):
    err = refused(tmp_path, with_value(CALLS, row, column, value, CALL_HEADER), header=CALL_HEADER)
    assert str(err) == f"{column} row {row}: expected {expected} (got {value!r})"


# ---------------------------------------------------------------- odd rows


def test_odd_rows_are_counted_and_reported_not_dropped(tmp_path):
    """A repeated id, a zero service, a reneged ticket with no time of leaving, a ticket
    called the next day: each is listed with its rows and what is done with it."""
    rows = copy.deepcopy(GOOD)
    rows.append(with_value(GOOD, 1, "desk", "desk 2")[0])  # row 5: T1 again
    zero = ["T6", "Centre", "benefit", "walk_in", "2026-01-12 11:00:00", "2026-01-12 11:05:00",
            "2026-01-12 11:05:00", "desk 1", "served", "C6"]
    unknown = ["T7", "Centre", "benefit", "walk_in", "2026-01-12 11:00:00", "", "", "", "reneged", "C7"]
    next_day = ["T8", "Centre", "benefit", "walk_in", "2026-01-12 16:50:00", "2026-01-13 08:01:00",
                "2026-01-13 08:10:00", "desk 1", "served", "C8"]
    rows += [zero, unknown, next_day]
    log = read_log(write_csv(tmp_path / "log.csv", rows))
    odd = {o.what: o for o in log.odd}
    assert odd["records repeating an earlier ticket_id"].rows == (5,)
    assert odd["served tickets with a zero service time"].rows == (6,)
    assert odd["reneged tickets with no time of leaving (called_at empty)"].rows == (7,)
    assert odd["tickets called on another day than issued"].rows == (8,)
    f = log.frame.set_index("row")
    assert 5 not in f.index  # the repeat is left out, and said so
    assert odd["records repeating an earlier ticket_id"].action.startswith("left out")
    assert not f.loc[6, "service_ok"] and f.loc[6, "wait_ok"]  # kept, but not in the service-time fit
    assert not f.loc[7, "wait_ok"] and not f.loc[8, "wait_ok"]
    assert f.loc[8, "service_ok"]
    assert odd["served tickets with a zero service time"].describe() == (
        "1 served tickets with a zero service time (row 6): left out of the service-time fit")


# ---------------------------------------------------------------- writing simulated logs


@pytest.fixture(scope="module")
def small_run():
    """A week of the 24/7 test office with exponential patience (some tickets renege)."""
    cfg = network(per_week=900, desks=2, weeks=2, warmup_weeks=1, drain_weeks=0, replications=2)
    cfg["network"]["segments"]["everyone"]["patience"] = {"dist": "exponential", "mean": 20.0}
    return simulate(cfg)


def test_an_exported_ticket_log_reads_back_to_the_simulated_waits(small_run, tmp_path):
    """Export, write, read: waits and service times are the simulated ones to the second,
    outcomes and clients the same, one replication's measured window."""
    log_frame = ticket_log_from_results(small_run, replication=1)
    write_log(log_frame, tmp_path / "log.csv")
    log = read_log(tmp_path / "log.csv")
    c = small_run.contacts
    c = c[(c["replication"] == 1) & c["in_window"] & c["outcome"].isin(["served", "reneged"])]
    c = c.sort_values(["arrival_min", "bundle", "visit"], kind="stable")
    f = log.frame
    assert len(f) == len(c)
    # Odd rows only of the kinds a 24/7 office gives (rows kept): a service shorter than
    # the log's second, a ticket waiting past midnight.
    assert all(o.what.startswith(("served tickets with a zero", "tickets called on another day")) for o in log.odd)
    assert (f["outcome"].to_numpy() == c["outcome"].astype(str).to_numpy()).all()
    assert np.allclose(f["wait_min"], c["wait_min"], atol=1 / 60)
    served = (f["outcome"] == "served").to_numpy()
    assert np.allclose(f["service_min"][served], c["service_min"][served], atol=1 / 60)
    assert f["issued"].min() >= pd.Timestamp("2026-01-19")  # after the warm-up week
    assert set(f.loc[served, "desk"]) == {"desks 1", "desks 2"}
    assert f["client_id"].nunique() == c["bundle"].nunique()


def test_a_parquet_export_keeps_timestamps(small_run, tmp_path):
    write_log(ticket_log_from_results(small_run), tmp_path / "log.parquet")
    raw = pd.read_parquet(tmp_path / "log.parquet")
    assert pd.api.types.is_datetime64_any_dtype(raw["issued_at"])
    assert len(read_log(tmp_path / "log.parquet").frame) == len(raw)


def test_an_exported_call_log_reads_back(tmp_path):
    """Calls answered and abandoned at a contact centre become a call log with the same times."""
    from networks import contact_centre

    cfg = network(per_week=300, weeks=2, warmup_weeks=1, drain_weeks=0, replications=1)
    cfg["network"]["contact_centre"] = contact_centre(1, patience_mean=2.0)
    cfg["network"]["services"]["need"]["phone"] = "settle"
    cfg["network"]["segments"]["everyone"]["channels"] = {"walk_in": 0.5, "phone": 0.5}
    res = simulate(cfg)
    write_log(call_log_from_results(res), tmp_path / "calls.csv")
    log = read_log(tmp_path / "calls.csv")
    assert log.kind == "calls" and log.has_services
    c = res.contacts
    c = c[c["in_window"] & (c["channel"] == "phone") & c["outcome"].isin(["served", "reneged"])]
    assert len(log.frame) == len(c)
    assert (log.frame["outcome"] == "abandoned").sum() == (c["outcome"] == "reneged").sum() > 0
    c = c.sort_values(["arrival_min", "bundle", "visit"], kind="stable")
    assert np.allclose(log.frame["wait_min"], c["wait_min"], atol=1 / 60)
