"""Queue-system logs: reading, checking and writing ticket logs and call logs.

An office's ticketing (queue management) system exports a row per ticket: the
client takes a ticket (``issued_at``), is called to a desk (``called_at``) and
leaves it (``service_end``), or leaves the queue unserved (``reneged``). A
contact centre exports a row per call: it arrives, is answered or abandoned,
and ends. :func:`read_log` turns either export (CSV in any common delimiter
and encoding, Excel or parquet; its columns and outcome codes mapped onto the
format by a :class:`~simoffice.calibration.table.ColumnMap`) into a
:class:`Log`: a tidy frame of naive local timestamps, durations in minutes and
the source row of every record, together with the rows that are merely odd
(:class:`OddRows`: counted, reported, and left out only of what they would
distort). A log that cannot be read raises :class:`LogError`, which names the
column, the first offending row, what was expected and what was found.

:mod:`simoffice.calibration.simulated_logs` goes the other way: it writes a
simulated run's contacts in these formats, for round-trip tests and sample logs.

Rows are numbered from 1 for the first record after the header (so row ``n`` of
a CSV file is its line ``n + 1``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from simoffice.calibration.table import ColumnMap, Described, LogError, apply_map, check_timezone, read_table

__all__ = [
    "LogError", "Described", "OddRows", "Log", "TICKET_COLUMNS", "CALL_COLUMNS", "TICKET_OUTCOMES", "read_log",
]

# column -> (required, what it holds). The order is the export's column order.
TICKET_COLUMNS: dict[str, tuple[bool, str]] = {
    "ticket_id": (True, "the ticket's identifier, unique in the log"),
    "office": (True, "the office's name"),
    "service": (True, "the service (need type) the ticket is for"),
    "channel": (False, "walk_in or appointment (default walk_in)"),
    "issued_at": (True, "when the ticket was issued (timestamp)"),
    "called_at": (True, "when the client was called to a desk; for a reneged ticket, when it was closed "
                        "unserved; empty if unknown or never"),
    "service_end": (True, "when the service at the desk ended (timestamp; empty if not served)"),
    "desk": (True, "the desk that served the ticket (empty if not served)"),
    "outcome": (True, "served, reneged, no_show or sent_away"),
    "client_id": (False, "the client's identifier, to find returns of the same client"),
}
CALL_COLUMNS: dict[str, tuple[bool, str]] = {
    "call_id": (True, "the call's identifier, unique within a day"),
    "arrived_at": (True, "when the call joined the agents' queue (empty: straight to an agent, or never queued)"),
    "answered_at": (True, "when an agent answered (empty if not answered)"),
    "abandoned_at": (False, "when the caller hung up in the queue (empty if answered; or give outcome and "
                            "queue_exit_at)"),
    "ended_at": (True, "when an answered call ended"),
    "agent": (True, "the agent who answered (empty if not answered)"),
    "service": (False, "the call type (the service the call was about)"),
    "outcome": (False, "served (answered), abandoned, ivr (ended in the voice response) or phantom"),
    "queue_exit_at": (False, "when the call left the queue (answered or abandoned)"),
    "ivr_entered_at": (False, "when the call reached the voice response (IVR), before the queue"),
    "customer_id": (False, "the caller's identifier, to find callers who call again"),
}
# Outcomes of a call (an ``outcome`` column is optional in a call log): answered by an agent
# (``answered`` is read as served); abandoned in the queue; ended in the voice response (never
# queued); phantom (not a real call). See :mod:`simoffice.calibration.call_log`.
CALL_OUTCOMES = ("served", "abandoned", "ivr", "phantom")
# Outcomes of a ticket: served at a desk; reneged (left the queue unserved);
# no_show (an appointment nobody came to); sent_away (still waiting at closing).
TICKET_OUTCOMES = ("served", "reneged", "no_show", "sent_away")
CHANNELS = ("walk_in", "appointment")
TIMESTAMP_EXPECTED = "a timestamp such as 2026-01-12 08:15:00 (other formats: --time-format)"
OFFSET_EXPECTED = ("a local time, or --timezone (e.g. --timezone Europe/Moscow) to convert times with a UTC "
                   "offset to local time")
# A served ticket called more than this long after it was issued (or on another
# day) is odd: its wait is left out of the patience fit.
LONG_WAIT_MIN = 12 * 60
# A service longer than this is odd and left out of the service-time fit.
LONG_SERVICE_MIN = 8 * 60
# A UTC offset after a clock time: 08:15Z, 08:15:00+03:00, 08:15:00.5-0500 (a date's "-12" is none).
_OFFSET = re.compile(r"\d:\d\d(?::\d\d(?:[.,]\d+)?)?\s*(?:Z|[+-]\d\d(?::?\d\d)?)$")
# kind -> (its columns, the outcomes --outcome may map to (None: any), the other kind's columns)
_FORMATS = {"tickets": (TICKET_COLUMNS, TICKET_OUTCOMES, CALL_COLUMNS),
            "calls": (CALL_COLUMNS, (*CALL_OUTCOMES, "answered"), TICKET_COLUMNS)}


@dataclass(frozen=True)
class OddRows:
    """Rows that are merely odd: ``what`` they are, their source ``rows`` and
    what calibration does with them (``action``)."""

    what: str
    rows: tuple[int, ...]
    action: str

    @property
    def count(self) -> int:
        return len(self.rows)

    def describe(self, show: int = 5) -> str:
        """One line: count, what, the first rows, the action."""
        first = ", ".join(str(r) for r in self.rows[:show]) + (", …" if len(self.rows) > show else "")
        return f"{self.count} {self.what} (row{'s' if self.count > 1 else ''} {first}): {self.action}"


@dataclass
class Log:
    """A checked log.

    ``frame`` has a row per ticket (``kind == "tickets"``) with columns ``row``
    (source row), ``ticket_id``, ``office``, ``service``, ``channel``,
    ``client_id`` (NA if absent), ``issued``, ``called``, ``ended`` (naive local
    timestamps), ``desk``, ``outcome``, ``wait_min``, ``service_min`` and the
    flags ``service_ok`` (used by the service-time fit) and ``wait_ok`` (used by
    the patience fit); or a row per call (``kind == "calls"``) with ``row``,
    ``call_id``, ``service``, ``arrived``, ``answered``, ``abandoned``,
    ``ended``, ``agent``, ``outcome`` (answered / abandoned), ``wait_min``,
    ``service_min``, ``service_ok``, ``wait_ok``.
    """

    kind: str
    source: str
    frame: pd.DataFrame
    odd: list[OddRows] = field(default_factory=list)
    has_client_ids: bool = False
    has_services: bool = True

    def add_odd(self, what: str, rows: Iterable[int], action: str) -> None:
        rows = tuple(int(r) for r in rows)
        if rows:
            self.odd.append(OddRows(what, rows, action))


# ---------------------------------------------------------------------- reading


def read_log(path: str | os.PathLike, kind: str | None = None, timezone: str | None = None,
             time_format: str | None = None, *, sep: str | None = None, encoding: str | None = None,
             column_map: ColumnMap | None = None) -> Log:
    """Read and check a ticket log or a call log (CSV, Excel ``.xlsx`` or parquet).

    Args:
        path: a ``.parquet``/``.pq`` file, an ``.xlsx`` workbook (its first sheet;
            needs the ``excel`` extra) or a CSV file (any other suffix).
        kind: ``"tickets"`` or ``"calls"``; None tells them apart by the id column.
        timezone: an IANA zone (``Europe/Moscow``): timestamps with a UTC offset
            (``Z``, ``+03:00``) are converted to its local time. Without it such a
            timestamp is refused. Timestamps without an offset are local times.
        time_format: a ``strftime`` format (``%d.%m.%Y %H:%M``) for timestamps
            that are not ISO 8601 (for a date and a time column, of the two joined
            by a space); default the mapping's, else ISO 8601.
        sep, encoding: the CSV delimiter and encoding; default the mapping's, else detected.
        column_map: which export columns and outcome codes are which
            (:func:`simoffice.calibration.table.column_map`).

    Raises:
        LogError: an unreadable or empty file, a missing column, a value that
            cannot be parsed, or times out of order; the first offending row.
        ValueError: an unknown ``timezone``, ``encoding`` or ``sep`` (one line naming the option).
    """
    cmap = column_map or ColumnMap()
    if timezone is not None:
        check_timezone(timezone)
    time_format = time_format or cmap.time_format
    raw = read_table(path, sep=sep or cmap.sep, encoding=encoding or cmap.encoding)
    if kind is None:
        mapped = set(raw.columns) | set(cmap.columns)
        kind = "calls" if "call_id" in mapped and "ticket_id" not in mapped else "tickets"
    if kind not in _FORMATS:
        raise ValueError(f"Unknown log kind {kind!r}")
    columns, outcomes, other = _FORMATS[kind]
    raw = apply_map(raw, cmap, columns, outcomes, other)
    _require(raw, columns, "ticket" if kind == "tickets" else "call")
    if kind == "tickets":
        return _tickets(raw, str(path), timezone, time_format)
    return _calls(raw, str(path), timezone, time_format)


def _require(raw: pd.DataFrame, columns: dict[str, tuple[bool, str]], kind: str) -> None:
    for name, (required, _) in columns.items():
        if required and name not in raw.columns:
            raise LogError(name, None, f"a column '{name}' (a {kind} log, see docs/pages/calibration.md, "
                                       f"'Log formats'; or --map {name}=COLUMN)",
                           Described(f"columns {list(raw.columns)}"))


def _text(raw: pd.DataFrame, column: str) -> pd.Series:
    """A column as stripped text, '' for missing."""
    if column not in raw.columns:
        return pd.Series([""] * len(raw), index=raw.index, dtype=object)
    s = raw[column]
    out = s.astype(object).where(s.notna(), "")
    return out.map(lambda v: str(v).strip())


def _empty_row(values: pd.Series, column: str, expected: str) -> None:
    """Refuse the first empty value of a column that needs one."""
    empty = (values == "").to_numpy()
    if empty.any():
        i = int(np.argmax(empty))
        raise LogError(column, i + 1, expected, "")


# A log covers weeks to a few years: a timestamp further than this from its middle is a wrong clock.
MAX_SPAN_DAYS = 3 * 366


def parse_times(raw: pd.DataFrame, column: str, timezone: str | None, time_format: str | None) -> pd.Series:
    """A timestamp column as naive local ``datetime64``; NaT where empty.

    A timestamp with a UTC offset (``Z``, ``+03:00``; a zone-aware parquet
    column) is converted to the local time of ``timezone``; without one it is
    refused, since its wall-clock time may not be the office's (a UTC export
    would give an office open 05:00–14:00).

    Raises:
        LogError: the first value that is not a timestamp, or that has an offset
            when no ``timezone`` is given.
    """
    s = raw[column]
    if pd.api.types.is_datetime64_any_dtype(s):  # parquet: already timestamps
        if getattr(s.dt, "tz", None) is not None:
            if not timezone:
                present = s.notna().to_numpy()
                row = int(np.argmax(present)) + 1 if present.any() else None
                raise LogError(column, row, OFFSET_EXPECTED, Described(f"timestamps in the zone {s.dt.tz}"))
            s = s.dt.tz_convert(timezone).dt.tz_localize(None)
        return _near_the_others(s.astype("datetime64[us]"), column, s.astype(str))
    text = _text(raw, column)
    present = (text != "").to_numpy()
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    if not present.any():
        return out
    values = text[present]
    if time_format:
        parsed = pd.to_datetime(values, format=time_format, errors="coerce", utc="%z" in time_format)
        has_offset = pd.Series("%z" in time_format, index=values.index)
    else:
        has_offset = values.str.contains(_OFFSET)
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True)
    if has_offset.any() and not timezone:
        i = int(np.flatnonzero(present)[np.argmax(has_offset.to_numpy())])
        raise LogError(column, i + 1, OFFSET_EXPECTED, text.iloc[i])
    if getattr(parsed.dt, "tz", None) is not None:  # UTC: local times as they are, offsets converted
        local = parsed.dt.tz_convert(timezone) if has_offset.any() else parsed
        parsed = local.dt.tz_localize(None).where(has_offset, parsed.dt.tz_localize(None))
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(present)[np.argmax(bad)])
        expected = f"a timestamp in the format {time_format!r}" if time_format else TIMESTAMP_EXPECTED
        raise LogError(column, i + 1, expected, text.iloc[i])
    out[present] = parsed.astype("datetime64[us]").to_numpy()
    return _near_the_others(out, column, text)


def _near_the_others(times: pd.Series, column: str, text: pd.Series) -> pd.Series:
    """``times``, refused if one lies more than :data:`MAX_SPAN_DAYS` from their median (a
    clock set to 1600 would make a log of centuries, every day of which is then counted).

    Raises:
        LogError: the first such timestamp, naming its row.
    """
    present = times.notna().to_numpy()
    if not present.any():
        return times
    median = times[present].sort_values().iloc[int(present.sum()) // 2]
    far = present & ((times - median).abs() > pd.Timedelta(days=MAX_SPAN_DAYS)).to_numpy()
    if far.any():
        i = int(np.argmax(far))
        raise LogError(column, i + 1, f"a timestamp within {MAX_SPAN_DAYS} days of the log's middle "
                       f"({median.date()})", text.iloc[i])
    return times


def _not_before(later: pd.Series, earlier: pd.Series, column: str, earlier_name: str) -> None:
    """Refuse the first row where ``later`` is before ``earlier`` (a negative duration)."""
    bad = (later < earlier).fillna(False).to_numpy(dtype=bool)
    if bad.any():
        i = int(np.argmax(bad))
        raise LogError(column, i + 1, f"a time at or after {earlier_name} ({earlier.iloc[i]})",
                       str(later.iloc[i]))


def _must_be(values: pd.Series, mask: np.ndarray, column: str, expected: str) -> None:
    """Refuse the first row of ``mask`` (rows where ``values`` break a rule)."""
    if mask.any():
        i = int(np.argmax(mask))
        v = values.iloc[i]
        raise LogError(column, i + 1, expected, "" if pd.isna(v) else str(v))


def _minutes(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return ((later - earlier).dt.total_seconds() / 60.0).to_numpy(dtype=float)


def _duplicates(log: Log, ids: pd.Series, column: str) -> np.ndarray:
    """Mark later copies of a repeated id as odd; returns the mask of rows kept."""
    dup = ids.duplicated(keep="first").to_numpy()
    log.add_odd(f"records repeating an earlier {column}", np.flatnonzero(dup) + 1,
                "left out (the first record with the id is kept)")
    return ~dup


def _tickets(raw: pd.DataFrame, source: str, timezone: str | None, time_format: str | None) -> Log:
    frame, has_client_ids = _ticket_frame(raw, timezone, time_format)
    log = Log("tickets", source, frame, has_client_ids=has_client_ids)
    keep = _duplicates(log, frame["ticket_id"], "ticket_id")
    _mark_odd_tickets(log, frame, keep)
    log.frame = frame[keep].reset_index(drop=True)
    return log


def _ticket_frame(raw: pd.DataFrame, timezone: str | None, time_format: str | None) -> tuple[pd.DataFrame, bool]:
    """The tickets' checked columns as a frame with waits and service times in minutes,
    and whether the log has client ids.

    Raises:
        LogError: a missing value, a value that cannot be parsed, or times out of order.
    """
    ids = _text(raw, "ticket_id")
    _empty_row(ids, "ticket_id", "a ticket id")
    office = _text(raw, "office")
    _empty_row(office, "office", "an office name")
    service = _text(raw, "service")
    _empty_row(service, "service", "a service name")
    outcome = _text(raw, "outcome").str.lower().str.replace(r"[\s\-]+", "_", regex=True)
    outcome = outcome.replace({"noshow": "no_show", "sentaway": "sent_away"})
    _must_be(_text(raw, "outcome"), ~outcome.isin(TICKET_OUTCOMES).to_numpy(), "outcome",
             f"one of {', '.join(TICKET_OUTCOMES)} (map other codes with --outcome, e.g. --outcome reneged=abandoned)")
    channel = _text(raw, "channel").str.lower().str.replace(r"[\s\-]+", "_", regex=True).replace({"": "walk_in"})
    _must_be(_text(raw, "channel"), ~channel.isin(CHANNELS).to_numpy(), "channel",
             f"one of {', '.join(CHANNELS)} (or empty for walk_in)")
    issued = parse_times(raw, "issued_at", timezone, time_format)
    _must_be(issued, issued.isna().to_numpy(), "issued_at", TIMESTAMP_EXPECTED)
    called = parse_times(raw, "called_at", timezone, time_format)
    ended = parse_times(raw, "service_end", timezone, time_format)
    served = (outcome == "served").to_numpy()
    _must_be(called, served & called.isna().to_numpy(), "called_at", "a timestamp for a served ticket")
    _must_be(ended, served & ended.isna().to_numpy(), "service_end", "a timestamp for a served ticket")
    _not_before(called, issued, "called_at", "issued_at")
    _not_before(ended, called, "service_end", "called_at")
    _not_before(ended, issued, "service_end", "issued_at")
    client = _text(raw, "client_id") if "client_id" in raw.columns else None
    frame = pd.DataFrame({
        "row": np.arange(1, len(raw) + 1),
        "ticket_id": ids.astype(str),
        "office": office.astype(str),
        "service": service.astype(str),
        "channel": channel.astype(str),
        "client_id": (client.replace({"": None}) if client is not None else pd.Series(None, index=raw.index)),
        "issued": issued,
        "called": called,
        "ended": ended,
        "desk": _text(raw, "desk").replace({"": None}),
        "outcome": outcome.astype(str),
    })
    frame["wait_min"] = _minutes(frame["called"], frame["issued"])
    frame["service_min"] = np.where(served, _minutes(frame["ended"], frame["called"]), np.nan)
    return frame, client is not None and bool((client != "").any())


def _mark_odd_tickets(log: Log, frame: pd.DataFrame, keep: np.ndarray) -> None:
    """Set what each fit may use (``service_ok``, ``wait_ok``) and count the odd rows it may not."""
    served = (frame["outcome"] == "served").to_numpy()
    frame["service_ok"] = served & keep
    frame["wait_ok"] = frame["outcome"].isin(["served", "reneged", "sent_away"]).to_numpy() & keep
    rows = frame["row"].to_numpy()
    zero = served & keep & (frame["service_min"].to_numpy() <= 0)
    log.add_odd("served tickets with a zero service time", rows[zero], "left out of the service-time fit")
    long_service = served & keep & (frame["service_min"].to_numpy() > LONG_SERVICE_MIN)
    log.add_odd(f"served tickets with a service over {LONG_SERVICE_MIN // 60} h", rows[long_service],
                "left out of the service-time fit")
    frame.loc[zero | long_service, "service_ok"] = False
    no_desk = served & keep & frame["desk"].isna().to_numpy()
    log.add_odd("served tickets with no desk", rows[no_desk], "left out of the desks' activity")
    reneged = (frame["outcome"] == "reneged").to_numpy() & keep
    unknown = reneged & frame["called"].isna().to_numpy()
    log.add_odd("reneged tickets with no time of leaving (called_at empty)", rows[unknown],
                "left out of the patience fit")
    other_day = frame["called"].notna().to_numpy() & (
        (frame["called"].dt.normalize() != frame["issued"].dt.normalize()).to_numpy()
        | (frame["wait_min"].to_numpy() > LONG_WAIT_MIN))
    log.add_odd("tickets called on another day than issued", rows[other_day & keep],
                "left out of the patience fit")
    frame.loc[unknown | other_day, "wait_ok"] = False


def _calls(raw: pd.DataFrame, source: str, timezone: str | None, time_format: str | None) -> Log:
    """The checked calls (see :mod:`simoffice.calibration.call_log`)."""
    from simoffice.calibration.call_log import read_calls  # it builds on this module's helpers

    return read_calls(raw, source, timezone, time_format)
