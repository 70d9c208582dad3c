"""Rescoring end to end: events in, scores, reasons, queues and stage transitions out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from qualification.models import Lead, StageTransition
from qualification.services.rescoring import batch, lead_rescore, lead_rescore_all, orchestration
from tests.factories import AccountFactory, LeadFactory, days_ago, events

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def test_mql_scored_with_reasons_and_transition(catalog):
    lead = LeadFactory(account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(NOW, 1, 2, 3, 4))
    report = lead_rescore(lead_ids=[lead.pk], now=NOW)
    assert report.scored == 1
    assert report.failed == []

    lead.refresh_from_db()
    assert (lead.fit_score, lead.intent_score, lead.usage_score, lead.total_score) == (
        15,
        30,
        0,
        45,
    )
    assert lead.tier == 3  # warm: 45 ≥ 40
    assert (lead.qualification, lead.queue, lead.stage) == ("mql", "mql", "mql")
    assert [r["text"] for r in lead.reasons] == [
        "Viewed the pricing page 4 times in the last 7 days",
        "Based in Germany",
    ]
    assert lead.qualified_at == NOW
    assert lead.needs_rescore is False
    keys = [c["key"] for c in lead.breakdown["contributions"]]
    assert keys == ["pricing", "icp-country"]
    transition = StageTransition.objects.get(lead=lead)
    assert (transition.from_stage, transition.to_stage, transition.cause) == (
        "new",
        "mql",
        "criterion",
    )
    assert transition.criterion.key == "pricing"


def test_pql_hand_raiser_and_per_occurrence_cap(catalog):
    lead = LeadFactory(account=AccountFactory(country="US"))
    events(lead, "Teammate Invited", days_ago(NOW, 1, 2, 3, 4, 5), source="product")
    events(lead, "Contact Sales Requested", days_ago(NOW, 0.5), source="product")
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    lead.refresh_from_db()
    assert lead.usage_score == 30  # 10 x min(5, 3)
    assert (lead.qualification, lead.pql_kind, lead.queue, lead.stage) == (
        "pql",
        "hand_raiser",
        "pql",
        "pql",
    )
    assert lead.reasons[0]["text"] == "Invited 5 teammates"


def test_disqualifier_removes_lead_from_queues_and_says_why(catalog):
    lead = LeadFactory(email="someone@gmail.com", account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(NOW, 1, 2, 3))
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    lead.refresh_from_db()
    assert (lead.qualification, lead.queue, lead.stage) == ("none", "none", "disqualified")
    assert lead.disqualified_reasons == ["Uses a personal email address (gmail.com)"]
    assert (
        StageTransition.objects.get(lead=lead).reason == "Uses a personal email address (gmail.com)"
    )


def test_rescore_is_idempotent_and_scores_do_not_move_stage_back(catalog):
    lead = LeadFactory(account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(NOW, 1, 2, 3))
    assert lead_rescore(lead_ids=[lead.pk], now=NOW).written == 1
    Lead.objects.filter(pk=lead.pk).update(needs_rescore=True)
    again = lead_rescore(lead_ids=[lead.pk], now=NOW)
    assert (again.scored, again.written) == (1, 0)  # same result: the write is skipped
    assert Lead.objects.get(pk=lead.pk).needs_rescore is False  # but the mark is cleared
    assert Lead.objects.get(pk=lead.pk).scored_at == NOW
    assert StageTransition.objects.filter(lead=lead).count() == 1
    # Ten days later the pricing views fall out of the window: no longer an MQL, stage stays.
    lead_rescore(lead_ids=[lead.pk], now=NOW + timedelta(days=10))
    lead.refresh_from_db()
    assert (lead.qualification, lead.queue, lead.stage) == ("none", "none", "mql")
    assert lead.qualified_at is None


def test_one_failing_lead_does_not_abort_the_batch(catalog, monkeypatch, caplog):
    good, bad = LeadFactory(), LeadFactory()
    real = batch.score_lead

    def flaky(criteria, signals, policy, now):
        if signals.facts.lead["email"] == bad.email:
            raise ValueError("corrupt traits")
        return real(criteria, signals, policy, now)

    monkeypatch.setattr(batch, "score_lead", flaky)
    report = lead_rescore(lead_ids=[good.pk, bad.pk], now=NOW)
    assert report.scored == 1
    assert report.failed == [bad.pk]
    assert f"Rescoring lead {bad.pk} failed" in caplog.text
    assert Lead.objects.get(pk=good.pk).needs_rescore is False
    assert Lead.objects.get(pk=bad.pk).needs_rescore is True


def test_a_mark_made_during_the_rescore_survives_it(catalog, monkeypatch):
    lead = LeadFactory()
    real = orchestration.lead_batch_fetch

    def read_then_new_event_arrives(*args, **kwargs):
        result = real(*args, **kwargs)
        Lead.objects.filter(pk=lead.pk).update(
            needs_rescore=True, rescore_requested_at=timezone.now() + timedelta(seconds=1)
        )
        return result

    monkeypatch.setattr(orchestration, "lead_batch_fetch", read_then_new_event_arrives)
    lead_rescore(lead_ids=[lead.pk])
    assert Lead.objects.get(pk=lead.pk).needs_rescore is True


def test_rescore_all_walks_every_batch(catalog):
    leads = LeadFactory.create_batch(7, account=AccountFactory(country="FR"))
    report = lead_rescore_all(now=NOW, batch_size=3)
    assert report.batches == 3
    assert report.scored == 7
    assert set(Lead.objects.values_list("fit_score", flat=True)) == {15}
    assert not Lead.objects.filter(pk__in=[lead.pk for lead in leads], needs_rescore=True).exists()


def test_account_level_pql_when_enough_colleagues_use_the_product(catalog):
    account = AccountFactory(name="Acme", country="US")
    people = LeadFactory.create_batch(3, account=account)
    bystander = LeadFactory(account=account)
    for person in people:
        events(person, "Teammate Invited", days_ago(NOW, 2), source="product")
    lead_rescore(lead_ids=[*(p.pk for p in people), bystander.pk], now=NOW)
    for person in people:
        person.refresh_from_db()
        assert person.usage_score == 10  # below the user-level threshold of 30
        assert (person.qualification, person.pql_kind, person.queue) == ("pql", "usage", "pql")
        assert person.breakdown["pql_level"] == "account"
        assert person.breakdown["qualification_reason"] == (
            "3 people at Acme met usage criteria in the last 7 days"
        )
    bystander.refresh_from_db()
    assert bystander.queue == "none"  # a colleague who never used the product is not queued


@pytest.mark.parametrize("stage", ["sql", "opportunity", "customer", "recycled", "disqualified"])
def test_leads_sales_owns_or_that_left_the_funnel_stay_out_of_queues(catalog, stage):
    lead = LeadFactory(stage=stage, account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(NOW, 1, 2, 3, 4))
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    lead.refresh_from_db()
    assert lead.qualification == "mql"  # still scored and explained
    assert lead.queue == "none"
    assert lead.stage == stage


def test_rescore_stores_the_latest_event_and_the_freshness_weighted_priority(catalog):
    from qualification.core.scoring.priority import priority_key

    lead = LeadFactory(account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(NOW, 6, 5, 4, 3))
    events(lead, "Signed Up", days_ago(NOW, 0.25), source="product")  # no criterion names it
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    lead.refresh_from_db()
    # "Last signal" is the latest event read (the sign-up), not the strongest reason's.
    assert lead.last_signal_at == NOW - timedelta(days=0.25)
    # The key counts from the freshest positive event contribution: the pricing views.
    assert lead.priority == priority_key(lead.total_score, NOW - timedelta(days=3))
    # A newer qualifying event moves the lead up.
    events(lead, "Pricing Page Viewed", days_ago(NOW, 0.1))
    before = lead.priority
    lead_rescore(lead_ids=[lead.pk], now=NOW)
    lead.refresh_from_db()
    assert lead.priority > before
    assert lead.last_signal_at == NOW - timedelta(days=0.1)
