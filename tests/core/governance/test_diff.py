"""version_diff: what a draft changes, in plain words (no database)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification.core.governance import (
    Change,
    changed_criterion_keys,
    diff_summary,
    version_diff,
)
from tests.core.governance.builders import criterion, snapshot


def test_identical_content_has_no_changes():
    assert version_diff(snapshot(), snapshot()) == []


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        pytest.param({"points": 25}, "Pricing page views: 20 → 25 points", id="points"),
        pytest.param({"is_active": False}, "Pricing page views switched off", id="off"),
        pytest.param({"threshold": 5}, "Pricing page views: at least 3 → 5 events", id="count"),
        pytest.param({"window_days": None}, "Pricing page views: within 7 days → ever", id="ever"),
        pytest.param({"window_days": 14}, "Pricing page views: within 7 → 14 days", id="window"),
        pytest.param(
            {"event_name": "Plans Viewed"},
            "Pricing page views: counts “Plans Viewed” instead of “Pricing Viewed”",
            id="event",
        ),
        pytest.param(
            {"reason_template": "Looked at prices {times}"},
            "Pricing page views: reason reworded to “Looked at prices {times}”",
            id="reason",
        ),
        pytest.param(
            {"name": "Pricing visits"},
            "Renamed “Pricing page views” to “Pricing visits”",
            id="name",
        ),
        pytest.param(
            {"points_mode": "per_occurrence"},
            "Pricing page views: points mode once → per occurrence",
            id="choice-label",
        ),
        pytest.param(
            {"property_filter": {"plan": "pro"}},
            "Pricing page views: event properties any → plan = “pro”",
            id="dict",
        ),
        pytest.param(
            {"max_occurrences": 5},
            "Pricing page views: occurrence cap no cap → 5",
            id="none-label",
        ),
        pytest.param(
            {"half_life_days": 14.0},
            "Pricing page views: half-life (days) no decay → 14",
            id="float",
        ),
    ],
)
def test_a_changed_criterion_field_reads_in_plain_words(changes: dict[str, Any], text: str):
    base = snapshot()
    draft = snapshot({"pricing": criterion(**changes)})
    [change] = version_diff(base, draft)
    field = next(iter(changes))
    assert change == Change(
        "changed", "pricing", field, base["criteria"]["pricing"][field], changes[field], text
    )


def test_switching_back_on_and_distinct_days_and_negative_points():
    base = snapshot({"pricing": criterion(is_active=False, measure="distinct_days", points=-10)})
    draft = snapshot({"pricing": criterion(measure="distinct_days", points=-15, threshold=4)})
    texts = [change.text for change in version_diff(base, draft)]
    # In field order: threshold, points, is_active.
    assert texts == [
        "Pricing page views: at least 3 → 4 days",
        "Pricing page views: -10 → -15 points",
        "Pricing page views switched back on",
    ]


def test_a_rename_is_listed_first_and_the_other_lines_use_the_new_name():
    draft = snapshot({"pricing": criterion(points=30, name="Pricing visits")})
    texts = [change.text for change in version_diff(snapshot(), draft)]
    assert texts == [
        "Renamed “Pricing page views” to “Pricing visits”",
        "Pricing visits: 20 → 30 points",
    ]


def test_added_and_removed_criteria():
    demo = criterion(name="Demo request", kind="intent", points=25)
    spam = criterion(name="Spam domain", kind="disqualifier", points=0, is_active=False)
    base = snapshot({"pricing": criterion()})
    draft = snapshot({"demo": demo, "spam": spam})
    changes = version_diff(base, draft)
    assert [(c.kind, c.key, c.field, c.text) for c in changes] == [
        ("added", "demo", "", "New criterion: Demo request (intent, +25 points)"),
        ("removed", "pricing", "", "Removed criterion: Pricing page views"),
        ("added", "spam", "", "New criterion: Spam domain (disqualifier, switched off)"),
    ]
    assert (changes[0].before, changes[0].after) == (None, demo)
    assert (changes[1].before, changes[1].after) == (base["criteria"]["pricing"], None)


def test_negative_new_criterion_shows_its_sign():
    draft = snapshot(
        {"pricing": criterion(), "student": criterion(name="Student", kind="negative", points=-15)}
    )
    [change] = version_diff(snapshot(), draft)
    assert change.text == "New criterion: Student (negative, -15 points)"


def test_policy_changes_come_first_with_labels():
    draft = snapshot(
        {"pricing": criterion(points=25)},
        mql_threshold=55,
        tier_hot=85,
        outreach_order="mql_first",
        hand_raiser_events=["Demo Requested"],
    )
    texts = [change.text for change in version_diff(snapshot(), draft)]
    assert texts == [
        "MQL threshold 60 → 55",
        "Hot tier at 80 → 85",
        "Outreach order PQL first → MQL first",
        "Hand-raiser events: added “Demo Requested”, removed “Contact Sales”",
        "Pricing page views: 20 → 25 points",
    ]


def test_reordering_an_event_list_is_no_change():
    base = snapshot(purchase_events=["A", "B"])
    assert version_diff(base, snapshot(purchase_events=["B", "A"])) == []
    [change] = version_diff(base, snapshot(purchase_events=["B", "A", "C"]))
    assert (change.kind, change.field, change.text) == (
        "policy",
        "purchase_events",
        "Purchase events: added “C”",
    )


def test_criteria_are_ordered_by_name_not_key():
    base = snapshot({"a": criterion(name="Zoom"), "b": criterion(name="alpha")})
    draft = snapshot(
        {"a": criterion(name="Zoom", points=1), "b": criterion(name="alpha", points=2)}
    )
    assert [c.key for c in version_diff(base, draft)] == ["b", "a"]


def test_changed_criterion_keys_ignores_policy():
    draft = snapshot({"demo": criterion(name="Demo")}, mql_threshold=50)
    assert changed_criterion_keys(version_diff(snapshot(), draft)) == {"demo", "pricing"}


def _change(text: str) -> Change:
    return Change("policy", "", "x", 1, 2, text)


@pytest.mark.parametrize(
    ("count", "summary"),
    [
        pytest.param(0, "No changes", id="none"),
        pytest.param(2, "c0; c1", id="under-limit"),
        pytest.param(3, "c0; c1; c2", id="at-limit"),
        pytest.param(4, "c0; c1; c2; and 1 more change", id="one-more"),
        pytest.param(5, "c0; c1; c2; and 2 more changes", id="more"),
    ],
)
def test_diff_summary(count: int, summary: str):
    assert diff_summary([_change(f"c{i}") for i in range(count)]) == summary


_points = st.integers(min_value=-50, max_value=50)


@settings(max_examples=50, deadline=None)
@given(
    st.dictionaries(st.sampled_from("abcdef"), _points),
    st.dictionaries(st.sampled_from("abcdef"), _points),
)
def test_every_difference_is_reported_once(before: dict[str, int], after: dict[str, int]):
    base = snapshot({key: criterion(name=key, points=p) for key, p in before.items()})
    draft = snapshot({key: criterion(name=key, points=p) for key, p in after.items()})
    changes = version_diff(base, draft)
    expected = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed_criterion_keys(changes) == expected
    assert len(changes) == len(expected)
    assert [c.key for c in changes] == sorted(expected)
