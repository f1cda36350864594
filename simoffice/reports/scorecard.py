"""The scorecard: does each unit meet each service standard?

A run's ``summary["standards"]`` holds one entry per (standard, unit) with data:
the standard (``label``, ``target``, ``direction``, ``within``), the measured
share's mean and 95 % interval over replications, and a status: ``met`` when the
whole interval is on the right side of the target, ``missed`` when it is wholly on
the wrong side, ``cannot_tell`` when it straddles the target (or there is only one
replication). The network comes first as unit ``"all"``, then the units in config
order.

:func:`scorecard_section` draws it for the report (units × standards, each cell
coloured by its status, with sentences that name where a standard is missed);
:func:`format_standards` writes it as text for the terminal. A summary without
``standards`` (a run saved before standards existed) has no scorecard.
"""

from __future__ import annotations

from typing import Any

from simoffice.reports.kit import esc, finite, section

HEAD_STANDARDS = "Service standards"
NETWORK = "Network"  # what the scorecard calls unit "all"
STATUS_WORDS = {"met": "met", "missed": "missed", "cannot_tell": "cannot tell"}
# How many units a sentence names before it says "and N more".
LISTED = 6


def standard_entries(summary: dict) -> list[dict]:
    """The summary's standards with a measured mean (entries without one are left out)."""
    return [e for e in summary.get("standards") or [] if finite(e.get("mean")) is not None]


def unit_name(unit: str) -> str:
    """A unit as people read it (not escaped): ``"all"`` is the network."""
    return NETWORK if unit == "all" else str(unit)


def pct(share: Any) -> str:
    """A share in [0, 1] as a percentage with one decimal (no sign): ``0.788`` -> ``78.8``."""
    return f"{100 * float(share):.1f}"


def target_text(entry: dict, sep: str = " ") -> str:
    """``target ≥ 80 %`` (at least) or ``target ≤ 10 %`` (at most); ``sep`` goes before the % sign."""
    sign = "≤" if entry.get("direction") == "at_most" else "≥"
    return f"target {sign} {100 * float(entry['target']):g}{sep}%"


def within_text(entry: dict) -> str | None:
    """The standard's time limit, ``15 min`` or ``5 days``; None for a standard without one."""
    within = finite(entry.get("within"))
    if within is None:
        return None
    unit = entry.get("within_unit") or "min"
    if unit == "min" and within < 1:
        return f"{60 * within:g} s"
    return f"{within:g} {unit}"


def interval_text(entry: dict) -> str | None:
    """``76.1–81.4`` (percent), or None without an interval (one replication)."""
    lo, hi = finite(entry.get("ci_low")), finite(entry.get("ci_high"))
    if lo is None or hi is None:
        return None
    return f"{pct(lo)}–{pct(hi)}"


def value_text(entry: dict, sep: str = "&nbsp;") -> str:
    """The measured share with its interval, for sentences: ``78.8 %, 76.1–81.4``."""
    ci = interval_text(entry)
    return f"{pct(entry['mean'])}{sep}%, " + (ci if ci else "one replication: no interval")


def _by_standard(entries: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for e in entries:
        out.setdefault(str(e["standard"]), []).append(e)
    return out


def _units(entries: list[dict]) -> list[str]:
    """Units in the summary's order, the network first."""
    units = list(dict.fromkeys(str(e["unit"]) for e in entries))
    return (["all"] if "all" in units else []) + [u for u in units if u != "all"]


def _reference(rows: list[dict]) -> dict:
    """The entry a standard's column is headed by: the network's, else the first."""
    return next((r for r in rows if r["unit"] == "all"), rows[0])


def _own_terms(entry: dict, reference: dict) -> str | None:
    """A unit's own target or time limit where it differs from the column's, as text."""
    parts = []
    if finite(entry.get("target")) != finite(reference.get("target")):
        parts.append(target_text(entry))
    if finite(entry.get("within")) != finite(reference.get("within")):
        within = within_text(entry)
        if within:
            parts.append(f"within {within}")
    return ", ".join(parts) or None


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _listed(entries: list[dict], reference: dict) -> str:
    """Units named with their value and interval (and their own terms), at most :data:`LISTED`."""
    items = []
    for e in entries[:LISTED]:
        own = _own_terms(e, reference)
        items.append(f"{esc(unit_name(e['unit']))} ({value_text(e)}" + (f"; {esc(own)}" if own else "") + ")")
    more = len(entries) - LISTED
    if more > 0:
        items.append(f"{more} more (see the table)")
    return _and(items)


def _standard_name(reference: dict) -> str:
    return f"“{esc(reference.get('label') or reference['standard'])}” ({_target_html(reference)})"


def _target_html(entry: dict) -> str:
    """:func:`target_text` that does not break across lines."""
    return target_text(entry, "&nbsp;").replace(" ", "&nbsp;")


def _units_phrase(k: int, n: int, verb: str) -> str:
    """``2 of 7 units miss`` / ``1 of 1 unit misses``."""
    noun = "unit" if n == 1 else "units"
    return f"{k} of {n} {noun} {verb + 'es' if k == 1 else verb}"


def scorecard_sentences(summary: dict) -> list[str]:
    """The scorecard in words (HTML): per standard, the units that miss it with their
    values and intervals; then the standards met everywhere, and where it cannot be told."""
    entries = standard_entries(summary)
    sentences, met_everywhere, unclear = [], [], []
    for rows in _by_standard(entries).values():
        ref = _reference(rows)
        name = _standard_name(ref)
        units = [r for r in rows if r["unit"] != "all"]
        network = next((r for r in rows if r["unit"] == "all"), None)
        missed = [r for r in units if r.get("status") == "missed"]
        cannot_tell = [r for r in rows if r.get("status") == "cannot_tell"]
        if cannot_tell:
            unclear.append(f"{_listed(cannot_tell, ref)} on {name}")
        if missed:
            text = f"{_units_phrase(len(missed), len(units), 'miss')} {name}: {_listed(missed, ref)}"
            if network is not None and network.get("status") == "missed":
                text += f"; so does the network as a whole ({value_text(network)})"
            elif network is not None:
                text += (f"; the network as a whole: {value_text(network)}, "
                         f"{STATUS_WORDS.get(network.get('status'), '?')}")
            sentences.append(text + ".")
        elif network is not None and network.get("status") == "missed":
            sentences.append(f"The network as a whole misses {name} ({value_text(network)}).")
        elif all(r.get("status") == "met" for r in rows):
            met_everywhere.append(name)
    if met_everywhere:
        where = "everywhere" if any(r["unit"] != "all" for r in entries) else "by the network"
        sentences.append(f"Met {where}: {_and(met_everywhere)}.")
    if unclear:
        sentences.append("Cannot tell yet, the 95&nbsp;% interval holds the target (more replications "
                         f"may tell): {'; '.join(unclear)}.")
    return sentences


def _cell(entry: dict | None, reference: dict) -> str:
    """A scorecard cell: the share in %, its interval and status in small print, coloured by status."""
    if entry is None:
        return '<td class="na" title="No such contacts at this unit">–</td>'
    status = str(entry.get("status"))
    word = STATUS_WORDS.get(status, status)
    ci = interval_text(entry)
    own = _own_terms(entry, reference)
    label = entry.get("label") or entry["standard"]
    words = (f"{unit_name(entry['unit'])}: {pct(entry['mean'])} % ({label})"
             + (f", 95 % interval {ci} %" if ci else ", one replication: no interval")
             + f"; {target_text(entry)}" + (f" (this unit: {own})" if own else "") + f": {word}")
    small = f'<span class="ci">{ci}</span>' if ci else '<span class="ci">no interval</span>'
    terms = f'<span class="ci">{esc(own)}</span>' if own else ""
    return (f'<td class="num {esc(status)}" data-status="{esc(status)}" data-unit="{esc(entry["unit"])}" '
            f'data-standard="{esc(entry["standard"])}" title="{esc(words)}">{pct(entry["mean"])}&nbsp;%'
            f'{small}{terms}<span class="status">{esc(word)}</span></td>')


LEGEND = (
    '<p class="legend note"><span class="swatch met"></span>met: the whole 95&nbsp;% interval is on the '
    'right side of the target · <span class="swatch missed"></span>missed: the whole interval is on the '
    'wrong side · <span class="swatch cannot_tell"></span>cannot tell: the interval holds the target '
    "(more replications may tell) · –: the unit has no such contacts. Each cell: the share measured, mean "
    "over replications, its 95&nbsp;% interval below.</p>"
)


def scorecard_table(summary: dict) -> str:
    """Units (rows, the network first) × standards (columns), or "" without standards."""
    entries = standard_entries(summary)
    if not entries:
        return ""
    by_standard = _by_standard(entries)
    refs = {name: _reference(rows) for name, rows in by_standard.items()}
    head = "".join(
        f'<th title="{esc(ref.get("source") or "")}">{esc(ref.get("label") or name)}'
        f'<span class="target">—&nbsp;{_target_html(ref)}</span></th>'
        for name, ref in refs.items())
    cells = {(str(e["standard"]), str(e["unit"])): e for e in entries}
    rows = []
    for unit in _units(entries):
        tds = "".join(_cell(cells.get((name, unit)), refs[name]) for name in by_standard)
        cls = ' class="network"' if unit == "all" else ""
        rows.append(f"<tr{cls}><th>{esc(unit_name(unit))}</th>{tds}</tr>")
    return f'<div class="wide"><table class="scorecard"><tr><th>Unit</th>{head}</tr>{"".join(rows)}</table></div>'


def scorecard_section(summary: dict) -> str:
    """The scorecard section of a run's report: sentences, table and legend; "" without standards."""
    table = scorecard_table(summary)
    if not table:
        return ""
    sentences = "".join(f"<li>{s}</li>" for s in scorecard_sentences(summary))
    verdict = f'<ul class="verdict" id="standards-verdict">{sentences}</ul>'
    return section(HEAD_STANDARDS, verdict, table, LEGEND, _sources(standard_entries(summary)), anchor="standards")


def _sources(entries: list[dict]) -> str:
    """Where each standard's default comes from, in small print ("" when none is given)."""
    seen = {}
    for e in entries:
        if e.get("source") and e["standard"] not in seen:
            seen[e["standard"]] = f"{esc(e.get('label') or e['standard'])}: {esc(e['source'])}"
    if not seen:
        return ""
    return '<p class="note">Sources of the targets: ' + "; ".join(seen.values()) + ".</p>"


def format_standards(summary: dict) -> str:
    """The scorecard as text for the terminal: a heading line per standard, then a line
    per unit with the share in %, its 95 % interval and the status; "" without standards."""
    entries = standard_entries(summary)
    if not entries:
        return ""
    width = min(max(len(unit_name(e["unit"])) for e in entries), 36)
    lines = ["Service standards: the share measured (mean over replications), its 95 % interval, the status",
             f"  {'unit':<{width}} {'value':>7}  {'95 % interval':<15} status"]
    for rows in _by_standard(entries).values():
        ref = _reference(rows)
        lines.append(f"{ref.get('label') or ref['standard']} ({target_text(ref)})")
        for e in rows:
            name = unit_name(e["unit"])
            name = name if len(name) <= width else name[:width - 1] + "…"
            ci = interval_text(e) or "–"
            own = _own_terms(e, ref)
            status = STATUS_WORDS.get(e.get("status"), str(e.get("status")))
            lines.append(f"  {name:<{width}} {pct(e['mean']) + ' %':>7}  {ci:<15} {status}"
                         + (f" ({own})" if own else ""))
    return "\n".join(lines)
