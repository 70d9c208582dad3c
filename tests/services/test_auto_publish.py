"""Auto-publish: off by default; within the bounds ops set, a finished recalibration
publishes its small, clear point changes as a version that says it published itself."""

from __future__ import annotations

import pytest
from django.test import override_settings

from qualification.core.learning.autopublish import Bounds, changes_within_bounds
from qualification.models import AutoPublishBounds, CriteriaVersion
from qualification.roles import Role
from qualification.selectors.versions import version_content_read
from qualification.services.recalibration import recalibration_next, recalibration_run
from tests.services.learning_helpers import outcome_leads, synthetic_criteria_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def outcomes():
    synthetic_criteria_publish()
    outcome_leads(1200)


def _run():
    made, _ = recalibration_next(trigger="command")
    return recalibration_run(recalibration_id=made.pk)


def _bounds(user, **fields) -> AutoPublishBounds:
    values = {"enabled": True, "max_change": 50, "min_outcomes": 40, **fields}
    return AutoPublishBounds.objects.create(changed_by=user, **values)


def test_off_by_default_nothing_is_published(outcomes):
    before = CriteriaVersion.objects.get(status="published")
    run = _run()
    assert run.figures["auto_publish"]["status"] == "off"
    assert CriteriaVersion.objects.get(status="published").pk == before.pk
    assert not CriteriaVersion.objects.filter(status="draft").exists()


def test_within_the_bounds_the_run_publishes_its_point_changes(outcomes, make_user, client):
    ops = make_user(Role.OPS, first_name="Olga", last_name="Ops")
    _bounds(ops)
    before = CriteriaVersion.objects.get(status="published")
    content_before = version_content_read(before)
    run = _run()
    expected, _ = changes_within_bounds(run.figures, run.n_outcomes, Bounds(50, 40))
    assert expected  # the synthetic drivers move some points clearly
    outcome = run.figures["auto_publish"]
    assert outcome["status"] == "published"
    version = CriteriaVersion.objects.get(status="published")
    assert version.pk == outcome["version_id"] != before.pk
    assert version.number == before.number + 1
    assert version.published_by is None
    assert version.author is None
    assert f"recalibration #{run.pk}" in version.note
    assert "Olga Ops" in version.note
    content = version_content_read(version)
    for change in expected:
        assert content_before["criteria"][change.key]["points"] == change.old
        assert content["criteria"][change.key]["points"] == change.new
    untouched = set(content_before["criteria"]) - {c.key for c in expected}
    for key in untouched:
        assert content["criteria"][key] == content_before["criteria"][key]
    # New criteria are only ever suggested, never published by themselves.
    assert set(content["criteria"]) == set(content_before["criteria"])
    assert run.figures["new_criteria"]
    assert version.changed_keys == sorted(c.key for c in expected)
    # The changelog and the version list say nobody clicked.
    client.force_login(make_user(Role.SDR))
    changelog = client.get("/criteria/changes/").content.decode()
    assert "Published automatically, within the auto-publish bounds ops set" in changelog
    client.force_login(ops)
    versions = client.get("/criteria/versions/").content.decode()
    assert "automatically, within the auto-publish bounds" in versions


def test_outside_the_bounds_nothing_is_published_and_the_run_says_why(outcomes, make_user):
    _bounds(make_user(Role.OPS), min_outcomes=100_000)
    before = CriteriaVersion.objects.get(status="published")
    run = _run()
    assert run.figures["auto_publish"]["status"] == "none"
    assert "needs 100000" in run.figures["auto_publish"]["reason"]
    assert CriteriaVersion.objects.get(status="published").pk == before.pk


@override_settings(LEADHUB_CRITERIA_FOUR_EYES=True)
def test_with_four_eyes_the_changes_wait_as_a_draft(outcomes, make_user):
    _bounds(make_user(Role.OPS))
    before = CriteriaVersion.objects.get(status="published")
    run = _run()
    outcome = run.figures["auto_publish"]
    assert outcome["status"] == "draft"
    assert "Four-eyes" in outcome["reason"]
    draft = CriteriaVersion.objects.get(pk=outcome["version_id"])
    assert draft.status == "draft"
    assert f"recalibration #{run.pk}" in draft.title
    assert CriteriaVersion.objects.get(status="published").pk == before.pk


def test_ops_set_the_bounds_in_the_admin_and_the_change_is_kept(client, make_user):
    ops = make_user(Role.OPS)
    client.force_login(ops)
    response = client.post(
        "/admin/qualification/autopublishbounds/add/",
        {"enabled": "on", "max_change": "3", "min_outcomes": "300"},
    )
    assert response.status_code == 302, response.content[:2000]
    bounds = AutoPublishBounds.objects.get()
    assert (bounds.enabled, bounds.max_change, bounds.min_outcomes) == (True, 3, 300)
    assert bounds.changed_by == ops
    # A second row cannot be added; the one row is changed, and each edit is kept.
    assert client.get("/admin/qualification/autopublishbounds/add/").status_code == 403
    change = f"/admin/qualification/autopublishbounds/{bounds.pk}/change/"
    response = client.post(change, {"max_change": "4", "min_outcomes": "30"})
    assert response.status_code == 200
    assert b"Ensure this value is greater than or equal to 40" in response.content
    client.post(change, {"max_change": "4", "min_outcomes": "300"})
    bounds.refresh_from_db()
    assert (bounds.enabled, bounds.max_change) == (False, 4)
    assert [h.max_change for h in bounds.history.order_by("history_date")] == [3, 4]
    assert client.post(f"{change[:-7]}delete/").status_code == 403


def test_only_ops_change_the_bounds(client, make_user):
    bounds = AutoPublishBounds.objects.create()
    for role in (Role.SDR, Role.MANAGER, Role.MARKETING):
        client.force_login(make_user(role, username=f"u-{role.value}"))
        change = f"/admin/qualification/autopublishbounds/{bounds.pk}/change/"
        response = client.post(change, {"enabled": "on", "max_change": "50", "min_outcomes": "40"})
        assert response.status_code in (302, 403)
        bounds.refresh_from_db()
        assert bounds.enabled is False
