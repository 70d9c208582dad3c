"""Changing what scores leads through the admin gets the leads rescored."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from qualification.models import Criterion, Lead, QualificationPolicy
from qualification.roles import Role
from qualification.services import definitions
from tests import factories
from tests.admin.helpers import admin_url, post_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def rescores(monkeypatch) -> list[None]:
    """Record each request for a full rescore instead of enqueuing it."""
    calls: list[None] = []
    monkeypatch.setattr(definitions, "criteria_changed", lambda: calls.append(None))
    return calls


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a request registered for after its commit, as the server would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_saving_a_criterion_rescores_everyone(ops_client, rescores, committed):
    crit = factories.criterion()
    with committed():
        assert post_change(ops_client, crit, points="25").status_code == 302
    assert len(rescores) == 1


def test_a_refused_criterion_rescores_no_one(ops_client, rescores, committed):
    crit = factories.criterion()
    with committed():
        assert post_change(ops_client, crit, window_days="-1").status_code == 200
    assert rescores == []


def test_list_edit_of_many_criteria_rescores_once(ops_client, rescores, committed):
    first, second = factories.criterion(), factories.criterion()
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for i, crit in enumerate((first, second)):
        data |= {
            f"form-{i}-id": str(crit.pk),
            f"form-{i}-points": "33",
            f"form-{i}-is_active": "on",
        }
    with committed():
        assert ops_client.post(admin_url(Criterion, "changelist"), data).status_code == 302
    assert set(Criterion.objects.values_list("points", flat=True)) == {33}
    assert len(rescores) == 1


def test_deactivating_criteria_rescores_but_a_no_op_does_not(client_as, rescores, committed):
    crit = factories.criterion(owner_team="marketing")
    client = client_as(Role.MARKETING)
    action = {"action": "deactivate_criteria", ACTION_CHECKBOX_NAME: [crit.pk], "index": "0"}
    with committed():
        client.post(admin_url(Criterion, "changelist"), action)
    assert len(rescores) == 1
    with committed():
        client.post(admin_url(Criterion, "changelist"), action)  # already inactive
    assert len(rescores) == 1


def test_points_edited_under_a_glossary_term_rescore(ops_client, rescores, committed):
    term = factories.term()
    factories.criterion(glossary_term=term)
    with committed():
        assert post_change(ops_client, term, **{"criteria-0-points": "18"}).status_code == 302
    assert len(rescores) == 1
    with committed():
        assert post_change(ops_client, term, definition="Clearer.").status_code == 302
    assert len(rescores) == 1  # the term's wording does not change any score


def test_policy_change_and_criterion_delete_rescore(ops_client, rescores, committed):
    policy = factories.policy()
    with committed():
        assert post_change(ops_client, policy, mql_threshold="70").status_code == 302
    crit = factories.criterion()
    with committed():
        response = ops_client.post(admin_url(crit, "delete", crit.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not Criterion.objects.exists()
    assert QualificationPolicy.objects.get().mql_threshold == 70
    assert len(rescores) == 2


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
