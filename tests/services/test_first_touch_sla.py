"""First touch and claims against the stored SLA clock; who a stale form names.

The clock's inputs change when a lead is claimed, assigned or touched, so each of those
services recomputes the lead's stored clock in its own transaction; the first touch records
its business minutes and whether it met the deadline from that fresh clock.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.utils import timezone

from qualification.models import Lead, LeadActivity, SLAPolicy
from qualification.roles import Role
from qualification.services.claims import lead_assign, lead_claim
from qualification.services.lead_actions import (
    LeadChanged,
    NotYourLead,
    feedback_record,
    lead_first_touch,
    lead_recycle,
    touch_claimed,
)
from qualification.services.rescoring import lead_rescore
from qualification.services.sla_clocks import sla_clocks_refresh
from tests.factories import LeadFactory, calendar, criterion, events, sla

pytestmark = pytest.mark.django_db


@pytest.fixture
def always_open():
    """A calendar open every minute of the day, so business time equals wall time here."""
    return calendar(
        name="Always open",
        day_start=time(0, 0),
        day_end=time(0, 0),
        workdays=["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
    )


@pytest.fixture
def sdr(make_user):
    return make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")


@pytest.fixture
def kim(make_user):
    return make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER, username="mo", first_name="Mo", last_name="Chen")


def _pql(minutes_ago: int, **fields) -> Lead:
    lead = LeadFactory(
        stage="pql",
        qualification="pql",
        pql_kind="usage",
        queue="pql",
        tier=4,
        qualified_at=timezone.now() - timedelta(minutes=minutes_ago),
        **fields,
    )
    sla_clocks_refresh(lead_ids=[lead.pk])
    lead.refresh_from_db()
    return lead


def test_a_touch_in_time_records_its_business_minutes_and_met(always_open, sdr):
    sla(queue="pql", tier=4, calendar=always_open, response_minutes=60)
    lead = _pql(20)
    lead_first_touch(lead_id=lead.pk, user=sdr)
    lead.refresh_from_db()
    assert lead.sla_response_minutes in (19, 20, 21)
    assert lead.sla_met is True


def test_a_late_touch_records_not_met(always_open, sdr):
    sla(queue="pql", tier=4, calendar=always_open, response_minutes=60)
    lead = _pql(120)
    lead_first_touch(lead_id=lead.pk, user=sdr)
    lead.refresh_from_db()
    assert lead.sla_response_minutes in (119, 120, 121)
    assert lead.sla_met is False


def test_the_touch_uses_the_current_clock_not_a_stale_stored_one(always_open, sdr):
    """The policy was lengthened and the open clocks were not refreshed yet: the touch
    recomputes first, so a touch 2 h in is within the new 4 h allowance."""
    policy = sla(queue="pql", tier=4, calendar=always_open, response_minutes=60)
    lead = _pql(120)
    stale_due = lead.sla_due_at
    SLAPolicy.objects.filter(pk=policy.pk).update(response_minutes=240)
    lead_first_touch(lead_id=lead.pk, user=sdr)
    lead.refresh_from_db()
    assert lead.sla_due_at > stale_due
    assert lead.sla_met is True


def test_no_policy_records_no_figures(sdr):
    lead = _pql(20)
    lead_first_touch(lead_id=lead.pk, user=sdr)
    lead.refresh_from_db()
    assert (lead.sla_response_minutes, lead.sla_met) == (None, None)
    assert lead.first_touched_at is not None


def test_touching_an_unowned_lead_claims_it(always_open, sdr):
    sla(queue="pql", tier=4, calendar=always_open, response_minutes=60)
    lead = _pql(10)
    touched = lead_first_touch(lead_id=lead.pk, user=sdr)
    lead.refresh_from_db()
    assert lead.owner == sdr
    assert lead.claimed_at == lead.first_touched_at
    assert touch_claimed(touched, sdr)
    kinds = list(lead.activities.order_by("id").values_list("kind", "actor"))
    assert kinds == [("claimed", sdr.pk), ("first_touch", sdr.pk)]


def test_touching_an_unowned_lead_starts_an_assignment_clock_at_the_claim(always_open, sdr):
    sla(queue="pql", tier=4, calendar=always_open, response_minutes=60, clock_starts="assignment")
    lead = _pql(300)
    assert lead.sla_due_at is None  # nobody owns it: that clock has not started
    lead_first_touch(lead_id=lead.pk, user=sdr)
    lead.refresh_from_db()
    assert lead.sla_started_at == lead.claimed_at
    assert (lead.sla_response_minutes, lead.sla_met) == (0, True)


def test_touching_a_closed_unowned_lead_records_it_without_claiming(sdr):
    lead = LeadFactory(stage="disqualified", queue="none")
    touched = lead_first_touch(lead_id=lead.pk, user=sdr)
    lead.refresh_from_db()
    assert lead.owner is None
    assert not touch_claimed(touched, sdr)
    assert list(lead.activities.values_list("kind", flat=True)) == ["first_touch"]


def test_an_sdr_cannot_touch_a_colleagues_lead(sdr, kim):
    lead = _pql(10, owner=kim, claimed_at=timezone.now())
    with pytest.raises(NotYourLead, match="Owned by Kim Lee: only Kim Lee or a manager") as exc:
        lead_first_touch(lead_id=lead.pk, user=sdr)
    assert "Nothing was saved" in str(exc.value)
    lead.refresh_from_db()
    assert (lead.first_touched_at, lead.owner) == (None, kim)
    assert not lead.activities.exists()


def test_a_manager_may_touch_a_reps_lead_and_the_rep_keeps_it(kim, manager):
    lead = _pql(10, owner=kim, claimed_at=timezone.now())
    touched = lead_first_touch(lead_id=lead.pk, user=manager)
    lead.refresh_from_db()
    assert lead.first_touched_by == manager
    assert lead.owner == kim
    assert not touch_claimed(touched, manager)


def test_claim_assign_and_unassign_restart_an_assignment_clock(always_open, sdr, kim, manager):
    sla(queue="pql", tier=4, calendar=always_open, response_minutes=60, clock_starts="assignment")
    lead = _pql(300)
    assert lead.sla_due_at is None
    lead_claim(lead_id=lead.pk, user=sdr)
    lead.refresh_from_db()
    assert lead.sla_started_at == lead.claimed_at
    assert lead.sla_due_at == lead.claimed_at + timedelta(minutes=60)
    lead_assign(lead_id=lead.pk, user=manager, assignee_id=None, expected_owner_id=sdr.pk)
    lead.refresh_from_db()
    assert (lead.sla_started_at, lead.sla_due_at) == (None, None)
    lead_assign(lead_id=lead.pk, user=manager, assignee_id=kim.pk, expected_owner_id=None)
    lead.refresh_from_db()
    assert lead.sla_started_at == lead.claimed_at
    assert lead.sla_due_at == lead.claimed_at + timedelta(minutes=60)


# -- the stale-form message names who really changed the lead --------------------------------


def _stale(lead: Lead, user) -> str:
    with pytest.raises(LeadChanged) as exc:
        lead_recycle(
            lead_id=lead.pk, user=user, reason="later", expected_updated_at=lead.updated_at
        )
    return str(exc.value)


def test_a_claim_by_a_colleague_is_named(sdr, kim):
    lead = _pql(10)
    lead_claim(lead_id=lead.pk, user=kim)
    assert "changed by Kim Lee at" in _stale(lead, sdr)


def test_an_assignment_names_the_manager(sdr, kim, manager):
    lead = _pql(10)
    lead_assign(lead_id=lead.pk, user=manager, assignee_id=kim.pk, expected_owner_id=None)
    assert "changed by Mo Chen at" in _stale(lead, sdr)


def test_a_first_touch_by_a_manager_is_named(sdr, manager):
    lead = _pql(10)
    lead_first_touch(lead_id=lead.pk, user=manager)
    assert "changed by Mo Chen at" in _stale(lead, sdr)


def test_feedback_names_its_author(sdr, kim):
    lead = _pql(10)
    feedback_record(lead_id=lead.pk, user=kim, outcome="no_response")
    assert "changed by Kim Lee at" in _stale(lead, sdr)


def test_a_rescore_after_a_claim_is_the_scoring_engine(sdr, kim):
    criterion(event_name="Pricing Page Viewed", points=10)
    lead = _pql(10)
    seen = Lead.objects.get(pk=lead.pk)  # the SDR's page, loaded before both changes
    lead_claim(lead_id=lead.pk, user=kim)
    events(lead, "Pricing Page Viewed", [timezone.now() - timedelta(hours=1)])
    lead_rescore(lead_ids=[lead.pk])
    assert Lead.objects.get(pk=lead.pk).scored_at is not None
    assert "changed by the scoring engine at" in _stale(seen, sdr)


def test_a_claim_after_a_rescore_is_not_the_scoring_engine(sdr, kim):
    criterion(event_name="Pricing Page Viewed", points=10)
    lead = _pql(10)
    events(lead, "Pricing Page Viewed", [timezone.now() - timedelta(hours=1)])
    lead_rescore(lead_ids=[lead.pk])
    lead.refresh_from_db()
    lead_claim(lead_id=lead.pk, user=kim)
    assert "changed by Kim Lee at" in _stale(lead, sdr)


def test_an_unrecorded_change_is_someone(sdr):
    lead = _pql(10)
    Lead.objects.filter(pk=lead.pk).update(updated_at=timezone.now() + timedelta(seconds=1))
    assert "changed by someone at" in _stale(lead, sdr)


def test_activity_actor_removed_is_someone(sdr, make_user):
    gone = make_user(Role.SDR, username="gone")
    lead = _pql(10)
    lead_claim(lead_id=lead.pk, user=gone)
    LeadActivity.objects.filter(lead=lead).update(actor=None)
    assert "changed by someone at" in _stale(lead, sdr)
