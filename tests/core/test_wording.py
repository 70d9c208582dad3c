"""Words said at display time (pure): relative days in the viewer's zone, stored reasons with
their time slot (and without, as stored before it existed), keys and attributes in words."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualification.core.wording import (
    WHEN_SLOT,
    attribute_label,
    decay_words,
    event_label,
    key_words,
    reason_now,
    relative_day,
    timeless,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
# 2026-12-03 00:30 in Berlin is 2026-12-02 23:30 UTC and 18:30 in New York.
NOW_UTC = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (0, "today"),
        (1, "yesterday"),
        (2, "2 days ago"),
        (6, "6 days ago"),
        (7, "a week ago"),
        (8, "8 days ago"),
        (13, "13 days ago"),
        (14, "2 weeks ago"),
        (59, "8 weeks ago"),
        (60, "2 months ago"),
        (364, "12 months ago"),
        (365, "over a year ago"),
        (-3, "today"),  # a device clock ahead of ours: the newest thing we know of
    ],
)
def test_relative_day_counts_calendar_days(days, words):
    now = datetime(2026, 12, 3, 15, 0, tzinfo=BERLIN)
    assert relative_day(now - timedelta(days=days), now) == words


def test_the_same_moment_reads_by_the_viewers_own_calendar():
    """23:30 UTC on 2 December: past midnight in Berlin, still the evening in New York."""
    seen = datetime(2026, 12, 2, 22, 50, tzinfo=UTC)  # 23:50 Berlin, 17:50 New York
    assert relative_day(seen, NOW_UTC.astimezone(BERLIN)) == "yesterday"
    assert relative_day(seen, NOW_UTC.astimezone(NEW_YORK)) == "today"


def test_a_moment_stored_in_utc_is_dated_by_the_viewers_calendar():
    """23:30 UTC on 2 December is already 3 December in Berlin: "today" there that evening."""
    seen = datetime(2026, 12, 2, 23, 30, tzinfo=UTC)
    assert relative_day(seen, datetime(2026, 12, 3, 23, 0, tzinfo=BERLIN)) == "today"
    assert relative_day(seen, datetime(2026, 12, 3, 23, 0, tzinfo=UTC)) == "yesterday"


def test_across_midnight_twenty_minutes_are_a_day_apart():
    now = datetime(2026, 12, 3, 0, 10, tzinfo=BERLIN)
    assert relative_day(now - timedelta(minutes=20), now) == "yesterday"
    assert relative_day(now - timedelta(minutes=5), now) == "today"


def test_a_stored_reason_is_said_when_it_is_shown():
    seen_at = "2026-11-25T09:00:00+00:00"
    text_when = f"Hit a free-plan limit {WHEN_SLOT}"
    scored_then = "Hit a free-plan limit today"
    on_the_day = datetime(2026, 11, 25, 18, 0, tzinfo=BERLIN)
    eight_days_later = datetime(2026, 12, 3, 10, 0, tzinfo=BERLIN)
    assert reason_now(scored_then, text_when, seen_at, on_the_day) == scored_then
    assert reason_now(scored_then, text_when, seen_at, eight_days_later) == (
        "Hit a free-plan limit 8 days ago"
    )


@pytest.mark.parametrize(
    ("text_when", "seen_at"),
    [
        pytest.param(None, None, id="stored-before-the-slot"),
        pytest.param("", "2026-11-25T09:00:00+00:00", id="names-no-time"),
        pytest.param("No slot in here", "2026-11-25T09:00:00+00:00", id="no-slot"),
    ],
)
def test_a_reason_without_a_slot_reads_as_stored(text_when, seen_at):
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    assert reason_now("Asked for a demo 2 days ago", text_when, seen_at, now) == (
        "Asked for a demo 2 days ago"
    )


def test_a_slot_with_an_unreadable_time_says_so_instead_of_failing():
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    assert reason_now("x", f"Signed up {WHEN_SLOT}", "not a time", now) == (
        "Signed up at an unknown time"
    )


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("monthly_exports", "monthly exports"),
        ("product_signup", "product signup"),
        ("crm_sync", "CRM sync"),
        ("c_level", "C-level"),
        ("vp", "VP"),
        ("Marketing agency", "Marketing agency"),  # already words
        ("gmail.com", "gmail.com"),  # a domain is not a key
        ("e-commerce", "e-commerce"),
        ("", ""),
        (None, ""),
    ],
)
def test_key_words(key, words):
    assert key_words(key) == words


@pytest.mark.parametrize(
    ("path", "label"),
    [
        ("account.industry", "Industry"),
        ("account.employee_count", "Employees"),
        ("lead.source", "Lead source"),
        ("lead.traits.seniority", "Seniority"),
        ("account.traits.crm_used", "CRM used"),
        ("", "Attribute"),
    ],
)
def test_attribute_label(path, label):
    assert attribute_label(path) == label


def test_event_names_from_the_tracking_plan_are_kept_and_keys_put_in_words():
    assert event_label("Demo Requested") == "Demo Requested"
    assert event_label("usage_limit_reached") == "Usage limit reached"


@pytest.mark.parametrize(
    ("factor", "words"),
    [(1.0, "full weight"), (0.6234, "62% weight"), (0.0, "0% weight"), (None, ""), ("x", "")],
)
def test_decay_words(factor, words):
    assert decay_words(factor) == words


# -- property: whatever the time, the words are plain and never fail ----------------------

TIMES_SIGN = "\u00d7"  # the multiplication sign the old evidence showed ("decay x1.00")
SNAKE_CASE = re.compile(r"\b[a-z0-9]+_[a-z0-9_]+\b")
moments = st.datetimes(
    min_value=datetime(1, 1, 2),
    max_value=datetime(9999, 12, 30),
    timezones=st.sampled_from([UTC, BERLIN, NEW_YORK, ZoneInfo("Pacific/Kiritimati")]),
)
naive_or_aware = st.one_of(moments, st.datetimes(), st.none())


@given(when=naive_or_aware, now=moments)
def test_relative_day_never_fails_and_never_says_a_key(when, now):
    words = relative_day(when, now)
    assert words
    assert not SNAKE_CASE.search(words)
    assert TIMES_SIGN not in words
    assert "{" not in words


@given(
    before=st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=30),
    after=st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=30),
    seen_at=st.one_of(moments.map(datetime.isoformat), moments, st.text(max_size=20), st.none()),
    now=moments,
)
def test_a_slotted_reason_always_renders_its_time_in_words(before, after, seen_at, now):
    text = reason_now("as scored", f"{before}{WHEN_SLOT}{after}", seen_at, now)
    assert text.startswith(before)
    assert text.endswith(after)
    middle = text[len(before) : len(text) - len(after)]
    assert middle
    assert WHEN_SLOT not in middle
    assert not SNAKE_CASE.search(middle)
    assert TIMES_SIGN not in middle


@given(key=st.from_regex(r"\A[a-z]{1,8}(_[a-z0-9]{1,8}){1,3}\Z"))
def test_any_snake_case_key_reads_as_words(key):
    for words in (key_words(key), attribute_label(f"account.traits.{key}"), event_label(key)):
        assert not SNAKE_CASE.search(words)
        assert "_" not in words


@pytest.mark.parametrize(
    ("text_when", "said"),
    [
        (
            f"Hit a plan limit (Usage Limit Reached, {WHEN_SLOT})",
            "Hit a plan limit (Usage Limit Reached)",
        ),
        (f"Asked for a demo {WHEN_SLOT}", "Asked for a demo"),
        (
            f"Visited our careers page {WHEN_SLOT}: may be a job seeker",
            "Visited our careers page: may be a job seeker",
        ),
        ("", "as scored"),
        (None, "as scored"),
    ],
)
def test_timeless_drops_the_time_for_records_that_keep_their_own(text_when, said):
    assert timeless("as scored", text_when) == said
