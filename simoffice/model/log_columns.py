"""The columns of a replication's log and the types they are packed in.

Each table is a mapping column -> ``array``/``struct`` typecode (``q`` 64-bit, ``i``
32-bit, ``h`` 16-bit and ``b`` 8-bit integers, ``d`` float64). The engine's recorder
(:mod:`simoffice.engine.recorder`) packs rows in these types; the config's bounds
(:mod:`simoffice.config.bounds`) refuse values that would not fit them.
"""

CONTACT_COLUMNS = {
    "bundle": "q", "visit": "h", "office": "h", "segment": "h", "service": "h", "skill": "h",
    "n_needs": "b", "n_settled": "b", "desk_group": "h", "desk": "i", "priority": "h",
    "arrival_min": "d", "start_min": "d", "end_min": "d", "outcome": "b",
    "channel": "b", "zone": "h", "travel_min": "d",
}
BUNDLE_COLUMNS = {
    "bundle": "q", "office": "h", "segment": "h", "bundle_type": "h", "created_min": "d",
    "first_visit_min": "d", "end_min": "d", "visits": "h", "tickets": "h", "failed_trips": "h",
    "needs": "b", "needs_settled": "b", "status": "b",
    "zone": "h", "needs_proactive": "b", "travel_min": "d", "escalated": "b",
}
CASE_COLUMNS = {
    "bundle": "q", "zone": "h", "segment": "h", "service": "h", "skill": "h", "expert": "i",
    "escalated_min": "d", "start_min": "d", "end_min": "d", "follow_up": "b",
}
# One row per duty period a desk worked: on duty from ``start_min`` to ``end_min``
# (its scheduled start to when it went off duty, or the end of the run), scheduled to
# end at ``scheduled_end_min``; its paid time runs on to ``paid_until_min``, the end of
# a paid break that follows (else the scheduled end). Overtime is the time on duty
# past the scheduled end; paid hours are the scheduled duty and the paid breaks.
# One row per booking request (an appointment at an office, a video session): when the
# client asked (``requested_min``), the start of the slot booked (``slot_min``: the free one
# nearest to the client's preferred time) and of the first free slot the unit could offer
# (``offered_min``); NaN: none was free, and the client walked in instead or the bundle
# stayed open.
BOOKING_COLUMNS = {"office": "h", "channel": "b", "requested_min": "d", "slot_min": "d", "offered_min": "d"}
DUTY_COLUMNS = {
    "office": "h", "desk_group": "h", "desk": "i", "start_min": "d", "end_min": "d",
    "scheduled_end_min": "d", "paid_until_min": "d",
}
