"""The comparison page's tables: the headline with verdicts, the breakdowns, standards, every measure.

A difference cell holds the paired difference arm − baseline (shares in
percentage points) with its 95 % interval and the two levels in small print,
and is coloured by its verdict (``data-verdict``): green better, red worse, grey
no clear difference, blue higher or lower for a measure that is neither better
nor worse (utilisation).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from simoffice.reports.comparison_arms import arm_name
from simoffice.reports.kit import cell, esc, finite, num, table
from simoffice.reports.labels import MEASURES, cap
from simoffice.reports.scorecard import STATUS_WORDS, interval_text, pct, standard_entries, target_text, unit_name
from simoffice.studies.compare_breakdown import BREAKDOWN_MEASURES
from simoffice.studies.compare_verdict import BETTER, HIGHER, LOWER, NO_VERDICT, UNCLEAR, WORSE

VERDICT_CLASS = {BETTER: "v-better", WORSE: "v-worse", UNCLEAR: "v-unclear", HIGHER: "v-neutral v-higher",
                 LOWER: "v-neutral v-lower", NO_VERDICT: "v-none"}


def _share(measure: str) -> bool:
    return MEASURES[measure][2]


def measure_label(measure: str, currency: str) -> str:
    """A measure's label for a table, with its unit: ``Mean wait (min)``, ``… (%)``, ``Cost (EUR per week)``."""
    label, unit, share = MEASURES[measure]
    unit = f"{currency} {unit}" if measure == "cost" else unit
    return f"{label} ({'%' if share else unit})"


def _scaled(x: Any, share: bool) -> float | None:
    x = finite(x)
    return None if x is None else (x * 100 if share else x)


def signed(x: float | None) -> str:
    """A difference with its sign: ``+1.95``, ``−3.15``, ``0.00``; two significant digits below
    0.1 (``+0.0085``); ``–`` for none."""
    if x is None:
        return "–"
    text = num(abs(x)) if abs(x) >= 0.1 or x == 0 else f"{abs(x):.2g}"
    return text if text.strip("0.,") == "" else ("−" if x < 0 else "+") + text


def interval(low: float | None, high: float | None) -> str:
    """A difference's interval in small print; "" without one or when it is a single number
    (the difference is the same in every replication)."""
    if low is None or high is None or abs(high - low) <= 1e-9 * max(1.0, abs(low), abs(high)):
        return ""
    return f'<span class="ci">{signed(low)} to {signed(high)}</span>'


def difference_cell(row: Any, measure: str, levels: bool = True) -> str:
    """A paired difference (a row with ``mean, ci_low, ci_high, baseline_mean, arm_mean,
    verdict``) as a cell coloured by its verdict; ``levels``: the two means and the
    verdict's word below (else the interval only)."""
    share = _share(measure)
    mean, lo, hi = (_scaled(row.get(k), share) for k in ("mean", "ci_low", "ci_high"))
    verdict = row.get("verdict") or NO_VERDICT
    b, a = _scaled(row.get("baseline_mean"), share), _scaled(row.get("arm_mean"), share)
    if mean is None:
        if b is None and a is None:
            return f'<td class="num v-none" data-verdict="{esc(NO_VERDICT)}">–</td>'
        where = "only in the baseline" if a is None else "only in this arm"
        return (f'<td class="num v-none" data-verdict="{esc(NO_VERDICT)}" data-measure="{esc(measure)}">'
                f'{num(b if a is None else a)}<span class="ci">{where}</span></td>')
    ci = interval(lo, hi)
    lv = f'<span class="ci">{num(b)} → {num(a)}</span>' if levels else ""
    word = f'<span class="vword">{esc(verdict)}</span>' if levels else ""
    return (f'<td class="num {VERDICT_CLASS.get(verdict, "v-none")}" data-verdict="{esc(verdict)}" '
            f'data-measure="{esc(measure)}">{signed(mean)}{ci}{lv}{word}</td>')


def headline_table(comparison: Any) -> str:
    """Per verdict measure: the baseline's mean, and per arm its mean, the difference
    with its interval and the verdict. Without intervals (one replication): the means only."""
    arms = list(comparison.arms)
    head_rows = comparison.headline
    verdicts = comparison.summary.get("no_verdict") is None
    currency = comparison.currency
    head = ["Measure", f"{arm_name(comparison, arms[0])}<span class='ci'>baseline</span>"]
    for a in arms[1:]:
        head.append(arm_name(comparison, a))
        if verdicts:
            head += [f"{arm_name(comparison, a)} − {esc(arms[0])}<span class='ci'>difference (95 % interval)</span>",
                     "Verdict"]
    measures = list(dict.fromkeys(head_rows["measure"]))
    by = head_rows.set_index(["arm", "measure"])
    rows = []
    for m in measures:
        share = _share(m)
        cells = [f"<td>{esc(measure_label(m, currency))}</td>"]
        base = comparison.arms[arms[0]].summary["measures"].get(m) or {}
        cells.append(cell(*(_scaled(base.get(k), share) for k in ("mean", "ci_low", "ci_high"))))
        for a in arms[1:]:
            own = comparison.arms[a].summary["measures"].get(m) or {}
            cells.append(cell(*(_scaled(own.get(k), share) for k in ("mean", "ci_low", "ci_high"))))
            if not verdicts:
                continue
            if (a, m) in by.index:
                r = by.loc[(a, m)]
                cells.append(difference_cell(r, m, levels=False))
                v = r["verdict"]
                cells.append(f'<td class="verdict-word {VERDICT_CLASS.get(v, "v-none")}" data-verdict="{esc(v)}" '
                             f'data-arm="{esc(a)}" data-measure="{esc(m)}">{esc(v)}</td>')
            else:
                cells += ['<td class="num">–</td>', "<td>–</td>"]
        rows.append(f'<tr data-measure="{esc(m)}">{"".join(cells)}</tr>')
    caption = ("Mean over replications with its 95 % interval below; the difference is paired by replication "
               "(the same clients in every arm); shares in %, their differences in percentage points. "
               "Better or worse: the whole interval of the difference lies on one side of 0; utilisation is "
               "neither better nor worse when higher.")
    if not verdicts:
        caption = "Mean over replications (one replication: no interval, no difference, no verdict)."
    return f'<div class="wide">{table(head, rows, caption)}</div>'


BREAKDOWN_HEADS = {"unit": "Unit", "weekday": "Day the contact or bundle began", "zone": "Zone (where clients live)"}


def breakdown_tables(comparison: Any, by: str) -> str:
    """One table per arm against the baseline: rows the units (weekdays, zones), columns the
    breakdown's measures, each cell a paired difference coloured by its verdict."""
    data: pd.DataFrame | None = comparison.breakdowns.get(by)
    if data is None or data.empty:
        return ""
    currency = comparison.currency
    measures = [m for m in BREAKDOWN_MEASURES[by] if m in set(data["measure"])]
    out = []
    for arm, part in data.groupby("arm", sort=False):
        by_cell = {(r["group"], r["measure"]): r for r in part.to_dict(orient="records")}
        rows = []
        for g in dict.fromkeys(part["group"]):
            cells = "".join(difference_cell(by_cell[(g, m)], m) if (g, m) in by_cell else '<td class="num">–</td>'
                            for m in measures)
            rows.append(f'<tr data-group="{esc(g)}"><th>{esc(g)}</th>{cells}</tr>')
        head = [BREAKDOWN_HEADS[by]] + [esc(cap(measure_label(m, currency))) for m in measures]
        caption = (f"{arm_name(comparison, arm)} − {arm_name(comparison, comparison.baseline)}: the paired "
                   "difference, its 95 % interval, then baseline → arm")
        out.append(f'<div class="wide" data-breakdown="{esc(by)}" data-arm="{esc(arm)}">'
                   f"{table(head, rows, caption)}</div>")
    return "\n".join(out)


def _standard_cell(entry: dict | None) -> str:
    if entry is None:
        return '<td class="na">–</td>'
    status = str(entry.get("status"))
    ci = interval_text(entry)
    small = f'<span class="ci">{ci}</span>' if ci else '<span class="ci">no interval</span>'
    return (f'<td class="num {esc(status)}" data-status="{esc(status)}">{pct(entry["mean"])}&nbsp;%{small}'
            f'<span class="status">{esc(STATUS_WORDS.get(status, status))}</span></td>')


def standards_table(comparison: Any) -> str:
    """Each arm's network-level standards and their status side by side, then the
    units whose status differs between arms; "" when no arm has standards."""
    arms = list(comparison.arms)
    entries = {a: {(str(e["unit"]), str(e["standard"])): e for e in standard_entries(comparison.arms[a].summary)}
               for a in arms}
    keys = list(dict.fromkeys(k for a in arms for k in entries[a]))
    if not keys:
        return ""
    network = [k for k in keys if k[0] == "all"]
    differing = [k for k in keys if k[0] != "all"
                 and len({(entries[a].get(k) or {}).get("status") for a in arms}) > 1]
    rows = []
    for unit, standard in network + differing:
        ref = next(entries[a][(unit, standard)] for a in arms if (unit, standard) in entries[a])
        cells = "".join(_standard_cell(entries[a].get((unit, standard))) for a in arms)
        cls = ' class="network"' if unit == "all" else ""
        rows.append(f'<tr{cls} data-unit="{esc(unit)}" data-standard="{esc(standard)}"><th>{esc(unit_name(unit))}'
                    f'</th><td>{esc(ref.get("label") or standard)}<span class="ci">{target_text(ref, "&nbsp;")}'
                    f"</span></td>{cells}</tr>")
    head = ["Unit", "Standard"] + [arm_name(comparison, a) for a in arms]
    note = ("the network, then the units whose status differs between arms" if differing else
            "the network (no unit's status differs between arms)")
    return table(head, rows, f"Service standards: {note}. Met: the whole 95 % interval is on the right side "
                             "of the target; missed: wholly on the wrong side; cannot tell: it holds the target.")


def measures_table(comparison: Any) -> str:
    """Every measure of every arm (mean and interval) and the paired differences, for reference."""
    arms = list(comparison.arms)
    currency = comparison.currency
    others = arms[1:]
    head = ["Measure"] + [arm_name(comparison, a) for a in arms] + [f"{esc(a)} − {esc(arms[0])}" for a in others]
    diffs = comparison.differences.set_index(["arm", "measure"]) if len(comparison.differences) else None
    rows = []
    for key, (_, _, share) in MEASURES.items():
        cells = [comparison.arms[a].summary["measures"].get(key) for a in arms]
        if all(not c or c.get("mean") is None for c in cells):
            continue
        row = [f"<td>{esc(measure_label(key, currency))}</td>"]
        row += [cell(*(_scaled((c or {}).get(k), share) for k in ("mean", "ci_low", "ci_high"))) for c in cells]
        for a in others:
            if diffs is not None and (a, key) in diffs.index:
                r = diffs.loc[(a, key)]
                ci = interval(_scaled(r["ci_low"], share), _scaled(r["ci_high"], share))
                row.append(f'<td class="num">{signed(_scaled(r["mean"], share))}{ci}</td>')
            else:
                row.append('<td class="num">–</td>')
        rows.append(f'<tr data-measure="{esc(key)}">' + "".join(row) + "</tr>")
    caption = "Mean over replications, 95 % interval below; differences are paired by replication, shares in points"
    return f'<div class="wide">{table(head, rows, caption)}</div>'
