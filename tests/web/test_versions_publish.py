"""Publishing a draft from its page: the note, a stale draft and its rebase, the four-eyes
rule, the roles, and the banner while the publication is applied."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from qualification.models import CriteriaVersion, VersionStatus
from qualification.roles import Role
from tests import factories
from tests.web.versions_helpers import (
    draft_changing_points,
    messages_of,
    page_text,
    pricing_criterion,
    publish,
)

pytestmark = pytest.mark.django_db


# --- publishing ------------------------------------------------------------------------------


def test_publish_with_a_note_goes_to_the_changelog_entry(client_as):
    pricing_criterion()
    factories.LeadFactory()
    factories.LeadFactory()
    draft = draft_changing_points(25)
    client = client_as(Role.OPS)
    response = client.post(
        f"/criteria/drafts/{draft.pk}/publish/", {"note": "Pricing views convert well."}
    )
    assert response.status_code == 302
    assert response.url == "/criteria/changes/#version-2"
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert draft.number == 2
    page = client.get(response.url)
    assert "Version 2 published; rescoring 2 leads in the background." in messages_of(page)
    text = page_text(page)
    assert "Pricing views convert well." in text
    assert "Pricing page views: 20 → 25 points" in text


def test_publish_without_a_note_is_an_inline_error(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    response = client_as(Role.OPS).post(f"/criteria/drafts/{draft.pk}/publish/", {"note": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why in the note" in html
    assert re.search(r"<textarea[^>]*autofocus", html)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_stale_publish_is_refused_with_a_rebase_button(client_as):
    pricing_criterion()
    first = draft_changing_points(25, title="First")
    second = draft_changing_points(30, title="Second")
    publish(first)
    client = client_as(Role.OPS)
    response = client.post(f"/criteria/drafts/{second.pk}/publish/", {"note": "Mine too."})
    assert response.status_code == 409
    text = page_text(response)
    assert "Version 2 was published by" in text
    assert "Rebase the draft" in text
    assert "Rebase onto Version 2" in text
    assert "Mine too." in text  # the note is kept
    second.refresh_from_db()
    assert second.status == VersionStatus.DRAFT

    rebased = client.post(f"/criteria/drafts/{second.pk}/rebase/", follow=True)
    second.refresh_from_db()
    assert second.base.number == 2
    text = page_text(rebased)
    assert "Rebased onto Version 2." in text
    # Both changed the points: the draft's 30 was kept, and the page says so.
    assert "Rebased: 1 change met a change in Version 2" in text
    assert "Pricing page views: 25 → 30 points" in text
    assert "Rebase onto" not in text
    again = client.post(f"/criteria/drafts/{second.pk}/publish/", {"note": "Mine too."})
    assert again.url == "/criteria/changes/#version-3"


def test_sdr_cannot_publish(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    response = client_as(Role.SDR).post(
        f"/criteria/drafts/{draft.pk}/publish/", {"note": "Why not."}
    )
    assert response.status_code == 400
    assert "Your role does not allow you to publish criteria." in page_text(response)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_marketing_can_draft_but_not_publish(client_as):
    pricing_criterion()
    client = client_as(Role.MARKETING)
    client.post("/criteria/drafts/new/", {"title": "Marketing idea"})
    draft = CriteriaVersion.objects.get(status=VersionStatus.DRAFT)
    html = client.get(f"/criteria/drafts/{draft.pk}/").content.decode()
    assert "/preview/run/" in html
    assert "/publish/" not in html


def test_four_eyes_needs_another_ops_users_approval(client_as, settings, make_user):
    settings.LEADHUB_CRITERIA_FOUR_EYES = True
    pricing_criterion()
    author = make_user(Role.OPS, username="author")
    draft = draft_changing_points(25, author=author)
    client = client_as(Role.OPS)
    page = page_text(client.get(f"/criteria/drafts/{draft.pk}/"))
    assert "A second ops user approves a draft before it is published." in page
    refused = client.post(f"/criteria/drafts/{draft.pk}/publish/", {"note": "Go."})
    assert "must approve this draft" in page_text(refused)
    client.post(f"/criteria/drafts/{draft.pk}/approve/")
    draft.refresh_from_db()
    assert draft.approved_by.username == "ops"
    assert "Approved by" in page_text(client.get(f"/criteria/drafts/{draft.pk}/"))
    client.force_login(author)
    assert "You made this draft, so someone else approves it." not in page_text(
        client.get(f"/criteria/drafts/{draft.pk}/")
    )  # already approved
    published = client.post(f"/criteria/drafts/{draft.pk}/publish/", {"note": "Go."})
    assert published.url == "/criteria/changes/#version-2"


# --- the publication banner --------------------------------------------------------------


def test_banner_shows_progress_while_a_publication_applies(client_as):
    pricing_criterion()
    for _ in range(4):
        factories.LeadFactory()
    publish(draft_changing_points(25))  # in a test transaction the rescore never runs
    client = client_as(Role.SDR)
    text = page_text(client.get("/criteria/versions/"))
    assert "Applying Version 2: 0 of 4 leads rescored" in text
    fragment = client.get("/criteria/publication/").content.decode()
    assert 'hx-trigger="every 2s"' in fragment
    CriteriaVersion.objects.filter(number=2).update(rescore_finished_at=timezone.now())
    done = client.get("/criteria/publication/").content.decode()
    assert "Every lead now carries the new scores" in done
    assert "hx-trigger" not in done
    assert "Applying" not in page_text(client.get("/criteria/versions/"))
