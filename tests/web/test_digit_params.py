"""Pages and the admin read numbers with core.params (issue 14, defect 7).

``str.isdigit()`` is true for "³" and "¹", which ``int()`` refuses: each of these posts or
links was a 500. Now a number that is not ASCII digits reads as no number, which each
page already answers with its own message.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages

from qualification.models import Criterion, SavedView
from qualification.roles import Role
from qualification.web.template_filters import tier_name_filter
from tests import factories
from tests.admin.helpers import admin_url
from tests.web.queue_helpers import qualified

pytestmark = pytest.mark.django_db

SUPERSCRIPT_THREE = "\u00b3"


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"action": "claim", "lead": [SUPERSCRIPT_THREE]}, "Select at least one lead first."),
        ({"action": "assign", "lead": ["1"], "assignee": SUPERSCRIPT_THREE}, "Pick someone"),
        ({"action": "assign", "lead": ["1"], "assignee": "2147483648"}, "Pick someone"),
    ],
)
def test_bulk_tools_read_only_ascii_ids(client_as, data, said):
    response = client_as(Role.MANAGER).post("/queues/bulk/", data)
    assert response.status_code == 302
    assert said in _messages(response)


def test_assigning_to_a_superscript_id_assigns_nobody(client_as, make_user):
    lead = qualified(owner=make_user(Role.SDR, username="sam"))
    response = client_as(Role.MANAGER).post(
        f"/queues/assign/{lead.pk}/", {"assignee": SUPERSCRIPT_THREE, "expected_owner": "\u00b9"}
    )
    assert response.status_code < 500
    lead.refresh_from_db()
    assert lead.owner.username == "sam"  # the owner it saw is not the owner: refused


def test_a_saved_view_drops_a_page_size_it_cannot_read(client_as):
    client = client_as(Role.SDR)
    query = f"per_page={SUPERSCRIPT_THREE}&tier=4"
    client.post("/queues/pql/views/", {"name": "Mine", "query": query})
    response = client.get(f"/queues/views/{SavedView.objects.get().pk}/")
    assert response.status_code == 302
    assert response["Location"] == "/queues/pql/?tier=4"
    assert f"per_page={SUPERSCRIPT_THREE}" in _messages(response)


def test_a_recalibration_number_it_cannot_read_is_told(client_as):
    response = client_as(Role.OPS).post(
        "/criteria/health/draft/", {"recalibration": SUPERSCRIPT_THREE}
    )
    assert response.status_code == 302
    assert "no finished recalibration with that number" in _messages(response)


@pytest.mark.parametrize("version", [SUPERSCRIPT_THREE, "99999999999999999999999"])
def test_the_criteria_admin_shows_the_published_version_for_a_version_it_cannot_read(
    client_as, version
):
    factories.criterion(key="pricing", name="Pricing page views")
    response = client_as(Role.OPS).get(
        admin_url(Criterion, "changelist"), {"version__id__exact": version}
    )
    assert response.status_code == 200
    assert "Pricing page views" in response.content.decode()


def test_edit_in_a_draft_it_cannot_read_says_so(client_as):
    live = factories.criterion()
    response = client_as(Role.OPS).post(
        admin_url(live, "edit_in_draft", live.pk), {"draft": SUPERSCRIPT_THREE}
    )
    assert response.status_code == 302
    assert "no longer a draft" in _messages(response)


def test_the_tier_filter_reads_a_superscript_as_cold():
    assert tier_name_filter(SUPERSCRIPT_THREE) == "cold"
    assert tier_name_filter("4") == "hot"
    assert tier_name_filter(4) == "hot"
