"""Lead and account pages: what ops see, capped where a list can grow without bound."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qualification.admin.leads import ACCOUNT_LEADS_SHOWN, RECENT_EVENTS_SHOWN
from qualification.models import Event, Lead
from qualification.roles import Role
from tests import factories
from tests.admin.helpers import admin_url, post_change

pytestmark = pytest.mark.django_db


def _bulk_events(lead: Lead, n: int) -> None:
    Event.objects.bulk_create(
        Event(
            lead=lead,
            name=f"Feature Used {i}",
            source="product",
            occurred_at=factories.T0 - timedelta(hours=i),
            message_id=f"bulk-{lead.pk}-{i}",
        )
        for i in range(n)
    )


def test_lead_page_shows_only_the_latest_events_with_a_link_to_all(ops_client):
    lead = factories.LeadFactory()
    _bulk_events(lead, RECENT_EVENTS_SHOWN + 30)
    html = ops_client.get(admin_url(lead, "change", lead.pk)).content.decode()
    assert "Feature Used 0<" in html  # the newest
    assert f"Feature Used {RECENT_EVENTS_SHOWN - 1}<" in html
    assert f"Feature Used {RECENT_EVENTS_SHOWN}<" not in html  # older than the cap
    assert f"/admin/qualification/event/?lead__id__exact={lead.pk}" in html


def test_the_event_link_lists_exactly_that_leads_events(ops_client):
    lead, other = factories.LeadFactory(), factories.LeadFactory()
    _bulk_events(lead, 3)
    _bulk_events(other, 2)
    page = ops_client.get(admin_url(Event, "changelist") + f"?lead__id__exact={lead.pk}")
    assert page.status_code == 200
    assert {e.lead_id for e in page.context["cl"].result_list} == {lead.pk}
    assert len(page.context["cl"].result_list) == 3


def test_lead_page_queries_do_not_grow_with_events(ops_client):
    lead = factories.LeadFactory()
    _bulk_events(lead, 5)
    url = admin_url(lead, "change", lead.pk)
    with CaptureQueriesContext(connection) as few:
        ops_client.get(url)
    Event.objects.filter(lead=lead).delete()
    _bulk_events(lead, 200)
    with CaptureQueriesContext(connection) as many:
        ops_client.get(url)
    assert len(many) == len(few)


def test_lead_page_shows_stage_history_and_feedback_read_only(ops_client):
    made = factories.populate(1)
    lead = made["lead"][0]
    page = ops_client.get(admin_url(lead, "change", lead.pk))
    inlines = {f.formset.model.__name__: f for f in page.context["inline_admin_formsets"]}
    assert set(inlines) == {"StageTransition", "Feedback"}
    for inline in inlines.values():
        assert inline.has_add_permission is False
        assert inline.has_change_permission is False
        assert inline.has_delete_permission is False
        assert len(inline.formset.forms) == 1
    html = page.content.decode()
    assert "Budget frozen." in html
    readonly = page.context["adminform"].readonly_fields
    assert {"stage", "total_score", "needs_rescore", "reasons"} <= set(readonly)


def test_account_page_lists_a_capped_number_of_its_leads(ops_client):
    account = factories.AccountFactory()
    for _ in range(ACCOUNT_LEADS_SHOWN + 2):
        factories.LeadFactory(account=account)
    html = ops_client.get(admin_url(account, "change", account.pk)).content.decode()
    assert len(re.findall(r"/admin/qualification/lead/\d+/change/", html)) == ACCOUNT_LEADS_SHOWN
    assert f"/admin/qualification/lead/?account__id__exact={account.pk}" in html


def test_lead_list_shows_what_ops_scan_for(ops_client):
    owner = factories.user(first_name="Sam", last_name="Rep")
    lead = factories.LeadFactory(
        first_name="Ada",
        last_name="Lovelace",
        account=factories.AccountFactory(name="Analytical"),
        owner=owner,
        total_score=77,
        tier=4,
        queue="pql",
        stage="pql",
        qualification="pql",
        pql_kind="usage",
    )
    html = ops_client.get(admin_url(Lead, "changelist")).content.decode()
    for text in (
        "Ada Lovelace",
        lead.email,
        "Analytical",
        "PQL queue",
        "Hot",
        "77",
        owner.username,
    ):
        assert text in html


def test_event_type_name_is_fixed_once_created_and_links_to_its_criteria(ops_client):
    from qualification.models import EventType

    factories.criterion(event_name="Demo Requested")
    event_type = EventType.objects.get(name="Demo Requested")
    response = post_change(ops_client, event_type, name="Renamed", description="Asked for a demo.")
    assert response.status_code == 302
    event_type.refresh_from_db()
    assert (event_type.name, event_type.description) == ("Demo Requested", "Asked for a demo.")

    page = ops_client.get(admin_url(event_type, "change", event_type.pk)).content.decode()
    assert "/admin/qualification/criterion/?event_name=Demo+Requested" in page
    assert "1 criteria" in page


@pytest.mark.django_db
def test_editing_an_account_or_lead_marks_its_leads_for_rescoring(client_as):
    from qualification.models import Account, Lead

    client = client_as(Role.OPS, username="ops-rescore")
    account = Account.objects.create(name="Acme", domain="acme-rescore.test", country="DE")
    lead = Lead.objects.create(account=account, email="a@acme-rescore.test", needs_rescore=False)
    response = client.post(
        f"/admin/qualification/account/{account.pk}/change/",
        {
            "name": "Acme",
            "domain": "acme-rescore.test",
            "industry": "",
            "employee_count": "40",
            "country": "FR",
            "business_model": "b2b",
            "plan": "none",
            "traits": "{}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lead.refresh_from_db()
    assert lead.needs_rescore is True
    assert lead.rescore_requested_at is not None
