"""The reference rules: attribute resolution, operators, event conditions, points, decay
and near misses (no database)."""

from __future__ import annotations

import pytest

from qualification.core.scoring import (
    EventSignal,
    LeadFacts,
    apply_operator,
    attribute_condition,
    event_condition,
    resolve_attribute,
)
from qualification.core.scoring.conditions import event_points, is_near_miss
from tests.core.scoring.builders import attribute_criterion, days_ago, event_criterion, seen

FACTS = LeadFacts(
    lead={
        "email": "Ada@Example.COM",
        "title": "Head of Data",
        "source": "",
        "traits": {"role": "engineer", "seats": None},
    },
    account={
        "name": "Acme",
        "domain": "acme.io",
        "employee_count": 40,
        "country": "DE",
        "traits": {"tech": {"crm": "Salesforce"}, "stack": ["Snowflake", "dbt"]},
    },
)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        pytest.param("lead.title", "Head of Data", id="lead-field"),
        pytest.param("account.employee_count", 40, id="account-number"),
        pytest.param("lead.traits.role", "engineer", id="lead-trait"),
        pytest.param("account.traits.tech.crm", "Salesforce", id="nested-trait"),
        pytest.param("account.traits.stack", ["Snowflake", "dbt"], id="list-trait"),
        pytest.param("lead.email_domain", "example.com", id="domain-from-email-lowercased"),
        pytest.param("lead.source", None, id="empty-string-is-missing"),
        pytest.param("lead.traits.seats", None, id="null-trait-is-missing"),
        pytest.param("lead.traits.missing", None, id="absent-trait"),
        pytest.param("account.traits.tech.crm.vendor", None, id="path-through-a-string"),
        pytest.param("account.industry", None, id="absent-field"),
        pytest.param("team.name", None, id="unknown-root"),
    ],
)
def test_resolve_attribute(path, expected):
    assert resolve_attribute(FACTS, path) == expected


def test_explicit_email_domain_wins_over_the_email():
    facts = LeadFacts(lead={"email": "a@b.com", "email_domain": "corp.example"})
    assert resolve_attribute(facts, "lead.email_domain") == "corp.example"


def test_no_account_resolves_every_account_path_to_missing():
    facts = LeadFacts(lead={"email": "a@b.com"}, account=None)
    assert resolve_attribute(facts, "account.country") is None
    assert resolve_attribute(facts, "account.traits.tech") is None


@pytest.mark.parametrize(
    ("operator", "actual", "expected", "holds"),
    [
        pytest.param("eq", "Germany", "germany", True, id="eq-case-insensitive"),
        pytest.param("eq", " DE ", "de", True, id="eq-ignores-surrounding-space"),
        pytest.param("eq", "DE", "FR", False, id="eq-different"),
        pytest.param("eq", "50", 50, True, id="eq-numeric-string"),
        pytest.param("eq", 50.0, 50, True, id="eq-float-int"),
        pytest.param("eq", True, "true", True, id="eq-bool-word"),
        pytest.param("eq", True, 1, False, id="eq-bool-is-not-one"),
        pytest.param("eq", ["HubSpot", "Slack"], "slack", True, id="eq-any-list-item"),
        pytest.param("in", "de", ["DE", "FR"], True, id="in-case-insensitive"),
        pytest.param("in", "US", ["DE", "FR"], False, id="in-absent"),
        pytest.param("in", ["a", "B"], ["b", "c"], True, id="in-list-overlap"),
        pytest.param("not_in", "US", ["DE", "FR"], True, id="not-in-absent"),
        pytest.param("not_in", "fr", ["DE", "FR"], False, id="not-in-present"),
        pytest.param("not_in", ["x", "FR"], ["DE", "FR"], False, id="not-in-list-overlap"),
        pytest.param("contains", "uni.edu", ".EDU", True, id="contains-case-insensitive"),
        pytest.param("contains", "acme.io", ".edu", False, id="contains-absent"),
        pytest.param("contains", ["Salesforce CRM"], "salesforce", True, id="contains-in-list"),
        pytest.param("gte", 50, 50, True, id="gte-boundary"),
        pytest.param("gte", 49, 50, False, id="gte-below"),
        pytest.param("gte", "1,200", 1000, True, id="gte-coerces-string"),
        pytest.param("gte", "51-200", 50, False, id="gte-not-a-number"),
        pytest.param("gte", True, 0, False, id="gte-bool-is-not-a-number"),
        pytest.param("lte", 10, 10, True, id="lte-boundary"),
        pytest.param("lte", 11, 10, False, id="lte-above"),
        pytest.param("between", 50, [50, 500], True, id="between-low-bound"),
        pytest.param("between", 500, [50, 500], True, id="between-high-bound"),
        pytest.param("between", 501, [50, 500], False, id="between-above"),
        pytest.param("between", " 120 ", [50, 500], True, id="between-string"),
        pytest.param("between", 100, [50], False, id="between-bad-bounds"),
        pytest.param("is_set", "x", None, True, id="is-set"),
        pytest.param("is_set", "  ", None, False, id="is-set-blank"),
        pytest.param("is_set", 0, None, True, id="is-set-zero-counts"),
        pytest.param("matches", "x", "x", False, id="unknown-operator-never-holds"),
    ],
)
def test_apply_operator(operator, actual, expected, holds):
    assert apply_operator(operator, actual, expected) is holds


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        pytest.param("eq", "DE", id="eq"),
        pytest.param("in", ["DE"], id="in"),
        pytest.param("not_in", ["DE"], id="not_in"),
        pytest.param("gte", 1, id="gte"),
        pytest.param("lte", 1, id="lte"),
        pytest.param("between", [1, 2], id="between"),
        pytest.param("contains", "D", id="contains"),
    ],
)
def test_missing_attribute_is_unknown_and_never_fires(operator, value):
    spec = attribute_criterion("c", "account.country", operator, value)
    outcome = attribute_condition(spec, LeadFacts(lead={}, account={"name": "Acme"}))
    assert (outcome.known, outcome.holds) == (False, False)


def test_is_set_on_a_missing_attribute_is_a_known_false():
    spec = attribute_criterion("c", "account.country", "is_set")
    outcome = attribute_condition(spec, LeadFacts(lead={}, account=None))
    assert (outcome.known, outcome.holds) == (True, False)


def test_attribute_outcome_carries_the_leads_value():
    spec = attribute_criterion("c", "account.traits.tech.crm", "in", ["salesforce", "hubspot"])
    outcome = attribute_condition(spec, FACTS)
    assert (outcome.known, outcome.holds, outcome.value) == (True, True, "Salesforce")


@pytest.mark.parametrize(
    ("measure", "threshold", "count", "days", "holds"),
    [
        pytest.param("count", 3, 3, 1, True, id="count-at-threshold"),
        pytest.param("count", 3, 2, 9, False, id="count-below-despite-days"),
        pytest.param("distinct_days", 3, 1, 3, True, id="days-at-threshold"),
        pytest.param("distinct_days", 3, 9, 2, False, id="days-below-despite-count"),
        pytest.param("count", 1, 0, 0, False, id="no-events"),
    ],
)
def test_event_condition(measure, threshold, count, days, holds):
    spec = event_criterion(measure=measure, threshold=threshold, window_days=14)
    assert event_condition(spec, EventSignal(count=count, distinct_days=days)) is holds


@pytest.mark.parametrize(
    ("threshold", "count", "near"),
    [
        pytest.param(4, 2, True, id="half-the-threshold"),
        pytest.param(4, 3, True, id="one-short"),
        pytest.param(4, 1, False, id="under-half"),
        pytest.param(4, 4, False, id="reached-is-not-a-miss"),
        pytest.param(3, 2, True, id="odd-threshold-over-half"),
        pytest.param(3, 1, False, id="odd-threshold-under-half"),
        pytest.param(1, 0, False, id="nothing-is-not-a-miss"),
    ],
)
def test_near_miss(threshold, count, near):
    spec = event_criterion(threshold=threshold)
    assert is_near_miss(spec, EventSignal(count=count, distinct_days=count)) is near


@pytest.mark.parametrize("kind", ["negative", "disqualifier"])
def test_only_positive_criteria_nearly_fire(kind):
    spec = event_criterion(threshold=4, kind=kind, points=-5)
    assert not is_near_miss(spec, EventSignal(count=3, distinct_days=3))


@pytest.mark.parametrize(
    ("fields", "signal", "expected"),
    [
        pytest.param({}, seen(4), (10, None, None, 10), id="once-pays-the-points"),
        pytest.param(
            {"points_mode": "per_occurrence", "points": 3},
            seen(4),
            (12, 4, None, 12),
            id="per-occurrence",
        ),
        pytest.param(
            {"points_mode": "per_occurrence", "points": 3, "max_occurrences": 2},
            seen(4),
            (6, 2, None, 6),
            id="per-occurrence-capped",
        ),
        pytest.param(
            {"points_mode": "per_occurrence", "points": 3, "max_occurrences": 0},
            seen(4),
            (12, 4, None, 12),
            id="cap-of-zero-is-no-cap",
        ),
        pytest.param(
            {"points_mode": "per_occurrence", "measure": "distinct_days", "points": 5},
            seen(9, days=3),
            (15, 3, None, 15),
            id="per-active-day",
        ),
        pytest.param(
            {"half_life_days": 7},
            seen(3, last=7, decayed=0.3),
            (10, None, 0.5, 5),
            id="once-decays-from-the-latest-event",
        ),
        pytest.param(
            {"points_mode": "per_occurrence", "points": 5, "half_life_days": 7},
            seen(4, last=0, decayed=1.0),
            (20, 4, 0.25, 5),
            id="per-occurrence-decays-by-the-average",
        ),
        pytest.param(
            {"half_life_days": 7},
            EventSignal(count=2, distinct_days=1, decayed_sum=1.5),
            (10, None, 0.75, 8),
            id="no-last-seen-falls-back-to-the-average",
        ),
        pytest.param(
            {"kind": "negative", "points": -5, "half_life_days": 14},
            seen(1, last=14),
            (-5, None, 0.5, -3),
            id="negative-rounds-away-from-zero",
        ),
        pytest.param(
            {"kind": "disqualifier", "points": 25},
            seen(2),
            (0, None, None, 0),
            id="disqualifier-pays-nothing-whatever-its-points",
        ),
    ],
)
def test_event_points(fields, signal, expected):
    spec = event_criterion("pricing", **fields)
    assert tuple(event_points(spec, signal, days_ago(0))) == expected
