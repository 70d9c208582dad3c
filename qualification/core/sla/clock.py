"""Business-minutes arithmetic for SLA clocks.

Pure on purpose: the queue page computes a clock for every row from policies it read once, the
SLA filter turns "overdue now" into a ``qualified_at`` threshold, and both must agree. Nothing
here reads the time or the database; ``now`` and the policy are passed in.

Time is walked one local business window (a workday's start..end) at a time. Lengths are
measured in UTC, so a window on a daylight-saving day is as long as it really is, and local
wall-clock times are built with ``zoneinfo`` so 09:00 is 09:00 on both sides of a change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, NamedTuple
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A policy with workdays always finds one within a week; the cap only guards bad input.
_MAX_DAYS = 366 * 20

State = Literal["met", "ok", "warning", "breached", "none"]


@dataclass(frozen=True)
class SLASpec:
    """What the clock needs from an SLA policy (a plain copy of the model's fields)."""

    response_minutes: int
    warning_minutes: int = 0
    timezone: str = "UTC"
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    workdays: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")

    def __post_init__(self) -> None:
        if not self.workdays or any(day not in WEEKDAYS for day in self.workdays):
            raise ValueError(f"workdays must be a non-empty subset of {WEEKDAYS}")
        if self.day_end <= self.day_start:
            raise ValueError("the business day must end after it starts")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class SLAState:
    """A lead's clock: ``minutes_left`` is in business minutes, negative once overdue."""

    state: State
    due_at: datetime | None = None
    minutes_left: int | None = None


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("SLA maths needs timezone-aware datetimes")
    return value.astimezone(UTC)


class BusinessWindow(NamedTuple):
    """One workday's business hours, as UTC moments."""

    open_at: datetime
    close_at: datetime


def _window(day: date, spec: SLASpec) -> BusinessWindow | None:
    """The business window of a local date, in UTC, or None on a day off."""
    if WEEKDAYS[day.weekday()] not in spec.workdays:
        return None
    zone = spec.zone
    start = datetime.combine(day, spec.day_start, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day, spec.day_end, tzinfo=zone).astimezone(UTC)
    return BusinessWindow(start, end)


def _windows(moment: datetime, spec: SLASpec, step: int) -> Iterator[BusinessWindow]:
    """Business windows from the local day of ``moment`` onwards (step 1) or backwards (-1)."""
    day = moment.astimezone(spec.zone).date()
    for offset in range(_MAX_DAYS):
        window = _window(day + timedelta(days=offset * step), spec)
        if window is not None:
            yield window
    raise ValueError("no business window found")  # pragma: no cover - guarded by SLASpec


def due_at(start: datetime, minutes: int, spec: SLASpec) -> datetime:
    """The moment ``minutes`` business minutes after ``start`` have passed (UTC).

    A start outside business hours counts from the next opening. A deadline that falls exactly
    at closing time stays at closing time rather than moving to the next morning.
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
    qualified_at: datetime | None,
    first_touched_at: datetime | None,
    spec: SLASpec | None,
    now: datetime,
) -> SLAState:
    """Where a lead stands against its policy.

    ``met``: touched by the deadline; ``breached``: touched late, or not touched and the deadline
    has come (due at 10:00 means overdue at 10:00); ``warning``: untouched with at most
    ``warning_minutes`` business minutes left; ``ok``: more left; ``none``: no policy or not
    qualified, so no clock runs.
    """
    if spec is None or qualified_at is None:
        return SLAState("none")
    due = due_at(qualified_at, spec.response_minutes, spec)
    if first_touched_at is not None:
        return SLAState("met" if _aware(first_touched_at) < due else "breached", due)
    now = _aware(now)
    if now >= due:
        return SLAState("breached", due, -business_minutes_between(due, now, spec))
    left = business_minutes_between(now, due, spec, round_up=True)
    state: State = "warning" if left <= spec.warning_minutes else "ok"
    return SLAState(state, due, left)
