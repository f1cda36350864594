"""The run's warnings, for the report and the terminal.

``summary["warnings"]`` lists what makes a figure of the run doubtful or shows a
config that does not do what it seems to: a unit whose backlog or wait grows week
over week (``unstable``: its mean is not a steady figure), a unit open with no desk
on duty, a skill needed while no staffed desk has it, opening hours that disagree
with the shifts, too few replications for an interval. Each is a dict
``{"kind", "unit", "text"}`` whose ``text`` is one plain sentence (escaped here).
"""

from __future__ import annotations

import textwrap

from simoffice.reports.kit import esc, section

HEAD_WARNINGS = "Warnings"


def run_warnings(summary: dict) -> list[dict]:
    """The summary's warnings that have a text (none for a run saved before warnings existed)."""
    return [w for w in summary.get("warnings") or [] if w.get("text")]


def warnings_section(summary: dict) -> str:
    """A list of the warnings, each ``<li class="warning" data-kind=…>``; "" when there are none."""
    items = [
        f'<li class="warning" data-kind="{esc(w.get("kind") or "")}" data-unit="{esc(w.get("unit") or "")}">'
        f"{esc(w['text'])}</li>"
        for w in run_warnings(summary)
    ]
    if not items:
        return ""
    return section(HEAD_WARNINGS, f'<ul class="warnings">{"".join(items)}</ul>', anchor="warnings")


def format_warnings(summary: dict, width: int = 100) -> str:
    """The warnings as ``warning: <text>`` for the terminal, each wrapped at ``width``
    characters (its further lines indented); "" when there are none."""
    return "\n".join(textwrap.fill(f"warning: {w['text']}", width=width, subsequent_indent="  ",
                                    break_on_hyphens=False)
                      for w in run_warnings(summary))
