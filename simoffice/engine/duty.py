"""Desks from shifts: one person, one desk.

A desk group's staff is a number of desks per shift. Each of them is a *post*:
one person working the shift on its days, off duty during the breaks that
desk takes (:meth:`simoffice.model.spec.Shift.breaks_of`). A post whose working
day begins exactly when another's ends — consecutive block shifts, 08–09 and
09–10 — is the same person carrying on: both become one desk, on duty through
the hand-over. Built as two desks, the first would finish its client while the
second starts the next one, a desk nobody scheduled. Posts whose days overlap
(``full`` 08–17 and ``peak`` 10–14) are different people, as are posts that
neither touch nor overlap. A break is inside its post: the same desk comes back.

Posts are chained in order of their first start in the week, each to the
lowest-numbered desk it continues (or that continues it) without overlapping
it; desks are then numbered by their first post in the config's order (a
group's staff in order, then the desks of a shift), so a staff without
touching shifts keeps one desk per post, in that order. Times are minutes.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from simoffice.model.spec import Shift
from simoffice.model.timetable import weekly_intervals
from simoffice.vocabulary import DAY, WEEK


@dataclass(frozen=True)
class Post:
    """Desk ``k`` of ``shift`` in a desk group; ``order``: its place in the config."""

    order: int
    shift: Shift
    k: int

    def spans(self) -> list[tuple[int, int]]:
        """Its working days in minutes of the week (0: Monday 00:00), breaks included."""
        return [(d * DAY + self.shift.start, d * DAY + self.shift.end) for d in sorted(self.shift.days)]


@dataclass
class _Chain:
    """The posts of one desk, and the working days they cover in the week (sorted, disjoint)."""

    posts: list[Post] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)

    def overlaps(self, spans: list[tuple[int, int]]) -> bool:
        starts = [lo for lo, _ in self.spans]
        for lo, hi in spans:
            i = bisect_left(starts, hi)  # the spans starting before this one ends
            if i and self.spans[i - 1][1] > lo:
                return True
        return False

    def touches(self, spans: list[tuple[int, int]]) -> bool:
        ends = {hi % WEEK for _, hi in self.spans}
        starts = {lo % WEEK for lo, _ in self.spans}
        return any(lo % WEEK in ends or hi % WEEK in starts for lo, hi in spans)

    def add(self, post: Post, spans: list[tuple[int, int]]) -> None:
        self.posts.append(post)
        self.spans = sorted(self.spans + spans)


def posts(staff: tuple[tuple[int, int], ...], shifts: tuple[Shift, ...]) -> list[Post]:
    """The posts of a desk group's ``staff`` (shift index, desks), in the config's order."""
    out: list[Post] = []
    for s, count in staff:
        out.extend(Post(len(out), shifts[s], k) for k in range(count))
    return out


def chain(group_posts: list[Post]) -> list[list[Post]]:
    """The desks of a desk group as lists of posts (see the module docstring)."""
    chains: list[_Chain] = []
    for post in sorted(group_posts, key=lambda p: (min((lo for lo, _ in p.spans()), default=0), p.order)):
        spans = post.spans()
        for c in chains:
            if c.touches(spans) and not c.overlaps(spans):
                c.add(post, spans)
                break
        else:
            c = _Chain()
            c.add(post, spans)
            chains.append(c)
    chains.sort(key=lambda c: min(p.order for p in c.posts))
    return [c.posts for c in chains]


def desk_duty(desk_posts: list[Post], start_weekday: int, n_days: int,
              holidays: frozenset[int]) -> tuple[list[tuple[float, float]], list[float]]:
    """A desk's duty periods over the horizon (sorted, disjoint: a hand-over
    between its posts is no break) and, per period, when its paid time ends: the
    period's end, or the end of the paid break that follows it."""
    on: list[list] = [[] for _ in range(7)]
    paid_breaks: list[list] = [[] for _ in range(7)]
    for p in desk_posts:
        for d in p.shift.days:
            on[d].extend(p.shift.periods(p.k))
            paid_breaks[d].extend((lo, hi) for lo, hi, paid in p.shift.breaks_of(p.k) if paid)
    duty = weekly_intervals([day or None for day in on], start_weekday, n_days, holidays)
    paid_after = dict(weekly_intervals([day or None for day in paid_breaks], start_weekday, n_days, holidays))
    return duty, [paid_after.get(hi, hi) for _, hi in duty]
