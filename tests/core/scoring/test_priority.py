"""Queue priority: the stored key ranks leads as their fresh scores do, at any moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from qualification.core.scoring.priority import (
    FRESHNESS_HALF_LIFE_DAYS,
    PRIORITY_UNKNOWN,
    fresh_score,
    fresh_score_of,
    fresh_since,
    freshest_strong_signal,
    priority_key,
)
from qualification.core.scoring.types import Contribution

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
moments = st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 3), timezones=st.just(UTC)
)
scores = st.integers(min_value=1, max_value=500)


def test_a_demo_today_outranks_a_limit_hit_eight_days_ago():
    demo = priority_key(70, NOW - timedelta(hours=1))
    limit = priority_key(96, NOW - timedelta(days=8))
    assert demo > limit
    assert fresh_score(96, NOW - timedelta(days=8), NOW) == pytest.approx(43.5, abs=0.1)
    # A day's head start is not enough against a clearly higher score.
    assert priority_key(90, NOW - timedelta(days=1)) > priority_key(80, NOW)


@settings(max_examples=300, deadline=None)
@given(
    scores,
    moments,
    scores,
    moments,
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)),
)
@example(96, NOW - timedelta(days=8), 70, NOW, timedelta(0))
def test_the_key_orders_leads_as_their_fresh_scores_do_at_any_later_moment(
    score_a, at_a, score_b, at_b, later
):
    now = max(at_a, at_b) + later
    key_a, key_b = priority_key(score_a, at_a), priority_key(score_b, at_b)
    fresh_a, fresh_b = fresh_score(score_a, at_a, now), fresh_score(score_b, at_b, now)
    if abs(key_a - key_b) > 1e-6:
        assert (key_a > key_b) == (fresh_a > fresh_b)
    # The page's number comes from the key alone, and so does the moment it counts from.
    assert fresh_score_of(key_a, now) == pytest.approx(fresh_a, rel=1e-6)
    assert abs(fresh_since(key_a, score_a) - at_a) < timedelta(seconds=1)


def test_a_lead_with_nothing_to_count_from_ranks_last_and_shows_no_number():
    assert (
        priority_key(500, None)
        == PRIORITY_UNKNOWN
        < priority_key(1, datetime(2024, 1, 1, tzinfo=UTC))
    )
    assert fresh_score_of(PRIORITY_UNKNOWN, NOW) is None
    assert fresh_since(PRIORITY_UNKNOWN, 10) is None


def _c(points: int, seen: datetime | None, signal_type: str = "event") -> Contribution:
    return Contribution(
        key=f"k{points}", name="n", kind="intent", points=points, subscore="intent",
        reason="r", signal_type=signal_type, last_seen=seen,
    )  # fmt: skip


def test_the_freshest_strong_signal_is_the_latest_positive_event():
    old, new = NOW - timedelta(days=9), NOW - timedelta(hours=2)
    contributions = [
        _c(40, old),
        _c(10, new),
        _c(-20, NOW),  # a negative signal is not a reason to call
        _c(15, NOW, signal_type="attribute"),  # fit has no moment
    ]
    assert freshest_strong_signal(contributions) == new
    assert freshest_strong_signal([_c(15, None, "attribute")]) is None


def test_half_life_is_a_week():
    assert FRESHNESS_HALF_LIFE_DAYS == 7
    assert fresh_score(80, NOW - timedelta(days=7), NOW) == pytest.approx(40)
