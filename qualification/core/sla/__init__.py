"""Pure SLA maths: business-time arithmetic in a team's timezone (no Django, no clock).

``clock`` does the arithmetic, ``display`` turns a clock into words for one reader, ``ics``
reads holiday calendars, ``bands`` cuts response times for the manager dashboard.
"""

from qualification.core.sla.bands import RESPONSE_BANDS, Band, band_for
from qualification.core.sla.clock import (
    WEEKDAYS,
    ClockTimes,
    SLASpec,
    SLAState,
    business_minutes_between,
    clock_times,
    due_at,
    ends_after,
    latest_start_due_by,
    sla_state,
    warning_at,
)
from qualification.core.sla.display import (
    ClockText,
    business_duration,
    describe_clock,
    hours_text,
)
from qualification.core.sla.ics import HolidayEntry, IcsError, parse_holidays

__all__ = [
    "RESPONSE_BANDS",
    "WEEKDAYS",
    "Band",
    "ClockText",
    "ClockTimes",
    "HolidayEntry",
    "IcsError",
    "SLASpec",
    "SLAState",
    "band_for",
    "business_duration",
    "business_minutes_between",
    "clock_times",
    "describe_clock",
    "due_at",
    "ends_after",
    "hours_text",
    "latest_start_due_by",
    "parse_holidays",
    "sla_state",
    "warning_at",
]
