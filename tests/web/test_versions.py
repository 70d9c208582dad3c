"""The criteria versions and draft pages: make a draft, read its changes and problems,
delete it, roll back to an earlier version; who may do what."""

from __future__ import annotations

import re

import pytest

from qualification.models import CriteriaVersion, Criterion, VersionStatus
from qualification.roles import Role
from qualification.services.versions import draft_changes
from tests import factories
from tests.web.versions_helpers import (
    draft_changing_points,
    messages_of,
    page_text,
    preview_row,
    pricing_criterion,
    publish,
)

pytestmark = pytest.mark.django_db


# --- versions page and making drafts -------------------------------------------------------


def test_versions_page_empty_state_and_draft_form_for_ops(client_as):
    response = client_as(Role.OPS).get("/criteria/versions/")
    assert response.status_code == 200
    text = page_text(response)
    assert "Published: Version 1" in text
    assert "No drafts. Make one from the published version" in text
    assert 'action="/criteria/drafts/new/"' in response.content.decode()


def test_ops_make_a_draft_by_post(client_as):
    pricing_criterion()
    client = client_as(Role.OPS)
    response = client.post("/criteria/drafts/new/", {"title": "Weigh pricing views higher"})
    draft = CriteriaVersion.objects.get(status=VersionStatus.DRAFT)
    assert response.status_code == 302
    assert response.url == f"/criteria/drafts/{draft.pk}/"
    assert draft.title == "Weigh pricing views higher"
    assert draft.author.username == "ops"
    assert Criterion.objects.filter(version=draft, key="pricing-views").exists()
    page = client.get(response.url)
    assert "Weigh pricing views higher" in page_text(page)
    assert f"Draft {draft.pk} made from Version 1. Edit its criteria, then preview." in messages_of(
        page
    )


def test_blank_title_is_an_inline_error_and_makes_nothing(client_as):
    response = client_as(Role.OPS).post("/criteria/drafts/new/", {"title": "   "})
    assert response.status_code == 400
    assert "Give the draft a title" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not CriteriaVersion.objects.filter(status=VersionStatus.DRAFT).exists()


def test_sdr_sees_no_draft_form_and_cannot_post_one(client_as):
    client = client_as(Role.SDR)
    page = client.get("/criteria/versions/")
    assert page.status_code == 200
    assert "/criteria/drafts/new/" not in page.content.decode()
    response = client.post("/criteria/drafts/new/", {"title": "Sneaky"}, follow=True)
    assert "Your role does not allow you to make criteria drafts." in messages_of(response)
    assert not CriteriaVersion.objects.filter(status=VersionStatus.DRAFT).exists()


def test_drafts_list_shows_author_base_preview_and_stale_marker(client_as):
    pricing_criterion()
    stale = draft_changing_points(title="Old idea")
    preview_row(stale, status="running", done=10)
    publish(draft_changing_points(30, title="Shipped"))
    factories.draft(title="Fresh idea")
    text = page_text(client_as(Role.OPS).get("/criteria/versions/"))
    assert "Old idea" in text
    assert "Fresh idea" in text
    assert "Version 1 Stale: rebase" in text  # the old one was made from version 1
    assert "Running 0%" in text  # 10 of 1,200 leads
    assert text.count("Stale: rebase") == 1


# --- the draft page --------------------------------------------------------------------------


def test_draft_page_shows_the_diff_in_plain_words(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    text = page_text(client_as(Role.OPS).get(f"/criteria/drafts/{draft.pk}/"))
    assert "Pricing page views: 20 → 25 points" in text
    assert [c[5] for c in draft_changes(draft)] == ["Pricing page views: 20 → 25 points"]
    assert "against Version 1 · 1 change" in text


def test_draft_page_links_to_the_admin_for_editing(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    row = Criterion.objects.get(version=draft, key="pricing-views")
    html = client_as(Role.OPS).get(f"/criteria/drafts/{draft.pk}/").content.decode()
    assert f"/admin/qualification/criterion/?version__id__exact={draft.pk}" in html
    assert f"/admin/qualification/criterion/{row.pk}/change/" in html
    assert "/admin/qualification/qualificationpolicy/" in html


def test_sdr_reads_a_draft_without_any_action(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    html = client_as(Role.SDR).get(f"/criteria/drafts/{draft.pk}/").content.decode()
    assert "20 → 25 points" in html
    for action in ("/publish/", "/delete/", "/preview/run/", "/admin/"):
        assert action not in html


def test_problems_name_criterion_and_field_with_a_fix_link(client_as):
    pricing_criterion()
    draft = factories.draft()
    row = Criterion.objects.get(version=draft, key="pricing-views")
    # Saved past the admin's validation, as an import in progress might leave it.
    Criterion.objects.filter(pk=row.pk).update(reason_template="Viewed {nonsense")
    response = client_as(Role.OPS).get(f"/criteria/drafts/{draft.pk}/")
    text = page_text(response)
    assert "1 problem to fix before previewing or publishing" in text
    assert "Pricing page views · reason_template:" in text
    assert f"/admin/qualification/criterion/{row.pk}/change/" in response.content.decode()
    assert re.search(r"<button[^>]*disabled[^>]*>Run preview", response.content.decode())


def test_missing_draft_is_a_404(client_as):
    client = client_as(Role.OPS)
    assert client.get("/criteria/drafts/999/").status_code == 404
    published = CriteriaVersion.objects.get(status=VersionStatus.PUBLISHED)
    assert client.get(f"/criteria/drafts/{published.pk}/").status_code == 404


def test_delete_draft(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    client = client_as(Role.OPS)
    assert "Delete this draft" in client.get(f"/criteria/drafts/{draft.pk}/").content.decode()
    response = client.post(f"/criteria/drafts/{draft.pk}/delete/", follow=True)
    assert f"Draft {draft.pk} (A draft) deleted." in messages_of(response)
    assert not CriteriaVersion.objects.filter(pk=draft.pk).exists()


def test_sdr_cannot_delete_a_draft(client_as):
    pricing_criterion()
    draft = draft_changing_points(25)
    response = client_as(Role.SDR).post(f"/criteria/drafts/{draft.pk}/delete/", follow=True)
    assert "Only the draft's author or ops can delete it." in messages_of(response)
    assert CriteriaVersion.objects.filter(pk=draft.pk).exists()


def test_roll_back_makes_a_draft_of_an_earlier_version(client_as):
    pricing_criterion()
    publish(draft_changing_points(25))
    client = client_as(Role.OPS)
    page = client.get("/criteria/versions/").content.decode()
    version_1 = CriteriaVersion.objects.get(number=1)
    assert f"/criteria/versions/{version_1.pk}/rollback/" in page
    response = client.post(f"/criteria/versions/{version_1.pk}/rollback/")
    draft = CriteriaVersion.objects.get(status=VersionStatus.DRAFT)
    assert response.url == f"/criteria/drafts/{draft.pk}/"
    assert draft.title == "Roll back to Version 1"
    text = page_text(client.get(response.url))
    assert "Pricing page views: 25 → 20 points" in text
    sdr_page = client_as(Role.SDR).get("/criteria/versions/").content.decode()
    assert "/rollback/" not in sdr_page


def test_criteria_page_links_drafts_and_changes(client_as):
    client = client_as(Role.OPS)
    html = client.get("/criteria/").content.decode()
    assert 'href="/criteria/versions/?new#new-draft"' in html
    assert 'href="/criteria/changes/"' in html
    landing = client.get("/criteria/versions/?new").content.decode()
    assert re.search(r'<input[^>]*name="title"[^>]*autofocus', landing)
    sdr_html = client_as(Role.SDR, username="sdr2").get("/criteria/").content.decode()
    assert "new-draft" not in sdr_html
    assert 'href="/criteria/changes/"' in sdr_html
