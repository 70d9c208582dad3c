"""The dashboard's filters: a period of local dates and an optional team or rep.

A period is whole days in the VIEWER's time zone (a manager in Berlin asking for "1-28
November" means Berlin midnights), so it becomes a half-open range of aware datetimes
``[start 00:00, end + 1 day 00:00)`` that every query filters on.

Whose leads: a lead belongs to the rep who touched it first, or, while untouched, to its
owner. A team is its members. The same rule filters every section, so the numbers of one
rep add up across sections.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.db.models import Q

DEFAULT_DAYS = 28  # "the last 4 weeks ending today"
MAX_DAYS = 366  # a longer period is refused by the form: the daily chart would be unreadable


def default_period(now: datetime, tz: tzinfo) -> tuple[date, date]:
    """The last four weeks ending today, in ``tz``: (today - 27 days, today)."""
    today = now.astimezone(tz).date()
    return today - timedelta(days=DEFAULT_DAYS - 1), today


@dataclass(frozen=True)
class DashboardFilters:
    """What the manager asked for. ``rep_ids`` None means everyone (no team or rep chosen)."""

    start: date
    end: date
    tz: tzinfo
    rep_ids: frozenset[int] | None = None
    scope_label: str = "All reps"

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=self.tz)

    @property
    def end_at(self) -> datetime:
        """Exclusive: midnight after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.tz)

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    @property
    def label(self) -> str:
        return f"{self.start:%-d %b %Y} \u2013 {self.end:%-d %b %Y}"

    @property
    def slug(self) -> str:
        """For file names: ``2026-11-04_2026-12-01``."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def in_period(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start_at, f"{field}__lt": self.end_at})

    def worked_by(self, prefix: str = "") -> Q:
        """Leads of the chosen reps (``prefix`` "lead__" from a related table); all if none chosen."""
        if self.rep_ids is None:
            return Q()
        ids = sorted(self.rep_ids)
        return Q(**{f"{prefix}first_touched_by__in": ids}) | Q(
            **{f"{prefix}first_touched_by__isnull": True, f"{prefix}owner__in": ids}
        )
