"""What the measures and the output columns mean, in words: the generated reference's
(docs/reference.py) and anyone's who needs them.

The names, units and types come from the code (:data:`simoffice.model.measure_names.MEASURES`,
:data:`simoffice.measures.metrics.UNITS`, the tables of a run, :mod:`simoffice.model.log_columns`);
the meanings are written here, one per name. ``tests/test_reference.py`` fails when a
name of the code has no meaning here, or a meaning here names nothing in the code, so a
new measure or column cannot reach a release undocumented.
"""

# measure -> its definition (the unit comes from simoffice.measures.metrics.UNITS).
MEASURES = {
    "wait_mean_min": "mean queue time of served contacts",
    "wait_p50_min": "median queue time of served contacts",
    "wait_p90_min": "90th percentile of the queue time of served contacts",
    "wait_p95_min": "95th percentile of the queue time of served contacts",
    "service_level": "share of queued contacts (tickets, calls, sessions) served within their channel's target: "
                     "`run.service_level_target_min`, or the contact centre's `service_level_target_sec` for calls",
    "abandonment_rate": "share of queued contacts that reneged (hung up, for calls)",
    "visits_per_bundle_mean": "contacts (trips, calls, sessions, no-shows) a client makes until the bundle ends, "
                              "failed trips included",
    "one_visit_resolution": "share of ended bundles settled in exactly one contact",
    "bundle_completion_days_mean": "days from the first contact to the last need settled (expert decisions included)",
    "failed_trip_rate": "share of trips to a service point that found it closed or were sent away at closing with "
                        "nothing handled",
    "travel_min_per_bundle": "client travel time (there and back) per ended bundle",
    "utilisation": "busy desk time / on-duty desk time (offices, mobile offices, agents, advisors)",
    "overtime_min": "desk minutes per week on duty outside the scheduled duty periods: a client finished past the end "
                    "of a shift or the start of a break, those still waiting served after closing",
    "staff_hours": "paid (rostered) desk hours per week — the scheduled duty and the paid breaks, unpaid breaks left "
                   "out — plus the overtime",
    "cost": "staff hours × `staff_cost_per_hour` plus mobile offices' `cost_per_day`, per week (in `run.currency`)",
    "fte": "staff to employ: each unit's staff hours / (1 − its `shrinkage`), summed, over `contract_hours_per_week`",
    "contacts_per_week": "contacts per week, every channel and failed trips included",
    "queue_length_mean": "time-average number of clients waiting",
    "expert_turnaround_days": "expert centre: days from escalation to decision",
    "expert_backlog": "expert centre: time-average number of cases there",
    "expert_cases_per_week": "expert centre: cases escalated a week",
    "coverage_within_min": "the \"service circle\": population-weighted share of zone-days on which a service point "
                           "open to the zone is within `run.coverage_target_min` minutes of travel, over every "
                           "calendar day of the window (a weekend or holiday with every point closed is a day not "
                           "covered, so closing Fridays lowers it)",
    "coverage_open_days": "the same share as `coverage_within_min`, over the days on which some service point is open",
}

# table -> column -> meaning. Times ``*_min`` are minutes from the start of the run (day 0
# is run.start_date, 00:00) unless the meaning says it is a duration.
COLUMNS = {
    "contacts": {
        "replication": "the replication (0, 1, …)",
        "bundle": "the bundle the contact belongs to (its id in `bundles`, unique within a replication)",
        "visit": "the contact's number within its bundle (1 = the first)",
        "channel": "how the client made contact",
        "office": "the unit: an office, mobile office, contact centre or video centre (empty: online)",
        "zone": "where the client lives",
        "segment": "the client's group",
        "service": "the need the contact is about (the first need of the ticket)",
        "skill": "the skill that need takes",
        "desk_group": "the desk group that served it (empty: not served at a desk)",
        "desk": "the desk's number within its unit (−1: none)",
        "priority": "the ticket's priority class (higher is called first)",
        "n_needs": "needs the ticket carried",
        "n_settled": "needs settled in this contact",
        "arrival_min": "when the ticket was taken, the call made or the session begun",
        "start_min": "when service began (NaN: not served at a desk)",
        "end_min": "when the contact ended: served, or the client left",
        "wait_min": "queue time, a duration: from arrival to service, or to leaving the queue (NaN: no queue — a "
                    "trip to a closed point, a no-show, an online session)",
        "service_min": "service time, a duration: `end_min` − `start_min` (NaN: not served at a desk)",
        "travel_min": "travel for this contact, there and back, a duration (0 without a trip)",
        "outcome": "how the contact ended",
        "in_window": "the arrival lies in the measured window (after the warm-up, before new bundles stop): only "
                     "these rows count in the measures",
        "weekday": "weekday of the arrival, 0 = Monday",
        "hour": "hour of the day of the arrival, 0–23",
    },
    "bundles": {
        "replication": "the replication (0, 1, …)",
        "bundle": "the bundle's id (unique within a replication)",
        "office": "the unit of its first contact (empty: no contact)",
        "zone": "where the client lives",
        "segment": "the client's group",
        "bundle_type": "the life event (a `network.bundles` name)",
        "created_min": "when the bundle occurred",
        "first_visit_min": "its first contact (NaN: none)",
        "end_min": "when it ended, settled or given up (NaN: still open at the end of the run)",
        "visits": "contacts made (trips, calls, sessions, no-shows; failed trips included)",
        "tickets": "tickets taken at service points",
        "failed_trips": "trips that found the point closed or were sent away with nothing handled",
        "needs": "needs the bundle brought",
        "needs_settled": "needs settled",
        "needs_proactive": "needs delivered proactively, with no contact",
        "needs_escalated": "needs sent to the expert centre",
        "travel_min": "the client's travel over the bundle, there and back, a duration",
        "status": "how the bundle ended",
        "in_window": "created in the measured window: only these rows count in the measures",
    },
    "cases": {
        "replication": "the replication (0, 1, …)",
        "bundle": "the bundle the case belongs to",
        "zone": "where the client lives",
        "segment": "the client's group",
        "service": "the need escalated",
        "skill": "the skill it takes",
        "expert": "the desk number of the expert who decided it",
        "escalated_min": "when the case reached the expert centre",
        "start_min": "when an expert took it up",
        "end_min": "when it was decided (NaN: not by the end of the run)",
        "turnaround_days": "calendar days from escalation to decision: (`end_min` − `escalated_min`) / 1440",
        "follow_up": "the decision needs one more contact with the client",
        "in_window": "escalated in the measured window",
    },
    "timeseries": {
        "replication": "the replication (0, 1, …)",
        "office": "the unit",
        "desk_group": "the desk group (`all`: the unit's total)",
        "bin_start_min": "start of the 15-minute bin",
        "weekday": "weekday of the bin, 0 = Monday",
        "hour": "hour of the day of the bin, 0–23",
        "queue_mean": "time-average clients waiting whom the group could serve",
        "busy_mean": "time-average desks busy",
        "on_duty_mean": "time-average desks on duty",
    },
    "replications": {
        "replication": "the replication (0, 1, …)",
        "office": "the unit (`all`: the network)",
        "measure": "a measure's name (see [Measures](reference-measures.md))",
        "value": "the measure's value in that replication, in the measure's unit",
    },
    "groups": {
        "replication": "the replication (0, 1, …)",
        "by": "the split: `segment`, `zone`, `channel` or `weekday`",
        "group": "the group's name (a segment, zone, channel or weekday)",
        "measure": "a measure of the clients' side (see [Measures](reference-measures.md))",
        "value": "the measure's value for the group in that replication",
    },
    "standards": {
        "replication": "the replication (0, 1, …)",
        "office": "the unit (`all`: the network; `expert centre`)",
        "standard": "the standard's name (a `standards` key)",
        "value": "the share that met it (for an `abandonment` standard: the share that abandoned)",
    },
    "hours": {
        "replication": "the replication (0, 1, …)",
        "office": "the unit",
        "weekday": "weekday, 0 = Monday",
        "hour": "hour of the day, 0–23",
        "queued": "contacts that queued in that hour (by arrival)",
        "in_time": "of those, the ones seen within their channel's wait standard",
    },
    "weekly": {
        "replication": "the replication (0, 1, …)",
        "office": "the unit (`expert centre` for the expert centre's figures)",
        "week": "the week of the run, 0 = the first (measured weeks only)",
        "measure": "the weekly figure: a unit's mean wait and clients waiting, the expert centre's turnaround and "
                   "backlog",
        "value": "its value that week",
    },
}

# Columns of the engine's log that the tables do not keep under the same name, or that
# no table keeps: (log table, column) -> meaning.
LOG_ONLY = {
    ("BUNDLE_COLUMNS", "escalated"): "needs sent to the expert centre (`bundles.needs_escalated`)",
    ("BOOKING_COLUMNS", "office"): "the unit booked at (an office, or the video centre)",
    ("BOOKING_COLUMNS", "channel"): "`appointment` or `video`",
    ("BOOKING_COLUMNS", "requested_min"): "when the client asked for a slot",
    ("BOOKING_COLUMNS", "slot_min"): "the start of the slot booked: the free one nearest to the client's preferred "
                                     "time (NaN: none free)",
    ("BOOKING_COLUMNS", "offered_min"): "the start of the first free slot the unit could offer (NaN: none): what "
                                        "the `appointment_within` standard counts",
    ("DUTY_COLUMNS", "office"): "the unit",
    ("DUTY_COLUMNS", "desk_group"): "the desk group",
    ("DUTY_COLUMNS", "desk"): "the desk's number within its unit",
    ("DUTY_COLUMNS", "start_min"): "on duty from: the duty period's scheduled start",
    ("DUTY_COLUMNS", "end_min"): "to: when the desk went off duty, or the end of the run",
    ("DUTY_COLUMNS", "scheduled_end_min"): "the scheduled end (time on duty past it is overtime)",
    ("DUTY_COLUMNS", "paid_until_min"): "paid time runs on to here: the end of a paid break that follows, else the "
                                        "scheduled end",
}

# The engine's log tables: name in log_columns -> (what a row is, the run's table that keeps it or None).
LOG_TABLES = {
    "CONTACT_COLUMNS": ("contact", "contacts"),
    "BUNDLE_COLUMNS": ("bundle", "bundles"),
    "CASE_COLUMNS": ("case escalated to the expert centre", "cases"),
    "BOOKING_COLUMNS": ("booking request (an appointment at an office, a video session); kept by no table: "
                        "the `appointment_within` standard is counted from it", None),
    "DUTY_COLUMNS": ("duty period a desk worked; kept by no table: utilisation, overtime, staff hours, cost and "
                     "FTE are computed from it", None),
}
