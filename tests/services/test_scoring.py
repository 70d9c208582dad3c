"""Rescoring end to end: events in, scores, reasons, queues and stage transitions out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from leadhub.celery import app
from qualification.models import Lead, StageTransition
from qualification.services import scoring
from qualification.services.rescore_requests import leads_mark_for_rescore, rescore_enqueue
from qualification.services.scoring import lead_rescore, lead_rescore_all
from qualification.tasks import rescore_sweep
from tests.factories import AccountFactory, LeadFactory, criterion, days_ago, events, policy

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def catalog():
    policy(
        mql_threshold=40,
        mql_min_fit=10,
        pql_usage_threshold=30,
        tier_hot=60,
        tier_warm=40,
        tier_cool=20,
        hand_raiser_events=["Contact Sales Requested"],
        outreach_order="pql_first",
    )
    criterion(
        key="icp-country",
        kind="fit",
        signal_type="attribute",
        attribute="account.country",
        operator="in",
        value=["DE", "FR"],
        points=15,
        reason_template="Based in {country}",
        event_name="",
    )
    criterion(
        key="pricing",
        kind="intent",
        event_name="Pricing Page Viewed",
        threshold=3,
        window_days=7,
        points=30,
        reason_template="Viewed the pricing page {times} {window}",
    )
    criterion(
        key="invites",
        kind="usage",
        event_name="Teammate Invited",
        points=10,
        points_mode="per_occurrence",
        max_occurrences=3,
        reason_template="Invited {count} teammates",
    )
    criterion(
        key="personal-email",
        kind="disqualifier",
        signal_type="attribute",
        attribute="lead.email_domain",
        operator="in",
        value=["gmail.com"],
        points=0,
        reason_template="Uses a personal email address ({value})",
        event_name="",
    )


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
    real = scoring.score_lead

    def flaky(criteria, signals, policy, now):
        if signals.facts.lead["email"] == bad.email:
            raise ValueError("corrupt traits")
        return real(criteria, signals, policy, now)

    monkeypatch.setattr(scoring, "score_lead", flaky)
    report = lead_rescore(lead_ids=[good.pk, bad.pk], now=NOW)
    assert report.scored == 1
    assert report.failed == [bad.pk]
    assert f"Rescoring lead {bad.pk} failed" in caplog.text
    assert Lead.objects.get(pk=good.pk).needs_rescore is False
    assert Lead.objects.get(pk=bad.pk).needs_rescore is True


def test_a_mark_made_during_the_rescore_survives_it(catalog, monkeypatch):
    lead = LeadFactory()
    real = scoring.lead_batch_fetch

    def read_then_new_event_arrives(*args, **kwargs):
        result = real(*args, **kwargs)
        Lead.objects.filter(pk=lead.pk).update(
            needs_rescore=True, rescore_requested_at=timezone.now() + timedelta(seconds=1)
        )
        return result

    monkeypatch.setattr(scoring, "lead_batch_fetch", read_then_new_event_arrives)
    lead_rescore(lead_ids=[lead.pk])
    assert Lead.objects.get(pk=lead.pk).needs_rescore is True


def test_rescore_all_walks_every_batch(catalog):
    leads = LeadFactory.create_batch(7, account=AccountFactory(country="FR"))
    report = lead_rescore_all(now=NOW, batch_size=3)
    assert report.batches == 3
    assert report.scored == 7
    assert set(Lead.objects.values_list("fit_score", flat=True)) == {15}
    assert not Lead.objects.filter(pk__in=[lead.pk for lead in leads], needs_rescore=True).exists()


@pytest.fixture
def in_process_tasks():
    """The embedded default's in-process tasks (a real worker is tested in tests/tasks)."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


def test_marking_enqueues_on_commit(catalog, in_process_tasks, django_capture_on_commit_callbacks):
    lead = LeadFactory(account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(timezone.now(), 1, 2, 3))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        leads_mark_for_rescore(lead_ids=[lead.pk])
        assert Lead.objects.get(pk=lead.pk).scored_at is None  # not before the commit
    assert len(callbacks) == 1
    lead.refresh_from_db()
    assert lead.queue == "mql"
    assert lead.needs_rescore is False


def test_broker_outage_delays_scoring_and_the_sweep_catches_up(catalog, broker_down):
    lead = LeadFactory(account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(timezone.now(), 1, 2, 3))
    leads_mark_for_rescore(lead_ids=[lead.pk])
    assert rescore_enqueue([lead.pk]) is False  # the broker is unreachable
    lead.refresh_from_db()
    assert lead.needs_rescore is True
    assert lead.scored_at is None
    report = rescore_sweep.apply().get()  # the periodic sweep, run by beat once it is back
    assert report["picked_up"] == 1
    lead.refresh_from_db()
    assert lead.needs_rescore is False
    assert lead.queue == "mql"


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


@pytest.mark.django_db(transaction=True)
def test_pipelined_full_rescore_scores_everyone(catalog):
    """The nightly path: on PostgreSQL, reads and writes run on their own connections."""
    leads = LeadFactory.create_batch(7, account=AccountFactory(country="FR"))
    events(leads[0], "Pricing Page Viewed", days_ago(NOW, 1, 2, 3, 4))
    report = lead_rescore_all(now=NOW, batch_size=3, pipeline=True)
    assert (report.batches, report.scored, report.failed) == (3, 7, [])
    assert set(Lead.objects.values_list("fit_score", flat=True)) == {15}
    assert Lead.objects.get(pk=leads[0].pk).queue == "mql"
    assert not Lead.objects.filter(needs_rescore=True).exists()
    again = lead_rescore_all(now=NOW, batch_size=3, pipeline=True)
    assert (again.scored, again.written) == (7, 0)


@pytest.mark.django_db(transaction=True)
def test_pipelined_rescore_reports_a_write_failure(catalog, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(scoring, "lead_scores_write", broken)
    LeadFactory.create_batch(5)
    with pytest.raises(RuntimeError, match="disk full"):
        lead_rescore_all(now=NOW, batch_size=2, pipeline=True)


@pytest.mark.django_db(transaction=True)
def test_pipelined_rescore_stores_what_the_plain_one_stores(catalog):
    """Two readers take batches in any order; every lead is still scored once, the same way."""
    account = AccountFactory(country="DE")
    leads = LeadFactory.create_batch(23, account=account)
    for index, lead in enumerate(leads):
        events(lead, "Pricing Page Viewed", days_ago(NOW, *range(1, 1 + index % 6)))
    columns = ("pk", "total_score", "tier", "queue", "reasons", "breakdown", "score_digest")
    report = lead_rescore_all(now=NOW, batch_size=4)
    plain = list(Lead.objects.order_by("pk").values_list(*columns))
    Lead.objects.update(score_digest="", total_score=0, breakdown={})
    piped = lead_rescore_all(now=NOW, batch_size=4, pipeline=True)
    assert (piped.batches, piped.scored, piped.written) == (6, 23, 23)
    assert list(Lead.objects.order_by("pk").values_list(*columns)) == plain
    assert report.scored == 23
    assert len({row[1] for row in plain}) > 1  # the leads did not all score the same


@pytest.mark.django_db(transaction=True)
def test_pipelined_rescore_raises_a_read_failure(catalog, monkeypatch):
    real = scoring.lead_batch_fetch
    calls = []

    def fails_on_the_third_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("connection lost")
        return real(*args, **kwargs)

    monkeypatch.setattr(scoring, "lead_batch_fetch", fails_on_the_third_batch)
    LeadFactory.create_batch(12)
    with pytest.raises(RuntimeError, match="connection lost"):
        lead_rescore_all(now=NOW, batch_size=2, pipeline=True)


@pytest.mark.django_db(transaction=True)
def test_table_maintenance_only_after_a_large_rewrite_on_postgresql():
    from django.db import connection

    from qualification.services.scoring import RescoreReport, lead_table_maintain

    assert lead_table_maintain(report=RescoreReport(written=10), total_leads=100_000) is False
    ran = lead_table_maintain(report=RescoreReport(written=50_000), total_leads=100_000)
    assert ran is (connection.vendor == "postgresql")
