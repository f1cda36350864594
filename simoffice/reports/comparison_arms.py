"""The comparison page's "what was compared": each arm's colour, description, warnings and opening hours.

Every arm keeps one colour on the whole page (its card, its column headers and
its bars in the figures), from :data:`ARM_COLOURS`, chosen apart from the
green and red of better and worse. Descriptions and warnings are text from
configs and runs: escaped here.
"""

from __future__ import annotations

from typing import Any

from simoffice.reports.kit import esc, table
from simoffice.reports.warnings import run_warnings
from simoffice.studies.arm_description import WEEK

# Blue, orange, purple, teal, brown, grey, pink, olive: none of them reads as better or worse.
ARM_COLOURS = ("#3366cc", "#e08a00", "#8e44ad", "#17a2b8", "#8c564b", "#7f7f7f", "#d63384", "#9c9c00")


def arm_colour(comparison: Any, arm: str) -> str:
    """The colour of ``arm``: by its place among the comparison's arms."""
    return ARM_COLOURS[list(comparison.arms).index(arm) % len(ARM_COLOURS)]


def arm_name(comparison: Any, arm: str) -> str:
    """The arm's name (escaped) after a swatch of its colour."""
    return (f'<span class="arm-name" data-arm="{esc(arm)}"><span class="swatch" '
            f'style="background:{arm_colour(comparison, arm)}"></span>{esc(arm)}</span>')


def arm_cards(comparison: Any) -> str:
    """A card per arm: its name, what it is (the settings that differ from the baseline's)
    and its warnings."""
    cards = []
    for arm, res in comparison.arms.items():
        items = "".join(f"<li>{esc(item)}</li>" for item in comparison.descriptions.get(arm, []))
        warnings = "".join(
            f'<li class="warning" data-kind="{esc(w.get("kind") or "")}" data-unit="{esc(w.get("unit") or "")}">'
            f"{esc(w['text'])}</li>" for w in run_warnings(res.summary))
        role = "baseline" if arm == comparison.baseline else f"against {esc(comparison.baseline)}"
        cards.append(
            f'<div class="arm-card" data-arm="{esc(arm)}" style="border-top-color:{arm_colour(comparison, arm)}">'
            f'<h3>{arm_name(comparison, arm)} <span class="note">{role}</span></h3>'
            f'<ul class="arm-description">{items}</ul>'
            + (f'<ul class="warnings">{warnings}</ul>' if warnings else "") + "</div>")
    return f'<div class="arm-cards">{"".join(cards)}</div>'


def opening_table(comparison: Any) -> str:
    """Opening hours per weekday and a week's hours side by side, one column per arm; units
    with the same hours are one group; hours that differ between arms are in bold. When
    no unit's hours differ, the table is folded under a line that says so."""
    rows_in = comparison.opening_hours
    if not rows_in:
        return ""
    arms = list(comparison.arms)
    groups: dict[tuple, list[dict]] = {}
    for r in rows_in:
        groups.setdefault(tuple(r["units"]), []).append(r)
    rows = []
    for units, days in groups.items():
        for i, r in enumerate(days):
            head = (f'<th rowspan="{len(days)}" class="units">{esc(", ".join(units))}</th>' if i == 0 else "")
            cls = "changed" if r["differs"] else "same"
            cells = "".join(f'<td class="{cls}" data-arm="{esc(a)}">{esc(r["hours"].get(a, "–"))}</td>' for a in arms)
            day = "Hours a week" if r["weekday"] == WEEK else r["weekday"]
            week = ' class="week"' if r["weekday"] == WEEK else ""
            rows.append(f'<tr{week} data-weekday="{esc(r["weekday"])}">{head}<td>{esc(day)}</td>{cells}</tr>')
    head = ["Units", "Day"] + [arm_name(comparison, a) for a in arms]
    hours = table(head, rows, "Opening hours (days closed in every arm are left out; hours that differ between "
                              "arms in bold; – : the unit is not in that arm)")
    if any(r["differs"] for r in rows_in):
        return f'<div class="wide opening">{hours}</div>'
    return (f'<details class="opening"><summary>Opening hours: the same in every arm (show)</summary>'
            f"{hours}</details>")
