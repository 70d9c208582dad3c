"""Holidays, daylight-saving changes, off-hours starts and policy changes, as case tables.

The property test at the bottom is the guard against Frappe CRM's bug: deadlines that skip
holidays while elapsed time counts them. Ours walk the same windows, so business minutes from a
start to its own deadline are always exactly the allowance.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualification.core.sla import (
    WEEKDAYS,
    ClockTimes,
    SLASpec,
    business_minutes_between,
    clock_times,
    due_at,
    latest_start_due_by,
    sla_state,
    warning_at,
)

BERLIN = ZoneInfo("Europe/Berlin")
NY = ZoneInfo("America/New_York")

# 2025-10-03 (Fri) is German Unity Day; 24-26 Dec 2025 are Wed-Fri, then a weekend.
BERLIN_HOLIDAYS = frozenset({date(2025, 10, 3), date(2025, 12, 24), date(2025, 12, 25),
                             date(2025, 12, 26)})  # fmt: skip
HOLIDAY_WEEK = SLASpec(response_minutes=60, timezone="Europe/Berlin", holidays=BERLIN_HOLIDAYS)
PLAIN_WEEK = SLASpec(response_minutes=60, timezone="Europe/Berlin")
EVERY_DAY = SLASpec(response_minutes=60, timezone="Europe/Berlin", workdays=WEEKDAYS)
NY_EVERY_DAY = SLASpec(response_minutes=60, timezone="America/New_York", workdays=WEEKDAYS)


def b(*args: int) -> datetime:
    """A Berlin wall-clock time."""
    return datetime(*args, tzinfo=BERLIN)


def ny(*args: int) -> datetime:
    """A New York wall-clock time."""
    return datetime(*args, tzinfo=NY)


DUE_CASES = [
    pytest.param(b(2025, 10, 2, 16, 30), HOLIDAY_WEEK, b(2025, 10, 6, 9, 30),
                 id="deadline crosses a holiday"),
    pytest.param(b(2025, 10, 2, 16, 30), PLAIN_WEEK, b(2025, 10, 3, 9, 30),
                 id="same start without the holiday"),
    pytest.param(b(2025, 10, 3, 11, 0), HOLIDAY_WEEK, b(2025, 10, 6, 10, 0),
                 id="start on a holiday"),
    pytest.param(b(2025, 12, 23, 16, 30), HOLIDAY_WEEK, b(2025, 12, 29, 9, 30),
                 id="three holidays then a weekend"),
    pytest.param(b(2025, 12, 25, 10, 0), HOLIDAY_WEEK, b(2025, 12, 29, 10, 0),
                 id="start inside the holiday stretch"),
    pytest.param(
        b(2025, 10, 2, 16, 30),
        SLASpec(response_minutes=60, timezone="Europe/Berlin",
                holidays=frozenset({date(2025, 10, 4)})),
        b(2025, 10, 3, 9, 30),
        id="holiday on a Saturday changes nothing",
    ),
    # Daylight saving: Berlin 2025-03-30 and 2025-10-26, New York 2025-03-09 and 2025-11-02.
    pytest.param(b(2025, 3, 29, 16, 30), EVERY_DAY, b(2025, 3, 30, 9, 30),
                 id="Berlin spring-forward Sunday keeps 09:00"),
    pytest.param(b(2025, 10, 25, 16, 30), EVERY_DAY, b(2025, 10, 26, 9, 30),
                 id="Berlin fall-back Sunday keeps 09:00"),
    pytest.param(ny(2025, 3, 8, 16, 30), NY_EVERY_DAY, ny(2025, 3, 9, 9, 30),
                 id="New York spring-forward Sunday"),
    pytest.param(ny(2025, 11, 1, 16, 30), NY_EVERY_DAY, ny(2025, 11, 2, 9, 30),
                 id="New York fall-back Sunday"),
    pytest.param(
        b(2025, 3, 28, 16, 30),
        SLASpec(response_minutes=60, timezone="Europe/Berlin",
                holidays=frozenset({date(2025, 3, 31)})),
        b(2025, 4, 1, 9, 30),
        id="holiday right after the DST weekend",
    ),
    # Leads qualified outside business hours start counting at the next opening.
    pytest.param(b(2025, 3, 5, 19, 48), PLAIN_WEEK, b(2025, 3, 6, 10, 0), id="qualified 19:48"),
    pytest.param(b(2025, 3, 5, 5, 0), PLAIN_WEEK, b(2025, 3, 5, 10, 0), id="qualified 05:00"),
    pytest.param(b(2025, 3, 9, 23, 59), PLAIN_WEEK, b(2025, 3, 10, 10, 0),
                 id="qualified Sunday 23:59"),
    pytest.param(b(2025, 3, 5, 17, 0), PLAIN_WEEK, b(2025, 3, 6, 10, 0),
                 id="qualified exactly at closing"),
    pytest.param(
        datetime(2025, 3, 5, 23, 30, tzinfo=UTC),  # 00:30 Thursday in Berlin
        PLAIN_WEEK,
        b(2025, 3, 6, 10, 0),
        id="UTC evening is already the next Berlin day",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("start", "spec", "expected"), DUE_CASES)
def test_due_at_calendar(start, spec, expected):
    assert due_at(start, spec.response_minutes, spec) == expected


ELAPSED_CASES = [
    pytest.param(b(2025, 10, 2, 16, 0), b(2025, 10, 6, 10, 0), HOLIDAY_WEEK, 120,
                 id="holiday counts nothing"),
    pytest.param(b(2025, 10, 2, 16, 0), b(2025, 10, 6, 10, 0), PLAIN_WEEK, 600,
                 id="same span without the holiday"),
    pytest.param(b(2025, 12, 24, 9, 0), b(2025, 12, 26, 17, 0), HOLIDAY_WEEK, 0,
                 id="all inside holidays"),
    pytest.param(b(2025, 3, 29, 16, 0), b(2025, 3, 30, 10, 0), EVERY_DAY, 120,
                 id="over the Berlin spring-forward night"),
    pytest.param(
        b(2025, 10, 26, 0, 0), b(2025, 10, 26, 6, 0),
        SLASpec(response_minutes=1, timezone="Europe/Berlin", day_start=time(0),
                day_end=time(6), workdays=("sun",)),
        420,
        id="Berlin fall-back window is 7 real hours",
    ),
    pytest.param(
        ny(2025, 3, 9, 0, 0), ny(2025, 3, 9, 6, 0),
        SLASpec(response_minutes=1, timezone="America/New_York", day_start=time(0),
                day_end=time(6), workdays=("sun",)),
        300,
        id="New York spring-forward window is 5 real hours",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("start", "end", "spec", "expected"), ELAPSED_CASES)
def test_business_minutes_calendar(start, end, spec, expected):
    assert business_minutes_between(start, end, spec) == expected


def test_latest_start_skips_holidays():
    """The filter threshold walks back over the same holidays the deadline walks over."""
    threshold = latest_start_due_by(b(2025, 12, 29, 9, 30), 60, HOLIDAY_WEEK)
    assert threshold == b(2025, 12, 23, 16, 30)


POLICY_CHANGE_CASES = [
    pytest.param(SLASpec(response_minutes=60, timezone="Europe/Berlin"), b(2025, 3, 5, 11, 0),
                 "breached", id="one hour"),
    pytest.param(SLASpec(response_minutes=240, timezone="Europe/Berlin"), b(2025, 3, 5, 14, 0),
                 "ok", id="four hours"),
    pytest.param(SLASpec(response_minutes=60, timezone="America/New_York"), ny(2025, 3, 5, 10, 0),
                 "ok", id="same allowance, New York hours"),
    pytest.param(
        SLASpec(response_minutes=60, timezone="Europe/Berlin",
                holidays=frozenset({date(2025, 3, 5)})),
        b(2025, 3, 6, 10, 0), "ok", id="the day became a holiday",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("spec", "due", "state_at_noon"), POLICY_CHANGE_CASES)
def test_policy_change_moves_the_deadline(spec, due, state_at_noon):
    """Same start, different policy: the deadline and the state follow the policy given."""
    start = b(2025, 3, 5, 10, 0)
    result = sla_state(start, None, spec, b(2025, 3, 5, 12, 0))
    assert (result.due_at, result.state) == (due, state_at_noon)


WARNING_CASES = [
    pytest.param(b(2025, 3, 5, 10, 0), PLAIN_WEEK, b(2025, 3, 5, 10, 45), id="inside the day"),
    pytest.param(b(2025, 3, 5, 16, 30), PLAIN_WEEK, b(2025, 3, 6, 9, 15), id="over the night"),
    pytest.param(b(2025, 10, 2, 16, 30), HOLIDAY_WEEK, b(2025, 10, 6, 9, 15),
                 id="over a holiday"),
    pytest.param(
        b(2025, 3, 5, 10, 0),
        SLASpec(response_minutes=1, warning_percent=50, timezone="Europe/Berlin"),
        b(2025, 3, 5, 10, 1),
        id="at least one minute",
    ),
    pytest.param(
        b(2025, 3, 5, 10, 0),
        SLASpec(response_minutes=480, warning_percent=90, timezone="Europe/Berlin"),
        b(2025, 3, 6, 9, 12),
        id="ninety percent of a business day",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("start", "spec", "expected"), WARNING_CASES)
def test_warning_at(start, spec, expected):
    assert warning_at(start, spec) == expected


def test_clock_times_are_utc_and_ordered():
    times = clock_times(b(2025, 10, 2, 16, 30), HOLIDAY_WEEK)
    assert times == ClockTimes(
        started_at=datetime(2025, 10, 2, 14, 30, tzinfo=UTC),
        warn_at=b(2025, 10, 6, 9, 15),
        due_at=b(2025, 10, 6, 9, 30),
    )
    assert all(value.tzinfo is UTC for value in (times.started_at, times.warn_at, times.due_at))


def test_state_carries_warn_at_and_skips_holidays():
    """Over the holiday a lead qualified Thursday evening is still "ok", not breached."""
    result = sla_state(b(2025, 10, 2, 16, 30), None, HOLIDAY_WEEK, b(2025, 10, 3, 12, 0))
    assert (result.state, result.minutes_left) == ("ok", 30)
    assert result.warn_at == b(2025, 10, 6, 9, 15)


def test_policy_copies_are_frozen_and_hashable():
    spec = SLASpec(response_minutes=60, workdays=["mon"], holidays={date(2025, 1, 6)})
    assert spec.workdays == ("mon",)
    assert spec.holidays == frozenset({date(2025, 1, 6)})
    assert hash(spec) == hash(SLASpec(response_minutes=60, workdays=("mon",),
                                      holidays=frozenset({date(2025, 1, 6)})))  # fmt: skip


# Policies for the property test: holidays next to both Berlin DST weekends, an all-week
# policy whose window spans the DST night, and New York with its own holidays.
PROPERTY_SPECS = [
    SLASpec(
        response_minutes=60,
        timezone="Europe/Berlin",
        holidays=BERLIN_HOLIDAYS | {date(2025, 3, 31), date(2025, 10, 27), date(2025, 3, 28)},
    ),
    SLASpec(
        response_minutes=60, timezone="Europe/Berlin", day_start=time(0), day_end=time(6),
        workdays=WEEKDAYS, holidays=frozenset({date(2025, 3, 29)}),
    ),
    SLASpec(
        response_minutes=60, timezone="America/New_York", day_start=time(8), day_end=time(18),
        holidays=frozenset({date(2025, 3, 10), date(2025, 11, 3), date(2025, 11, 27)}),
    ),
    SLASpec(response_minutes=60, timezone="Asia/Tokyo", workdays=("mon", "wed", "sat")),
]  # fmt: skip
STARTS = st.datetimes(
    min_value=datetime(2025, 2, 20), max_value=datetime(2026, 1, 10), timezones=st.just(UTC)
)
PROPERTY = settings(
    max_examples=300,
    deadline=timedelta(milliseconds=500),
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(start=STARTS, minutes=st.integers(1, 3000), spec=st.sampled_from(PROPERTY_SPECS))
def test_elapsed_time_agrees_with_the_deadline(start, minutes, spec):
    """business_minutes_between(s, due_at(s, m)) == m, across holidays and DST changes."""
    due = due_at(start, minutes, spec)
    assert business_minutes_between(start, due, spec) == minutes
    assert business_minutes_between(start, due - timedelta(seconds=1), spec) == minutes - 1


@PROPERTY
@given(deadline=STARTS, minutes=st.integers(1, 3000), spec=st.sampled_from(PROPERTY_SPECS))
def test_latest_start_is_due_by_the_deadline(deadline, minutes, spec):
    """The filter threshold is due by the deadline, and a minute later is not."""
    threshold = latest_start_due_by(deadline, minutes, spec)
    assert due_at(threshold, minutes, spec) <= deadline
    assert due_at(threshold + timedelta(minutes=1), minutes, spec) > deadline
