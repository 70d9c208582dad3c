"""The history page of a definition says who changed what, when, old → new."""

from __future__ import annotations

import pytest
from django.contrib import admin

from qualification.models import (
    BusinessCalendar,
    Criterion,
    GlossaryTerm,
    MessageTemplate,
    QualificationPolicy,
    SLAPolicy,
)
from qualification.roles import Role
from tests import factories
from tests.admin.helpers import admin_url, post_change

pytestmark = pytest.mark.django_db


def _in_draft(**fields) -> Criterion:
    """A criterion of a draft: the only kind the admin edits (and so gives a history)."""
    return factories.criterion(version=factories.draft(), **fields)


def _changes(response) -> list[list[dict]]:
    """The "Changes" cell of each row, newest first."""
    return [getattr(r, "history_delta_changes", None) for r in response.context["page_obj"]]


def test_criterion_history_shows_who_changed_what_old_to_new(client_as):
    crit = _in_draft(owner_team="marketing", points=15, kind="intent")
    client = client_as(Role.MARKETING, username="maria")
    assert post_change(client, crit, points="25", kind="usage").status_code == 302

    page = client.get(admin_url(crit, "history", crit.pk))
    assert page.status_code == 200
    newest = page.context["page_obj"][0]
    assert newest.history_user.username == "maria"
    assert {(c["field"], c["old"], c["new"]) for c in newest.history_delta_changes} == {
        ("Points", "15", "25"),
        ("Kind", "Intent (marketing engagement)", "Usage (product engagement)"),
    }
    html = page.content.decode()
    assert "maria" in html
    assert "Points:</strong>" in html
    assert "15" in html
    assert "&rarr;" in html
    assert "25" in html


def test_every_history_page_shows_the_changes_of_its_oldest_row(ops_client, monkeypatch):
    """simple-history diffs neighbours on one page only; the last row of a page needs its predecessor."""
    crit = _in_draft(points=10)
    for points in ("20", "30"):
        assert post_change(ops_client, crit, points=points).status_code == 302
    monkeypatch.setattr(admin.site._registry[Criterion], "history_list_per_page", 1)

    url = admin_url(crit, "history", crit.pk)
    assert _changes(ops_client.get(url)) == [[{"field": "Points", "old": "20", "new": "30"}]]
    assert _changes(ops_client.get(url + "?p=2")) == [
        [{"field": "Points", "old": "10", "new": "20"}]
    ]
    assert _changes(ops_client.get(url + "?p=3")) == [None]  # the creation: nothing before it


def test_empty_values_read_as_a_dash(ops_client):
    crit = _in_draft(window_days=7)
    assert post_change(ops_client, crit, window_days="").status_code == 302
    page = ops_client.get(admin_url(crit, "history", crit.pk))
    assert page.context["page_obj"][0].history_delta_changes == [
        {"field": "Window days", "old": "7", "new": "—"}
    ]


@pytest.mark.parametrize(
    "model",
    [GlossaryTerm, Criterion, QualificationPolicy, SLAPolicy, BusinessCalendar, MessageTemplate],
)
def test_definitions_have_a_history_page(ops_client, model):
    factories.populate(1)
    if model in (Criterion, QualificationPolicy):
        # Published rows are inserted by the fixtures; a draft's row gets its history
        # from an admin edit, as in use.
        draft = factories.draft()
        obj = model.objects.filter(version=draft).first()
        assert post_change(ops_client, obj).status_code == 302
    else:
        obj = model.objects.first()
    page = ops_client.get(admin_url(obj, "history", obj.pk))
    assert page.status_code == 200
    newest = page.context["page_obj"][0]
    if model in (Criterion, QualificationPolicy):
        assert newest.history_user.username == "ops"
    else:
        assert len(page.context["page_obj"]) == 1


def test_a_published_criterions_history_stays_readable(ops_client):
    """What the rule went through as a draft is still there once it is published."""
    from qualification.services.versions import draft_publish

    live = factories.criterion(points=10)
    draft = factories.draft()
    copy = Criterion.objects.get(version=draft, key=live.key)
    for points in ("20", "30"):
        assert post_change(ops_client, copy, points=points).status_code == 302
    draft_publish(user=factories.user(Role.OPS, username="pub"), draft=draft, note="More points")
    page = ops_client.get(admin_url(copy, "history", copy.pk))
    assert page.status_code == 200
    assert page.context["revert_disabled"] is True
    assert _changes(page)[0] == [{"field": "Points", "old": "20", "new": "30"}]
