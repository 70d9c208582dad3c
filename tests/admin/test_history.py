"""The history page of a definition says who changed what, when, old → new."""

from __future__ import annotations

import pytest
from django.contrib import admin

from qualification.models import (
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


def _changes(response) -> list[list[dict]]:
    """The "Changes" cell of each row, newest first."""
    return [getattr(r, "history_delta_changes", None) for r in response.context["page_obj"]]


def test_criterion_history_shows_who_changed_what_old_to_new(client_as):
    crit = factories.criterion(owner_team="marketing", points=15, kind="intent")
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
    crit = factories.criterion(points=10)
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
    crit = factories.criterion(window_days=7)
    assert post_change(ops_client, crit, window_days="").status_code == 302
    page = ops_client.get(admin_url(crit, "history", crit.pk))
    assert page.context["page_obj"][0].history_delta_changes == [
        {"field": "Window days", "old": "7", "new": "—"}
    ]


@pytest.mark.parametrize(
    "model", [GlossaryTerm, Criterion, QualificationPolicy, SLAPolicy, MessageTemplate]
)
def test_definitions_have_a_history_page(ops_client, model):
    factories.populate(1)
    obj = model.objects.first()
    page = ops_client.get(admin_url(obj, "history", obj.pk))
    assert page.status_code == 200
    assert len(page.context["page_obj"]) == 1
