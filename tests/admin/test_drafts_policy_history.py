"""Beyond the criteria list: the policy, the history and the glossary follow the same rule:
published rows are read-only, and changes are made (and reverted) in a draft."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from qualification.models import CriteriaVersion, Criterion, QualificationPolicy, VersionStatus
from tests import factories
from tests.admin.helpers import admin_url, form_data, post_change

pytestmark = pytest.mark.django_db

VERSION = "version__id__exact"


def _messages(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def _drafts() -> list[CriteriaVersion]:
    return list(CriteriaVersion.objects.filter(status=VersionStatus.DRAFT))


# --- the policy ---------------------------------------------------------------------------------


def test_the_published_policy_is_read_only_and_edited_in_a_draft(ops_client):
    live = factories.policy(mql_threshold=60)
    assert ops_client.get(admin_url(QualificationPolicy, "add")).status_code == 403
    assert ops_client.get(admin_url(live, "delete", live.pk)).status_code == 403
    page = ops_client.get(admin_url(live, "change", live.pk))
    assert page.context["has_change_permission"] is False
    assert 'id="edit-in-draft"' in page.content.decode()
    assert ops_client.post(admin_url(live, "change", live.pk), {}).status_code == 403

    response = ops_client.post(admin_url(live, "edit_in_draft", live.pk))
    (draft,) = _drafts()
    copy = QualificationPolicy.objects.get(version=draft)
    assert response["Location"].startswith(admin_url(copy, "change", copy.pk))
    assert post_change(ops_client, copy, mql_threshold="55").status_code == 302
    copy.refresh_from_db()
    live.refresh_from_db()
    assert (copy.mql_threshold, live.mql_threshold) == (55, 60)


def test_policy_list_shows_the_viewed_versions_policy(ops_client):
    live = factories.policy()
    draft = factories.draft()
    page = ops_client.get(admin_url(QualificationPolicy, "changelist"))
    assert [p.pk for p in page.context["cl"].result_list] == [live.pk]
    page = ops_client.get(admin_url(QualificationPolicy, "changelist") + f"?{VERSION}={draft.pk}")
    assert [p.version_id for p in page.context["cl"].result_list] == [draft.pk]


# --- history ------------------------------------------------------------------------------------


def test_reverting_a_published_criterion_is_refused_with_a_message(ops_client):
    draft = factories.draft()
    crit = factories.criterion(version=draft, points=10)
    crit.points = 20
    crit.save()
    first = crit.history.order_by("history_date").first()
    url = reverse("admin:qualification_criterion_simple_history", args=[crit.pk, first.history_id])
    data = form_data(ops_client.get(url))
    CriteriaVersion.objects.filter(status=VersionStatus.PUBLISHED).update(
        status=VersionStatus.RETIRED
    )
    CriteriaVersion.objects.filter(pk=draft.pk).update(status=VersionStatus.PUBLISHED, number=2)

    response = ops_client.post(url, data)
    assert response.status_code == 302
    assert "nothing was reverted" in _messages(response)
    crit.refresh_from_db()
    assert crit.points == 20


def test_reverting_a_draft_criterion_works(ops_client):
    draft = factories.draft()
    crit = factories.criterion(version=draft, points=10)
    crit.points = 20
    crit.save()
    first = crit.history.order_by("history_date").first()
    url = reverse("admin:qualification_criterion_simple_history", args=[crit.pk, first.history_id])
    response = ops_client.post(url, form_data(ops_client.get(url)))
    assert response.status_code == 302
    crit.refresh_from_db()
    assert crit.points == 10


# --- the glossary ---------------------------------------------------------------------------


def test_a_terms_page_lists_its_published_criteria_read_only(ops_client):
    term = factories.term()
    live = factories.criterion(glossary_term=term, name="Live one")
    draft = factories.draft()
    Criterion.objects.filter(version=draft, key=live.key).update(name="Draft one")
    page = ops_client.get(admin_url(term, "change", term.pk))
    html = page.content.decode()
    assert "Live one" in html
    assert "Draft one" not in html
    assert 'name="criteria-0-points"' not in html
    listing = ops_client.get(admin_url(term, "changelist"))
    assert listing.context["cl"].result_list[0]._criteria_count == 1
