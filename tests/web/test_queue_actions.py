"""Claiming and assigning from a queue over HTTP: htmx row swaps, plain-form redirects, roles.

The claim button is one template (queues/_claim_form.html) shown in a queue row and on the
lead page; both post to the same endpoint.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from qualification.roles import Role
from tests.web.queue_helpers import qualified

pytestmark = pytest.mark.django_db


def test_claim_with_htmx_returns_the_row_with_the_new_owner(client_as):
    client = client_as(Role.SDR)
    lead = qualified(tier=4)
    response = client.post(f"/queues/claim/{lead.pk}/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tr id="lead-{lead.pk}"')
    assert '<span class="owner owner-me">You</span>' in html
    assert 'hx-swap-oob="true"' in html
    assert "You claimed this lead." in html
    lead.refresh_from_db()
    assert lead.owner is not None


def test_claim_from_a_queue_page_sends_the_tab_counts_again(client_as):
    client = client_as(Role.SDR)
    lead = qualified("pql", tier=4)
    before = client.get("/queues/pql/").content.decode()
    assert re.search(r'href="/queues/mine/">My queue <span class="tab-count">0<', before)
    html = client.post(
        f"/queues/claim/{lead.pk}/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/queues/pql/?tier=4",
    ).content.decode()
    tabs = html[html.index('<nav class="queue-tabs" id="queue-tabs"') :]
    assert 'hx-swap-oob="true"' in tabs[:120]
    assert re.search(r'href="/queues/mine/">My queue <span class="tab-count">1<', tabs)
    assert re.search(r'href="/queues/pql/" aria-current="page">', tabs)


def test_claim_from_elsewhere_sends_no_tabs(client_as):
    html = (
        client_as(Role.SDR)
        .post(
            f"/queues/claim/{qualified().pk}/",
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL="http://testserver/search/",
        )
        .content.decode()
    )
    assert "queue-tabs" not in html


def test_claim_on_the_lead_page_stays_on_the_lead(client_as):
    client = client_as(Role.SDR)
    lead = qualified()
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    next_field = re.search(r'name="next" value="([^"]+)"', page)
    assert next_field
    assert next_field.group(1) == f"/leads/{lead.pk}/"
    response = client.post(f"/queues/claim/{lead.pk}/", {"next": next_field.group(1)}, follow=True)
    assert response.redirect_chain == [(f"/leads/{lead.pk}/", 302)]
    assert "You claimed this lead." in response.content.decode()


def test_losing_claim_is_told_who_has_it(client_as, make_user):
    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    lead = qualified(owner=kim, claimed_at=timezone.now())
    client = client_as(Role.SDR)
    html = client.post(f"/queues/claim/{lead.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "Kim Lee has Ada" in html
    assert '<span class="owner">Kim Lee</span>' in html


def test_claim_without_htmx_redirects_back_with_a_message(client_as):
    client = client_as(Role.SDR)
    lead = qualified()
    response = client.post(
        f"/queues/claim/{lead.pk}/", {"next": "/queues/pql/?tier=1"}, follow=True
    )
    assert response.redirect_chain == [("/queues/pql/?tier=1", 302)]
    assert "You claimed this lead." in response.content.decode()


def test_claim_refuses_offsite_next(client_as):
    response = client_as(Role.SDR).post(
        f"/queues/claim/{qualified().pk}/", {"next": "https://evil.test/"}
    )
    assert response["Location"] == "/queues/all/"


@pytest.mark.parametrize("role", [Role.OPS, Role.MARKETING, None])
def test_claim_checks_the_role_on_the_server(client_as, role):
    lead = qualified()
    assert client_as(role).post(f"/queues/claim/{lead.pk}/").status_code == 403
    lead.refresh_from_db()
    assert lead.owner is None


def test_claim_needs_post(client_as):
    assert client_as(Role.SDR).get(f"/queues/claim/{qualified().pk}/").status_code == 405


def test_manager_assigns_from_the_row(client_as, make_user):
    sam = make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    client = client_as(Role.MANAGER)
    lead = qualified()
    page = client.get("/queues/pql/").content.decode()
    assert "Assign…" in page
    html = client.post(
        f"/queues/assign/{lead.pk}/",
        {"assignee": sam.pk, "expected_owner": ""},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "Lead assigned." in html
    assert '<span class="owner">Sam Rivera</span>' in html


def test_sdr_cannot_assign(client_as, make_user):
    other = make_user(Role.SDR, username="other")
    lead = qualified()
    response = client_as(Role.SDR).post(f"/queues/assign/{lead.pk}/", {"assignee": other.pk})
    assert response.status_code == 403


def _csrf_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', html)


def test_htmx_row_carries_working_forms(client_as, make_user):
    """The swapped-in row's claim and assign forms carry a CSRF token, so they post again."""
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    client = client_as(Role.MANAGER)
    lead = qualified()
    html = client.post(
        f"/queues/assign/{lead.pk}/", {"assignee": "", "expected_owner": ""}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Lead is unassigned now." in html
    assert f'hx-post="/queues/claim/{lead.pk}/"' in html
    assert f'hx-post="/queues/assign/{lead.pk}/"' in html
    tokens = _csrf_tokens(html)
    assert len(tokens) == 2
    assert all(tokens)
    assert '<option value="">Nobody</option>' in html
    assert ">Sam Rivera</option>" in html


def test_lead_page_claim_is_the_queue_claim(client_as):
    client = client_as(Role.SDR)
    lead = qualified()
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    form = re.search(r'<form method="post" action="/queues/claim/(\d+)/"[^>]*>', page)
    assert form is not None
    assert form.group(1) == str(lead.pk)
    assert "hx-post" not in form.group(0)  # a plain form there: the row swap is the queue's
    assert 'aria-label="Claim Ada' in page
    response = client.post(f"/queues/claim/{lead.pk}/", follow=True)
    assert response.status_code == 200
    assert "You claimed this lead." in response.content.decode()
    lead.refresh_from_db()
    assert lead.owner is not None
    # Once owned, the lead page offers no claim.
    assert "/queues/claim/" not in client.get(f"/leads/{lead.pk}/").content.decode()
