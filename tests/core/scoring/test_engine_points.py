"""score_lead: points, windows, decay, caps, negatives, ordering, evidence (no database)."""

from __future__ import annotations

import json

import pytest

from qualification.core.scoring import EventSignal, PolicySpec, round_points, score_lead
from tests.core.scoring.builders import (
    NOW,
    attribute_criterion,
    days_ago,
    event_criterion,
    lead_signals,
    seen,
)

POLICY = PolicySpec()


def score(criteria, **signal_fields):
    return score_lead(criteria, lead_signals(**signal_fields), POLICY, NOW)


def only(result):
    (contribution,) = result.contributions
    return contribution


@pytest.mark.parametrize(
    ("window_days", "signal", "points", "reason"),
    [
        pytest.param(7, seen(3), 10, "Viewed pricing 3 times in the last 7 days", id="inside-7"),
        # Events older than the window are not in the signal's count (the aggregation
        # pass counts per window), so an empty signal must not fire.
        pytest.param(7, EventSignal(), 0, None, id="outside-7"),
        pytest.param(1, seen(1, last=0), 10, "Viewed pricing once in the last day", id="inside-1"),
        pytest.param(None, seen(2, last=90), 10, "Viewed pricing twice so far", id="ever"),
    ],
)
def test_window_count_comes_from_the_signal_and_is_rendered(window_days, signal, points, reason):
    spec = event_criterion(
        "pricing", window_days=window_days, reason_template="Viewed pricing {times} {window}"
    )
    result = score([spec], events={"pricing": signal})
    assert result.intent == points
    assert [c.reason for c in result.contributions] == ([reason] if reason else [])
    if reason:
        assert only(result).window_days == window_days


def test_threshold_is_tested_on_the_window_count_not_on_first_seen():
    spec = event_criterion("pricing", threshold=3, window_days=7)
    few = EventSignal(count=2, distinct_days=2, first_seen=days_ago(400), last_seen=days_ago(1))
    assert score([spec], events={"pricing": few}).intent == 0


@pytest.mark.parametrize(
    ("mode", "signal", "half_life", "points", "decay"),
    [
        pytest.param("once", seen(1, last=0), 14, 20, 1.0, id="once-fresh"),
        pytest.param("once", seen(1, last=14), 14, 10, 0.5, id="once-one-half-life"),
        pytest.param("once", seen(1, last=28), 14, 5, 0.25, id="once-two-half-lives"),
        # once uses the most recent event: an old average does not drag it down.
        pytest.param("once", seen(5, last=0, decayed=1.0), 14, 20, 1.0, id="once-ignores-average"),
        pytest.param(
            "once",
            EventSignal(count=4, distinct_days=4, decayed_sum=2.0),
            14,
            10,
            0.5,
            id="once-without-last-seen-uses-average",
        ),
        pytest.param("once", seen(1, last=14), None, 20, None, id="no-decay"),
        # per_occurrence uses the average decay of the matching events.
        pytest.param(
            "per_occurrence", seen(4, last=0, decayed=2.0), 14, 40, 0.5, id="per-occ-average"
        ),
        pytest.param(
            "per_occurrence", seen(4, last=0, decayed=3.0), 14, 60, 0.75, id="per-occ-three-q"
        ),
        pytest.param(
            "per_occurrence",
            EventSignal(count=1, distinct_days=1, last_seen=NOW, decayed_sum=1.3),
            14,
            20,
            1.0,
            id="factor-capped-at-one",
        ),
    ],
)
def test_decay(mode, signal, half_life, points, decay):
    spec = event_criterion(
        "webinar",
        points=20,
        points_mode=mode,
        max_occurrences=10 if mode == "per_occurrence" else None,
        half_life_days=half_life,
    )
    contribution = only(score([spec], events={"webinar": signal}))
    assert contribution.points == points
    assert contribution.decay == decay


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        pytest.param(2.5, 3, id="half-up"),
        pytest.param(-2.5, -3, id="negative-half-away"),
        pytest.param(2.49, 2, id="below-half"),
        pytest.param(3.5, 4, id="not-bankers"),
        pytest.param(0.4, 0, id="to-zero"),
    ],
)
def test_round_points(value, rounded):
    assert round_points(value) == rounded


def test_decayed_points_are_rounded_per_contribution():
    # 5 x 0.5 = 2.5 each; two contributions give 3 + 3, not round(5.0) = 5.
    specs = [event_criterion(key, points=5, half_life_days=7) for key in ("webinar", "ebook")]
    result = score(specs, events={"webinar": seen(1, last=7), "ebook": seen(1, last=7)})
    assert [c.points for c in result.contributions] == [3, 3]
    assert result.intent == 6


@pytest.mark.parametrize(
    ("threshold", "cap", "count", "points", "occurrences"),
    [
        pytest.param(1, 5, 2, 6, 2, id="under-cap"),
        pytest.param(1, 5, 5, 15, 5, id="at-cap"),
        pytest.param(1, 5, 12, 15, 5, id="over-cap"),
        pytest.param(3, 5, 2, 0, None, id="below-threshold-pays-nothing"),
        pytest.param(3, 5, 3, 9, 3, id="threshold-reached-pays-every-occurrence"),
    ],
)
def test_per_occurrence_cap(threshold, cap, count, points, occurrences):
    spec = event_criterion(
        "report_run",
        kind="usage",
        points=3,
        points_mode="per_occurrence",
        threshold=threshold,
        max_occurrences=cap,
    )
    result = score([spec], events={"report_run": seen(count)})
    assert result.usage == points
    assert [c.occurrences for c in result.contributions] == ([occurrences] if occurrences else [])


def test_per_occurrence_on_distinct_days_pays_per_day():
    spec = event_criterion(
        "active",
        kind="usage",
        measure="distinct_days",
        window_days=14,
        points=4,
        points_mode="per_occurrence",
        max_occurrences=10,
        threshold=2,
    )
    result = score([spec], events={"active": seen(30, days=3)})
    assert (result.usage, only(result).occurrences) == (12, 3)


@pytest.mark.parametrize(
    ("applies_to", "signal_type", "subscore"),
    [
        pytest.param("mql", "event", "intent", id="mql-event"),
        pytest.param("pql", "event", "usage", id="pql-event"),
        pytest.param("both", "event", "intent", id="both-event"),
        pytest.param("mql", "attribute", "intent", id="mql-attribute"),
        pytest.param("pql", "attribute", "usage", id="pql-attribute"),
        pytest.param("both", "attribute", "fit", id="both-attribute"),
    ],
)
def test_negative_points_go_to_the_subscore_of_their_scope(applies_to, signal_type, subscore):
    fit = attribute_criterion("b2b", "account.business_model", "eq", "b2b", points=30)
    if signal_type == "event":
        negative = event_criterion(
            "unsubscribed", kind="negative", points=-12, applies_to=applies_to
        )
    else:
        negative = attribute_criterion(
            "intern",
            "lead.title",
            "contains",
            "cto",
            kind="negative",
            points=-12,
            applies_to=applies_to,
        )
    result = score([fit, negative], events={"unsubscribed": seen(1)})
    subscores = {"fit": result.fit, "intent": result.intent, "usage": result.usage}
    expected = {"fit": 30, "intent": 0, "usage": 0}
    expected[subscore] -= 12
    assert subscores == expected
    assert result.total == 18
    assert next(c for c in result.contributions if c.kind == "negative").subscore == subscore


def test_negative_per_occurrence_with_decay_subtracts_rounded_away_from_zero():
    spec = event_criterion(
        "email_bounced",
        kind="negative",
        applies_to="mql",
        points=-5,
        points_mode="per_occurrence",
        max_occurrences=3,
        half_life_days=10,
    )
    result = score([spec], events={"email_bounced": seen(5, decayed=2.5)})
    # -5 x 3 (capped) x 0.5 = -7.5 → -8
    assert (result.intent, only(result).base_points) == (-8, -15)


def test_contributions_and_reasons_are_strongest_first_negatives_included():
    specs = [
        event_criterion("webinar", points=5, reason_template="Attended a webinar"),
        event_criterion("demo", points=25, reason_template="Requested a demo"),
        event_criterion(
            "unsubscribed", kind="negative", points=-15, reason_template="Unsubscribed"
        ),
        attribute_criterion(
            "size", "account.employee_count", "gte", 10, points=15, reason_template="Big enough"
        ),
    ]
    events = {key: seen(1) for key in ("webinar", "demo", "unsubscribed")}
    result = score(specs, events=events)
    assert [c.key for c in result.contributions] == ["demo", "size", "unsubscribed", "webinar"]
    assert result.reasons == (
        "Requested a demo",
        "Big enough",
        "Unsubscribed",
        "Attended a webinar",
    )


def test_zero_point_contribution_is_itemized_but_not_a_reason():
    spec = event_criterion("webinar", points=1, half_life_days=1, reason_template="Webinar")
    result = score([spec], events={"webinar": seen(1, last=30)})
    assert [c.points for c in result.contributions] == [0]
    assert result.reasons == ()


def test_strongest_signal_at_is_the_last_seen_of_the_strongest_positive_event():
    specs = [
        attribute_criterion("size", "account.employee_count", "gte", 10, points=50),
        event_criterion("unsubscribed", kind="negative", points=-40),
        event_criterion("demo", points=30),
        event_criterion("webinar", points=5),
    ]
    events = {
        "unsubscribed": seen(1, last=0),
        "demo": seen(1, last=3),
        "webinar": seen(1, last=1),
    }
    assert score(specs, events=events).strongest_signal_at == days_ago(3)


def test_no_positive_event_means_no_strongest_signal_time():
    spec = attribute_criterion("size", "account.employee_count", "gte", 10, points=50)
    assert score([spec]).strongest_signal_at is None


def test_missing_attributes_are_reported_and_the_lead_scores_on_what_it_has():
    specs = [
        attribute_criterion("title", "lead.title", "contains", "cto", points=20),
        attribute_criterion("country", "account.country", "in", ["DE"], points=10),
        attribute_criterion("crm", "account.traits.tech.crm", "eq", "salesforce", points=10),
        attribute_criterion("has_size", "account.employee_count", "is_set", points=5),
        event_criterion("demo", points=25),
    ]
    result = score(specs, account=None, events={"demo": seen(1)})
    assert (result.fit, result.intent) == (20, 25)
    # is_set answers "no" rather than "unknown": it asks exactly that.
    assert result.unknown_attributes == ("account.country", "account.traits.tech.crm")


def test_present_but_non_matching_attribute_is_not_unknown():
    spec = attribute_criterion("country", "account.country", "in", ["FR"], points=10)
    result = score([spec])
    assert (result.fit, result.unknown_attributes) == (0, ())


def test_near_misses_name_positive_event_criteria_at_half_their_threshold():
    specs = [
        event_criterion("pricing", threshold=4, window_days=7, name="Pricing page visits"),
        event_criterion("webinar", threshold=4),
        event_criterion("bounced", kind="negative", points=-5, threshold=4),
        event_criterion(
            "active",
            kind="usage",
            measure="distinct_days",
            threshold=5,
            window_days=14,
            name="Active days",
        ),
    ]
    events = {
        "pricing": seen(3),
        "webinar": seen(1),
        "bounced": seen(3),
        "active": seen(9, days=3),
    }
    result = score(specs, events=events)
    assert [n.description for n in result.near_misses] == [
        "Active days: 3 of 5 active days in the last 14 days",
        "Pricing page visits: 3 of 4 events in the last 7 days",
    ]
    assert result.contributions == ()


def test_evidence_is_itemized_on_each_contribution():
    spec = event_criterion(
        "report_run",
        kind="usage",
        points=4,
        points_mode="per_occurrence",
        max_occurrences=5,
        property_filter={"report": "revenue"},
        half_life_days=14,
        window_days=30,
        glossary_term="active-usage",
        reason_template="Ran the {value} report {times} {window}, last {last_seen}",
    )
    signal = EventSignal(
        count=6, distinct_days=4, first_seen=days_ago(20), last_seen=days_ago(2), decayed_sum=4.5
    )
    c = only(score([spec], events={"report_run": signal}))
    assert (c.count, c.days, c.window_days, c.last_seen) == (6, 4, 30, days_ago(2))
    assert (c.base_points, c.occurrences, c.decay, c.points) == (20, 5, 0.75, 15)
    assert (c.value, c.glossary_term) == ("revenue", "active-usage")
    assert c.reason == "Ran the revenue report 6 times in the last 30 days, last 2 days ago"


def test_to_dict_is_json_serialisable_with_iso_datetimes():
    specs = [
        event_criterion("demo", points=30, half_life_days=30),
        attribute_criterion("crm", "account.traits.tech", "contains", "sales", points=10),
        attribute_criterion("gone", "lead.traits.missing", "eq", "x"),
        attribute_criterion(
            "gmail", "lead.email_domain", "in", ["gmail.com"], kind="disqualifier", points=0
        ),
        event_criterion("pricing", threshold=4),
    ]
    account = {"name": "Acme", "traits": {"tech": ["Salesforce", "Slack"]}}
    result = score(
        specs,
        lead={"email": "x@gmail.com"},
        account=account,
        events={"demo": seen(1, last=2), "pricing": seen(2)},
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data["contributions"][0]["last_seen"] == days_ago(2).isoformat()
    assert data["strongest_signal_at"] == days_ago(2).isoformat()
    assert data["contributions"][1]["value"] == ["Salesforce", "Slack"]
    assert data["disqualifiers"][0]["key"] == "gmail"
    assert data["unknown_attributes"] == ["lead.traits.missing"]
    assert data["near_misses"][0]["key"] == "pricing"
    assert (data["tier"], data["tier_name"]) == (1, "cold")
    json.dumps(lead_signals(events={"demo": seen(1)}).to_dict())
