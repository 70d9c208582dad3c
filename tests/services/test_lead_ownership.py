"""Who may work a lead (defect 13): SDRs their own and unowned leads, managers any lead.

Each of the four actions is tried by each identity; a refusal names the owner and leaves no
trace (no stage move, feedback, transition, activity or touch).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from qualification.models import Feedback, Lead, LeadActivity, StageTransition
from qualification.roles import Role
from qualification.services.lead_actions import (
    NotYourLead,
    feedback_record,
    lead_disqualify,
    lead_first_touch,
    lead_recycle,
)
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

ACTIONS: dict[str, tuple[Callable[..., Any], dict[str, str], str]] = {
    # name: (service, its arguments, what the refusal says the owner may do)
    "touch": (lead_first_touch, {}, "log its first touch"),
    "feedback": (feedback_record, {"outcome": "accepted"}, "log feedback on it"),
    "recycle": (lead_recycle, {"reason": "Not this quarter"}, "recycle it"),
    "disqualify": (lead_disqualify, {"reason": "Competitor"}, "disqualify it"),
}


@pytest.fixture
def people(make_user):
    return {
        "sam": make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera"),
        "dana": make_user(Role.SDR, username="dana", first_name="Dana", last_name="Cho"),
        "manager": make_user(Role.MANAGER, username="mia", first_name="Mia", last_name="Ng"),
    }


def _lead(owner) -> Lead:
    return LeadFactory(
        stage="pql",
        qualification="pql",
        pql_kind="usage",
        owner=owner,
        claimed_at=timezone.now() if owner else None,
    )


def _trace(lead: Lead) -> tuple:
    """Everything an action writes about the lead."""
    lead.refresh_from_db()
    return (
        lead.stage,
        lead.owner_id,
        lead.first_touched_at,
        Feedback.objects.filter(lead=lead).count(),
        StageTransition.objects.filter(lead=lead).count(),
        LeadActivity.objects.filter(lead=lead).count(),
    )


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize(
    ("actor", "owner"),
    [("sam", "sam"), ("sam", None), ("manager", "dana")],
    ids=["sdr-own", "sdr-unowned", "manager-others"],
)
def test_allowed_identities_work_the_lead(people, action, actor, owner):
    service, args, _ = ACTIONS[action]
    lead = _lead(people[owner] if owner else None)
    before = _trace(lead)
    service(lead_id=lead.pk, user=people[actor], **args)
    assert _trace(lead) != before


@pytest.mark.parametrize("action", ACTIONS)
def test_an_sdr_cannot_work_a_colleagues_lead(people, action):
    service, args, doing = ACTIONS[action]
    lead = _lead(people["dana"])
    before = _trace(lead)
    with pytest.raises(NotYourLead) as exc:
        service(lead_id=lead.pk, user=people["sam"], **args)
    assert isinstance(exc.value, PermissionDenied)  # the API answers it 403
    assert str(exc.value) == (
        f"Owned by Dana Cho: only Dana Cho or a manager can {doing}. Nothing was saved."
    )
    assert _trace(lead) == before


def test_the_owner_is_read_from_the_locked_row(people):
    """A claim made after the page loaded counts: the check runs on the row as locked."""
    lead = _lead(None)
    Lead.objects.filter(pk=lead.pk).update(owner=people["dana"])
    with pytest.raises(NotYourLead, match="Owned by Dana Cho"):
        lead_recycle(lead_id=lead.pk, user=people["sam"], reason="Later")
