"""The aggregation pass equals a hand-computed expectation (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from qualification.selectors.scoring_specs import criteria_specs_read, policy_spec_read
from qualification.selectors.signals import lead_batch_build, lead_batch_fetch
from tests.factories import LeadFactory, criterion, days_ago, events, policy

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _read(lead_ids):
    """Each lead's signals, read the way a rescore reads a batch (fetch, then build)."""
    criteria, policy_spec = criteria_specs_read(), policy_spec_read()
    fetched = lead_batch_fetch(lead_ids, criteria, policy_spec, NOW)
    return lead_batch_build(fetched, criteria, policy_spec, NOW).signals


def test_counts_windows_days_and_decay_match_hand_computation(django_assert_num_queries):
    lead = LeadFactory()
    other = LeadFactory()
    criterion(key="pricing-7d", event_name="Pricing Page Viewed", window_days=7, half_life_days=7.0)
    criterion(key="pricing-ever", event_name="Pricing Page Viewed")
    criterion(
        key="active-days",
        kind="usage",
        event_name="Feature Used",
        measure="distinct_days",
        window_days=14,
        threshold=2,
    )
    criterion(
        key="reports",
        kind="usage",
        event_name="Feature Used",
        property_filter={"feature": "reports"},
        window_days=30,
    )
    # Pricing: 0, 7 (boundary: exactly 7 days old is inside), 3.5 days ago inside; 10 outside.
    events(lead, "Pricing Page Viewed", days_ago(NOW, 0, 3.5, 7, 10))
    events(lead, "Pricing Page Viewed", days_ago(NOW, -1))  # in the future: ignored
    # Feature use on three distinct days within 14 days (two on the same day), one at 20 days.
    events(
        lead, "Feature Used", days_ago(NOW, 1, 1.1, 5, 9, 20), source="product", feature="export"
    )
    events(lead, "Feature Used", days_ago(NOW, 2), source="product", feature="reports")
    events(other, "Pricing Page Viewed", days_ago(NOW, 1))

    with django_assert_num_queries(5):  # criteria, policy, leads, aggregation, accounts
        signals = _read([lead.pk, other.pk])

    mine = signals[lead.pk]
    pricing = mine.events["pricing-7d"]
    assert pricing.count == 3
    assert pricing.last_seen == NOW
    expected_decay = sum(0.5 ** (age / 7) for age in (0, 3.5, 7))  # 1 + 0.7071 + 0.5
    assert pricing.decayed_sum == pytest.approx(expected_decay, rel=1e-6)
    assert mine.events["pricing-ever"].count == 4
    assert mine.events["pricing-ever"].decayed_sum is None
    # Days: 1 and 1.1 days ago fall on distinct calendar days? NOW is 12:00, so 1 day ago is
    # 11-19 12:00 and 1.1 days ago is 11-19 09:36: the same day. Days 1, 2, 5, 9 → 4 days.
    assert mine.events["active-days"].distinct_days == 4
    assert mine.events["active-days"].count == 5
    assert mine.events["reports"].count == 1
    assert mine.signed_up is True
    assert signals[other.pk].events["pricing-7d"].count == 1
    assert signals[other.pk].signed_up is False
    assert "active-days" not in signals[other.pk].events


def test_facts_carry_lead_and_account_attributes():
    lead = LeadFactory(email="Grace@Hopper.Test", traits={"role": "admin"})
    facts = _read([lead.pk])[lead.pk].facts
    assert facts.lead["email_domain"] == "hopper.test"
    assert facts.lead["traits"] == {"role": "admin"}
    assert facts.account["country"] == "DE"
    assert facts.account["employee_count"] == 120


def test_policy_events_and_account_active_users():
    policy(hand_raiser_events=["Contact Sales Requested"], account_pql_window_days=7)
    criterion(key="reports", kind="usage", event_name="Report Built", threshold=2, window_days=30)
    first = LeadFactory()
    colleague = LeadFactory(account=first.account)
    quiet = LeadFactory(account=first.account)
    events(first, "Report Built", days_ago(NOW, 1, 2), source="product")
    events(colleague, "Report Built", days_ago(NOW, 3, 6), source="product")
    events(quiet, "Report Built", days_ago(NOW, 1, 12), source="product")  # only one in 7 days
    events(first, "Contact Sales Requested", days_ago(NOW, 4), source="product")
    signals = _read([first.pk, quiet.pk])
    assert signals[first.pk].policy_events["Contact Sales Requested"].count == 1
    assert signals[first.pk].account_active_users == 2
    assert signals[quiet.pk].account_active_users == 2
    assert "Contact Sales Requested" not in signals[quiet.pk].policy_events
