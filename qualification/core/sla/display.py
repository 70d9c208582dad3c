"""What a person reads about an SLA clock: a short cell text, a hover, a CSS class.

The visible text is in the VIEWER's time zone, because "Due tomorrow 10:00" must be true where
the reader sits. The hover explains the business-time meaning in the POLICY's zone, because that
is where the business hours are counted. Overdue amounts are business time (what the SLA
measures); "Due in 25 min" is wall-clock time (what the reader waits). A lead qualified at
19:48 under a 09:00-17:00 policy is therefore "Due tomorrow 10:00", never "Due in 1 h".

Month and weekday names come from fixed tables, not ``strftime``, so the text does not change
with the server's locale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from qualification.core.sla.clock import (
    MIDNIGHT,
    WEEKDAYS,
    SLASpec,
    SLAState,
    business_minutes_between,
)

Css = Literal["met", "late", "ok", "warning", "breached", "none"]

_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DASH = "\u2013"  # en dash, as in "Mon\u2013Fri"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ClockText:
    """A rendered clock: ``text`` for the cell, ``hover`` for its title, ``css`` its colour."""

    text: str
    hover: str
    css: Css


def business_duration(minutes: int) -> str:
    """45 → "45 min", 90 → "1 h 30 min", 120 → "2 h".

    Takes the magnitude, since callers pass ``minutes_left``, which is negative once overdue.
    """
    minutes = abs(minutes)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _clock(moment: datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def _full_day(moment: datetime) -> str:
    """ "Thu 3 Dec 10:00": unambiguous within a year, short enough for a tooltip."""
    day = f"{_DAY_NAMES[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"
    return f"{day} {_clock(moment)}"


def _relative_day(moment: datetime, now: datetime) -> str:
    """ "today 15:30", "tomorrow 10:00", "Mon 10:00" (within 6 days) or "14 Dec 10:00".

    Both arguments are already in the viewer's zone. Another year gets its year, so a
    deadline a year away never reads like next month.
    """
    days = (moment.date() - now.date()).days
    if days == 0:
        return f"today {_clock(moment)}"
    if days == 1:
        return f"tomorrow {_clock(moment)}"
    if days == -1:
        return f"yesterday {_clock(moment)}"
    if -6 <= days <= 6:
        return f"{_DAY_NAMES[moment.weekday()]} {_clock(moment)}"
    year = f" {moment.year}" if moment.year != now.year else ""
    return f"{moment.day} {_MONTHS[moment.month - 1]}{year} {_clock(moment)}"


def _overdue_amount(minutes: int, spec: SLASpec | None) -> str:
    """Business time overdue: minutes, then whole hours, then whole business days."""
    day = spec.business_day_minutes if spec is not None else None
    if day is not None and minutes >= day:
        days = minutes // day
        return f"{days} business day{'s' if days != 1 else ''}"
    if minutes >= 60:
        hours = minutes // 60
        return f"{hours} business hour{'s' if hours != 1 else ''}"
    return f"{minutes} business min"


def _workdays(spec: SLASpec) -> str:
    """("mon".."fri") → "Mon-Fri" (en dash); ("mon", "wed") → "Mon, Wed"; runs of 3+ join."""
    indexes = sorted({WEEKDAYS.index(day) for day in spec.workdays})
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{_DAY_NAMES[run[0]]}{_DASH}{_DAY_NAMES[run[-1]]}")
        else:
            parts.extend(_DAY_NAMES[i] for i in run)
    return ", ".join(parts)


def hours_text(day_start: time, day_end: time) -> str:
    """Business hours as people write them: "09:00-17:00", or "00:00-24:00" all day (en dash)."""
    end = "24:00" if day_end == MIDNIGHT else f"{day_end:%H:%M}"
    return f"{day_start:%H:%M}{_DASH}{end}"


def _policy(spec: SLASpec) -> str:
    """ "1 h of business time from qualification, counted Mon-Fri 09:00-17:00 Europe/Berlin"."""
    hours = hours_text(spec.day_start, spec.day_end)
    text = (
        f"{business_duration(spec.response_minutes)} of business time from {spec.starts_at}, "
        f"counted {_workdays(spec)} {hours} {spec.timezone}"
    )
    return text + (", holidays excluded" if spec.holidays else "")


def _due_hover(due: datetime, spec: SLASpec | None, viewer: ZoneInfo) -> str:
    """ "Due Thu 3 Dec 10:00 (Europe/Berlin; Thu 3 Dec 04:00 your time)"."""
    if spec is None:
        return f"Due {_full_day(due.astimezone(viewer))} ({viewer.key})"
    policy_local = due.astimezone(spec.zone)
    text = f"Due {_full_day(policy_local)} ({spec.timezone}"
    viewer_local = due.astimezone(viewer)
    if viewer.key != spec.timezone and viewer_local.utcoffset() != policy_local.utcoffset():
        text += f"; {_full_day(viewer_local)} your time"
    return text + ")"


def _sentences(*parts: str) -> str:
    return " ".join(part.rstrip(".") + "." for part in parts if part)


def describe_clock(
    state: SLAState,
    *,
    now: datetime,
    viewer_timezone: str,
    spec: SLASpec | None,
    touched_at: datetime | None = None,
) -> ClockText:
    """Render a clock computed by ``sla_state`` for one reader at ``now``.

    ``spec`` is the policy the state was computed with; it lets the overdue amount and the
    hover speak in business time. ``touched_at`` (the first touch) adds when it happened.
    """
    viewer = ZoneInfo(viewer_timezone)
    due = state.due_at
    if state.state == "none" or due is None:
        return ClockText(
            "No SLA", "No SLA clock runs for this lead (no policy or no start).", "none"
        )
    policy = _policy(spec) if spec is not None else ""
    due_hover = _due_hover(due, spec, viewer)

    touched = touched_at is not None or state.state == "met" or state.minutes_left is None
    if touched:
        in_time = state.state == "met"
        when = ""
        if touched_at is not None:
            when = f"First touched {_full_day(touched_at.astimezone(viewer))} ({viewer.key})"
            if spec is not None and not in_time:
                late = business_minutes_between(due, touched_at, spec)
                when += f", {business_duration(late)} of business time late"
        text = "Touched in time" if in_time else "Touched late"
        return ClockText(text, _sentences(due_hover, policy, when), "met" if in_time else "late")

    local_due, local_now = due.astimezone(viewer), now.astimezone(viewer)
    if now >= due:
        overdue = (
            business_minutes_between(due, now, spec)
            if spec is not None
            else -(state.minutes_left or 0)
        )
        if overdue >= 1:
            text = f"Overdue by {_overdue_amount(overdue, spec)}"
        else:  # Due at closing time and read in the evening: nothing business-late yet.
            text = f"Overdue since {_relative_day(local_due, local_now)}"
        tail = f"overdue by {business_duration(overdue)} of business time"
        return ClockText(text, _sentences(due_hover, _join(policy, tail)), "breached")

    wall = due - now
    if wall < timedelta(minutes=60):
        text = f"Due in {math.ceil(wall.total_seconds() / 60)} min"
    else:
        text = f"Due {_relative_day(local_due, local_now)}"
    left = (
        business_minutes_between(now, due, spec, round_up=True)
        if spec is not None
        else state.minutes_left or 0
    )
    tail = f"{business_duration(left)} of business time left"
    css: Css = "warning" if state.state == "warning" else "ok"
    return ClockText(text, _sentences(due_hover, _join(policy, tail)), css)


def _join(policy: str, tail: str) -> str:
    """The policy sentence and the amount, as "…, holidays excluded; 40 min left"."""
    return f"{policy}; {tail}" if policy else tail[:1].upper() + tail[1:]
