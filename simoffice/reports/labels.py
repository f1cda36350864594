"""What the pages call the measures and the channels, in words for managers.

Every page that shows a measure takes its label, unit and whether it is a share
from :data:`MEASURES`, so a measure reads the same on a run's report, a
comparison and a sweep.
"""

from __future__ import annotations

from typing import Any

# key -> (label, unit, is_share). Shares are stored in [0, 1] and shown in %.
MEASURES: dict[str, tuple[str, str, bool]] = {
    "wait_mean_min": ("Mean wait", "min", False),
    "wait_p50_min": ("Median wait", "min", False),
    "wait_p90_min": ("90th percentile of wait", "min", False),
    "wait_p95_min": ("95th percentile of wait", "min", False),
    "service_level": ("Seen within the target wait", "%", True),
    "abandonment_rate": ("Left the queue before service", "%", True),
    "visits_per_bundle_mean": ("Contacts per bundle (visits, calls, sessions)", "contacts", False),
    "one_visit_resolution": ("Bundles settled in one contact", "%", True),
    "bundle_completion_days_mean": ("Time to complete a bundle", "days", False),
    "failed_trip_rate": ("Failed trips (office closed, or sent away at closing)", "%", True),
    "travel_min_per_bundle": ("Client travel per bundle", "min", False),
    "coverage_within_min": ("Residents with a service point open nearby, per calendar day", "%", True),
    "coverage_open_days": ("Residents with a service point open nearby, per open day", "%", True),
    "utilisation": ("Desk utilisation (busy / on duty)", "%", True),
    "overtime_min": ("Overtime (on duty outside the scheduled duty)", "min per week", False),
    "staff_hours": ("Staff hours (paid hours and overtime)", "h per week", False),
    "cost": ("Cost (staff hours × rate, and vehicles)", "per week", False),
    "fte": ("Staff to employ (full-time, after shrinkage)", "FTE", False),
    "contacts_per_week": ("Contacts", "per week", False),
    "queue_length_mean": ("Mean queue length", "clients", False),
    "expert_cases_per_week": ("Expert centre: cases escalated", "per week", False),
    "expert_turnaround_days": ("Expert centre: turnaround (escalation to decision)", "days", False),
    "expert_backlog": ("Expert centre: cases waiting or in progress", "cases", False),
}

# Channels in the simulator's code order, with a label and a plural noun for sentences.
CHANNEL_NAMES: dict[str, tuple[str, str]] = {
    "walk_in": ("Walk-in", "walk-ins"),
    "appointment": ("Appointment", "appointments"),
    "phone": ("Phone", "phone calls"),
    "video": ("Video", "video sessions"),
    "online": ("Online", "online sessions"),
    "mobile": ("Mobile office", "visits to a mobile office"),
}


def axis_title(key: str) -> str:
    """A measure's label with its unit for a figure: ``Mean wait (min)``, shares in ``%``."""
    label, unit, share = MEASURES[key]
    return f"{label} ({'%' if share else unit})"


def label(name: Any) -> str:
    """A config name as text for people (not yet escaped): ``job_seekers`` -> ``job seekers``."""
    return str(name).replace("_", " ")


def cap(text: str) -> str:
    """``text`` with its first letter upper case (the rest as it is)."""
    return text[:1].upper() + text[1:]
