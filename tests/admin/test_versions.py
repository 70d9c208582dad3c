"""The versions admin is read-mostly: drafts can be renamed and deleted, nothing published."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages

from qualification.models import CriteriaVersion, Criterion, VersionStatus
from qualification.roles import Role
from tests import factories
from tests.admin.helpers import admin_url, post_change

pytestmark = pytest.mark.django_db


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _bulk_delete(client, versions, confirm: bool = True):
    data = {
        "action": "delete_drafts",
        ACTION_CHECKBOX_NAME: [v.pk for v in versions],
        "index": "0",
    }
    if confirm:
        data["post"] = "yes"
    return client.post(admin_url(CriteriaVersion, "changelist"), data)


def test_list_shows_each_version_with_links_and_says_publishing_is_elsewhere(ops_client):
    published = factories.published()
    draft = factories.draft(title="Tune pricing")
    page = ops_client.get(admin_url(CriteriaVersion, "changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert {v.pk for v in page.context["cl"].result_list} == {published.pk, draft.pk}
    assert "Tune pricing" in html
    assert "Versions are published on LeadHub, not here" in html
    assert f"/criteria/drafts/{draft.pk}/" in html
    assert f"/admin/qualification/criterion/?version__id__exact={draft.pk}" in html
    assert ops_client.get(admin_url(CriteriaVersion, "add")).status_code == 403


def test_the_published_version_cannot_be_deleted_or_changed(ops_client):
    published = factories.published()
    assert ops_client.get(admin_url(published, "delete", published.pk)).status_code == 403
    response = ops_client.post(admin_url(published, "delete", published.pk), {"post": "yes"})
    assert response.status_code == 403
    page = ops_client.get(admin_url(published, "change", published.pk))
    assert page.context["has_change_permission"] is False
    assert ops_client.post(admin_url(published, "change", published.pk), {}).status_code == 403
    assert CriteriaVersion.objects.filter(pk=published.pk, status="published").exists()


def test_a_bulk_delete_that_includes_the_published_version_is_refused_whole(ops_client):
    published = factories.published()
    draft = factories.draft()
    response = _bulk_delete(ops_client, [published, draft])
    assert response.status_code == 302
    assert "Nothing deleted: Version 1 cannot be deleted" in _messages(response)
    assert CriteriaVersion.objects.filter(pk__in=[published.pk, draft.pk]).count() == 2


def test_drafts_are_deleted_with_their_criteria_and_policy(ops_client):
    factories.criterion()
    draft = factories.draft()
    assert Criterion.objects.filter(version=draft).exists()
    confirm = _bulk_delete(ops_client, [draft], confirm=False)
    assert confirm.status_code == 200  # Django's confirmation page, no permission missing
    assert not confirm.context["perms_lacking"]
    response = _bulk_delete(ops_client, [draft])
    assert response.status_code == 302
    assert not CriteriaVersion.objects.filter(pk=draft.pk).exists()
    assert not Criterion.objects.filter(version_id=draft.pk).exists()


def test_a_draft_is_deleted_by_its_author_not_by_someone_elses(client):
    author = factories.user(Role.MARKETING, username="maria")
    mine = factories.draft(author=author)
    theirs = factories.draft()
    client.force_login(author)
    assert client.get(admin_url(theirs, "delete", theirs.pk)).status_code == 403
    response = client.post(admin_url(mine, "delete", mine.pk), {"post": "yes"})
    assert response.status_code == 302
    assert list(CriteriaVersion.objects.filter(status=VersionStatus.DRAFT)) == [theirs]


def test_a_drafts_title_can_be_corrected_a_published_ones_cannot(ops_client):
    draft = factories.draft(title="Typo")
    draft.refresh_from_db()
    stamp = draft.content_changed_at
    assert post_change(ops_client, draft, title="Tune pricing").status_code == 302
    draft.refresh_from_db()
    assert draft.title == "Tune pricing"
    assert draft.content_changed_at == stamp  # a rename does not make a preview out of date
    assert "Publishing is not done in the admin".lower() in (
        ops_client.get(admin_url(draft, "change", draft.pk)).content.decode().lower()
    )
    published = factories.published()
    page = ops_client.get(admin_url(published, "change", published.pk))
    assert "title" not in page.context["adminform"].form.fields
