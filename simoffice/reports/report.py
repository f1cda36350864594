"""A self-contained HTML report of one run, for managers: the answers first.

:func:`build_report_html` turns a results object (``summary``, ``contacts``,
``bundles``, ``timeseries``, ``replications``, ``hours``) into one page (see
:mod:`simoffice.reports.kit`): a title; the scorecard of units × service standards
(:mod:`~simoffice.reports.scorecard`); the run's warnings
(:mod:`~simoffice.reports.warnings`); a plain-language summary; when and where the
wait standard is missed, as a heat map per unit and the worst hours in a sentence
(:mod:`~simoffice.reports.served_hours`); a table of measures with 95 % intervals;
views per channel (:mod:`~simoffice.reports.channels`), per client group and per
zone (:mod:`~simoffice.reports.equity`); the map (:mod:`~simoffice.reports.map`);
and plotly figures (:mod:`~simoffice.reports.run_figures`). A light page
(``run.report=light``) keeps the words and tables and leaves out every figure and
plotly.js. :func:`write_report` writes it atomically.

A summary saved before standards, warnings or the ``hours`` table existed is read
as it is: those parts are left out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from simoffice.reports.channels import channel_section, channel_sentence
from simoffice.reports.equity import segment_section, zone_section
from simoffice.reports.kit import esc, figure_divs, finite, num, page, section, write_html
from simoffice.reports.labels import MEASURES, cap
from simoffice.reports.map import map_section
from simoffice.reports.run_facts import (
    clip,
    coverage_target,
    has_residents,
    mean_of,
    measure,
    phone_target_sec,
    spec_of,
    target_min,
)
from simoffice.reports.run_figures import run_figures, served_figure
from simoffice.reports.scorecard import scorecard_section
from simoffice.reports.served_hours import hour_cells, worst_cells, worst_cells_sentence
from simoffice.reports.warmup_figure import warmup_figures
from simoffice.reports.warnings import warnings_section
from simoffice.run.pages import page_writer

__all__ = ["build_report_html", "write_report", "LEVELS"]

# What a run's report.html holds: the whole page, or one without figures (no plotly.js).
LEVELS = ("full", "light")
HEAD_HOURS = "When the wait standard is missed"
COVERAGE_KEYS = ("coverage_within_min", "coverage_open_days")


def _target_text(target: float, phone_sec: float | None) -> str:
    if phone_sec is None:
        return f"{target:g} min"
    return f"the target wait ({target:g} min, or {phone_sec:g} s on the phone)"


def _coverage_sentence(results: Any) -> str | None:
    cov = mean_of(results.summary, "coverage_within_min")
    if cov is None or not has_residents(results):
        return None
    target = coverage_target(results)
    within = f"within {target:g} min" if target is not None else "within the coverage target"
    text = (f"On an average day, {100 * cov:.0f}&nbsp;% of residents have a service point open "
            f"that day {within} (one way)")
    open_days = mean_of(results.summary, "coverage_open_days")
    if open_days is not None:
        text += f"; counting only the days a service point is open, {100 * open_days:.0f}&nbsp;%"
    return text + "."


def _expert_sentence(summary: dict) -> str | None:
    cases = mean_of(summary, "expert_cases_per_week")
    if cases is None:
        return None
    text = f"The expert centre received {cases:.1f} cases a week"
    days = mean_of(summary, "expert_turnaround_days")
    if days is not None:
        text += f" and took {days:.2f} days on average from escalation to decision"
    backlog = mean_of(summary, "expert_backlog")
    if backlog is not None:
        text += f"; {backlog:.1f} cases were waiting or in progress on average"
    return text + "."


def _headline(summary: dict, phone_sec: float | None) -> list[str]:
    """The clients' and the desks' headline numbers as clauses of one sentence."""
    parts = []
    wait = mean_of(summary, "wait_mean_min")
    if wait is not None:
        m = measure(summary, "wait_mean_min")
        text = f"clients waited {wait:.1f} min on average"
        if m.get("ci_low") is not None and m.get("ci_high") is not None:
            text += f" (95&nbsp;% CI {m['ci_low']:.1f}–{m['ci_high']:.1f})"
        parts.append(text)
    sl = mean_of(summary, "service_level")
    if sl is not None:
        parts.append(f"{100 * sl:.0f}&nbsp;% were seen within {_target_text(target_min(summary), phone_sec)}")
    ab = mean_of(summary, "abandonment_rate")
    if ab is not None:
        parts.append(f"{100 * ab:.0f}&nbsp;% gave up waiting")
    ut = mean_of(summary, "utilisation")
    if ut is not None:
        parts.append(f"desks were busy {100 * ut:.0f}&nbsp;% of their time on duty")
    vb = mean_of(summary, "visits_per_bundle_mean")
    if vb is not None:
        parts.append(f"a bundle took {vb:.1f} contacts on average")
    return parts


def _summary_paragraph(summary: dict, results: Any = None) -> str:
    """The headline numbers in a few sentences, skipping any that are missing."""
    parts = _headline(summary, phone_target_sec(spec_of(results)))
    if not parts:
        return '<p class="summary">No measures were recorded in this run.</p>'
    sentences = [cap("; ".join(parts)) + "."]
    if results is not None:
        sentences += [s for s in (channel_sentence(results), _coverage_sentence(results)) if s]
    expert = _expert_sentence(summary)
    if expert:
        sentences.append(expert)
    return f'<p class="summary">{" ".join(sentences)}</p>'


def _measure_labels(summary: dict, results: Any) -> dict[str, tuple[str, str, bool]]:
    """:data:`MEASURES` with the run's own targets in the labels that name one."""
    labels = dict(MEASURES)
    phone_sec = phone_target_sec(spec_of(results))
    labels["service_level"] = (
        f"Seen within the target wait ({target_min(summary):g} min"
        + ("" if phone_sec is None else f", or {phone_sec:g} s on the phone") + ")", "%", True)
    cov_target = coverage_target(results) if results is not None else None
    if cov_target is not None:
        for key, per in (("coverage_within_min", "calendar day"), ("coverage_open_days", "open day")):
            labels[key] = (f"Residents with a service point open that day within {cov_target:g} min, per {per}",
                           "%", True)
    return labels


def _measures_table(summary: dict, results: Any = None) -> str:
    """Known measures in a fixed, readable order, then any others by key; measures
    without a value in this run (no expert centre, say) are left out."""
    measures = summary.get("measures", {})
    keys = [k for k in MEASURES if k in measures] + [k for k in measures if k not in MEASURES]
    if results is not None and not has_residents(results):
        keys = [k for k in keys if k not in COVERAGE_KEYS]
    labels = _measure_labels(summary, results)
    rows = []
    for key in keys:
        m = measures[key] or {}
        if finite(m.get("mean")) is None:
            continue
        label, unit, share = labels.get(key, (key, "", False))
        scale = 100.0 if share else 1.0

        def val(name: str) -> float | None:
            v = finite(m.get(name))
            return None if v is None else scale * v

        lo, hi = clip(val("ci_low"), val("ci_high"), share)
        ci = "–" if lo is None or hi is None else f"{num(lo)} – {num(hi)}"
        rows.append(
            f'<tr><td title="{esc(key)}">{esc(label)}</td><td class="num">{num(val("mean"))}</td>'
            f'<td class="num">{ci}</td><td class="num">{esc(m.get("n", "–"))}</td>'
            f"<td>{esc(unit)}</td></tr>"
        )
    if not rows:
        return '<p class="note">No measures have a value in this run.</p>'
    head = "<tr><th>Measure</th><th>Mean</th><th>95&nbsp;% interval</th><th>n</th><th>Units</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


def _units_in_order(results: Any, cells: Any) -> list[str]:
    """The units in config order: the spec's, else as they first appear in the cells."""
    offices = [o.name for o in getattr(spec_of(results), "offices", ())]
    return offices or list(dict.fromkeys(cells["office"]))


def _hour_cells(results: Any) -> Any:
    """The run's unit × weekday × hour cells, or None for results without an ``hours`` table."""
    hours = getattr(results, "hours", None)
    if hours is None or not {"queued", "in_time"} <= set(getattr(hours, "columns", ())):
        return None
    return hour_cells(hours)


def build_report_html(results: Any, light: bool = False) -> str:
    """Return the report as one self-contained HTML page (plotly.js inlined once);
    ``light``: without figures and without plotly.js."""
    summary = results.summary
    meta = summary.get("meta", {})
    cells = _hour_cells(results)
    channel_html, channel_fig = channel_section(results)
    hours_parts = []
    if cells is not None:
        worst = worst_cells_sentence(worst_cells(results.hours))
        hours_parts.append(f'<p class="verdict" id="worst-hours">{worst}</p>')
    # Figures in page order: plotly.js is inlined with the first one.
    figures = []
    if not light:
        if cells is not None and not cells.empty:
            figures.append(("fig-served", served_figure(cells, _units_in_order(results, cells))))
        if channel_fig is not None:
            figures.append(("fig-channels", channel_fig))
        figures += run_figures(results)
        figures += warmup_figures(results)  # run.warmup_weeks=auto only
    divs = figure_divs(figures)
    if cells is not None and not cells.empty and not light:
        hours_parts.append(divs.pop(0))
    if channel_fig is not None and not light:  # the channels' figure goes with their section
        channel_html += divs.pop(0)
    subtitle = (
        f"Schedule <b>{esc(meta.get('schedule', '?'))}</b> · design <b>{esc(meta.get('design', '?'))}</b>"
        f" · {esc(meta.get('weeks', '?'))} weeks simulated, of which"
        f" {esc(meta.get('warmup_weeks', '?'))} warm-up"
        f" · {esc(meta.get('replications', '?'))} replications"
    )
    footer = (
        f"simoffice {esc(meta.get('version', ''))} · seed {esc(meta.get('seed', '?'))}"
        " · intervals are 95&nbsp;% confidence intervals over replications (Student t),"
        " cut to the possible range of a measure"
        + (" · a light page: figures left out (run.report=light)" if light else "")
    )
    body = [
        scorecard_section(summary),
        warnings_section(summary),
        _summary_paragraph(summary, results),
        section(HEAD_HOURS, *hours_parts, anchor="hours") if hours_parts else "",
        section("Measures", _measures_table(summary, results)),
        channel_html,
        segment_section(results),
        zone_section(results),
        "" if light else map_section(results),
        "" if light else section("Figures", *divs),
    ]
    return page(f"simoffice report: {meta.get('network', '')}", [b for b in body if b], footer, subtitle)


@page_writer("run")
def write_report(results: Any, path: str | os.PathLike, level: str = "full") -> Path:
    """Write the report to ``path`` atomically and return the path; ``level`` is ``"full"``
    (every figure) or ``"light"`` (words and tables, no plotly.js).

    Raises:
        ValueError: ``level`` is neither (``"none"`` writes no page: the caller skips it).
    """
    if level not in LEVELS:
        raise ValueError(f"level: expected one of {list(LEVELS)} (got {level!r})")
    return write_html(build_report_html(results, light=level == "light"), path)
