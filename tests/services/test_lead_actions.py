"""SDR actions on a lead: every transition, inline-able errors, stale copies, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualification.models import Feedback, Lead, StageTransition
from qualification.roles import Role
from qualification.services.lead_actions import (
    LeadChanged,
    feedback_record,
    feedback_stage,
    lead_disqualify,
    lead_first_touch,
    lead_recycle,
)
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sdr(make_user):
    return make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")


@pytest.fixture
def lead():
    return LeadFactory(stage="pql", qualification="pql", pql_kind="usage")


def test_first_touch_sets_the_time_once(sdr, lead):
    touched = lead_first_touch(lead_id=lead.pk, user=sdr)
    assert touched.first_touched_at is not None
    first = Lead.objects.get(pk=lead.pk).first_touched_at
    assert Lead.objects.get(pk=lead.pk).first_touched_by == sdr
    # The lead was unowned: the touch claimed it for the toucher (test_first_touch_sla.py).
    assert list(lead.activities.order_by("id").values_list("kind", "actor")) == [
        ("claimed", sdr.pk),
        ("first_touch", sdr.pk),
    ]
    with pytest.raises(ValidationError) as exc:
        lead_first_touch(lead_id=lead.pk, user=sdr)
    assert "already logged" in str(exc.value)
    assert Lead.objects.get(pk=lead.pk).first_touched_at == first


@pytest.mark.parametrize(
    ("outcome", "reason", "stage"),
    [
        ("accepted", "", "sql"),
        ("converted", "", "opportunity"),
        ("won", "", "customer"),
        ("lost", "price", "recycled"),
        ("rejected", "not_icp", "disqualified"),
        ("rejected", "student", "disqualified"),
        ("rejected", "competitor", "disqualified"),
        ("rejected", "spam", "disqualified"),
        ("rejected", "bad_timing", "recycled"),
        ("rejected", "no_budget", "recycled"),
    ],
)
def test_feedback_moves_the_stage_and_records_why(sdr, lead, outcome, reason, stage):
    feedback = feedback_record(lead_id=lead.pk, user=sdr, outcome=outcome, reason=reason, note="x")
    lead.refresh_from_db()
    assert lead.stage == stage
    assert lead.needs_rescore is True
    assert feedback.author == sdr
    assert feedback.note == "x"
    transition = StageTransition.objects.get(lead=lead)
    assert (transition.from_stage, transition.to_stage) == ("pql", stage)
    assert transition.cause == "feedback"
    assert transition.actor == sdr
    assert transition.reason.startswith(Feedback(outcome=outcome).get_outcome_display())


def test_no_response_records_feedback_and_keeps_the_stage(sdr, lead):
    feedback_record(lead_id=lead.pk, user=sdr, outcome="no_response")
    lead.refresh_from_db()
    assert lead.stage == "pql"
    assert Feedback.objects.filter(lead=lead, outcome="no_response").count() == 1
    assert not StageTransition.objects.filter(lead=lead).exists()


def test_feedback_stage_table():
    assert feedback_stage("no_response", "") is None
    assert feedback_stage("rejected", "existing_customer") == "recycled"


@pytest.mark.parametrize(
    ("outcome", "reason", "field"),
    [
        ("rejected", "", "reason"),
        ("lost", "", "reason"),
        ("rejected", "price", "reason"),
        ("lost", "not_icp", "reason"),
        ("maybe", "", "outcome"),
        ("accepted", "nonsense", "reason"),
    ],
)
def test_invalid_feedback_names_the_field_and_writes_nothing(sdr, lead, outcome, reason, field):
    with pytest.raises(ValidationError) as exc:
        feedback_record(lead_id=lead.pk, user=sdr, outcome=outcome, reason=reason)
    assert field in exc.value.message_dict
    assert not Feedback.objects.exists()
    assert Lead.objects.get(pk=lead.pk).stage == "pql"


@pytest.mark.parametrize(
    ("action", "stage"), [(lead_recycle, "recycled"), (lead_disqualify, "disqualified")]
)
def test_recycle_and_disqualify_need_a_reason(sdr, lead, action, stage):
    with pytest.raises(ValidationError) as exc:
        action(lead_id=lead.pk, user=sdr, reason="  ")
    assert "reason" in exc.value.message_dict
    action(lead_id=lead.pk, user=sdr, reason="Budget frozen until Q3")
    lead.refresh_from_db()
    assert lead.stage == stage
    transition = StageTransition.objects.get(lead=lead)
    assert transition.cause == "manual"
    assert transition.reason == "Budget frozen until Q3"
    with pytest.raises(ValidationError, match="already"):
        action(lead_id=lead.pk, user=sdr, reason="again")
    assert StageTransition.objects.filter(lead=lead).count() == 1


def test_a_stale_copy_is_refused_and_names_who_changed_it(sdr, make_user, lead):
    seen = lead.updated_at
    other = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    feedback_record(lead_id=lead.pk, user=other, outcome="accepted")
    with pytest.raises(LeadChanged, match="changed by Kim Lee at"):
        feedback_record(
            lead_id=lead.pk, user=sdr, outcome="rejected", reason="spam", expected_updated_at=seen
        )
    with pytest.raises(LeadChanged):
        lead_recycle(lead_id=lead.pk, user=sdr, reason="later", expected_updated_at=seen)
    with pytest.raises(LeadChanged):
        lead_first_touch(lead_id=lead.pk, user=sdr, expected_updated_at=seen)
    lead.refresh_from_db()
    assert lead.stage == "sql"
    assert lead.first_touched_at is None
    assert Feedback.objects.count() == 1


def test_the_current_copy_is_accepted(sdr, lead):
    lead_first_touch(lead_id=lead.pk, user=sdr, expected_updated_at=lead.updated_at)
    assert Lead.objects.get(pk=lead.pk).first_touched_at is not None
    assert lead.updated_at - timedelta(seconds=1) < Lead.objects.get(pk=lead.pk).updated_at


@pytest.mark.parametrize("role", [Role.OPS, Role.MARKETING, Role.PRODUCT, None])
def test_roles_without_work_queue_are_refused(make_user, lead, role):
    user = make_user(role)
    for call in (
        lambda: lead_first_touch(lead_id=lead.pk, user=user),
        lambda: feedback_record(lead_id=lead.pk, user=user, outcome="accepted"),
        lambda: lead_recycle(lead_id=lead.pk, user=user, reason="x"),
        lambda: lead_disqualify(lead_id=lead.pk, user=user, reason="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    lead.refresh_from_db()
    assert lead.stage == "pql"
    assert lead.first_touched_at is None
    assert not Feedback.objects.exists()


def test_a_manager_may_work_leads(make_user, lead):
    manager = make_user(Role.MANAGER)
    feedback_record(lead_id=lead.pk, user=manager, outcome="accepted")
    assert Lead.objects.get(pk=lead.pk).stage == "sql"


@pytest.mark.parametrize(
    ("outcome", "reason", "queue_after"),
    [("accepted", "", "none"), ("rejected", "bad_timing", "none"), ("no_response", "", "pql")],
)
def test_feedback_takes_the_lead_out_of_the_queue_at_once(sdr, lead, outcome, reason, queue_after):
    Lead.objects.filter(pk=lead.pk).update(queue="pql", qualification="pql", pql_kind="usage")
    feedback_record(lead_id=lead.pk, user=sdr, outcome=outcome, reason=reason)
    assert Lead.objects.get(pk=lead.pk).queue == queue_after
