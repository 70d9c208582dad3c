"""One person's clock: places their sessions on believable times, never in the future.

Journeys say *which day* something happens ("12 days ago"); the timeline picks the time
of day in the person's own working hours and spaces the events of one session a few
minutes apart. Three rules keep journeys believable (and testable):

- the events of one session keep the order they were given in;
- sessions scheduled on the same day never overlap: each starts after the previous ended;
- every session ends within its own local day (journeys keep to a few sessions a day), and "today" starts at 07:00 local, so
  anything scheduled on a later day happens after everything on an earlier day.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

Step = tuple[str, dict[str, Any]]
# Sessions before this local hour are not placed "today": nobody is at work yet.
EARLIEST_LOCAL_HOUR = 7


class Timeline:
    """Collects (occurred_at, event name, properties) for one lead."""

    def __init__(self, *, now: datetime, utc_offset_hours: float, rng: random.Random) -> None:
        self.now = now
        self.rng = rng
        self.offset = timedelta(hours=utc_offset_hours)
        self.local_now = (now + self.offset).replace(tzinfo=None)
        self.local_today: date = self.local_now.date()
        self.events: list[tuple[datetime, str, dict[str, Any]]] = []
        self._day_end: dict[int, datetime] = {}

    def weekday(self, days_ago: int) -> int:
        return (self.local_today - timedelta(days=days_ago)).weekday()

    def is_weekend(self, days_ago: int) -> bool:
        return self.weekday(days_ago) >= 5

    def _local_to_utc(self, day: date, hours: float) -> datetime:
        return datetime.combine(day, time(0), tzinfo=UTC) + timedelta(hours=hours) - self.offset

    def working_days(self, oldest: int, newest: int, share: float) -> list[int]:
        """Days (as days-ago, oldest first) a person shows up on: most weekdays, few weekends."""
        days = []
        for day in range(max(oldest, newest), max(newest, 0) - 1, -1):
            chance = share * (0.2 if self.is_weekend(day) else 1.0)
            if self.rng.random() < chance:
                days.append(day)
        return days

    def session(
        self, days_ago: int, steps: Sequence[Step], gap_minutes: tuple[float, float] = (1, 9)
    ) -> datetime:
        """Place one session on the given day; returns the time of its last event."""
        gaps = [timedelta(minutes=self.rng.uniform(*gap_minutes)) for _ in steps[1:]]
        total = sum(gaps, timedelta())
        start = None
        if days_ago <= 0:
            start = self._today_start(total)
            # Too early in the day where they live for a session today: it was yesterday.
            days_ago = 1 if start is None else 0
        if start is None:
            day = self.local_today - timedelta(days=days_ago)
            start = self._local_to_utc(day, self.rng.triangular(8, 18.5, 10.5))
        previous_end = self._day_end.get(days_ago)
        if previous_end is not None and start <= previous_end:
            start = previous_end + timedelta(minutes=self.rng.uniform(20, 90))
        moment = start
        for index, (name, properties) in enumerate(steps):
            if index:
                moment += gaps[index - 1]
            self.events.append((moment, name, properties))
        self._day_end[days_ago] = moment
        return moment

    def _today_start(self, total: timedelta) -> datetime | None:
        """A start time earlier today that lets the whole session end a few minutes ago."""
        earliest = self._local_to_utc(self.local_today, EARLIEST_LOCAL_HOUR)
        previous_end = self._day_end.get(0)
        if previous_end is not None:
            earliest = max(earliest, previous_end + timedelta(minutes=20))
        latest = self.now - timedelta(minutes=5) - total
        if latest <= earliest:
            return None
        # Lean towards the last few hours, so "today" reads as fresh activity.
        return latest - (latest - earliest) * (self.rng.random() ** 2)

    def last(self, name: str | None = None) -> datetime | None:
        """When the most recent event (of that name) happened so far."""
        times = [t for t, n, _p in self.events if name is None or n == name]
        return max(times) if times else None


@dataclass
class Person:
    """A lead while their journey is written: their clock, their dice, and what happened."""

    timeline: Timeline
    rng: random.Random
    email: str
    company_domain: str
    crm: str = ""
    # What the journey did, for the stage history and sales feedback written afterwards:
    # signed_up_at, plan, purchased_at, qualified_at, qualification ("mql"/"pql"),
    # criterion (key), invites [(days_ago, email)], unsubscribed_at.
    facts: dict[str, Any] = field(default_factory=dict)

    def session(self, days_ago: int, steps: Sequence[Step], **kwargs: Any) -> datetime:
        return self.timeline.session(days_ago, steps, **kwargs)

    def qualify(self, at: datetime, qualification: str, criterion: str) -> None:
        """Remember the first moment the journey met a qualifying criterion."""
        if "qualified_at" not in self.facts:
            self.facts.update(qualified_at=at, qualification=qualification, criterion=criterion)
