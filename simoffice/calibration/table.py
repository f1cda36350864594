"""An export as a table of text: delimiter, encoding, Excel, and the analyst's column mapping.

Queue systems and contact-centre switches export their logs in many shapes: a
CSV file separated by commas, semicolons (the usual European spreadsheet
export), tabs or bars, in UTF-8, UTF-16 or a Windows code page, an Excel
workbook, or a parquet file, with their own column names and outcome codes.
:func:`read_table` reads any of them as a frame of text (``''`` for an empty
cell; parquet keeps its types), with column names normalised (lower case,
spaces and hyphens as underscores). :class:`ColumnMap` says which of the
export's columns is which column of the documented log format (a timestamp may
be a date column and a time column), which outcome codes mean which outcome,
and how timestamps are written; :func:`apply_map` applies it. Errors are
:class:`LogError`: the column (or the file), the first offending row, what was
expected and what was found, on one line.

Detection: an encoding is UTF-8 or UTF-16 when the file says so (a byte-order
mark) or decodes as UTF-8; otherwise it is cp1251 when most bytes above 127 stand
next to another (whole words in Cyrillic), else cp1252 (Western accents among
Latin letters). The delimiter is the one of ``, ; TAB |`` that splits the header
into the most columns with the same number of fields on the first lines.
``sep`` and ``encoding`` force either.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import os
import re
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = [
    "LogError", "Described", "ColumnMap", "read_table", "apply_map", "column_map", "check_timezone",
    "normalise", "one_line", "detect_encoding", "detect_separator", "SEPARATORS",
]

SEPARATORS = (",", ";", "\t", "|")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
_SEP_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "bar": "|", "pipe": "|"}
_SAMPLE_LINES = 50
_MAP_KEYS = ("columns", "outcomes", "empty", "time_format", "sep", "encoding")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(value: Any) -> str:
    """Text on one line: control characters (newlines, tabs) shown as escapes."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(value))


def normalise(name: Any) -> str:
    """A column name as matched: stripped, lower case, runs of spaces and hyphens as one underscore."""
    return re.sub(r"[\s\-]+", "_", str(name).strip().lower())


class Described(str):
    """A description of what was found (``columns [...]``, ``an empty file``),
    shown as it is in a message rather than quoted like a value."""

    def __repr__(self) -> str:
        return str(self)


class LogError(ValueError):
    """A log that cannot be read or is inconsistent.

    Attributes:
        column: the column (or the file, for an unreadable or empty file).
        row: the first offending row (1 = the first record after the header), or
            None when the problem is the header or the file itself.
        expected: what a valid value looks like.
        got: what was found.
    """

    def __init__(self, column: str, row: int | None, expected: str, got: Any):
        self.column, self.row, self.expected, self.got = column, row, expected, got
        where = one_line(column) if row is None else f"{one_line(column)} row {row}"
        super().__init__(f"{where}: expected {expected} (got {got!r})")


# ---------------------------------------------------------------------- the mapping


@dataclass(frozen=True)
class ColumnMap:
    """How an export's columns and codes map onto a log format.

    Attributes:
        columns: a log column -> the export's column, or a (date column, time
            column) pair whose values are joined as ``"<date> <time>"``. A name
            ``"Date+Time"`` is such a pair when the export has no column of
            that whole name. Names are matched as :func:`normalise` does.
        outcomes: an outcome of the log format -> the export's codes for it
            (matched without case or surrounding spaces).
        empty: codes that mean an empty cell wherever they stand (``0:00:00`` for a
            time that never happened, ``NO_SERVER``), matched without surrounding spaces.
        time_format: a ``strftime`` format of the timestamps (of the joined text
            for a pair), or None for ISO 8601.
        sep, encoding: the CSV delimiter and text encoding, or None to detect.
    """

    columns: Mapping[str, str | tuple[str, str]] = field(default_factory=dict)
    outcomes: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    empty: tuple[str, ...] = ()
    time_format: str | None = None
    sep: str | None = None
    encoding: str | None = None


def column_map(entries: Sequence[str] = (), outcomes: Sequence[str] = (), kind: str | None = None,
               empty: Sequence[str] = ()) -> ColumnMap:
    """A :class:`ColumnMap` from command-line entries, later entries overriding earlier ones.

    Args:
        entries: ``--map`` values: ``COLUMN=EXPORT_COLUMN`` (``issued_at=Created``,
            ``issued_at=Date+Time``) or a mapping YAML file (``.yaml``/``.yml``) with
            the keys ``columns``, ``outcomes``, ``empty``, ``time_format``, ``sep``, ``encoding``,
            either at the top or under ``tickets:`` / ``calls:`` for one kind of log.
        outcomes: ``--outcome`` values: ``OUTCOME=CODE[,CODE…]`` (``reneged=abandoned,left``).
        kind: ``"tickets"`` or ``"calls"``: the section of a mapping file to use
            (the top-level keys when the file has no such section).
        empty: ``--empty`` values: codes that mean an empty cell (added to a file's).

    Raises:
        ValueError: an entry that is neither ``A=B`` nor a readable mapping file,
            or a mapping file with unknown keys or values of the wrong type
            (one line: ``--map …: expected … (got …)``).
    """
    columns: dict[str, str | tuple[str, str]] = {}
    codes: dict[str, tuple[str, ...]] = {}
    blanks: list[str] = []
    extra: dict[str, str | None] = {"time_format": None, "sep": None, "encoding": None}
    for entry in entries:
        if Path(entry).suffix.lower() in (".yaml", ".yml") and "=" not in entry:
            loaded = _load_map_file(Path(entry), kind)
            columns.update(loaded.columns)
            codes.update(loaded.outcomes)
            blanks += loaded.empty
            extra.update({k: v for k, v in (("time_format", loaded.time_format), ("sep", loaded.sep),
                                            ("encoding", loaded.encoding)) if v is not None})
            continue
        target, source = _pair(entry, "--map", "COLUMN=EXPORT_COLUMN (e.g. ticket_id='Ticket No') or a mapping "
                                               "YAML file")
        columns[target] = source
    for entry in outcomes:
        target, values = _pair(entry, "--outcome", "OUTCOME=CODE[,CODE…] (e.g. reneged=abandoned)")
        codes[target] = tuple(v.strip() for v in values.split(",") if v.strip())
    blanks += [e.strip() for e in empty if e.strip()]
    return ColumnMap(columns, codes, tuple(dict.fromkeys(blanks)), **extra)


def _pair(entry: str, option: str, expected: str) -> tuple[str, str]:
    target, eq, source = entry.partition("=")
    if not eq or not target.strip() or not source.strip():
        raise ValueError(f"{option}: expected {expected} (got {entry!r})")
    return normalise(target), source.strip()


def _load_map_file(path: Path, kind: str | None) -> ColumnMap:
    import yaml  # PyYAML comes with OmegaConf; safe_load keeps every value plain text

    where = f"--map {one_line(path)}"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ValueError(f"{where}: expected a readable mapping YAML file (got {one_line(err.strerror)})") from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        first = one_line(str(err).splitlines()[0]) if str(err) else type(err).__name__
        raise ValueError(f"{where}: expected a mapping YAML file (got {first!r})") from None
    if not isinstance(data, dict):
        raise ValueError(f"{where}: expected a mapping with the keys {', '.join(_MAP_KEYS)} "
                         f"(got {type(data).__name__})")
    if kind in data or any(k in data for k in ("tickets", "calls")):
        data = data.get(kind) or {}
        where = f"{where}: {kind}"
        if not isinstance(data, dict):
            raise ValueError(f"{where}: expected a mapping with the keys {', '.join(_MAP_KEYS)} "
                             f"(got {type(data).__name__})")
    unknown = [k for k in data if k not in _MAP_KEYS]
    if unknown:
        raise ValueError(f"{where}: expected the keys {', '.join(_MAP_KEYS)} (got {one_line(unknown[0])!r})")
    columns: dict[str, str | tuple[str, str]] = {}
    for target, source in (data.get("columns") or {}).items():
        if isinstance(source, list) and len(source) == 2 and all(isinstance(s, (str, int)) for s in source):
            columns[normalise(target)] = (str(source[0]), str(source[1]))
        elif isinstance(source, (str, int)) and str(source).strip():
            columns[normalise(target)] = str(source)
        else:
            raise ValueError(f"{where}: columns.{one_line(target)}: expected a column name or a [date column, "
                             f"time column] pair (got {one_line(source)!r})")
    outcomes: dict[str, tuple[str, ...]] = {}
    for target, codes in (data.get("outcomes") or {}).items():
        codes = codes if isinstance(codes, list) else [codes]
        if not codes or not all(isinstance(c, (str, int)) for c in codes):
            raise ValueError(f"{where}: outcomes.{one_line(target)}: expected a code or a list of codes "
                             f"(got {one_line(codes)!r})")
        outcomes[normalise(target)] = tuple(str(c) for c in codes)
    empty = data.get("empty") or []
    empty = empty if isinstance(empty, list) else [empty]
    if not all(isinstance(e, (str, int)) for e in empty):
        raise ValueError(f"{where}: empty: expected a code or a list of codes (got {one_line(empty)!r})")
    extra = {}
    for key in ("time_format", "sep", "encoding"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{where}: {key}: expected text (got {one_line(value)!r})")
        extra[key] = value
    return ColumnMap(columns, outcomes, tuple(str(e).strip() for e in empty), **extra)


def apply_map(raw: pd.DataFrame, cmap: ColumnMap, known: Iterable[str], outcomes: Sequence[str] | None,
              other: Iterable[str] = ()) -> pd.DataFrame:
    """The export's columns under the log format's names, its outcome codes as the format's outcomes.

    Args:
        raw: from :func:`read_table` (normalised column names).
        cmap: the mapping.
        known: the log format's columns; ``other``: the other format's columns,
            whose targets are left alone (one mapping may serve a ticket log and
            a call log).
        outcomes: the format's outcomes (mapping targets must be among them), or
            None to accept any target.

    Raises:
        LogError: a target that is no column of either format; an export column
            the mapping names that the file does not have; an outcome target that
            is not an outcome of the format.
    """
    known, other = set(known), set(other)
    if cmap.empty:
        blank = set(cmap.empty)
        raw = raw.copy()
        for col in raw.columns:
            if raw[col].dtype == object or pd.api.types.is_string_dtype(raw[col]):
                raw[col] = raw[col].map(lambda v: "" if isinstance(v, str) and v.strip() in blank else v)
    out = raw.copy()  # targets are read from the export's columns as they were: swapped names stay apart
    for target, source in cmap.columns.items():
        if target not in known:
            if target in other:
                continue
            raise LogError("--map", None, f"a column of the log format ({', '.join(sorted(known))})",
                           Described(repr(one_line(target))))
        out[target] = _mapped_column(raw, target, source)
    if cmap.outcomes and "outcome" in out.columns:
        if outcomes is not None:
            bad = [t for t in cmap.outcomes if t not in outcomes]
            if bad:
                raise LogError("--outcome", None, f"one of {', '.join(outcomes)}", Described(repr(one_line(bad[0]))))
        lookup = {code.strip().casefold(): target for target, codes in cmap.outcomes.items() for code in codes}
        text = out["outcome"].astype(object).where(out["outcome"].notna(), "").map(lambda v: str(v).strip())
        out["outcome"] = text.map(lambda v: lookup.get(v.casefold(), v))
    return out


def _mapped_column(raw: pd.DataFrame, target: str, source: str | tuple[str, str]) -> pd.Series:
    columns = list(raw.columns)
    if isinstance(source, str) and normalise(source) in columns:
        return raw[normalise(source)]
    if isinstance(source, str) and "+" in source:
        source = tuple(p.strip() for p in source.split("+", 1))
    parts = source if isinstance(source, tuple) else (source,)
    for part in parts:
        if normalise(part) not in columns:
            shown = "+".join(parts)
            raise LogError(target, None, f"the export's column {part!r} (mapped by --map {target}={shown})",
                           Described(f"columns {columns}"))
    if len(parts) == 1:
        return raw[normalise(parts[0])]
    date, time = (_as_text(raw[normalise(p)]) for p in parts)
    joined = (date + " " + time).str.strip()
    return joined.where(time != "", "")


def _as_text(s: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d %H:%M:%S").fillna("").str.replace(" 00:00:00", "", regex=False)
    return s.astype(object).where(s.notna(), "").map(lambda v: str(v).strip())


# ---------------------------------------------------------------------- reading


def check_timezone(name: str) -> str:
    """The time zone's name if it is an IANA zone (``Europe/Moscow``, ``UTC``).

    Raises:
        ValueError: ``--timezone: expected an IANA time zone such as Europe/Moscow or UTC (got …)``.
    """
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        raise ValueError(f"--timezone: expected an IANA time zone such as Europe/Moscow or UTC "
                         f"(got {one_line(name)!r})") from None
    return name


def read_table(path: str | os.PathLike, sep: str | None = None, encoding: str | None = None) -> pd.DataFrame:
    """An export's records with normalised column names: CSV, Excel (``.xlsx``) or parquet.

    CSV and Excel cells are text, ``''`` for an empty cell (Excel dates and times
    as ``YYYY-MM-DD HH:MM:SS``, a date alone as ``YYYY-MM-DD``, a time alone as
    ``HH:MM:SS``, to the second; whole numbers without a decimal point);
    parquet keeps its column types.

    Args:
        sep: the CSV delimiter (``,``, ``;``, ``|``, ``tab``), None to detect.
        encoding: the CSV encoding (``cp1251``), None to detect.

    Raises:
        LogError: no such file, an empty file, a header with no records, bytes
            not in the encoding, an ``.xls``/``.ods`` file, an Excel file without
            the reader installed, or a file that is not a table.
    """
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise LogError(where, None, "an existing ticket log or call log file", Described("no such file"))
    if path.stat().st_size == 0:
        raise LogError(where, None, "a log with a header row and at least one record", Described("an empty file"))
    suffix = path.suffix.lower()
    if suffix in (".xls", ".ods", ".xlsb"):
        raise LogError(where, None, "a CSV, .xlsx or parquet file (save the sheet as .xlsx or CSV)",
                       Described(f"a {suffix} file"))
    if suffix in PARQUET_SUFFIXES:
        raw = _parquet(path)
    elif suffix in EXCEL_SUFFIXES:
        raw = _excel(path)
    else:
        raw = _csv(path, sep, encoding)
    raw.columns = [normalise(c) for c in raw.columns]
    if raw.empty:
        raise LogError(where, None, "a log with a header row and at least one record",
                       Described(f"a header with no records: {list(raw.columns)}"))
    return raw.reset_index(drop=True)


def _unreadable(path: Path, expected: str, err: BaseException) -> LogError:
    first = str(err).splitlines()[0] if str(err) else type(err).__name__
    return LogError(str(path), None, expected, Described(one_line(first)))


def _parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as err:  # pyarrow raises its own errors for a file that is not parquet
        raise _unreadable(path, "a parquet file", err) from None


def _excel(path: Path) -> pd.DataFrame:
    try:
        import openpyxl  # noqa: F401  (the optional extra: pip install 'simoffice[excel]')
    except ImportError:
        raise LogError(str(path), None, "the Excel reader openpyxl (pip install 'simoffice[excel]'), or the sheet "
                       "saved as CSV", Described("no module openpyxl")) from None
    try:
        raw = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl", keep_default_na=False,
                            na_values=[])
    except Exception as err:  # zipfile, openpyxl and pandas each raise their own
        raise _unreadable(path, "an Excel workbook (.xlsx) whose first sheet has a header row", err) from None
    raw.columns = [_cell_text(c) for c in raw.columns]
    return raw.apply(lambda s: s.map(_cell_text)).astype(object)


def _cell_text(v: Any) -> str:
    """An Excel cell as the text a CSV export would have."""
    if v is None or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (dt.datetime, pd.Timestamp)):
        t = pd.Timestamp(v).round("s")
        return t.strftime("%Y-%m-%d") if t == t.normalize() else t.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.time):
        seconds = round(v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6)
        return f"{seconds // 3600 % 24:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _csv(path: Path, sep: str | None, encoding: str | None) -> pd.DataFrame:
    data = path.read_bytes()
    text = _decode(path, data, encoding)
    if not text.strip():
        raise LogError(str(path), None, "a log with a header row and at least one record", Described("an empty file"))
    sep = _separator(path, sep) if sep is not None else detect_separator(text)
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skipinitialspace=True,
                           engine="c" if len(sep) == 1 else "python")
    except pd.errors.EmptyDataError:
        raise LogError(str(path), None, "a log with a header row and at least one record",
                       Described("an empty file")) from None
    except (pd.errors.ParserError, ValueError) as err:
        raise _unreadable(path, f"a table separated by {_sep_name(sep)} with a header row (or --sep)", err) from None


def _separator(path: Path, sep: str) -> str:
    sep = _SEP_NAMES.get(sep.strip().lower(), sep) if sep.strip() else sep
    if len(sep) != 1 or sep in "\"\r\n":
        raise ValueError(f"--sep: expected one character such as ',' ';' '|' or 'tab' (got {one_line(sep)!r})")
    return sep


def _sep_name(sep: str) -> str:
    return "tabs" if sep == "\t" else repr(sep)


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    if encoding is None:
        encoding = detect_encoding(data)
    try:
        return data.decode(encoding)
    except LookupError:
        raise ValueError(f"--encoding: expected a text encoding such as utf-8, cp1251 or cp1252 "
                         f"(got {one_line(encoding)!r})") from None
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise LogError(str(path), None, f"text in the encoding {encoding} (or --encoding)",
                       Described(f"the byte 0x{data[err.start]:02x} on line {line}")) from None


def detect_encoding(data: bytes) -> str:
    """``utf-8-sig``, ``utf-16`` (a byte-order mark), ``utf-8``, else ``cp1251`` or ``cp1252``.

    A file that is not UTF-8 is taken as cp1251 when most of its bytes above 127
    stand next to another one (words written in Cyrillic), else as cp1252
    (accented letters among Latin ones).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    high = np.frombuffer(data, dtype=np.uint8) >= 0x80
    beside = np.zeros_like(high)
    beside[1:] |= high[:-1]
    beside[:-1] |= high[1:]
    return "cp1251" if (high & beside).sum() >= 0.5 * high.sum() else "cp1252"


def detect_separator(text: str) -> str:
    """The delimiter of ``, ; TAB |`` that splits the header into the most fields,
    among those that give the first lines the header's number of fields; ``,``
    when none splits it."""
    lines = [ln for ln in text.splitlines()[:_SAMPLE_LINES] if ln.strip()]
    best, best_key = ",", (0.0, 1)
    for sep in SEPARATORS:
        try:
            rows = list(csv.reader(lines, delimiter=sep))
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        agree = sum(len(r) == width for r in rows) / len(rows)
        key = (agree, width)
        if key > best_key:
            best, best_key = sep, key
    return best
