"""Specifications of simoffice.calibration.table: the exports analysts actually have.

Whatever shape an export comes in — semicolons or tabs, a Windows code page or
UTF-16, an Excel workbook, its own column names and outcome codes, a date column
and a time column — read with the right options (most of them detected) it is
the same log as the documented CSV. What does not fit is refused in one line
naming the column and the first bad row.
"""

from __future__ import annotations

import builtins
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf

from simoffice.calibration.logs import LogError, read_log
from simoffice.calibration.table import ColumnMap, column_map, detect_encoding, detect_separator
from simoffice.cli.calibrate import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "experiments" / "data" / "sample_ticket_log.csv"
COLUMNS = ["ticket_id", "office", "service", "channel", "client_id", "issued", "called", "ended", "desk", "outcome",
           "wait_min", "service_min", "service_ok", "wait_ok"]
# A vendor's names for the documented columns, and its outcome codes.
VENDOR = {"ticket_id": "Ticket No", "office": "Branch", "service": "Service type", "channel": "Channel",
          "issued_at": "Created", "called_at": "Called", "service_end": "Finished", "desk": "Window",
          "outcome": "Status", "client_id": "Customer"}
CODES = {"served": "Completed", "reneged": "Abandoned", "no_show": "No show", "sent_away": "Closed"}


@pytest.fixture(scope="module")
def export():
    """The first 300 tickets of the sample log, as text, with an office name in Cyrillic."""
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False).head(300)
    frame["office"] = "Соцзащита Центр"
    return frame


@pytest.fixture(scope="module")
def expected(export, tmp_path_factory):
    path = tmp_path_factory.mktemp("plain") / "log.csv"
    export.to_csv(path, index=False)
    return read_log(path).frame[COLUMNS]


def same(log, expected):
    pd.testing.assert_frame_equal(log.frame[COLUMNS], expected)


# ---------------------------------------------------------------- delimiters and encodings


@pytest.mark.parametrize("sep", [";", "\t", "|"], ids=["semicolon", "tab", "bar"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "utf-16"])
def test_any_common_delimiter_and_encoding_is_detected(tmp_path, export, expected, sep, encoding):
    """A European spreadsheet's semicolons, tabs or bars, in UTF-8 (with or without a BOM),
    Windows-1251 or UTF-16 (Excel's 'Unicode text'): the same log as the plain CSV."""
    path = tmp_path / "log.txt"
    export.to_csv(path, index=False, sep=sep, encoding=encoding)
    same(read_log(path), expected)


def test_a_tab_separated_header_keeps_its_names(tmp_path, export):
    """Tabs are delimiters, not spaces turned into underscores in one long column name."""
    path = tmp_path / "log.tsv"
    export.to_csv(path, index=False, sep="\t")
    assert read_log(path).frame["ticket_id"].iloc[0] == "T000001"


def test_the_detected_encoding_tells_cyrillic_from_western_accents():
    """Not UTF-8: words in Cyrillic (runs of high bytes) are cp1251, accents among Latin letters cp1252."""
    assert detect_encoding("Отделение;Услуга\nЦентр;Пенсия\n".encode("cp1251")) == "cp1251"
    assert detect_encoding("office;service\nCafé Müller;Prüfung\n".encode("cp1252")) == "cp1252"
    assert detect_encoding("office\nЦентр\n".encode("utf-8")) == "utf-8"
    assert detect_encoding("office\n".encode("utf-16")) == "utf-16"


def test_the_detected_delimiter_is_the_one_that_splits_every_line_alike():
    """A decimal comma inside semicolon-separated values does not make it a comma file."""
    text = "a;b;c\n1,5;2;x\n2,5;3;y,z,w\n"
    assert detect_separator(text) == ";"
    assert detect_separator("a,b\n1,2\n") == ","
    assert detect_separator("only\n1\n") == ","


def test_a_forced_delimiter_and_encoding_win(tmp_path, export, expected):
    path = tmp_path / "log.csv"
    export.to_csv(path, index=False, sep="|", encoding="cp1251")
    same(read_log(path, sep="|", encoding="cp1251"), expected)
    with pytest.raises(LogError) as info:
        read_log(path, encoding="utf-8")
    assert str(info.value).startswith(f"{path}: expected text in the encoding utf-8 (or --encoding) (got the byte 0x")
    assert "on line 2" in str(info.value)  # the first Cyrillic office name
    with pytest.raises(ValueError, match=r"^--encoding: expected a text encoding .* \(got 'klingon'\)$"):
        read_log(path, encoding="klingon")
    with pytest.raises(ValueError, match=r"^--sep: expected one character .* \(got ';;'\)$"):
        read_log(path, sep=";;")
    assert read_log(path, sep="bar", encoding="cp1251").frame["office"].iloc[0] == "Соцзащита Центр"


# ---------------------------------------------------------------- Excel


def test_an_excel_workbook_with_date_cells_is_the_same_log(tmp_path, export, expected):
    """Timestamps as Excel date cells, ids as numbers, the first sheet: read like the CSV."""
    pytest.importorskip("openpyxl")
    frame = export.copy()
    for col in ("issued_at", "called_at", "service_end"):
        frame[col] = pd.to_datetime(frame[col].replace("", None))
    path = tmp_path / "log.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, sheet_name="tickets", index=False)
        frame.head(3).to_excel(writer, sheet_name="other", index=False)
    same(read_log(path), expected)


def test_an_excel_date_column_and_time_column_are_joined(tmp_path, export, expected):
    """A date cell and a time cell (Excel's two typed columns) make one timestamp."""
    pytest.importorskip("openpyxl")
    frame = export.copy()
    stamps = {col: pd.to_datetime(frame[col].replace("", None)) for col in ("issued_at", "called_at", "service_end")}
    frame["Date"] = stamps["issued_at"].dt.normalize()
    for col, t in stamps.items():
        frame[col] = [None if pd.isna(v) else v.time() for v in t]
    frame.to_excel(tmp_path / "log.xlsx", index=False, engine="openpyxl")
    cmap = column_map([f"{c}=Date+{c}" for c in stamps])
    same(read_log(tmp_path / "log.xlsx", column_map=cmap), expected)


def test_old_excel_and_a_missing_reader_are_refused_in_one_line(tmp_path, monkeypatch):
    (tmp_path / "log.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(LogError, match=r"expected a CSV, .xlsx or parquet file \(save the sheet as .xlsx or CSV\) "
                                       r"\(got a .xls file\)"):
        read_log(tmp_path / "log.xls")
    (tmp_path / "log.xlsx").write_bytes(b"PK not really")
    real_import = builtins.__import__

    def no_openpyxl(name, *args, **kwargs):
        if name == "openpyxl":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_openpyxl)
    with pytest.raises(LogError, match=r"expected the Excel reader openpyxl \(pip install 'simoffice\[excel\]'\)"):
        read_log(tmp_path / "log.xlsx")


def test_a_broken_workbook_is_refused_in_one_line(tmp_path):
    pytest.importorskip("openpyxl")
    (tmp_path / "log.xlsx").write_bytes(b"PK not really")
    with pytest.raises(LogError) as info:
        read_log(tmp_path / "log.xlsx")
    assert info.value.row is None and "\n" not in str(info.value)
    assert "expected an Excel workbook (.xlsx)" in str(info.value)


# ---------------------------------------------------------------- column and outcome mappings


def vendor_export(export: pd.DataFrame) -> pd.DataFrame:
    frame = export.rename(columns=VENDOR)
    frame["Status"] = frame["Status"].map(CODES)
    return frame


def test_a_vendor_export_reads_through_a_column_and_outcome_mapping(tmp_path, export, expected):
    """'Ticket No', 'Created', 'Called', 'Finished' … and 'Completed' / 'Abandoned' codes: mapped
    on the command line or in a YAML file, the same log."""
    path = tmp_path / "export.csv"
    vendor_export(export).to_csv(path, index=False, sep=";")
    cli = column_map([f"{k}={v}" for k, v in VENDOR.items()], [f"{k}={v}" for k, v in CODES.items()])
    same(read_log(path, column_map=cli), expected)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n" + "".join(f"  {k}: {v}\n" for k, v in VENDOR.items())
                       + "outcomes:\n" + "".join(f"  {k}: [{v}, {v.upper()}]\n" for k, v in CODES.items())
                       + "sep: ';'\n")
    same(read_log(path, column_map=column_map([str(mapping)], kind="tickets")), expected)


def test_outcome_codes_are_matched_without_case_and_unmapped_codes_name_their_row(tmp_path, export):
    frame = vendor_export(export)
    frame.loc[4, "Status"] = "  completed "
    frame.loc[6, "Status"] = "Cancelled"
    frame.to_csv(tmp_path / "export.csv", index=False)
    cmap = column_map([f"{k}={v}" for k, v in VENDOR.items()], [f"{k}={v}" for k, v in CODES.items()])
    with pytest.raises(LogError) as info:
        read_log(tmp_path / "export.csv", column_map=cmap)
    assert (info.value.column, info.value.row, info.value.got) == ("outcome", 7, "Cancelled")
    assert "--outcome" in info.value.expected


def test_a_mapping_that_does_not_fit_is_refused_in_one_line(tmp_path, export):
    vendor_export(export).to_csv(tmp_path / "export.csv", index=False)
    wrong = {**VENDOR, "issued_at": "Created at"}
    with pytest.raises(LogError) as info:
        read_log(tmp_path / "export.csv", column_map=column_map([f"{k}={v}" for k, v in wrong.items()]))
    assert str(info.value).startswith("issued_at: expected the export's column 'Created at' (mapped by --map "
                                      "issued_at=Created at) (got columns ['ticket_no', 'branch'")
    with pytest.raises(LogError, match=r"^--map: expected a column of the log format \(.*\) \(got 'issued'\)$"):
        read_log(tmp_path / "export.csv", column_map=ColumnMap({"issued": "Created"}))
    with pytest.raises(LogError, match=r"^--outcome: expected one of served, reneged, no_show, sent_away "
                                       r"\(got 'abandoned'\)$"):
        cmap = column_map([f"{k}={v}" for k, v in VENDOR.items()], ["abandoned=Abandoned"])
        read_log(tmp_path / "export.csv", column_map=cmap)
    with pytest.raises(ValueError, match=r"^--map: expected COLUMN=EXPORT_COLUMN .* \(got 'ticket_id'\)$"):
        column_map(["ticket_id"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("colums:\n  ticket_id: Ticket No\n")
    with pytest.raises(ValueError, match=r"^--map .*bad.yaml: expected the keys columns, outcomes, empty, time_format, sep, "
                                         r"encoding \(got 'colums'\)$"):
        column_map([str(bad)], kind="tickets")


def test_a_mapping_file_may_hold_a_section_per_kind_of_log(tmp_path):
    """tickets: and calls: sections map the two logs' own columns (both have a 'service')."""
    path = tmp_path / "m.yaml"
    path.write_text("tickets:\n  columns: {service: Service type}\ncalls:\n  columns: {service: Queue}\n"
                    "  outcomes: {abandoned: HANG}\n")
    assert column_map([str(path)], kind="tickets").columns == {"service": "Service type"}
    calls = column_map([str(path)], kind="calls")
    assert calls.columns == {"service": "Queue"} and calls.outcomes == {"abandoned": ("HANG",)}


def test_names_swapped_by_a_mapping_stay_apart(tmp_path, export, expected):
    """An export whose 'office' column holds services and 'service' offices: each target reads
    the export's column as it was, not one already overwritten."""
    frame = export.rename(columns={"office": "service", "service": "office"})
    frame.to_csv(tmp_path / "log.csv", index=False)
    same(read_log(tmp_path / "log.csv", column_map=column_map(["office=service", "service=office"])), expected)


def test_codes_for_an_empty_cell(tmp_path, export, expected):
    """A switch that writes 0:00:00 for a time that never happened and NO_DESK for no desk: with
    those codes as empty, a reneged ticket has no service end and no desk."""
    frame = export.copy()
    unserved = frame["outcome"] != "served"
    frame.loc[unserved, "service_end"] = " 0:00:00"
    frame.loc[unserved, "desk"] = "NO_DESK"
    frame.to_csv(tmp_path / "log.csv", index=False)
    with pytest.raises(LogError, match="service_end row"):
        read_log(tmp_path / "log.csv")
    same(read_log(tmp_path / "log.csv", column_map=column_map(empty=["0:00:00", "NO_DESK"])), expected)
    mapping = tmp_path / "m.yaml"
    mapping.write_text("empty: ['0:00:00', NO_DESK]\n")
    assert column_map([str(mapping)], kind="tickets").empty == ("0:00:00", "NO_DESK")


def test_mapped_text_stays_text(tmp_path, export):
    """A mapping file is plain YAML: an interpolation in it is a column name like any other."""
    path = tmp_path / "m.yaml"
    path.write_text("columns:\n  office: '${oc.env:HOME}'\n")
    frame = export.copy()
    frame["${oc.env:HOME}"] = "Branch ${oc.env:HOME}"
    frame.to_csv(tmp_path / "log.csv", index=False)
    log = read_log(tmp_path / "log.csv", column_map=column_map([str(path)], kind="tickets"))
    assert set(log.frame["office"]) == {"Branch ${oc.env:HOME}"}


# ---------------------------------------------------------------- dates and times in other formats


def test_a_yymmdd_date_column_and_an_h_mm_ss_time_column(tmp_path, export, expected):
    """Dates as 260119 and clock times as 8:02:43 in columns of their own, read with one format
    for the joined text; an empty time is an empty timestamp."""
    frame = export.copy()
    stamps = {col: pd.to_datetime(frame[col].replace("", None)) for col in ("issued_at", "called_at", "service_end")}
    frame["date"] = stamps["issued_at"].dt.strftime("%y%m%d")
    for col, t in stamps.items():
        frame[col] = [("" if pd.isna(v) else f"{v.hour}:{v.minute:02d}:{v.second:02d}") for v in t]
    frame.to_csv(tmp_path / "log.txt", index=False, sep="\t")
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n" + "".join(f"  {c}: [date, {c}]\n" for c in stamps)
                       + "time_format: '%y%m%d %H:%M:%S'\n")
    same(read_log(tmp_path / "log.txt", column_map=column_map([str(mapping)], kind="tickets")), expected)
    frame.loc[2, "called_at"] = "8h15"
    frame.to_csv(tmp_path / "log.txt", index=False, sep="\t")
    with pytest.raises(LogError) as info:
        read_log(tmp_path / "log.txt", column_map=column_map([str(mapping)], kind="tickets"))
    assert (info.value.column, info.value.row) == ("called_at", 3)
    assert info.value.expected == "a timestamp in the format '%y%m%d %H:%M:%S'"


# ---------------------------------------------------------------- the command line


def refused_in_one_line(capsys, args: list[str], start: str) -> str:
    """Run the command as its console script does: exit status 2 and one line on stderr."""
    with pytest.raises(SystemExit) as info:
        main(args)
    err = capsys.readouterr().err
    assert info.value.code == 2, err
    assert len(err.splitlines()) == 1 and err.startswith(start), err
    return err


def test_a_semicolon_cp1251_vendor_export_calibrates_like_the_sample_log(tmp_path, capsys):
    """The whole sample log, exported by a vendor (semicolons, cp1251, its own names and codes,
    UTC timestamps with a mapping file and --timezone): the same network as the plain log."""
    frame = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    for col in ("issued_at", "called_at", "service_end"):  # Moscow (UTC+3) local times, exported in UTC
        t = pd.to_datetime(frame[col].replace("", None)) - pd.Timedelta(hours=3)
        frame[col] = t.dt.strftime("%Y-%m-%dT%H:%M:%SZ").fillna("")
    vendor_export(frame).to_csv(tmp_path / "export.csv", index=False, sep=";", encoding="cp1251")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns:\n" + "".join(f"  {k}: {v}\n" for k, v in VENDOR.items()) + "outcomes:\n"
                       + "".join(f"  {k}: {v}\n" for k, v in CODES.items()))
    main([str(SAMPLE), "--out", str(tmp_path / "plain.yaml"), "--report", str(tmp_path / "p.html")])
    main([str(tmp_path / "export.csv"), "--out", str(tmp_path / "vendor.yaml"), "--report", str(tmp_path / "v.html"),
          "--map", str(mapping), "--timezone", "Europe/Moscow"])
    plain, vendor = (OmegaConf.to_container(OmegaConf.load(tmp_path / f"{n}.yaml")) for n in ("plain", "vendor"))
    plain.pop("name"), vendor.pop("name")
    assert vendor == plain
    capsys.readouterr()
    refused_in_one_line(capsys, [str(tmp_path / "export.csv"), "--out", str(tmp_path / "utc.yaml"), "--map",
                                 str(mapping)],
                        "simoffice-calibrate: log error: issued_at row 1: expected a local time, or --timezone")


@pytest.mark.parametrize("options,message", [
    (("--timezone", "Mars/Olympus"), "simoffice-calibrate: --timezone: expected an IANA time zone such as "
                                     "Europe/Moscow or UTC (got 'Mars/Olympus')"),
    (("--schedule", "broken.yaml"), "simoffice-calibrate: --schedule: expected a schedule YAML file with shifts "
                                    "(got 'broken.yaml': "),
    (("--schedule", "env.yaml"), "simoffice-calibrate: --schedule: expected a schedule YAML file with shifts "
                                 "(got 'env.yaml': "),
    (("--map", "ticket_id"), "simoffice-calibrate: --map: expected COLUMN=EXPORT_COLUMN"),
    (("--outcome", "reneged"), "simoffice-calibrate: --outcome: expected OUTCOME=CODE"),
    (("--encoding", "klingon"), "simoffice-calibrate: --encoding: expected a text encoding"),
], ids=["timezone", "schedule not YAML", "schedule interpolation", "map", "outcome", "encoding"])
def test_bad_reading_options_are_one_line_errors(tmp_path, monkeypatch, capsys, options, message):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken.yaml").write_text("shifts: [\n")
    (tmp_path / "env.yaml").write_text("shifts:\n  full: ${oc.env:SIMOFFICE_NO_SUCH_VARIABLE}\n")
    refused_in_one_line(capsys, [str(SAMPLE), "--out", str(tmp_path / "x.yaml"), *options], message)
    assert not (tmp_path / "x.yaml").exists()


def test_a_file_name_with_a_newline_stays_on_one_line(tmp_path, capsys):
    path = tmp_path / "log\nshifts: injected.csv"
    path.write_text("")
    err = refused_in_one_line(capsys, [str(path), "--out", str(tmp_path / "x.yaml")], "simoffice-calibrate: log error: ")
    assert "log\\nshifts: injected.csv: expected a log with a header row" in err


@pytest.mark.parametrize("during", ["simoffice.cli.calibrate.calibrate",  # fitting
                                    "simoffice.cli.calibrate.write_calibration_report"])  # the network written
def test_ctrl_c_is_one_line_and_exit_status_130_and_leaves_nothing(tmp_path, monkeypatch, capsys, during):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(during, interrupted)
    with pytest.raises(SystemExit) as info:
        main([str(SAMPLE), "--out", str(tmp_path / "x.yaml"), "--report", str(tmp_path / "c.html"),
              "--check-replications", "0"])
    assert info.value.code == 130
    assert capsys.readouterr().err == "simoffice-calibrate: interrupted; nothing was written\n"
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- a contact centre's export


ACD = """vru+line\tcall_id\tcustomer_id\ttype\tdate\tvru_entry\tvru_exit\tq_start\tq_exit\toutcome\tser_start\tser_exit\tserver
AA0101\t33116\t9664491\tPS\t990101\t0:00:31\t0:00:36\t0:00:36\t0:03:09\tHANG\t0:00:00\t0:00:00\tNO_SERVER
AA0101\t33118\t9664491\tPS\t990101\t6:55:20\t6:55:26\t6:55:26\t6:55:43\tAGENT\t6:55:43\t6:56:37\tBASCH
AA0101\t33119\t0\tPS\t990101\t7:41:16\t7:41:26\t0:00:00\t0:00:00\tPHANTOM\t0:00:00\t0:00:00\tNO_SERVER
"""
ACD_MAP = """calls:
  columns:
    service: type
    ivr_entered_at: [date, vru_entry]
    arrived_at: [date, q_start]
    queue_exit_at: [date, q_exit]
    answered_at: [date, ser_start]
    ended_at: [date, ser_exit]
    agent: server
  outcomes: {served: AGENT, abandoned: HANG, phantom: PHANTOM}
  empty: [NO_SERVER]
  time_format: "%y%m%d %H:%M:%S"
"""


def test_a_tab_separated_acd_export_reads_through_its_mapping_alone(tmp_path):
    """A switch's export (tabs, yymmdd dates, H:MM:SS times, AGENT/HANG/PHANTOM codes) read with
    one mapping file: the served call waited 17 s and talked 54 s, the hang-up waited 153 s,
    the phantom call is no call."""
    (tmp_path / "calls.txt").write_text(ACD)
    (tmp_path / "acd.yaml").write_text(ACD_MAP)
    log = read_log(tmp_path / "calls.txt", kind="calls", column_map=column_map([str(tmp_path / "acd.yaml")],
                                                                              kind="calls"))
    f = log.frame.set_index("row")
    assert 3 not in f.index
    assert f.loc[2, "wait_min"] * 60 == pytest.approx(17) and f.loc[2, "service_min"] * 60 == pytest.approx(54)
    assert f.loc[1, "wait_min"] * 60 == pytest.approx(153) and pd.isna(f.loc[1, "agent"])
    assert f.loc[2, "agent"] == "BASCH" and f.loc[2, "arrived"] == pd.Timestamp("1999-01-01 06:55:26")
