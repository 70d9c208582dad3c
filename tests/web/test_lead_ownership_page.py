"""The lead page offers feedback, recycle and disqualify by the ownership rule the
services enforce (defect 13), and a posted action on a colleague's lead is refused."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qualification.models import Feedback, Lead, StageTransition
from qualification.roles import Role
from tests.web.queue_helpers import qualified

pytestmark = pytest.mark.django_db

CONTROLS = ("Log first touch", "Save feedback", "Recycle to nurture", "<summary>Disqualify")
OWNER_LINE = (
    "Owned by Kim Lee: only Kim Lee or a manager can log a touch or feedback, recycle or "
    "disqualify it."
)


@pytest.fixture
def kim(make_user):
    return make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")


@pytest.mark.parametrize("role", [Role.SDR, Role.MANAGER])
def test_the_owner_line_replaces_the_controls_for_an_sdr_only(client_as, kim, role):
    lead = qualified(tier=4, owner=kim, claimed_at=timezone.now())
    html = client_as(role).get(f"/leads/{lead.pk}/").content.decode()
    shown = [c for c in CONTROLS if c in html]
    if role == Role.SDR:
        assert shown == []
        assert OWNER_LINE in html
    else:
        assert shown == list(CONTROLS)
        assert "Owned by" not in html


@pytest.mark.parametrize("owned", [True, False], ids=["own", "unowned"])
def test_an_sdr_sees_every_control_on_their_own_or_an_unowned_lead(client_as, owned):
    client = client_as(Role.SDR)
    owner = client.get("/").wsgi_request.user if owned else None
    lead = qualified(tier=4, owner=owner, claimed_at=timezone.now() if owned else None)
    html = client.get(f"/leads/{lead.pk}/").content.decode()
    assert [c for c in CONTROLS if c in html] == list(CONTROLS)
    assert "Owned by" not in html


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("feedback", {"feedback-outcome": "accepted"}),
        ("recycle", {"recycle-reason": "Later"}),
        ("disqualify", {"disqualify-reason": "Spam"}),
    ],
)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_posted_action_on_a_colleagues_lead_is_refused_naming_the_owner(
    client_as, kim, action, data, htmx
):
    lead = qualified(tier=4, owner=kim, claimed_at=timezone.now())
    client = client_as(Role.SDR)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = client.post(f"/leads/{lead.pk}/{action}/", data, follow=not htmx, **extra)
    assert response.status_code == 200
    assert "Owned by Kim Lee: only Kim Lee or a manager can" in response.content.decode()
    assert Lead.objects.get(pk=lead.pk).stage == lead.stage
    assert not Feedback.objects.exists()
    assert not StageTransition.objects.filter(lead=lead).exists()
