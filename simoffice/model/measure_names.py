"""The names of the summary measures: the public contract (the "Measures" table of docs/pages/outputs.md), here in the
model layer so that a config may name a measure (``run.precision``) and be checked
where it is built. What each measure is: :mod:`simoffice.measures.metrics`."""

MEASURES = (
    "wait_mean_min", "wait_p50_min", "wait_p90_min", "wait_p95_min", "service_level",
    "abandonment_rate", "visits_per_bundle_mean", "one_visit_resolution",
    "bundle_completion_days_mean", "failed_trip_rate", "travel_min_per_bundle", "utilisation",
    "overtime_min", "staff_hours", "cost", "fte", "contacts_per_week", "queue_length_mean",
    "expert_turnaround_days", "expert_backlog", "expert_cases_per_week", "coverage_within_min",
    "coverage_open_days",
)
