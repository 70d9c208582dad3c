"""The REST feedback endpoint keeps the lead ownership rule (defect 13): an SDR posting on a
colleague's lead gets a 403 JSON naming the owner; their own, unowned, or a manager: 201."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qualification.models import Feedback, Lead
from qualification.roles import Role
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db


def _lead(owner=None) -> Lead:
    return LeadFactory(stage="mql", owner=owner, claimed_at=timezone.now() if owner else None)


@pytest.fixture
def kim(make_user):
    return make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")


def test_an_sdr_cannot_post_feedback_on_a_colleagues_lead(api, kim):
    lead = _lead(kim)
    response = api(Role.SDR).post(
        "/api/feedback/", {"lead": lead.pk, "outcome": "accepted"}, format="json"
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"] == (
        "Owned by Kim Lee: only Kim Lee or a manager can log feedback on it. Nothing was saved."
    )
    assert not Feedback.objects.exists()
    assert Lead.objects.get(pk=lead.pk).stage == "mql"


@pytest.mark.parametrize("who", ["own", "unowned", "manager"])
def test_the_owner_an_unowned_lead_and_a_manager_may_post_feedback(api, kim, who):
    client = api(Role.MANAGER if who == "manager" else Role.SDR)
    owner = {"own": client.user, "unowned": None, "manager": kim}[who]
    lead = _lead(owner)
    response = client.post(
        "/api/feedback/", {"lead": lead.pk, "outcome": "accepted"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Feedback.objects.get().lead_id == lead.pk
