"""Reason sentences: templates filled with evidence, never raising (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from qualification.core.scoring import REASON_PLACEHOLDERS, ReasonContext, render_reason
from qualification.core.scoring.reasons import format_relative, format_times, format_value
from tests.core.scoring.builders import NOW, days_ago


@pytest.mark.parametrize(
    ("template", "ctx", "sentence"),
    [
        pytest.param(
            "Viewed the pricing page {times} {window}",
            ReasonContext(count=4, window_days=7),
            "Viewed the pricing page 4 times in the last 7 days",
            id="pricing-4-in-7-days",
        ),
        pytest.param(
            "Requested a demo {times} {window}",
            ReasonContext(count=1, window_days=None),
            "Requested a demo once so far",
            id="once-ever",
        ),
        pytest.param(
            "Opened the app {times} {window}",
            ReasonContext(count=2, window_days=1),
            "Opened the app twice in the last day",
            id="twice-in-a-day",
        ),
        pytest.param(
            "Works at a {employees}-person {industry} company in {country}",
            ReasonContext(employees=40, industry="fintech", country="DE"),
            "Works at a 40-person fintech company in Germany",
            id="firmographics",
        ),
        pytest.param(
            "Works at a {employees}-person company in {country}",
            ReasonContext(employees=12000, country="us"),
            "Works at a 12,000-person company in the United States",
            id="thousands-and-lowercase-country",
        ),
        pytest.param(
            "Based in {country}",
            ReasonContext(country="XK"),
            "Based in XK",
            id="unlisted-country-code-stays",
        ),
        pytest.param(
            "Active on {days} days {window}, last {last_seen}",
            ReasonContext(days=5, window_days=14, last_seen=days_ago(2)),
            "Active on 5 days in the last 14 days, last 2 days ago",
            id="days-and-last-seen",
        ),
        pytest.param(
            "Sells in {value}",
            ReasonContext(value=["DE", "FR"]),
            "Sells in DE, FR",
            id="list-value",
        ),
        pytest.param(
            "Has {value} seats",
            ReasonContext(value=2500.0),
            "Has 2,500 seats",
            id="integral-float-value",
        ),
        pytest.param(
            "{users} people at {account} used {event} {count} times in {window_days} days",
            ReasonContext(users=3, account="Acme", event="Report Run", count=1234, window_days=7),
            "3 people at Acme used Report Run 1,234 times in 7 days",
            id="account-users-event-count",
        ),
        pytest.param(
            "Uses a personal email address ({value})",
            ReasonContext(value="gmail.com"),
            "Uses a personal email address (gmail.com)",
            id="disqualifier-sentence",
        ),
    ],
)
def test_render_reason(template, ctx, sentence):
    assert render_reason(template, ctx, NOW) == sentence


@pytest.mark.parametrize(
    ("template", "ctx", "sentence"),
    [
        pytest.param(
            "Works in {industry} ({employees} people)",
            ReasonContext(),
            "Works in unknown (unknown people)",
            id="missing-evidence",
        ),
        pytest.param(
            "Seen {last_seen}", ReasonContext(last_seen=None), "Seen unknown", id="never-seen"
        ),
        pytest.param("Hi {nickname}", ReasonContext(), "Hi unknown", id="unknown-placeholder"),
        pytest.param("Hi {}", ReasonContext(), "Hi unknown", id="positional-placeholder"),
        pytest.param("Hi {count:>9}", ReasonContext(count=3), "Hi 3", id="format-spec-ignored"),
        pytest.param("Broken {count", ReasonContext(count=3), "Broken {count", id="unbalanced"),
        pytest.param("Use {{braces}}", ReasonContext(), "Use {braces}", id="escaped-braces"),
        pytest.param("", ReasonContext(), "", id="empty"),
        pytest.param(
            "Attribute {window}",
            ReasonContext(has_window=False),
            "Attribute unknown",
            id="window-on-attribute",
        ),
    ],
)
def test_render_reason_never_raises(template, ctx, sentence):
    assert render_reason(template, ctx, NOW) == sentence


@pytest.mark.parametrize(
    ("count", "text"),
    [
        pytest.param(1, "once", id="1"),
        pytest.param(2, "twice", id="2"),
        pytest.param(3, "3 times", id="3"),
        pytest.param(0, "0 times", id="0"),
        pytest.param(1500, "1,500 times", id="1500"),
        pytest.param(None, "unknown", id="none"),
    ],
)
def test_format_times(count, text):
    assert format_times(count) == text


@pytest.mark.parametrize(
    ("when", "text"),
    [
        pytest.param(NOW - timedelta(hours=3), "today", id="earlier-today"),
        pytest.param(NOW + timedelta(hours=1), "today", id="clock-skew-future"),
        pytest.param(NOW - timedelta(days=1), "yesterday", id="yesterday"),
        pytest.param(
            NOW.replace(hour=0, minute=1) - timedelta(minutes=2),
            "yesterday",
            id="just-before-midnight",
        ),
        pytest.param(NOW - timedelta(days=3), "3 days ago", id="3-days"),
        pytest.param(NOW - timedelta(days=400), "over a year ago", id="long-ago"),
    ],
)
def test_format_relative(when, text):
    assert format_relative(when, NOW) == text


def test_relative_days_are_counted_in_nows_timezone():
    # 23:30 UTC on the 11th is already the 12th in Berlin, the same day as `now` there.
    berlin = timezone(timedelta(hours=1))
    now = datetime(2025, 3, 12, 9, 0, tzinfo=berlin)
    when = datetime(2025, 3, 11, 23, 30, tzinfo=UTC)
    assert format_relative(when, now) == "today"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param(1200, "1,200", id="int"),
        pytest.param(12.5, "12.5", id="float"),
        pytest.param(True, "yes", id="bool"),
        pytest.param(["DE", 5000], "DE, 5,000", id="mixed-list"),
        pytest.param([], "unknown", id="empty-list"),
        pytest.param(None, "unknown", id="none"),
        pytest.param("1200", "1200", id="text-left-as-written"),
    ],
)
def test_format_value(value, text):
    assert format_value(value) == text


FULL = ReasonContext(
    count=3,
    days=2,
    window_days=7,
    last_seen=days_ago(1),
    value="DE",
    event="Report Run",
    account="Acme",
    employees=40,
    industry="fintech",
    country="DE",
    users=3,
)


@pytest.mark.parametrize("name", sorted(REASON_PLACEHOLDERS))
def test_every_placeholder_validation_allows_is_filled(name):
    rendered = render_reason("{" + name + "}", FULL, NOW)
    assert rendered
    assert rendered != "unknown"
