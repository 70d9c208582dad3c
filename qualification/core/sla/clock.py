"""Business-minutes arithmetic for SLA clocks.

Pure on purpose: the queue page computes a clock for every row from policies it read once, the
SLA filter turns "overdue now" into a start-time threshold, and both must agree. Nothing here
reads the time or the database; ``now`` and the policy are passed in.

Time is walked one local business window (a workday's start..end) at a time. Lengths are
measured in UTC, so a window on a daylight-saving day is as long as it really is, and local
wall-clock times are built with ``zoneinfo`` so 09:00 is 09:00 on both sides of a change.

Holidays are removed in exactly one place, ``_window``. Deadlines, elapsed time and the filter
threshold all walk the same windows, so they cannot disagree about a holiday (Frappe CRM's
deadlines skipped holidays while its elapsed time counted them; ours are one walk).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A policy with workdays finds one within a week unless holidays fill the calendar; the cap
# only guards bad input (twenty years of holidays) from looping for ever.
_MAX_DAYS = 366 * 20

# As a day's end, 00:00 means the midnight that closes it: 00:00-00:00 is open all day.
MIDNIGHT = time(0, 0)

State = Literal["met", "ok", "warning", "breached", "none"]
ClockStart = Literal["qualification", "assignment"]


def ends_after(day_start: time, day_end: time) -> bool:
    """Whether business hours from ``day_start`` to ``day_end`` are open at all.

    The one rule for the model, its form and the clock. An end of 00:00 is midnight at the
    end of the day, so a team that works around the clock writes 00:00-00:00.
    """
    return day_end == MIDNIGHT or day_end > day_start


@dataclass(frozen=True)
class SLASpec:
    """What the clock needs from an SLA policy (a plain copy of the model's fields).

    ``warning_percent`` is a share of the allowance rather than a fixed number of minutes, so
    a policy edited from 60 to 240 minutes keeps warning at the same point of its life.
    ``holidays`` are local dates (in ``timezone``) with no business hours at all.
    ``starts_at`` records which moment starts the clock; the caller picks that moment.
    """

    response_minutes: int
    warning_percent: int = 75
    timezone: str = "UTC"
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    workdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")
    holidays: frozenset[date] = frozenset()
    starts_at: ClockStart = "qualification"

    def __post_init__(self) -> None:
        # Callers copy model fields that may arrive as lists or sets; freeze them so the spec
        # stays hashable (policies are cached in dicts keyed by spec).
        object.__setattr__(self, "workdays", tuple(self.workdays))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        if isinstance(self.response_minutes, bool) or self.response_minutes < 1:
            raise ValueError(f"response_minutes must be at least 1, not {self.response_minutes}")
        if not 1 <= self.warning_percent <= 99:
            raise ValueError(
                f"warning_percent must be between 1 and 99, not {self.warning_percent}"
            )
        if not self.workdays:
            raise ValueError(f"workdays must be a non-empty subset of {WEEKDAYS}")
        unknown = [day for day in self.workdays if day not in WEEKDAYS]
        if unknown:
            raise ValueError(f"unknown workdays {unknown}; use names from {WEEKDAYS}")
        if not ends_after(self.day_start, self.day_end):
            raise ValueError(
                f"the business day must end after it starts ({self.day_start}-{self.day_end})"
            )
        # A datetime is a date too, but never equals one, so it would silently match nothing.
        if any(isinstance(d, datetime) or not isinstance(d, date) for d in self.holidays):
            raise ValueError("holidays must be dates (not datetimes)")
        if self.starts_at not in ("qualification", "assignment"):
            raise ValueError(
                f"starts_at must be 'qualification' or 'assignment', not {self.starts_at!r}"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(f"unknown time zone {self.timezone!r}") from None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def warning_after_minutes(self) -> int:
        """Business minutes after the start at which the warning begins (at least 1).

        Exposed so the SLA filter can build its "warning now" threshold with
        ``latest_start_due_by(now, spec.warning_after_minutes, spec)``.
        """
        return max(1, self.response_minutes * self.warning_percent // 100)

    @property
    def business_day_minutes(self) -> int:
        """Length of one business day in wall-clock minutes (what "1 business day" means)."""
        start = self.day_start.hour * 60 + self.day_start.minute
        end = 24 * 60 if self.day_end == MIDNIGHT else self.day_end.hour * 60 + self.day_end.minute
        return end - start


@dataclass(frozen=True)
class SLAState:
    """A lead's clock: ``minutes_left`` is in business minutes, negative once overdue.

    ``minutes_left`` is None once the lead was touched: the clock stopped, nothing is left.
    """

    state: State
    due_at: datetime | None = None
    minutes_left: int | None = None
    warn_at: datetime | None = None


@dataclass(frozen=True)
class ClockTimes:
    """The three moments of one clock, in UTC: when it started, warns and is due."""

    started_at: datetime
    warn_at: datetime
    due_at: datetime


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("SLA maths needs timezone-aware datetimes")
    return value.astimezone(UTC)


class BusinessWindow(NamedTuple):
    """One workday's business hours, as UTC moments."""

    open_at: datetime
    close_at: datetime


def _window(day: date, spec: SLASpec) -> BusinessWindow | None:
    """The business window of a local date, in UTC, or None on a day off or a holiday."""
    if WEEKDAYS[day.weekday()] not in spec.workdays or day in spec.holidays:
        return None
    zone = spec.zone
    start = datetime.combine(day, spec.day_start, tzinfo=zone).astimezone(UTC)
    # An end of 00:00 is the midnight that closes the day (a team open around the clock).
    end_day = day + timedelta(days=1) if spec.day_end == MIDNIGHT else day
    end = datetime.combine(end_day, spec.day_end, tzinfo=zone).astimezone(UTC)
    return BusinessWindow(start, end)


def _windows(moment: datetime, spec: SLASpec, step: int) -> Iterator[BusinessWindow]:
    """Business windows from the local day of ``moment`` onwards (step 1) or backwards (-1)."""
    day = moment.astimezone(spec.zone).date()
    for offset in range(_MAX_DAYS):
        window = _window(day + timedelta(days=offset * step), spec)
        if window is not None:
            yield window
    raise ValueError("no business window found within twenty years (holidays fill the calendar?)")


def due_at(start: datetime, minutes: int, spec: SLASpec) -> datetime:
    """The moment ``minutes`` business minutes after ``start`` have passed (UTC).

    A start outside business hours (evening, weekend, holiday) counts from the next opening.
    A deadline that falls exactly at closing time stays at closing time rather than moving to
    the next morning.
    """
    cursor = _aware(start)
    remaining = timedelta(minutes=minutes)
    for open_at, close_at in _windows(cursor, spec, 1):
        if close_at <= cursor:
            continue
        cursor = max(cursor, open_at)
        available = close_at - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
    raise AssertionError("unreachable")  # pragma: no cover


def warning_at(start: datetime, spec: SLASpec) -> datetime:
    """When the clock turns to "warning": ``warning_percent`` of the allowance used (UTC)."""
    return due_at(start, spec.warning_after_minutes, spec)


def clock_times(start: datetime, spec: SLASpec) -> ClockTimes:
    """Start, warning and deadline of a clock started at ``start`` (all UTC).

    The caller chooses ``start`` (qualification or assignment, per ``spec.starts_at``); the
    maths is the same either way.
    """
    return ClockTimes(
        _aware(start), warning_at(start, spec), due_at(start, spec.response_minutes, spec)
    )


def business_minutes_between(
    start: datetime, end: datetime, spec: SLASpec, *, round_up: bool = False
) -> int:
    """Business minutes from ``start`` to ``end`` (0 when ``end`` is not later).

    Rounded down, or up for time left (10.5 minutes left is not yet "10 left").
    """
    start, end = _aware(start), _aware(end)
    if end <= start:
        return 0
    total = timedelta()
    for open_at, close_at in _windows(start, spec, 1):
        if open_at >= end:
            break
        overlap = min(close_at, end) - max(open_at, start)
        if overlap > timedelta():
            total += overlap
    seconds = total.total_seconds()
    return int(-(-seconds // 60) if round_up else seconds // 60)


def latest_start_due_by(deadline: datetime, minutes: int, spec: SLASpec) -> datetime:
    """The latest start whose ``due_at(start, minutes)`` is at or before ``deadline``.

    ``due_at`` never decreases as the start moves later, so "due by the deadline" is exactly
    ``start <= latest_start_due_by(...)``: a plain comparison the database can index. That is
    how the SLA-state filter avoids computing a clock per row.
    """
    cursor = _aware(deadline)
    remaining = timedelta(minutes=minutes)
    for open_at, close_at in _windows(cursor, spec, -1):
        if open_at >= cursor:
            continue
        cursor = min(cursor, close_at)
        available = cursor - open_at
        if remaining <= available:
            # Landing on an opening time also covers the closed stretch before it: a start
            # there is due no later, since it counts from the same opening.
            return cursor - remaining
        remaining -= available
    raise AssertionError("unreachable")  # pragma: no cover


def sla_state(
    started_at: datetime | None,
    first_touched_at: datetime | None,
    spec: SLASpec | None,
    now: datetime,
) -> SLAState:
    """Where a lead stands against its policy.

    ``started_at`` is the clock start the caller chose (qualification or assignment).
    ``met``: touched before the deadline; ``breached``: touched late, or not touched and the
    deadline has come (due at 10:00 means overdue at 10:00); ``warning``: untouched and the
    warning moment has come; ``ok``: earlier than that; ``none``: no policy or no start, so no
    clock runs.
    """
    if spec is None or started_at is None:
        return SLAState("none")
    times = clock_times(started_at, spec)
    due, warn = times.due_at, times.warn_at
    if first_touched_at is not None:
        state: State = "met" if _aware(first_touched_at) < due else "breached"
        return SLAState(state, due, None, warn)
    now = _aware(now)
    if now >= due:
        return SLAState("breached", due, -business_minutes_between(due, now, spec), warn)
    left = business_minutes_between(now, due, spec, round_up=True)
    return SLAState("warning" if now >= warn else "ok", due, left, warn)
