"""Clock texts at fixed ``now`` values: a Berlin policy read in Berlin and in New York.

New York moves its clocks on 2025-03-09, Berlin on 2025-03-30: between the two the offset is
five hours instead of six, which the viewer texts must follow.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from qualification.core.sla import (
    SLASpec,
    SLAState,
    business_duration,
    describe_clock,
    sla_state,
)

BERLIN = ZoneInfo("Europe/Berlin")
POLICY = SLASpec(response_minutes=60, timezone="Europe/Berlin")
CHRISTMAS = frozenset({date(2025, 12, 24), date(2025, 12, 25), date(2025, 12, 26)})
HOLIDAY_POLICY = SLASpec(response_minutes=60, timezone="Europe/Berlin", holidays=CHRISTMAS)
WEEK_POLICY = SLASpec(response_minutes=5 * 480, timezone="Europe/Berlin")
BER, NYC = "Europe/Berlin", "America/New_York"


def b(*args: int) -> datetime:
    """A Berlin wall-clock time."""
    return datetime(*args, tzinfo=BERLIN)


def text(start, now, viewer, spec=POLICY, touched=None):
    state = sla_state(start, touched, spec, now)
    return describe_clock(state, now=now, viewer_timezone=viewer, spec=spec, touched_at=touched)


UNTOUCHED_CASES = [
    # (start, now, viewer, spec, text, css); 2025-03-05 is a Wednesday.
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 5, 10, 35), BER, POLICY, "Due in 25 min", "ok",
                 id="minutes away, Berlin"),
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 5, 10, 35), NYC, POLICY, "Due in 25 min", "ok",
                 id="minutes away, New York"),
    pytest.param(b(2025, 3, 5, 10, 0), datetime(2025, 3, 5, 10, 35, 30, tzinfo=BERLIN), BER,
                 POLICY, "Due in 25 min", "ok", id="part minutes round up"),
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 5, 10, 50), BER, POLICY, "Due in 10 min",
                 "warning", id="warning"),
    pytest.param(b(2025, 3, 5, 19, 48), b(2025, 3, 5, 19, 48), BER, POLICY, "Due tomorrow 10:00",
                 "ok", id="qualified 19:48 Berlin, never due in 1 h"),
    pytest.param(b(2025, 3, 5, 19, 48), b(2025, 3, 5, 19, 48), NYC, POLICY, "Due tomorrow 04:00",
                 "ok", id="qualified 19:48 Berlin, read in New York"),
    pytest.param(b(2025, 3, 5, 16, 30), b(2025, 3, 5, 16, 50), BER, POLICY, "Due tomorrow 09:30",
                 "ok", id="40 business min left is still tomorrow"),
    pytest.param(b(2025, 3, 5, 14, 30), b(2025, 3, 5, 14, 30), BER, POLICY, "Due today 15:30",
                 "ok", id="exactly an hour away is a time"),
    pytest.param(b(2025, 3, 5, 14, 30), b(2025, 3, 5, 14, 30), NYC, POLICY, "Due today 09:30",
                 "ok", id="today in New York"),
    pytest.param(b(2025, 3, 6, 0, 30), b(2025, 3, 6, 0, 30), BER, POLICY, "Due today 10:00",
                 "ok", id="after midnight in Berlin"),
    pytest.param(b(2025, 3, 6, 0, 30), b(2025, 3, 6, 0, 30), NYC, POLICY, "Due tomorrow 04:00",
                 "ok", id="still yesterday evening in New York"),
    pytest.param(b(2025, 3, 7, 16, 30), b(2025, 3, 7, 16, 30), BER, POLICY, "Due Mon 09:30",
                 "ok", id="over the weekend"),
    pytest.param(b(2025, 3, 7, 16, 30), b(2025, 3, 7, 16, 30), NYC, POLICY, "Due Mon 04:30",
                 "ok", id="over the weekend, US already on summer time"),
    pytest.param(b(2025, 12, 23, 16, 30), b(2025, 12, 23, 16, 30), BER, HOLIDAY_POLICY,
                 "Due Mon 09:30", "ok", id="over Christmas"),
    pytest.param(b(2025, 3, 3, 9, 0), b(2025, 3, 3, 9, 0), BER, SLASpec(
                 response_minutes=6 * 480, timezone="Europe/Berlin"), "Due 10 Mar 17:00", "ok",
                 id="a week away shows the date"),
    pytest.param(b(2025, 12, 29, 10, 0), b(2025, 12, 29, 10, 0), BER, WEEK_POLICY,
                 "Due 5 Jan 2026 10:00", "ok", id="next year shows the year"),
    # Overdue amounts are business time: the night and the weekend do not count.
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 5, 11, 25), BER, POLICY,
                 "Overdue by 25 business min", "breached", id="overdue minutes"),
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 5, 12, 0), NYC, POLICY,
                 "Overdue by 1 business hour", "breached", id="overdue one hour"),
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 5, 13, 59), BER, POLICY,
                 "Overdue by 2 business hours", "breached", id="hours floor"),
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 5, 20, 0), BER, POLICY,
                 "Overdue by 6 business hours", "breached", id="evening counts to closing"),
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 6, 10, 59), BER, POLICY,
                 "Overdue by 7 business hours", "breached", id="just under a business day"),
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 6, 11, 0), BER, POLICY,
                 "Overdue by 1 business day", "breached", id="one business day"),
    pytest.param(b(2025, 3, 5, 10, 0), b(2025, 3, 10, 12, 0), NYC, POLICY,
                 "Overdue by 3 business days", "breached", id="business days"),
    pytest.param(b(2025, 3, 5, 16, 0), b(2025, 3, 5, 19, 0), BER, POLICY,
                 "Overdue since today 17:00", "breached", id="due at closing, read at night"),
]  # fmt: skip


@pytest.mark.parametrize(("start", "now", "viewer", "spec", "expected", "css"), UNTOUCHED_CASES)
def test_untouched_clock_text(start, now, viewer, spec, expected, css):
    clock = text(start, now, viewer, spec)
    assert (clock.text, clock.css) == (expected, css)


TOUCHED_CASES = [
    pytest.param(b(2025, 3, 5, 10, 30), "Touched in time", "met", id="in time"),
    pytest.param(b(2025, 3, 5, 11, 20), "Touched late", "late", id="late"),
    pytest.param(b(2025, 3, 5, 11, 0), "Touched late", "late", id="at the deadline is late"),
]


@pytest.mark.parametrize(("touched", "expected", "css"), TOUCHED_CASES)
def test_touched_clock_text(touched, expected, css):
    clock = text(b(2025, 3, 5, 10, 0), b(2025, 3, 6, 12, 0), BER, touched=touched)
    assert (clock.text, clock.css) == (expected, css)


def test_touched_late_without_touch_time_still_reads_late():
    state = SLAState("breached", b(2025, 3, 5, 11, 0), None)
    clock = describe_clock(state, now=b(2025, 3, 6), viewer_timezone=BER, spec=POLICY)
    assert (clock.text, clock.css) == ("Touched late", "late")


@pytest.mark.parametrize(
    ("start", "spec"),
    [
        pytest.param(None, POLICY, id="no start"),
        pytest.param(b(2025, 3, 5, 10), None, id="no policy"),
    ],
)
def test_no_clock(start, spec):
    now = b(2025, 3, 5, 12, 0)
    clock = describe_clock(
        sla_state(start, None, spec, now), now=now, viewer_timezone=NYC, spec=spec
    )
    assert (clock.text, clock.css) == ("No SLA", "none")


HOVER_CASES = [
    pytest.param(
        b(2025, 12, 3, 19, 0), b(2025, 12, 4, 9, 20), BER, HOLIDAY_POLICY, None,
        "Due Thu 4 Dec 10:00 (Europe/Berlin). 1 h of business time from qualification, counted "
        "Mon\u2013Fri 09:00\u201317:00 Europe/Berlin, holidays excluded; "
        "40 min of business time left.",
        id="Berlin viewer, holidays",
    ),
    pytest.param(
        b(2025, 12, 3, 19, 0), b(2025, 12, 4, 9, 20), NYC, POLICY, None,
        "Due Thu 4 Dec 10:00 (Europe/Berlin; Thu 4 Dec 04:00 your time). 1 h of business time "
        "from qualification, counted Mon\u2013Fri 09:00\u201317:00 Europe/Berlin; "
        "40 min of business time left.",
        id="New York viewer, no holidays",
    ),
    pytest.param(
        b(2025, 3, 5, 10, 0), b(2025, 3, 5, 12, 30), BER,
        SLASpec(response_minutes=90, timezone="Europe/Berlin", workdays=("mon", "wed", "sat"),
                starts_at="assignment"),
        None,
        "Due Wed 5 Mar 11:30 (Europe/Berlin). 1 h 30 min of business time from assignment, "
        "counted Mon, Wed, Sat 09:00\u201317:00 Europe/Berlin; overdue by 1 h of business time.",
        id="overdue, assignment clock, scattered workdays",
    ),
    pytest.param(
        b(2025, 3, 5, 10, 0), b(2025, 3, 6, 12, 0), NYC, POLICY, b(2025, 3, 5, 11, 20),
        "Due Wed 5 Mar 11:00 (Europe/Berlin; Wed 5 Mar 05:00 your time). 1 h of business time "
        "from qualification, counted Mon\u2013Fri 09:00\u201317:00 Europe/Berlin. "
        "First touched Wed 5 Mar 05:20 (America/New_York), 20 min of business time late.",
        id="touched late",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("start", "now", "viewer", "spec", "touched", "expected"), HOVER_CASES)
def test_hover(start, now, viewer, spec, touched, expected):
    assert text(start, now, viewer, spec, touched).hover == expected


DURATION_CASES = [
    pytest.param(0, "0 min", id="zero"),
    pytest.param(45, "45 min", id="minutes"),
    pytest.param(60, "1 h", id="one hour"),
    pytest.param(90, "1 h 30 min", id="hour and minutes"),
    pytest.param(120, "2 h", id="whole hours"),
    pytest.param(-125, "2 h 5 min", id="overdue minutes_left is negative"),
]


@pytest.mark.parametrize(("minutes", "expected"), DURATION_CASES)
def test_business_duration(minutes, expected):
    assert business_duration(minutes) == expected
