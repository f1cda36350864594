"""Words and units every layer shares: simulated time is in minutes.

Day ``d`` of a run starts at ``d * DAY`` minutes after midnight of
``run.start_date``; weekdays are numbered 0 = Monday to 6 = Sunday.
"""

from __future__ import annotations

DAY = 1440  # minutes in a day
WEEK = 7 * DAY  # minutes in a week

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # config keys, Monday first
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # as pages and messages show them


def hhmm(minutes: float) -> str:
    """Minutes since midnight as ``HH:MM`` (``1440`` is ``24:00``; seconds are dropped)."""
    m = int(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"
