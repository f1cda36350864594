"""Queue-system logs: reading, checking and writing ticket logs and call logs.

An office's ticketing (queue management) system exports a row per ticket: the
client takes a ticket (``issued_at``), is called to a desk (``called_at``) and
leaves it (``service_end``), or leaves the queue unserved (``reneged``). A
contact centre exports a row per call: it arrives, is answered or abandoned,
and ends. :func:`read_log` turns either export (CSV or parquet) into a
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
from pathlib import Path
from typing import Any, Iterable

import numpy as np
import pandas as pd

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
    "call_id": (True, "the call's identifier, unique in the log"),
    "arrived_at": (True, "when the call reached the queue (timestamp)"),
    "answered_at": (True, "when an agent answered (empty if abandoned)"),
    "abandoned_at": (True, "when the caller hung up unanswered (empty if answered)"),
    "ended_at": (True, "when an answered call ended"),
    "agent": (True, "the agent who answered (empty if abandoned)"),
    "service": (False, "the service the call was about"),
}
# Outcomes of a ticket: served at a desk; reneged (left the queue unserved);
# no_show (an appointment nobody came to); sent_away (still waiting at closing).
TICKET_OUTCOMES = ("served", "reneged", "no_show", "sent_away")
CHANNELS = ("walk_in", "appointment")
TIMESTAMP_EXPECTED = "a timestamp such as 2026-01-12 08:15:00 or 2026-01-12T08:15:00+03:00"
# A served ticket called more than this long after it was issued (or on another
# day) is odd: its wait is left out of the patience fit.
LONG_WAIT_MIN = 12 * 60
# A service longer than this is odd and left out of the service-time fit.
LONG_SERVICE_MIN = 8 * 60
_OFFSET = re.compile(r"(?:Z|[+-]\d\d(?::?\d\d)?)$")


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
        where = column if row is None else f"{column} row {row}"
        super().__init__(f"{where}: expected {expected} (got {got!r})")


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
             time_format: str | None = None) -> Log:
    """Read and check a ticket log or a call log (CSV or parquet).

    Args:
        path: a ``.csv`` file (any other suffix but ``.parquet``/``.pq`` is read as CSV).
        kind: ``"tickets"`` or ``"calls"``; None tells them apart by the id column.
        timezone: an IANA zone (``Europe/Moscow``): timestamps with an offset are
            converted to its local time. Without it a timestamp's own offset is
            dropped (its wall-clock time is kept). Timestamps without an offset
            are local times either way.
        time_format: a ``strftime`` format (``%d.%m.%Y %H:%M``) for timestamps
            that are not ISO 8601.

    Raises:
        LogError: an unreadable or empty file, a missing column, a value that
            cannot be parsed, or times out of order; the first offending row.
    """
    path = Path(path)
    raw = _read_raw(path)
    if kind is None:
        kind = "calls" if "call_id" in raw.columns and "ticket_id" not in raw.columns else "tickets"
    if kind == "tickets":
        _require(raw, TICKET_COLUMNS, "ticket")
        return _tickets(raw, str(path), timezone, time_format)
    if kind == "calls":
        _require(raw, CALL_COLUMNS, "call")
        return _calls(raw, str(path), timezone, time_format)
    raise ValueError(f"Unknown log kind {kind!r}")


def _read_raw(path: Path) -> pd.DataFrame:
    """The file's records with normalised column names; text as ``str`` ('' for empty)."""
    if not path.is_file():
        raise LogError(str(path), None, "an existing ticket log or call log file", Described("no such file"))
    if path.stat().st_size == 0:
        raise LogError(str(path), None, "a log with a header row and at least one record", Described("an empty file"))
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            raw = pd.read_parquet(path)
        else:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise LogError(str(path), None, "a log with a header row and at least one record",
                       Described("an empty file")) from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, ValueError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise LogError(str(path), None, "a CSV file (comma-separated, UTF-8, a header row) or a parquet file",
                       Described(first)) from None
    raw.columns = [re.sub(r"[\s\-]+", "_", str(c).strip().lower()) for c in raw.columns]
    if raw.empty:
        raise LogError(str(path), None, "a log with a header row and at least one record",
                       Described(f"a header with no records: {list(raw.columns)}"))
    return raw.reset_index(drop=True)


def _require(raw: pd.DataFrame, columns: dict[str, tuple[bool, str]], kind: str) -> None:
    for name, (required, _) in columns.items():
        if required and name not in raw.columns:
            raise LogError(name, None, f"a column '{name}' (a {kind} log; see README.md, 'Log formats')",
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


def parse_times(raw: pd.DataFrame, column: str, timezone: str | None, time_format: str | None) -> pd.Series:
    """A timestamp column as naive local ``datetime64``; NaT where empty.

    Raises:
        LogError: the first value that is not a timestamp.
    """
    s = raw[column]
    if pd.api.types.is_datetime64_any_dtype(s):  # parquet: already timestamps
        if getattr(s.dt, "tz", None) is not None:
            s = s.dt.tz_convert(timezone) if timezone else s
            s = s.dt.tz_localize(None)
        return s.astype("datetime64[us]")
    text = _text(raw, column)
    present = (text != "").to_numpy()
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[us]")
    if not present.any():
        return out
    values = text[present]
    if time_format:
        parsed = pd.to_datetime(values, format=time_format, errors="coerce")
    else:
        has_offset = values.str.contains(_OFFSET)
        parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[us]")
        naive = values[~has_offset]
        if len(naive):
            parsed[~has_offset] = pd.to_datetime(naive, format="ISO8601", errors="coerce").astype("datetime64[us]")
        aware = values[has_offset]
        if len(aware):
            if timezone:
                t = pd.to_datetime(aware, format="ISO8601", errors="coerce", utc=True)
                parsed[has_offset] = t.dt.tz_convert(timezone).dt.tz_localize(None).astype("datetime64[us]")
            else:  # keep each timestamp's own wall-clock time
                stripped = aware.str.replace(_OFFSET, "", regex=True)
                ok = pd.to_datetime(aware, format="ISO8601", errors="coerce", utc=True).notna()
                t = pd.to_datetime(stripped, format="ISO8601", errors="coerce").where(ok)
                parsed[has_offset] = t.astype("datetime64[us]")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(present)[np.argmax(bad)])
        expected = f"a timestamp in the format {time_format!r}" if time_format else TIMESTAMP_EXPECTED
        raise LogError(column, i + 1, expected, text.iloc[i])
    out[present] = parsed.astype("datetime64[us]").to_numpy()
    return out


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
             f"one of {', '.join(TICKET_OUTCOMES)}")
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
    ids = _text(raw, "call_id")
    _empty_row(ids, "call_id", "a call id")
    arrived = parse_times(raw, "arrived_at", timezone, time_format)
    _must_be(arrived, arrived.isna().to_numpy(), "arrived_at", TIMESTAMP_EXPECTED)
    answered = parse_times(raw, "answered_at", timezone, time_format)
    abandoned = parse_times(raw, "abandoned_at", timezone, time_format)
    ended = parse_times(raw, "ended_at", timezone, time_format)
    both = answered.notna().to_numpy() & abandoned.notna().to_numpy()
    _must_be(abandoned, both, "abandoned_at", "an empty value for an answered call (answered_at is set)")
    _must_be(ended, answered.notna().to_numpy() & ended.isna().to_numpy(), "ended_at",
             "a timestamp for an answered call")
    _not_before(answered, arrived, "answered_at", "arrived_at")
    _not_before(abandoned, arrived, "abandoned_at", "arrived_at")
    _not_before(ended, answered, "ended_at", "answered_at")
    service = _text(raw, "service") if "service" in raw.columns else None
    has_services = service is not None and bool((service != "").any())
    agent = _text(raw, "agent")
    is_answered = answered.notna().to_numpy()
    outcome = np.where(is_answered, "answered", np.where(abandoned.notna().to_numpy(), "abandoned", "unknown"))
    frame = pd.DataFrame({
        "row": np.arange(1, len(raw) + 1),
        "call_id": ids.astype(str),
        "service": (service.replace({"": "calls"}) if has_services else pd.Series("calls", index=raw.index)),
        "arrived": arrived,
        "answered": answered,
        "abandoned": abandoned,
        "ended": ended,
        "agent": agent.replace({"": None}),
        "outcome": outcome,
    })
    frame["wait_min"] = np.where(is_answered, _minutes(answered, arrived), _minutes(abandoned, arrived))
    frame["service_min"] = np.where(is_answered, _minutes(ended, answered), np.nan)
    log = Log("calls", source, frame, has_services=has_services)
    keep = _duplicates(log, frame["call_id"], "call_id")
    rows = frame["row"].to_numpy()
    frame["service_ok"] = is_answered & keep
    frame["wait_ok"] = (outcome != "unknown") & keep
    neither = (outcome == "unknown") & keep
    log.add_odd("calls neither answered nor abandoned", rows[neither], "counted as calls, left out of the fits")
    zero = is_answered & keep & (frame["service_min"].to_numpy() <= 0)
    log.add_odd("answered calls with a zero duration", rows[zero], "left out of the call-time fit")
    no_agent = is_answered & keep & frame["agent"].isna().to_numpy()
    log.add_odd("answered calls with no agent", rows[no_agent], "left out of the agents' activity")
    frame.loc[zero, "service_ok"] = False
    log.frame = frame[keep].reset_index(drop=True)
    return log
