"""A self-contained HTML report of one run, for managers.

:func:`build_report_html` turns a results object (``summary``, ``contacts``,
``bundles``, ``timeseries``, ``replications``) into one page (see
:mod:`simoffice.reports.kit`): a title, a plain-language summary, a table of
measures with 95 % intervals, views per channel (:mod:`~simoffice.reports.channels`),
per client group and per zone (:mod:`~simoffice.reports.equity`), and plotly
figures (:mod:`~simoffice.reports.run_figures`). :func:`write_report` writes it
atomically.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from simoffice.reports.channels import channel_section, channel_sentence
from simoffice.reports.equity import segment_section, zone_section
from simoffice.reports.kit import esc, figure_divs, finite, num, page, section, write_html
from simoffice.reports.labels import MEASURES, cap
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
from simoffice.reports.run_figures import run_figures
from simoffice.run.pages import page_writer

__all__ = ["build_report_html", "write_report"]


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
    return (f"On an average open day, {100 * cov:.0f}&nbsp;% of residents have a service point open "
            f"that day {within} (one way).")


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
        labels["coverage_within_min"] = (f"Residents with a service point open that day within {cov_target:g} min",
                                         "%", True)
    return labels


def _measures_table(summary: dict, results: Any = None) -> str:
    """Known measures in a fixed, readable order, then any others by key; measures
    without a value in this run (no expert centre, say) are left out."""
    measures = summary.get("measures", {})
    keys = [k for k in MEASURES if k in measures] + [k for k in measures if k not in MEASURES]
    if results is not None and not has_residents(results):
        keys = [k for k in keys if k != "coverage_within_min"]
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


def build_report_html(results: Any) -> str:
    """Return the report as one self-contained HTML page (plotly.js inlined once)."""
    summary = results.summary
    meta = summary.get("meta", {})
    channel_html, channel_fig = channel_section(results)
    figures = ([] if channel_fig is None else [("fig-channels", channel_fig)]) + run_figures(results)
    divs = figure_divs(figures)
    if channel_fig is not None:  # the channels' figure goes with their section
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
    )
    body = [
        _summary_paragraph(summary, results),
        section("Measures", _measures_table(summary, results)),
        channel_html,
        segment_section(results),
        zone_section(results),
        section("Figures", *divs),
    ]
    return page(f"simoffice report: {meta.get('network', '')}", body, footer, subtitle)


@page_writer("run")
def write_report(results: Any, path: str | os.PathLike) -> Path:
    """Write the report to ``path`` atomically and return the path."""
    return write_html(build_report_html(results), path)
