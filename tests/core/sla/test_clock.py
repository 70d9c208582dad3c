"""The SLA clock as a case table: no database, ``now`` passed in."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from qualification.core.sla import (
    SLASpec,
    business_minutes_between,
    due_at,
    ends_after,
    hours_text,
    latest_start_due_by,
    sla_state,
)

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")
WEEK = SLASpec(response_minutes=60, warning_percent=75, timezone="Europe/Berlin")


def b(*args: int) -> datetime:
    """A Berlin wall-clock time."""
    return datetime(*args, tzinfo=BERLIN)


# 2025-03-07 is a Friday; 2025-03-30 (Sunday) Berlin springs forward; 2025-10-26 falls back.
DUE_CASES = [
    ("inside the day", b(2025, 3, 5, 10, 0), 60, WEEK, b(2025, 3, 5, 11, 0)),
    ("exactly at closing", b(2025, 3, 5, 16, 0), 60, WEEK, b(2025, 3, 5, 17, 0)),
    ("crosses the night", b(2025, 3, 5, 16, 30), 60, WEEK, b(2025, 3, 6, 9, 30)),
    ("crosses the weekend", b(2025, 3, 7, 16, 30), 60, WEEK, b(2025, 3, 10, 9, 30)),
    ("after hours start", b(2025, 3, 5, 19, 45), 60, WEEK, b(2025, 3, 6, 10, 0)),
    ("before opening", b(2025, 3, 5, 6, 0), 30, WEEK, b(2025, 3, 5, 9, 30)),
    ("saturday start", b(2025, 3, 8, 11, 0), 60, WEEK, b(2025, 3, 10, 10, 0)),
    ("exactly at opening", b(2025, 3, 5, 9, 0), 480, WEEK, b(2025, 3, 5, 17, 0)),
    ("exactly at closing start", b(2025, 3, 5, 17, 0), 1, WEEK, b(2025, 3, 6, 9, 1)),
    ("several days", b(2025, 3, 5, 9, 0), 3 * 480 + 5, WEEK, b(2025, 3, 10, 9, 5)),
    ("DST spring Monday", b(2025, 3, 28, 16, 30), 60, WEEK, b(2025, 3, 31, 9, 30)),
    ("DST fall Monday", b(2025, 10, 24, 16, 30), 60, WEEK, b(2025, 10, 27, 9, 30)),
    (
        "DST day itself (weekend workday policy)",
        b(2025, 3, 30, 1, 0),
        60,
        SLASpec(response_minutes=60, timezone="Europe/Berlin", workdays=("sun",)),
        b(2025, 3, 30, 10, 0),
    ),
    (
        "24h day across the DST gap keeps 09:00",
        b(2025, 3, 29, 17, 0),
        30,
        SLASpec(
            response_minutes=30,
            timezone="Europe/Berlin",
            day_start=time(0, 0),
            day_end=time(0, 0),
            workdays=("sat", "sun"),
        ),
        b(2025, 3, 29, 17, 30),
    ),
    (
        "other timezone, UTC input",
        datetime(2025, 3, 5, 21, 0, tzinfo=UTC),  # 16:00 New York
        120,
        SLASpec(response_minutes=120, timezone="America/New_York"),
        datetime(2025, 3, 6, 10, 0, tzinfo=NY),
    ),
]


@pytest.mark.parametrize(
    ("case", "start", "minutes", "spec", "expected"), DUE_CASES, ids=[c[0] for c in DUE_CASES]
)
def test_due_at(case, start, minutes, spec, expected):
    assert due_at(start, minutes, spec) == expected, case


def test_dst_gap_day_counts_real_minutes():
    """Across the spring-forward night, a 00:00-06:00 window is only 5 real hours long."""
    spec = SLASpec(
        response_minutes=1, timezone="Europe/Berlin", day_start=time(0, 0), day_end=time(6, 0),
        workdays=("sun",),
    )  # fmt: skip
    assert business_minutes_between(b(2025, 3, 30, 0, 0), b(2025, 3, 30, 6, 0), spec) == 300


MINUTES_CASES = [
    ("same window", b(2025, 3, 5, 10, 0), b(2025, 3, 5, 11, 30), 90),
    ("over a night", b(2025, 3, 5, 16, 0), b(2025, 3, 6, 10, 0), 120),
    ("over a weekend", b(2025, 3, 7, 16, 0), b(2025, 3, 10, 9, 15), 75),
    ("all after hours", b(2025, 3, 5, 18, 0), b(2025, 3, 5, 23, 0), 0),
    ("end before start", b(2025, 3, 5, 12, 0), b(2025, 3, 5, 11, 0), 0),
]


@pytest.mark.parametrize(
    ("case", "start", "end", "expected"), MINUTES_CASES, ids=[c[0] for c in MINUTES_CASES]
)
def test_business_minutes_between(case, start, end, expected):
    assert business_minutes_between(start, end, WEEK) == expected, case


STATE_CASES = [
    # (case, qualified_at, touched_at, now, state, minutes_left)
    ("fresh", b(2025, 3, 5, 10, 0), None, b(2025, 3, 5, 10, 10), "ok", 50),
    ("warning window", b(2025, 3, 5, 10, 0), None, b(2025, 3, 5, 10, 45), "warning", 15),
    ("just before warning", b(2025, 3, 5, 10, 0), None, b(2025, 3, 5, 10, 44), "ok", 16),
    ("exactly due", b(2025, 3, 5, 10, 0), None, b(2025, 3, 5, 11, 0), "breached", 0),
    ("overdue", b(2025, 3, 5, 10, 0), None, b(2025, 3, 5, 12, 30), "breached", -90),
    ("overdue over night", b(2025, 3, 5, 16, 30), None, b(2025, 3, 6, 10, 0), "breached", -30),
    ("friday evening, weekend", b(2025, 3, 7, 16, 30), None, b(2025, 3, 8, 12, 0), "ok", 30),
    ("touched in time", b(2025, 3, 5, 10, 0), b(2025, 3, 5, 10, 30), b(2025, 3, 6), "met", None),
    ("touched late", b(2025, 3, 5, 10, 0), b(2025, 3, 5, 11, 5), b(2025, 3, 6), "breached", None),
]


@pytest.mark.parametrize(
    ("case", "qualified", "touched", "now", "state", "left"),
    STATE_CASES,
    ids=[c[0] for c in STATE_CASES],
)
def test_sla_state(case, qualified, touched, now, state, left):
    result = sla_state(qualified, touched, WEEK, now)
    assert (result.state, result.minutes_left) == (state, left), case


def test_no_clock_without_policy_or_qualification():
    now = b(2025, 3, 5, 10, 0)
    assert sla_state(None, None, WEEK, now).state == "none"
    assert sla_state(now, None, None, now).state == "none"


WARNING_CASES = [
    # (case, warning_percent, last "ok" minute, first "warning" minute) for a 60-minute clock
    ("default three quarters", 75, 44, 45),
    ("late warning", 99, 58, 59),
    ("one percent still waits a minute", 1, 0, 1),
    ("half", 50, 29, 30),
]


@pytest.mark.parametrize(
    ("case", "percent", "last_ok", "first_warning"),
    WARNING_CASES,
    ids=[c[0] for c in WARNING_CASES],
)
def test_warning_begins_at_its_percent(case, percent, last_ok, first_warning):
    spec = SLASpec(response_minutes=60, warning_percent=percent, timezone="Europe/Berlin")
    start = b(2025, 3, 5, 10, 0)
    before = sla_state(start, None, spec, start + timedelta(minutes=last_ok, seconds=59))
    after = sla_state(start, None, spec, start + timedelta(minutes=first_warning))
    assert (before.state, after.state) == ("ok", "warning"), case
    assert after.warn_at == start + timedelta(minutes=first_warning), case


@pytest.mark.parametrize(
    "spec",
    [
        WEEK,
        SLASpec(response_minutes=600, timezone="America/New_York"),
        SLASpec(response_minutes=45, timezone="Asia/Tokyo", workdays=("mon", "wed")),
    ],
)
def test_latest_start_agrees_with_due_at(spec):
    """start <= latest_start_due_by(deadline) exactly when due_at(start) <= deadline."""
    deadlines = [b(2025, 3, 5, 10, 0), b(2025, 3, 8, 12, 0), b(2025, 3, 31, 9, 0)]
    for deadline in deadlines:
        threshold = latest_start_due_by(deadline, spec.response_minutes, spec)
        assert due_at(threshold, spec.response_minutes, spec) <= deadline
        start = deadline - timedelta(days=9)
        while start < deadline:
            due = due_at(start, spec.response_minutes, spec)
            assert (due <= deadline) == (start <= threshold), (deadline, start)
            start += timedelta(minutes=37)


BAD_POLICIES = [
    ("no workdays", {"workdays": ()}, "workdays"),
    ("unknown workday", {"workdays": ("monday",)}, "monday"),
    ("day ends before it starts", {"day_start": time(17), "day_end": time(9)}, "end after"),
    ("day of zero length", {"day_start": time(9), "day_end": time(9)}, "end after"),
    ("no allowance", {"response_minutes": 0}, "response_minutes"),
    ("warning at zero", {"warning_percent": 0}, "warning_percent"),
    ("warning at the deadline", {"warning_percent": 100}, "warning_percent"),
    ("unknown zone", {"timezone": "Europe/Atlantis"}, "Europe/Atlantis"),
    ("malformed zone", {"timezone": "../etc"}, "time zone"),
    ("datetime holiday", {"holidays": frozenset({datetime(2025, 12, 25)})}, "dates"),
    ("unknown clock start", {"starts_at": "creation"}, "starts_at"),
]


@pytest.mark.parametrize(
    ("case", "fields", "message"), BAD_POLICIES, ids=[c[0] for c in BAD_POLICIES]
)
def test_bad_policy_is_refused(case, fields, message):
    with pytest.raises(ValueError, match=message):
        SLASpec(**{"response_minutes": 10, **fields})


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="aware"):
        due_at(datetime(2025, 3, 5, 10), 10, WEEK)


ALL_DAY = SLASpec(
    response_minutes=60,
    timezone="Europe/Berlin",
    day_start=time(0, 0),
    day_end=time(0, 0),
    workdays=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
)


def test_an_end_of_midnight_keeps_the_clock_running_through_the_night():
    """00:00-00:00 is open all day: business time is wall time across midnight."""
    start = b(2025, 3, 5, 23, 30)
    assert due_at(start, 60, ALL_DAY) == b(2025, 3, 6, 0, 30)
    assert business_minutes_between(start, b(2025, 3, 6, 1, 0), ALL_DAY) == 90
    assert ALL_DAY.business_day_minutes == 24 * 60


def test_an_all_day_window_on_the_spring_forward_day_is_23_hours():
    start, end = b(2025, 3, 30, 0, 0), b(2025, 3, 31, 0, 0)
    assert business_minutes_between(start, end, ALL_DAY) == 23 * 60


def test_a_day_ending_at_midnight_may_start_at_any_hour():
    evening = SLASpec(response_minutes=60, day_start=time(18, 0), day_end=time(0, 0))
    assert ends_after(time(18, 0), time(0, 0))
    assert not ends_after(time(9), time(9))
    # Wednesday 23:30 UTC: half an hour left today, the rest from Thursday 18:00.
    assert due_at(datetime(2025, 3, 5, 23, 30, tzinfo=UTC), 60, evening) == datetime(
        2025, 3, 6, 18, 30, tzinfo=UTC
    )


def test_hours_are_written_with_24_00_for_midnight():
    assert hours_text(time(0, 0), time(0, 0)) == "00:00\u201324:00"
    assert hours_text(time(9, 0), time(17, 30)) == "09:00\u201317:30"
