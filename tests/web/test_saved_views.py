"""Saved queue views: save, open with one click, delete; stale filters dropped and named."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from qualification.models import SavedView
from qualification.roles import Role
from qualification.services.saved_views import saved_view_save
from tests.factories import AccountFactory
from tests.web.queue_helpers import qualified, rows

pytestmark = pytest.mark.django_db


def test_a_rep_saves_the_current_filters_and_opens_them_in_one_click(client_as):
    hot = qualified("pql", tier=4)
    qualified("pql", tier=3)
    client = client_as(Role.SDR)
    page = client.get("/queues/pql/", {"tier": "4", "sort": "-total_score", "page": "2"})
    assert 'name="query" value="tier=4&amp;sort=-total_score&amp;page=2"' in page.content.decode()
    response = client.post(
        "/queues/pql/views/",
        {
            "name": "  Hot  PQLs ",
            "query": "tier=4&sort=-total_score&page=2",
            "next": "/queues/pql/",
        },
        follow=True,
    )
    assert "Saved the view “Hot PQLs”" in response.content.decode()
    view = SavedView.objects.get()
    assert (view.name, view.scope, view.query) == ("Hot PQLs", "pql", "tier=4&sort=-total_score")
    assert f'href="/queues/views/{view.pk}/">Hot PQLs</a>' in response.content.decode()
    opened = client.get(f"/queues/views/{view.pk}/", follow=True)
    assert opened.redirect_chain == [("/queues/pql/?tier=4&sort=-total_score", 302)]
    assert rows(opened) == [hot.email]
    # Saving the same name again updates it.
    client.post("/queues/pql/views/", {"name": "Hot PQLs", "query": "tier=3"})
    assert SavedView.objects.get().query == "tier=3"


def test_a_view_whose_filters_no_longer_exist_opens_with_the_rest_and_says_so(client_as):
    AccountFactory(industry="software")
    client = client_as(Role.SDR)
    sdr = User.objects.get(pk=client.session["_auth_user_id"])
    view = SavedView.objects.create(
        user=sdr,
        scope="pql",
        name="Old",
        query="tier=4&industry=shipbuilding&bogus=1&sort=nonsense&per_page=7&density=compact",
    )
    response = client.get(f"/queues/views/{view.pk}/", follow=True)
    assert response.redirect_chain == [("/queues/pql/?tier=4&density=compact", 302)]
    said = " ".join(str(m) for m in response.context["messages"])
    assert "industry=shipbuilding" in said
    assert "bogus=1" in said
    assert "sort=nonsense" in said
    assert "per_page=7" in said
    assert "tier=4" not in said


def test_views_are_private_and_deletable_by_their_owner_only(client_as, make_user):
    other = make_user(Role.SDR, username="other")
    theirs = saved_view_save(user=other, scope="pql", name="Theirs", query="tier=4")
    client = client_as(Role.SDR)
    assert client.get(f"/queues/views/{theirs.pk}/").status_code == 404
    assert "Theirs" not in client.get("/queues/pql/").content.decode()
    client.post(f"/queues/views/{theirs.pk}/delete/")
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    response = client.post(
        f"/queues/views/{theirs.pk}/delete/", {"next": "/queues/pql/"}, follow=True
    )
    assert "That view was already gone." in response.content.decode()
    own = client.post("/queues/pql/views/", {"name": "Mine", "query": ""})
    assert own.status_code == 302
    view = SavedView.objects.get(name="Mine")
    client.post(f"/queues/views/{view.pk}/delete/")
    assert not SavedView.objects.filter(pk=view.pk).exists()


@pytest.mark.parametrize(
    ("name", "query", "said"),
    [
        ("", "tier=4", "Give the view a name."),
        ("x" * 61, "", "Keep the name to 60 characters."),
        ("Long", "source=" + "a" * 2100, "too long to save"),
    ],
)
def test_bad_view_input_is_told(client_as, name, query, said):
    response = client_as(Role.SDR).post(
        "/queues/pql/views/", {"name": name, "query": query, "next": "/queues/pql/"}, follow=True
    )
    assert response.status_code == 200
    assert said in " ".join(str(m) for m in response.context["messages"])
    assert not SavedView.objects.exists()


def test_a_user_without_a_role_cannot_save_views(client_as):
    assert client_as(None).post("/queues/pql/views/", {"name": "x"}).status_code == 403
