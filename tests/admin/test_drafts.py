"""The admin never changes live scoring: published criteria open read-only, and editing one
means editing its copy in a draft, reached with one button."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages

from qualification.models import CriteriaVersion, Criterion, VersionStatus
from qualification.roles import Role
from tests import factories
from tests.admin.helpers import admin_url, form_data, post_change

pytestmark = pytest.mark.django_db

VERSION = "version__id__exact"


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _drafts() -> list[CriteriaVersion]:
    return list(CriteriaVersion.objects.filter(status=VersionStatus.DRAFT))


def _edit_in_draft(client, obj, draft: CriteriaVersion | None = None):
    data = {"draft": str(draft.pk)} if draft else {}
    return client.post(admin_url(obj, "edit_in_draft", obj.pk), data)


def _list_edit(client, crit: Criterion, points: int, version: CriteriaVersion):
    url = admin_url(Criterion, "changelist") + f"?{VERSION}={version.pk}"
    return client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(crit.pk),
            "form-0-points": str(points),
            "form-0-is_active": "on",
            "_save": "Save",
        },
    )


# --- the criteria list -------------------------------------------------------------------


def test_list_shows_the_published_criteria_read_only_with_a_way_to_edit(ops_client):
    live = factories.criterion(name="Live rule")
    draft = factories.draft()
    Criterion.objects.filter(version=draft, key=live.key).update(name="Draft copy")

    page = ops_client.get(admin_url(Criterion, "changelist"))
    html = page.content.decode()
    assert [c.pk for c in page.context["cl"].result_list] == [live.pk]
    assert "Version 1 is the published version" in html
    assert 'id="edit-in-new-draft"' in html
    assert draft.label in html  # an open draft to continue in
    assert 'name="form-0-points"' not in html  # no list editing of published rows
    assert set(page.context["cl"].model_admin.get_actions(page.wsgi_request)) == set()
    assert 'id="add-to-draft"' not in html


def test_edit_in_a_new_draft_copies_the_published_version_and_lists_the_copy(ops_client):
    live = factories.criterion(points=15)
    response = ops_client.post(admin_url(Criterion, "draft_new"))
    (draft,) = _drafts()
    assert draft.title == "Edit of Version 1 by ops"
    assert draft.base == factories.published()
    assert response["Location"] == admin_url(Criterion, "changelist") + f"?{VERSION}={draft.pk}"

    page = ops_client.get(response["Location"])
    html = page.content.decode()
    (copy,) = page.context["cl"].result_list
    assert (copy.key, copy.version_id) == (live.key, draft.pk)
    assert 'name="form-0-points"' in html
    assert 'id="add-to-draft"' in html
    assert "activate_criteria" in page.context["cl"].model_admin.get_actions(page.wsgi_request)


def test_a_published_criterion_cannot_be_changed_by_posting_its_form(ops_client):
    live = factories.criterion(points=15)
    page = ops_client.get(admin_url(live, "change", live.pk))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert 'id="edit-in-draft"' in html

    response = ops_client.post(admin_url(live, "change", live.pk), {"points": "99"})
    assert response.status_code == 403
    live.refresh_from_db()
    assert live.points == 15


def test_edit_in_a_draft_opens_the_same_rule_in_a_new_draft_and_leaves_the_live_one(ops_client):
    live = factories.criterion(points=15, name="Pricing page views")
    response = _edit_in_draft(ops_client, live)
    (draft,) = _drafts()
    copy = Criterion.objects.get(version=draft, key=live.key)
    assert response.status_code == 302
    assert response["Location"].startswith(admin_url(copy, "change", copy.pk))

    page = ops_client.get(response["Location"])
    assert page.context["has_change_permission"] is True
    assert draft.label in page.content.decode()
    assert f"/criteria/drafts/{draft.pk}/" in page.content.decode()

    saved = post_change(ops_client, copy, points="25")
    assert saved.status_code == 302
    assert saved["Location"].endswith(f"?{VERSION}={draft.pk}")  # back to the draft's list
    copy.refresh_from_db()
    live.refresh_from_db()
    assert (copy.points, live.points) == (25, 15)


def test_edit_in_an_existing_draft_uses_it(ops_client):
    live = factories.criterion()
    draft = factories.draft()
    response = _edit_in_draft(ops_client, live, draft)
    copy = Criterion.objects.get(version=draft, key=live.key)
    assert response["Location"].startswith(admin_url(copy, "change", copy.pk))
    assert _drafts() == [draft]


def test_edit_in_a_draft_that_is_gone_says_so_and_makes_nothing(ops_client):
    live = factories.criterion()
    draft = factories.draft()
    draft.delete()
    response = _edit_in_draft(ops_client, live, draft)
    assert response["Location"] == admin_url(live, "change", live.pk)
    assert "no longer a draft" in _messages(response)
    assert _drafts() == []


def test_a_rule_removed_in_the_draft_is_reported(ops_client):
    live = factories.criterion()
    draft = factories.draft()
    Criterion.objects.get(version=draft, key=live.key).delete()
    response = _edit_in_draft(ops_client, live, draft)
    assert "removed there" in _messages(response)
    assert response["Location"].endswith(f"?{VERSION}={draft.pk}")


def test_retired_criteria_are_read_only_and_point_to_rollback(ops_client):
    from qualification.services.versions import draft_publish

    old = factories.criterion(points=15)
    draft = factories.draft()
    draft_publish(user=factories.user(Role.OPS, username="pub"), draft=draft, note="Why")
    old.refresh_from_db()
    assert old.version.status == VersionStatus.RETIRED
    page = ops_client.get(admin_url(old, "change", old.pk))
    assert page.context["has_change_permission"] is False
    assert "is retired" in page.content.decode()
    response = _edit_in_draft(ops_client, old)
    assert "roll back" in _messages(response)
    assert _drafts() == []


# --- teams ---------------------------------------------------------------------------------


def test_marketing_edits_its_own_criterion_in_a_draft_but_not_products(client_as):
    mine = factories.criterion(owner_team="marketing", points=10)
    theirs = factories.criterion(owner_team="product", points=10)
    client = client_as(Role.MARKETING)

    page = client.get(admin_url(theirs, "change", theirs.pk))
    assert 'id="edit-in-draft"' not in page.content.decode()
    response = _edit_in_draft(client, theirs)
    assert "does not allow" in _messages(response)
    assert _drafts() == []

    response = _edit_in_draft(client, mine)
    (draft,) = _drafts()
    assert draft.author.username == "marketing"
    copy = Criterion.objects.get(version=draft, key=mine.key)
    assert post_change(client, copy, points="20").status_code == 302
    copy.refresh_from_db()
    assert copy.points == 20

    their_copy = Criterion.objects.get(version=draft, key=theirs.key)
    page = client.get(admin_url(their_copy, "change", their_copy.pk))
    assert page.context["has_change_permission"] is False
    assert client.post(admin_url(their_copy, "change", their_copy.pk), {}).status_code == 403


# --- list editing, actions, deleting ------------------------------------------------------


def test_list_editing_a_draft_saves_and_a_smuggled_published_row_is_not_written(ops_client):
    live = factories.criterion(points=15)
    draft = factories.draft()
    copy = Criterion.objects.get(version=draft, key=live.key)

    assert _list_edit(ops_client, copy, 33, draft).status_code == 302
    copy.refresh_from_db()
    assert copy.points == 33

    response = _list_edit(ops_client, live, 99, draft)
    assert response.status_code == 200  # a row error: that id is not in the draft's list
    live.refresh_from_db()
    assert live.points == 15


def test_list_editing_the_published_list_writes_nothing(ops_client):
    live = factories.criterion(points=15)
    url = admin_url(Criterion, "changelist")
    ops_client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(live.pk),
            "form-0-points": "99",
            "_save": "Save",
        },
    )
    live.refresh_from_db()
    assert live.points == 15


def test_actions_on_a_draft_never_reach_published_rows(ops_client):
    live = factories.criterion(is_active=True)
    draft = factories.draft()
    copy = Criterion.objects.get(version=draft, key=live.key)
    response = ops_client.post(
        admin_url(Criterion, "changelist") + f"?{VERSION}={draft.pk}",
        {"action": "deactivate_criteria", ACTION_CHECKBOX_NAME: [copy.pk, live.pk], "index": "0"},
    )
    copy.refresh_from_db()
    live.refresh_from_db()
    assert (copy.is_active, live.is_active) == (False, True)
    assert "1 criteria deactivated" in _messages(response)


def test_only_draft_criteria_can_be_deleted(ops_client):
    live = factories.criterion()
    assert ops_client.get(admin_url(live, "delete", live.pk)).status_code == 403
    assert ops_client.post(admin_url(live, "delete", live.pk), {"post": "yes"}).status_code == 403
    assert Criterion.objects.filter(pk=live.pk).exists()

    draft = factories.draft()
    copy = Criterion.objects.get(version=draft, key=live.key)
    assert ops_client.post(admin_url(copy, "delete", copy.pk), {"post": "yes"}).status_code == 302
    assert not Criterion.objects.filter(pk=copy.pk).exists()


# --- adding -----------------------------------------------------------------------------------


def test_adding_without_a_draft_says_to_make_one(ops_client):
    response = ops_client.get(admin_url(Criterion, "add"))
    assert response.status_code == 302
    assert "Edit in a new draft" in _messages(response)


def test_add_offers_only_drafts_and_preselects_the_one_asked_for(ops_client):
    first, second = factories.draft(), factories.draft()
    page = ops_client.get(admin_url(Criterion, "add") + f"?version={second.pk}")
    field = page.context["adminform"].form.fields["version"]
    assert {v.pk for v in field.queryset} == {first.pk, second.pk}
    assert str(page.context["adminform"].form.initial["version"]) == str(second.pk)

    filtered = f"?_changelist_filters={VERSION}%3D{first.pk}"
    page = ops_client.get(admin_url(Criterion, "add") + filtered)
    assert str(page.context["adminform"].form.initial["version"]) == str(first.pk)


def test_the_version_filter_counts_each_versions_rows_when_asked(ops_client):
    factories.criterion()
    factories.criterion()
    draft = factories.draft()
    Criterion.objects.filter(version=draft).first().delete()
    page = ops_client.get(admin_url(Criterion, "changelist") + "?_facets=True")
    html = page.content.decode()
    assert "Published: Version 1 (2)" in html
    assert f"{draft.label} (1)" in html
    assert len(page.context["cl"].result_list) == 2


def test_adding_into_a_published_version_is_refused_next_to_the_field(ops_client):
    draft = factories.draft()
    url = admin_url(Criterion, "add") + f"?version={draft.pk}"
    data = form_data(ops_client.get(url)) | _criterion_post(version=str(factories.published().pk))
    response = ops_client.post(url, data)
    assert response.status_code == 200
    assert "version" in response.context["adminform"].form.errors
    assert not Criterion.objects.exists()
    assert ops_client.post(url, data | {"version": str(draft.pk)}).status_code == 302
    assert Criterion.objects.get().version == draft


def test_a_draft_published_while_its_form_is_saved_gives_a_message_not_a_500(
    ops_client, monkeypatch
):
    """Another tab publishes the draft between the permission check and the write."""
    from qualification.admin import base

    draft = factories.draft()
    crit = factories.criterion(version=draft, points=10)
    real_save = base.definition_save

    def publish_then_save(*, definition, user):
        CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED).update(
            status=VersionStatus.RETIRED
        )
        CriteriaVersion.objects.filter(pk=draft.pk).update(status=VersionStatus.PUBLISHED, number=2)
        return real_save(definition=definition, user=user)

    monkeypatch.setattr(base, "definition_save", publish_then_save)
    response = post_change(ops_client, crit, points="30")
    assert response.status_code == 302
    assert "cannot change" in _messages(response)
    crit.refresh_from_db()
    assert crit.points == 10


def _criterion_post(**overrides) -> dict[str, str]:
    """A valid criterion as the add form posts it."""
    fields = factories.criterion_fields(**overrides)
    data = {k: str(v) for k, v in fields.items() if v is not None}
    data["property_filter"] = "{}"
    data["is_active"] = "on"
    return data
