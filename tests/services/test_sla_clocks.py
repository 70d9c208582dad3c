"""Stored SLA clocks follow their inputs: the rescore, claims, policy, calendar and holiday edits."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from qualification.models import BusinessCalendar, Holiday, Lead, SLAAlert, SLAPolicy
from qualification.selectors.sla import sla_policies_read
from qualification.services import sla_alerts
from qualification.services.rescoring import lead_rescore
from qualification.services.sla_clocks import (
    sla_clocks_mark_refreshed,
    sla_clocks_refresh,
    sla_clocks_refresh_chunk,
    sla_clocks_stale,
    touch_figures,
)
from tests import factories
from tests.factories import AccountFactory, LeadFactory, days_ago, events
from tests.services.rescoring.catalog import scoring_catalog

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def b(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def berlin_policy(**fields) -> SLAPolicy:
    return factories.sla(
        queue="pql", tier=4, response_minutes=60, timezone="Europe/Berlin", **fields
    )


def waiting(qualified_at: datetime, **fields) -> Lead:
    return LeadFactory(queue="pql", tier=4, stage="pql", qualified_at=qualified_at, **fields)


def clock(lead: Lead) -> tuple:
    lead.refresh_from_db()
    return lead.sla_started_at, lead.sla_warn_at, lead.sla_due_at


def test_an_evening_qualification_is_due_next_morning_with_its_warning_before():
    berlin_policy()
    lead = waiting(b(2026, 12, 1, 19, 48))  # a Tuesday evening
    assert sla_clocks_refresh(lead_ids=[lead.pk]) == 1
    assert clock(lead) == (b(2026, 12, 1, 19, 48), b(2026, 12, 2, 9, 45), b(2026, 12, 2, 10, 0))
    assert sla_clocks_refresh(lead_ids=[lead.pk]) == 0  # nothing changed: nothing written


def test_a_policy_change_moves_open_clocks_and_rearms_their_alerts():
    policy = berlin_policy()
    lead = waiting(b(2026, 12, 2, 9, 0))
    sla_clocks_refresh()
    lead.refresh_from_db()
    warned = SLAAlert.objects.create(
        lead=lead, kind="warning", due_at=lead.sla_due_at, created_at=lead.sla_warn_at
    )
    policy.response_minutes = 30
    policy.save()
    sla_clocks_refresh()
    lead.refresh_from_db()
    assert lead.sla_due_at == b(2026, 12, 2, 9, 30)
    # A new deadline is alerted afresh: the warning was for the old one.
    assert warned.due_at != lead.sla_due_at
    assert sla_alerts._candidates("warning", lead.sla_warn_at).filter(pk=lead.pk).exists()


def test_a_holiday_pushes_the_deadline_past_it():
    policy = berlin_policy()
    lead = waiting(b(2026, 12, 24, 16, 30))  # Thursday; Friday the 25th is a holiday
    sla_clocks_refresh()
    assert clock(lead)[2] == b(2026, 12, 25, 9, 30)
    Holiday.objects.create(calendar=policy.calendar, day=date(2026, 12, 25), name="Christmas")
    sla_clocks_refresh()
    assert clock(lead)[2] == b(2026, 12, 28, 9, 30)


def test_touched_leads_keep_the_clock_they_were_touched_against():
    policy = berlin_policy()
    lead = waiting(b(2026, 12, 2, 9, 0))
    sla_clocks_refresh()
    Lead.objects.filter(pk=lead.pk).update(first_touched_at=b(2026, 12, 2, 9, 20))
    policy.response_minutes = 10
    policy.save()
    assert sla_clocks_refresh() == 0
    assert clock(lead)[2] == b(2026, 12, 2, 10, 0)


def test_assignment_policies_start_when_someone_owns_the_lead():
    berlin_policy(clock_starts="assignment")
    owner = factories.user(None, username="ada")
    lead = waiting(b(2026, 12, 2, 9, 0))
    sla_clocks_refresh()
    assert clock(lead) == (None, None, None)
    Lead.objects.filter(pk=lead.pk).update(owner=owner, claimed_at=b(2026, 12, 2, 11, 0))
    sla_clocks_refresh(lead_ids=[lead.pk])
    assert clock(lead)[0::2] == (b(2026, 12, 2, 11, 0), b(2026, 12, 2, 12, 0))


def test_leads_without_a_policy_or_no_longer_qualified_lose_their_clock():
    berlin_policy()
    lead = waiting(b(2026, 12, 2, 9, 0))
    sla_clocks_refresh()
    Lead.objects.filter(pk=lead.pk).update(tier=3)  # no warm-PQL policy
    sla_clocks_refresh()
    assert clock(lead) == (None, None, None)


def test_touch_figures_count_business_minutes_and_whether_in_time():
    berlin_policy()
    lead = waiting(b(2026, 12, 1, 16, 30))  # due Wednesday 09:30
    sla_clocks_refresh()
    lead.refresh_from_db()
    policies = sla_policies_read()
    late = touch_figures(lead, b(2026, 12, 2, 9, 40), policies)
    assert (late.business_minutes, late.met) == (70, False)
    on_time = touch_figures(lead, b(2026, 12, 2, 9, 10), policies)
    assert (on_time.business_minutes, on_time.met) == (40, True)


def test_the_refresh_runs_in_resumable_chunks():
    berlin_policy()
    leads = [waiting(b(2026, 12, 2, 9, minute)) for minute in range(5)]
    first = sla_clocks_refresh_chunk(after_id=0, size=2)
    assert (first.changed, first.next_after) == (2, leads[1].pk)
    assert clock(leads[2])[2] is None  # not yet reached
    second = sla_clocks_refresh_chunk(after_id=first.next_after, size=2)
    third = sla_clocks_refresh_chunk(after_id=second.next_after, size=2)
    assert third.next_after is None
    assert all(clock(lead)[2] is not None for lead in leads)


def test_stale_until_refreshed_and_again_after_any_rule_change():
    policy = berlin_policy()
    assert sla_clocks_stale()  # never refreshed
    sla_clocks_mark_refreshed(started=timezone.now())
    assert not sla_clocks_stale()
    policy.save()  # updated_at moves past the refresh
    assert sla_clocks_stale()
    sla_clocks_mark_refreshed(started=timezone.now())
    BusinessCalendar.objects.filter(pk=policy.calendar_id).update(
        updated_at=timezone.now() + timedelta(seconds=1)
    )
    assert sla_clocks_stale()


def test_a_lead_the_rescore_qualifies_gets_its_clock():
    scoring_catalog()
    now = timezone.now()
    lead = LeadFactory(account=AccountFactory(country="DE"))
    events(lead, "Pricing Page Viewed", days_ago(now, 1, 2, 3))
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert lead.queue == "mql"
    factories.sla(queue="mql", tier=lead.tier, response_minutes=120)
    Lead.objects.filter(pk=lead.pk).update(qualification="none", qualified_at=None, queue="none")
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    assert lead.sla_started_at == lead.qualified_at is not None
    assert lead.sla_due_at > lead.sla_started_at


def test_the_rescore_writes_the_clock_in_its_row_and_leaves_touched_clocks_alone():
    scoring_catalog()
    now = timezone.now()
    fresh = LeadFactory(account=AccountFactory(country="DE"))
    touched = LeadFactory(account=AccountFactory(country="DE"))
    for lead in (fresh, touched):
        events(lead, "Pricing Page Viewed", days_ago(now, 1, 2, 3))
    lead_rescore(lead_ids=[fresh.pk, touched.pk])
    fresh.refresh_from_db()
    factories.sla(queue="mql", tier=fresh.tier, response_minutes=120)
    earlier = now - timedelta(days=3)
    Lead.objects.filter(pk=touched.pk).update(
        first_touched_at=earlier, sla_due_at=earlier, qualified_at=earlier
    )
    Lead.objects.filter(pk=fresh.pk).update(qualified_at=None, qualification="none")
    report = lead_rescore(lead_ids=[fresh.pk, touched.pk])
    assert report.failed == []
    fresh.refresh_from_db()
    touched.refresh_from_db()
    assert fresh.sla_started_at == fresh.qualified_at
    assert fresh.sla_due_at is not None
    assert touched.sla_due_at == earlier  # touched: its clock is history
