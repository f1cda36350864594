"""``comparison.html``: a self-contained page that decides between arms, for managers.

From the top: the verdict in words (per arm, how many measures are better, worse or
not clearly different than the baseline, the largest clear differences and where
they happen); what each arm is (the settings that differ, opening hours side by
side, each arm's warnings); the headline table (baseline, arm, the paired
difference with its 95 % interval, better / worse / no clear difference); the
network's service standards per arm; breakdowns by unit, by weekday and, in a
study about coverage, by zone; a small figure per headline measure; every
measure for reference. With one replication there is no interval and the page
says so instead of a verdict. Names from configs are escaped; the page is built
from :mod:`simoffice.reports.kit`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from simoffice.reports.comparison_arms import arm_cards, arm_name, opening_table
from simoffice.reports.comparison_figures import figures
from simoffice.reports.comparison_tables import breakdown_tables, headline_table, measures_table, standards_table
from simoffice.reports.kit import esc, page, section, write_html
from simoffice.run.pages import page_writer

HEAD_VERDICT = "Verdict"
LEGEND = ('<p class="legend note"><span class="swatch v-better"></span>better · '
          '<span class="swatch v-worse"></span>worse · <span class="swatch v-unclear"></span>no clear difference '
          '(the 95&nbsp;% interval of the paired difference holds 0) · <span class="swatch v-neutral"></span>'
          "higher or lower, neither better nor worse</p>")


def verdict_box(comparison: Any) -> str:
    """The summary in words: per arm its headline (bold) and sentences; or why there is no verdict."""
    summary = comparison.summary
    if summary.get("no_verdict"):
        body = f'<p class="no-verdict">{esc(summary["no_verdict"])}</p>'
    else:
        parts = []
        for arm, head in summary["headline"].items():
            sentences = "".join(f"<li>{esc(s)}</li>" for s in summary["sentences"].get(arm, []))
            parts.append(f'<div class="arm-verdict" data-arm="{esc(arm)}"><p class="headline">{esc(head)}</p>'
                         f"<ul>{sentences}</ul></div>")
        body = "".join(parts) or "<p>No measure to compare.</p>"
    return f'<div class="summary" id="verdict"><b>{HEAD_VERDICT}</b>{body}</div>'


def build_comparison_html(comparison: Any) -> str:
    """The comparison page as one self-contained HTML string."""
    arms = list(comparison.arms)
    meta = comparison.arms[arms[0]].summary["meta"]
    subtitle = (f"Network <b>{esc(meta.get('network', '?'))}</b> · {esc(meta.get('weeks', '?'))} weeks, "
                f"{esc(meta.get('warmup_weeks', '?'))} of warm-up · {esc(meta.get('replications', '?'))} "
                f"replications with seed {esc(meta.get('seed', '?'))} in every arm · baseline: "
                f"{arm_name(comparison, arms[0])} · cost in {esc(comparison.currency)}")
    body = [
        verdict_box(comparison),
        section("What was compared", arm_cards(comparison), opening_table(comparison), anchor="arms"),
        section("Headline measures", headline_table(comparison), LEGEND, anchor="headline"),
    ]
    standards = standards_table(comparison)
    if standards:
        body.append(section("Service standards", standards, anchor="standards"))
    for by, heading in (("unit", "By unit"), ("weekday", "By weekday"), ("zone", "By zone: where clients live")):
        tables = breakdown_tables(comparison, by)
        if tables:
            body.append(section(heading, tables, anchor=f"by-{by}"))
    drawn = figures(comparison, list(dict.fromkeys(comparison.headline["measure"])) or
                    [m for m in ("wait_mean_min", "service_level", "failed_trip_rate", "cost")])
    if drawn:
        body.append(section("Figures", '<p class="note">Mean over replications; bars: 95 % intervals; one colour '
                                       "per arm.</p>", drawn, anchor="figures"))
    body.append(section("All measures", measures_table(comparison), anchor="measures"))
    footer = ("simoffice · every arm sees the same clients (common random numbers); intervals are 95 % "
              "Student-t intervals over replications, differences paired by replication. Each arm's own report "
              "is in its folder.")
    return page("simoffice comparison: " + " vs ".join(arms), body, footer, subtitle)


@page_writer("comparison")
def write_comparison_report(comparison: Any, path: str | os.PathLike) -> Path:
    """Write ``comparison.html`` atomically."""
    return write_html(build_comparison_html(comparison), path)
