"""A client's choices before a contact: the channel, the service point, the time.

The channel follows the segment's preferences over the channels open to the
client for the needs still open, which depends on the kind of unit that serves
the channel (see :mod:`simoffice.model.channels`):

- a walk-in is always possible (every client's last resort);
- an appointment needs an office with a calendar in reach for the first open need;
- the phone and online need an open need they take up and have not yet tried;
- a video session needs one too, joined from home or at a joint service point;
- a client the phone advised to go to an office chooses among the physical channels.

A service point is chosen by a logit on the trip's cost; a contact happens now
or, after a failed or unfinished one, on a later day at a time drawn from the
arrival profile.
"""

from __future__ import annotations

import math

from simoffice.engine.clients import Client
from simoffice.engine.reach import Reach
from simoffice.model.channels import CHANNEL_TABLE, WALK_IN, Channel
from simoffice.model.spec import OFFICE, VIDEO_CENTRE, ModelSpec
from simoffice.vocabulary import DAY

# When a choosable channel is available, by the kind of unit that serves it (None: always).
BOOKABLE, UNTRIED, SESSION = range(3)


def _rule(ch: Channel) -> int | None:
    """The rule of a choosable channel (see the module docstring)."""
    if ch.unit == VIDEO_CENTRE:
        return SESSION  # an untried need it takes up, joined from home or at a joint point
    if ch.takes is not None:
        return UNTRIED  # an open need it takes up and has not yet tried
    if ch.booked and ch.unit == OFFICE:
        return BOOKABLE  # an office with a calendar in reach for the first open need
    return None


class Choice:
    """Chooses the channel, service point and time of a client's next contact.

    Attributes:
        takes: per channel code, per service: whether the channel takes the need up
            (None: every need, for a channel with no ``takes`` field).
    """

    __slots__ = ("env", "weights", "walk_in_only", "takes", "bundle_takes", "remote", "rules", "booked", "joint",
                 "scale", "day_value", "profiles", "return_days", "start_weekday", "horizon")

    def __init__(self, env, spec: ModelSpec, reach: Reach):
        self.env = env
        self.weights = [s.channels for s in spec.segments]  # per segment, per choosable channel code
        self.walk_in_only = not spec.has_channels
        self.takes = [None if ch.takes is None else [ch.mode(s) != "none" for s in spec.services]
                      for ch in CHANNEL_TABLE]
        # The same per bundle type and channel, as bit masks over its need positions (bit j: need j).
        self.bundle_takes = [[0 if takes is None else sum(1 << j for j, s in enumerate(b.needs) if takes[s])
                              for takes in self.takes] for b in spec.bundles]
        # Per segment, the channels it may choose that are not always available, by the rule
        # that says when they are: (bookable, untried, sessions); a walk-in always is.
        choosable = [ch for ch in CHANNEL_TABLE if ch.choosable]
        self.remote = [ch.code for ch in choosable if not ch.physical]
        self.rules = [tuple(tuple(ch.code for ch in choosable if _rule(ch) == rule and seg.channels[ch.code] > 0)
                            for rule in (BOOKABLE, UNTRIED, SESSION)) for seg in spec.segments]
        self.booked, self.joint = reach.booked, reach.joint
        self.scale = spec.choice_scale_min
        self.day_value = spec.choice_day_value_min
        # Per zone, the profile of its clients' arrivals (a later day's contact comes when they do).
        self.profiles = [z.profile or spec.profile for z in spec.zones]
        self.return_days = spec.return_after_days
        self.start_weekday = spec.run.start_weekday
        self.horizon = spec.run.horizon

    def needing(self, c: Client, channel: int) -> list[int]:
        """Open needs the channel can take up next."""
        takes = self.takes[channel]
        if takes is None:
            return c.open
        tried, services = c.tried_on[channel], c.services
        return [j for j in c.open if takes[services[j]] and not tried >> j & 1]

    def first_needing(self, c: Client, channel: int) -> int | None:
        """The first of :meth:`needing` (a channel that takes needs up), or None; without
        building the list, as choosing a channel only asks whether there is one."""
        takes, tried, services = self.takes[channel], c.tried_on[channel], c.services
        for j in c.open:
            if takes[services[j]] and not tried >> j & 1:
                return j
        return None

    def channel(self, c: Client, v: int) -> int:
        """The channel of contact ``v``: the segment's preferences over what is available."""
        if self.walk_in_only:
            return WALK_IN
        weights = list(self.weights[c.segment])
        if c.to_office:
            for ch in self.remote:
                weights[ch] = 0.0
        bookable, untried, sessions = self.rules[c.segment]
        for ch in bookable:
            if weights[ch] and not self.booked[c.zone][c.services[c.open[0]]]:
                weights[ch] = 0.0
        if untried:
            open_mask = 0  # the open needs as a bit mask over need positions
            for j in c.open:
                open_mask |= 1 << j
            takes, tried_on = self.bundle_takes[c.btype], c.tried_on
            for ch in untried:
                if weights[ch] and not open_mask & takes[ch] & ~tried_on[ch]:
                    weights[ch] = 0.0
        for ch in sessions:
            if weights[ch]:
                j = self.first_needing(c, ch)
                if j is None or not (c.home or self.joint[c.zone][c.services[j]]):
                    weights[ch] = 0.0
        total = sum(weights)
        if total <= 0:
            return WALK_IN
        d = c.draws  # c.u("channel", v), written out: once per contact
        x = d.channel[c.row * d.a + v] * total
        for ch, w in enumerate(weights):
            x -= w
            if x < 0 and w > 0:
                return ch
        return max(ch for ch, w in enumerate(weights) if w > 0)

    def unit(self, c: Client, v: int, cands: list, now: float) -> int:
        """A service point among ``cands`` (entries of :attr:`Reach.walk`, :attr:`Reach.booked`
        or :attr:`Reach.joint`), by a logit on the trip's cost: travel there and back, plus
        the days until it opens for clients who know the hours."""
        if len(cands) == 1:
            return cands[0][0]
        day_value = self.day_value
        informed = c.informed
        costs = []
        for _, cost, tt, mobile in cands:
            if (informed or mobile) and day_value:
                cost += tt.days_until_open(now) * day_value
            costs.append(cost)
        best = min(costs)
        if math.isinf(best):
            return cands[costs.index(best)][0]
        scale, weights = self.scale, []
        for cost in costs:  # (a loop, not a comprehension: no function object to make)
            weights.append(math.exp(-(cost - best) / scale))
        d = c.draws  # c.u("point", v), written out
        x = d.point[c.row * d.a + v] * sum(weights)
        for cand, w in zip(cands, weights):
            x -= w
            if x < 0:
                return cand[0]
        return cands[-1][0]

    def when(self, c: Client, tt, first: bool, v: int, informed: bool = False) -> float | None:
        """When contact ``v`` happens at a unit with timetable ``tt`` (None: always
        open): now for a first contact (the next open time for a client who knows
        the hours, or is ``informed`` of them), else at the usual time of a day
        from ``return_after_days`` on; None: past the horizon."""
        now = self.env.now
        profile = self.profiles[c.zone]
        if first:
            if tt is None or not (c.informed or informed) or tt.is_open(now):
                return now
            window = tt.next_window(now)
        else:
            day_start = (int(now // DAY) + self.return_days) * DAY
            if tt is None:  # online: on a day when clients seek service (demand in the profile)
                day = day_start // DAY
                for _ in range(7):
                    if profile.weights[(self.start_weekday + int(day)) % 7].sum() > 0:
                        break
                    day += 1
                window = (day * DAY, day * DAY + DAY) if day * DAY < self.horizon else None
            else:
                window = tt.next_window(max(day_start, now))
        if window is None:
            return None  # past the horizon: the bundle stays open
        if tt is not None:  # any open hours of that day from the window on (closed for lunch: both halves)
            return profile.time_in_windows(c.u("day_u", v), tt.day_windows(window[0]), self.start_weekday)
        return profile.time_in_window(c.u("day_u", v), *window, self.start_weekday)
