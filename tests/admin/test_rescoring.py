"""Editing criteria in the admin rescores no one: only publishing a draft changes scores.

Every admin write lands in a draft (published rows are read-only there), and scoring reads
the published version only; the publication's rescore is tested with the publishing
service. What is asserted here is the absence of any rescore request, however the draft
is edited, and that the leads' scores stay as they were.
"""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from qualification.models import CriteriaVersion, Criterion, Lead, QualificationPolicy
from qualification.roles import Role
from qualification.services import rescore_requests
from tests import factories
from tests.admin.helpers import admin_url, post_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def rescores(monkeypatch) -> list[str]:
    """Record every request for a rescore (a mark, or any task sent) instead of making it."""
    calls: list[str] = []
    monkeypatch.setattr(
        rescore_requests, "leads_mark_for_rescore", lambda **kw: calls.append("mark") or []
    )
    monkeypatch.setattr(rescore_requests, "rescore_enqueue", lambda ids: calls.append("some"))
    monkeypatch.setattr(
        rescore_requests, "enqueue_safely", lambda name, *args: calls.append(name) or True
    )
    return calls


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a request registered for after its commit, as the server would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def scored_lead() -> Lead:
    lead = factories.LeadFactory(total_score=42)
    Lead.objects.filter(pk=lead.pk).update(needs_rescore=False)
    return lead


def _unchanged(lead: Lead) -> bool:
    lead.refresh_from_db()
    return (lead.total_score, lead.needs_rescore) == (42, False)


def _draft_copy(client, live: Criterion) -> Criterion:
    client.post(admin_url(live, "edit_in_draft", live.pk))
    return Criterion.objects.exclude(pk=live.pk).get(key=live.key)


def test_saving_a_draft_criterion_rescores_no_one(ops_client, rescores, committed, scored_lead):
    live = factories.criterion(points=10)
    copy = _draft_copy(ops_client, live)
    with committed() as callbacks:
        assert post_change(ops_client, copy, points="25").status_code == 302
    copy.refresh_from_db()
    assert copy.points == 25
    assert rescores == []
    assert callbacks == []  # nothing waits for the commit to enqueue a task
    assert _unchanged(scored_lead)


def test_list_edit_and_actions_on_a_draft_rescore_no_one(
    client_as, rescores, committed, scored_lead
):
    live = factories.criterion(owner_team="marketing")
    client = client_as(Role.MARKETING)
    copy = _draft_copy(client, live)
    url = admin_url(Criterion, "changelist") + f"?version__id__exact={copy.version_id}"
    action = {"action": "deactivate_criteria", ACTION_CHECKBOX_NAME: [copy.pk], "index": "0"}
    with committed():
        client.post(url, action)
    copy.refresh_from_db()
    assert copy.is_active is False
    assert rescores == []
    assert _unchanged(scored_lead)


def test_draft_policy_edit_and_criterion_delete_rescore_no_one(
    ops_client, rescores, committed, scored_lead
):
    live = factories.criterion()
    copy = _draft_copy(ops_client, live)
    policy = QualificationPolicy.objects.get(version_id=copy.version_id)
    with committed():
        assert post_change(ops_client, policy, mql_threshold="70").status_code == 302
        response = ops_client.post(admin_url(copy, "delete", copy.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Criterion.objects.filter(pk=copy.pk).exists()
    assert Criterion.objects.filter(pk=live.pk).exists()
    policy.refresh_from_db()
    assert policy.mql_threshold == 70
    assert rescores == []
    assert _unchanged(scored_lead)


def test_making_a_draft_in_the_admin_rescores_no_one(ops_client, rescores, committed, scored_lead):
    factories.criterion()
    with committed():
        ops_client.post(admin_url(Criterion, "draft_new"))
    assert CriteriaVersion.objects.filter(status="draft").count() == 1
    assert rescores == []
    assert _unchanged(scored_lead)


def test_rescore_action_marks_the_selected_leads(ops_client, django_capture_on_commit_callbacks):
    chosen, other = factories.LeadFactory(), factories.LeadFactory()
    Lead.objects.update(needs_rescore=False)
    with django_capture_on_commit_callbacks() as callbacks:
        ops_client.post(
            admin_url(Lead, "changelist"),
            {"action": "rescore_selected", ACTION_CHECKBOX_NAME: [chosen.pk], "index": "0"},
        )
    assert dict(Lead.objects.values_list("pk", "needs_rescore")) == {
        chosen.pk: True,
        other.pk: False,
    }
    assert len(callbacks) == 1  # the rescore task is sent once the marks are committed


def test_publications_in_a_row_rescore_once_with_the_last(ops_client, scored_lead):
    """Issue 14, defect 12: saves no longer each queue a full rescore (drafts rescore no one,
    above); of publications in a row, a task for a version superseded before it ran does
    nothing, so three quick publications cost one full rescore, not three."""
    from qualification.services.rescoring import publication_rescore
    from qualification.services.versions import draft_publish

    publisher = factories.user(Role.OPS, username="pub")
    versions = []
    for _ in range(3):  # tasks queued on commit; none ran (no commit in this test)
        versions.append(draft_publish(user=publisher, draft=factories.draft(), note="Tune"))
    assert publication_rescore(version_id=versions[0].pk).scored == 0
    assert publication_rescore(version_id=versions[1].pk).scored == 0
    assert _unchanged(scored_lead)
    assert publication_rescore(version_id=versions[2].pk).scored == Lead.objects.count()
    scored_lead.refresh_from_db()
    assert scored_lead.criteria_version_id == versions[2].pk
