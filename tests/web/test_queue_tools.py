"""The queue page's tools over HTTP: CSV export, the new-leads bar, bulk claim and assign."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualification.models import Lead
from qualification.roles import Role
from qualification.web import exports
from qualification.web.exports import cell
from tests.web.queue_helpers import qualified

pytestmark = pytest.mark.django_db


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_export_holds_what_the_filters_show_in_the_page_order(client_as):
    hot = qualified("pql", tier=4, total_score=90, first_name="Hana")
    warm = qualified("pql", tier=3, total_score=60, first_name="Wim")
    qualified("mql", tier=4, total_score=99, first_name="Mona")
    client = client_as(Role.SDR)
    response = client.get("/queues/pql/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["X-LeadHub-Capped"] == "no"
    rows = _csv(response)
    assert [r["Name"] for r in rows] == [hot.display_name, warm.display_name]
    assert rows[0]["Tier"] == "Hot"
    assert rows[0]["Queue"] == "PQL"
    assert rows[0]["Lead page"].endswith(f"/leads/{hot.pk}/")
    filtered = _csv(client.get("/queues/pql/export.csv", {"tier": "3"}))
    assert [r["Name"] for r in filtered] == [warm.display_name]
    resorted = _csv(client.get("/queues/pql/export.csv", {"sort": "total_score"}))
    assert [r["Name"] for r in resorted] == [warm.display_name, hot.display_name]
    # The page links to it with its own filters.
    page = client.get("/queues/pql/", {"tier": "3"}).content.decode()
    assert 'href="/queues/pql/export.csv?tier=3"' in page


def test_export_is_capped_and_says_so(client_as, monkeypatch):
    monkeypatch.setattr(exports, "EXPORT_CAP", 2)
    import qualification.web.views.queue_tools as view

    monkeypatch.setattr(view, "EXPORT_CAP", 2)
    for n in range(3):
        qualified("pql", tier=4, total_score=50 + n)
    response = client_as(Role.SDR).get("/queues/pql/export.csv")
    assert response["X-LeadHub-Capped"] == "yes"
    assert "-first-2.csv" in response["Content-Disposition"]
    assert len(_csv(response)) == 2


def test_export_defuses_spreadsheet_formulas(client_as):
    qualified("pql", tier=4, first_name='=HYPERLINK("http://x")', last_name="")
    rows = _csv(client_as(Role.SDR).get("/queues/pql/export.csv"))
    assert rows[0]["Name"].startswith("'=")
    assert cell("-2") == "'-2"
    assert cell("Ada") == "Ada"
    assert cell(None) == ""


def test_export_follows_the_page_permissions(client_as):
    assert client_as(None).get("/queues/pql/export.csv").status_code == 403
    assert client_as(Role.OPS).get("/queues/pql/export.csv").status_code == 200
    assert client_as(Role.MARKETING).get("/queues/mine/export.csv").status_code == 403


def test_bulk_claim_reports_each_lead_and_leaves_the_changed_one(client_as, make_user):
    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    free = qualified("pql", tier=4, first_name="Free", last_name="One")
    taken = qualified("pql", tier=4, first_name="Taken", last_name="Two")
    client = client_as(Role.SDR)
    page = client.get("/queues/pql/").content.decode()
    assert f'name="lead" value="{free.pk}" form="bulk-form"' in page
    # Kim claims one of them after the page was shown.
    Lead.objects.filter(pk=taken.pk).update(owner=kim, claimed_at=timezone.now())
    response = client.post(
        "/queues/bulk/",
        {"action": "claim", "lead": [free.pk, taken.pk], "next": "/queues/pql/"},
        follow=True,
    )
    assert response.redirect_chain == [("/queues/pql/", 302)]
    text = [str(m) for m in response.context["messages"]]
    assert text[0] == "1 of 2 selected leads done. 1 had changed meanwhile and was left unchanged:"
    assert "Kim Lee has Taken Two already." in text
    free.refresh_from_db()
    taken.refresh_from_db()
    assert free.owner is not None
    assert free.owner.username != "kim"
    assert taken.owner == kim


def test_bulk_assign_refuses_a_lead_whose_owner_changed(client_as, make_user):
    sam = make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    a = qualified("pql", tier=4, first_name="Ann")
    b = qualified("pql", tier=4, first_name="Bea")
    client = client_as(Role.MANAGER)
    Lead.objects.filter(pk=b.pk).update(owner=kim, claimed_at=timezone.now())  # after the page
    client.post(
        "/queues/bulk/",
        {
            "action": "assign",
            "assignee": str(sam.pk),
            "lead": [a.pk, b.pk],
            f"seen-{a.pk}": "",
            f"seen-{b.pk}": "",
        },
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.owner == sam
    assert b.owner == kim


@pytest.mark.parametrize(
    ("data", "said"),
    [
        ({"action": "claim"}, "Select at least one lead first."),
        ({"action": "claim", "lead": [str(n) for n in range(1, 102)]}, "at most 100 leads"),
        ({"action": "assign", "lead": ["1"], "assignee": "x"}, "Pick someone"),
    ],
)
def test_bulk_bad_input_is_told_not_failed(client_as, data, said):
    response = client_as(Role.MANAGER).post("/queues/bulk/", data, follow=True)
    assert response.status_code == 200
    assert any(said in str(m) for m in response.context["messages"])


def test_bulk_needs_the_roles(client_as):
    lead = qualified("pql")
    assert client_as(Role.OPS).post("/queues/bulk/", {"lead": [lead.pk]}).status_code == 403
    response = client_as(Role.SDR).post(
        "/queues/bulk/", {"action": "assign", "lead": [lead.pk], "assignee": "none"}, follow=True
    )
    assert response.status_code == 403
    lead.refresh_from_db()
    assert lead.owner is None


def test_news_bar_counts_leads_qualified_since_the_page_with_its_filters(client_as):
    from datetime import timedelta

    client = client_as(Role.SDR)
    page = client.get("/queues/pql/", {"tier": "4"})
    shown = page.context["page_shown_at"]
    html = page.content.decode()
    assert 'hx-trigger="every 30s"' in html
    assert "/queues/pql/news/?since=" in html
    assert "tier=4" in html
    later = timezone.now() + timedelta(seconds=1)
    qualified("pql", tier=4, qualified_at=later)
    qualified("pql", tier=4, qualified_at=later)
    qualified("pql", tier=3, qualified_at=later)  # filtered out
    qualified("mql", tier=4, qualified_at=later)  # another queue
    news = client.get("/queues/pql/news/", {"since": shown, "tier": "4"}).content.decode()
    assert "2 new leads qualified since this page was shown" in news
    assert 'href="/queues/pql/?tier=4"' in news
    quiet = client.get("/queues/pql/news/", {"since": later.isoformat(), "tier": "4"})
    assert "new lead" not in quiet.content.decode()
    assert 'hx-trigger="every 30s"' in quiet.content.decode()  # it keeps polling


@pytest.mark.parametrize(
    "since",
    ["", "yesterday", "2026-12-03T10:00:00", "2026-13-40T99:00Z", "2026-12-03T10:00:00+16:00"],
)
def test_news_bar_refuses_a_time_it_cannot_read(client_as, since):
    response = client_as(Role.SDR).get("/queues/pql/news/", {"since": since})
    assert response.status_code == 400
    assert "since" in response.content.decode()


@pytest.fixture
def manager_client(client_as):
    """One signed-in manager for every example (the examples share the test's database)."""
    qualified("pql", tier=4)
    return client_as(Role.MANAGER)


_PARAMS = ("tier", "sla", "owner", "stage", "country", "industry", "size", "source", "sort")
_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(
        st.sampled_from([*_PARAMS, "per_page", "page", "density", "since"]), _TEXT
    )
)
def test_queue_page_export_and_bar_never_fail_on_any_query(manager_client, params):
    for url in ("/queues/all/", "/queues/mine/", "/queues/pql/export.csv", "/queues/pql/news/"):
        response = manager_client.get(url, params)
        assert response.status_code < 500, (url, params)
