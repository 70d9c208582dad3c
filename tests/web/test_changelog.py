"""The changelog every role reads, the SDRs' "criteria changed" notice on the queues, the
glossary's list of changes, and the layout data the context processor gives."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from qualification.models import CriteriaNoticeDismissal, CriteriaVersion, Lead
from qualification.roles import Role
from qualification.web.context_versions import criteria_governance
from tests import factories
from tests.web.versions_helpers import (
    draft_changing_points,
    page_text,
    pricing_criterion,
    publish,
)

pytestmark = pytest.mark.django_db

PROCESSOR = "qualification.web.context_versions.criteria_governance"


@pytest.fixture
def with_processor(settings):
    """The context processor registered, whether or not the settings already list it."""
    templates = [dict(engine) for engine in settings.TEMPLATES]
    options = dict(templates[0]["OPTIONS"])
    if PROCESSOR not in options["context_processors"]:
        options["context_processors"] = [*options["context_processors"], PROCESSOR]
    templates[0]["OPTIONS"] = options
    settings.TEMPLATES = templates


@pytest.fixture
def published_change(make_user):
    """Version 2: pricing views 20 → 25 points, published by Olivia with a note."""
    pricing_criterion(glossary_term=factories.term(term="Pricing intent", slug="pricing"))
    olivia = make_user(Role.OPS, username="olivia", first_name="Olivia", last_name="Ops")
    return publish(draft_changing_points(25), note="Pricing views convert well.", user=olivia)


def test_sdr_reads_the_changelog_newest_first(client_as, published_change):
    publish(draft_changing_points(30, title="Even more"), note="Still converting.")
    response = client_as(Role.SDR).get("/criteria/changes/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'id="version-(\d+)"', html) == ["3", "2", "1"]
    text = page_text(response)
    assert "Version 2 : A draft" in text
    assert "Published by Olivia Ops on" in text
    assert "Pricing views convert well." in text
    assert "Pricing page views: 20 → 25 points" in text
    assert "Pricing page views: 25 → 30 points" in text
    assert "The first version: the rules LeadHub started with." in text


def test_changelog_shows_the_measured_effect(client_as, published_change):
    CriteriaVersion.objects.filter(pk=published_change.pk).update(
        mql_entered=7, mql_left=2, pql_entered=1, pql_left=0, rescore_finished_at=timezone.now()
    )
    text = page_text(client_as(Role.SDR).get("/criteria/changes/"))
    assert "Measured effect Queue Entered Left MQL 7 2 PQL 1 0" in text
    assert "Applying" not in text


def test_changelog_says_how_far_a_publication_has_applied(client_as):
    pricing_criterion()
    leads = [factories.LeadFactory() for _ in range(3)]
    version = publish(draft_changing_points(25))
    Lead.objects.filter(pk=leads[0].pk).update(criteria_version=version)
    text = page_text(client_as(Role.SDR).get("/criteria/changes/"))
    assert "Applying: 1 of 3 leads rescored (33%)" in text
    assert "Measured effect so far" in text


def test_sdr_sees_the_notice_on_the_queue_and_dismisses_it(
    client_as, published_change, with_processor
):
    client = client_as(Role.SDR)
    text = page_text(client.get("/queues/all/"))
    assert "Criteria changed on" in text
    assert "Pricing page views: 20 → 25 points." in text
    assert 'href="/criteria/changes/#version-2"' in client.get("/queues/all/").content.decode()
    response = client.post(
        f"/criteria/notice/{published_change.pk}/dismiss/", {"next": "/queues/pql/"}
    )
    assert response.status_code == 302
    assert response.url == "/queues/pql/"
    assert CriteriaNoticeDismissal.objects.filter(version=published_change).count() == 1
    assert "Criteria changed on" not in page_text(client.get("/queues/pql/"))


def test_dismiss_with_htmx_answers_an_empty_fragment(client_as, published_change):
    client = client_as(Role.SDR)
    response = client.post(
        f"/criteria/notice/{published_change.pk}/dismiss/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response.content == b""
    assert CriteriaNoticeDismissal.objects.filter(version=published_change).exists()


def test_dismiss_refuses_an_unsafe_next(client_as, published_change):
    response = client_as(Role.SDR).post(
        f"/criteria/notice/{published_change.pk}/dismiss/", {"next": "https://evil.test/"}
    )
    assert response.url == "/queues/all/"


def test_no_notice_for_an_old_publication(client_as, with_processor, published_change):
    client = client_as(Role.SDR)
    CriteriaVersion.objects.filter(pk=published_change.pk).update(
        published_at=timezone.now() - timedelta(days=40)
    )
    assert "Criteria changed on" not in page_text(client.get("/queues/all/"))


def test_glossary_term_links_the_changes_to_its_criteria(client_as, published_change):
    text = page_text(client_as(Role.SDR).get("/glossary/pricing/"))
    assert "Changes to these criteria" in text
    assert "Version 2" in text
    assert "Pricing page views: 20 → 25 points" in text
    html = client_as(Role.MANAGER).get("/glossary/pricing/").content.decode()
    assert 'href="/criteria/changes/#version-2"' in html


def test_glossary_term_without_changes_says_so(client_as, make_term):
    make_term("Fit")
    assert "No publication has changed the criteria" in page_text(
        client_as(Role.SDR).get("/glossary/fit/")
    )


def test_context_processor_is_lazy_and_role_aware(make_user, published_change):
    factories.LeadFactory()
    CriteriaVersion.objects.filter(pk=published_change.pk).update(rescore_finished_at=None)
    factory = RequestFactory()

    def context(user, path):
        request = factory.get(path)
        request.user = user
        return criteria_governance(request)

    sdr = make_user(Role.SDR, username="sally")
    ops = make_user(Role.OPS, username="oscar")
    assert "publication_progress" not in context(sdr, "/queues/all/")
    assert context(sdr, "/criteria/")["publication_progress"]["version"].number == 2
    assert context(ops, "/queues/all/")["publication_progress"]["total"] == 1
    notice = context(sdr, "/queues/all/")["criteria_notice"]
    assert notice["summary"] == "Pricing page views: 20 → 25 points"


def test_changelog_needs_a_role(client_as):
    assert client_as(None).get("/criteria/changes/").status_code == 403
