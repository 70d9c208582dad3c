"""The criteria page: read-only, described in words, filterable, sortable, paginated."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qualification.roles import Role


def _names(html: str) -> list[str]:
    return re.findall(r'<td class="cell-name"><span class="strong">([^<]+)</span>', html)


def test_each_criterion_reads_as_a_sentence(client_as, make_term, make_criterion):
    term = make_term("Pricing intent")
    make_criterion("Pricing page interest", glossary_term=term, half_life_days=14)
    make_criterion(
        "Served country",
        kind="fit",
        signal_type="attribute",
        event_name="",
        attribute="account.country",
        operator="in",
        value=["DE", "FR"],
        points=10,
        owner_team="ops",
    )
    make_criterion(
        "Student",
        kind="negative",
        signal_type="attribute",
        event_name="",
        attribute="lead.email_domain",
        operator="contains",
        value=".edu",
        points=-20,
    )
    html = client_as(Role.SDR).get("/criteria/").content.decode()
    assert "“Pricing Page Viewed” 3+ times in the last 7 days" in html
    assert "account.country is one of DE, FR" in html
    assert "Half-life 14 d" in html
    assert '<span class="points pos">+15</span>' in html
    assert '<span class="points neg">\u221220</span>' in html
    assert 'href="/glossary/pricing-intent/">Pricing intent</a>' in html
    assert (
        'Reason: “Viewed the pricing page <span class="ph">times</span> '
        '<span class="ph">window</span>”'
    ) in html


def test_disqualifiers_and_per_event_points_are_spelled_out(client_as, make_criterion):
    make_criterion(
        "Outside served countries",
        kind="disqualifier",
        signal_type="attribute",
        event_name="",
        attribute="account.country",
        operator="not_in",
        value=["DE"],
        points=0,
    )
    make_criterion(
        "Teammates", kind="usage", points=10, points_mode="per_occurrence", max_occurrences=3
    )
    html = client_as(Role.SDR).get("/criteria/").content.decode()
    assert "account.country is not one of DE" in html
    assert '<span class="points neg">Disqualifies</span>' in html
    assert '<span class="points pos">+10</span><span class="sub">each, max 3</span>' in html


def test_text_from_the_database_is_escaped(client_as, make_criterion):
    make_criterion("<script>alert(1)</script>", reason_template="<b>{times}</b> views")
    html = client_as(Role.SDR).get("/criteria/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '&lt;b&gt;<span class="ph">times</span>&lt;/b&gt; views' in html


@pytest.mark.parametrize(
    ("role", "page_link"),
    [(Role.SDR, False), (Role.MANAGER, False), (Role.OPS, True), (Role.MARKETING, True)],
)
def test_edit_in_admin_only_for_roles_that_change_criteria(
    client_as, make_criterion, role, page_link
):
    make_criterion()
    html = client_as(role).get("/criteria/").content.decode()
    assert ("Edit in admin" in html) is page_link
    assert ("/admin/qualification/criterion/" in html) is page_link


def test_marketing_may_edit_only_its_own_criteria(client_as, make_criterion):
    own = make_criterion("Marketing rule", owner_team="marketing")
    other = make_criterion("Product rule", owner_team="product", kind="usage")
    html = client_as(Role.MARKETING).get("/criteria/").content.decode()
    assert f"/admin/qualification/criterion/{own.pk}/change/" in html
    assert f"/admin/qualification/criterion/{other.pk}/change/" not in html


def test_ops_may_edit_every_criterion(client_as, make_criterion):
    rows = [make_criterion(owner_team=team) for team in ("marketing", "product", "ops")]
    html = client_as(Role.OPS).get("/criteria/").content.decode()
    for row in rows:
        assert f"/admin/qualification/criterion/{row.pk}/change/" in html


def test_filters_by_kind_team_and_status(client_as, make_criterion):
    make_criterion("Intent marketing", kind="intent", owner_team="marketing")
    make_criterion("Usage product", kind="usage", owner_team="product", points=20)
    make_criterion("Retired", kind="usage", owner_team="product", is_active=False, points=10)
    client = client_as(Role.SDR)
    # Default order: by kind, then most points first.
    assert _names(client.get("/criteria/?kind=usage").content.decode()) == [
        "Usage product",
        "Retired",
    ]
    assert _names(client.get("/criteria/?team=marketing").content.decode()) == ["Intent marketing"]
    assert _names(client.get("/criteria/?kind=usage&active=yes").content.decode()) == [
        "Usage product"
    ]
    assert _names(client.get("/criteria/?active=no").content.decode()) == ["Retired"]
    # Unknown values mean "no filter", never an error.
    assert len(_names(client.get("/criteria/?kind=bogus&active=maybe").content.decode())) == 3


def test_no_match_keeps_the_filters_and_says_so(client_as, make_criterion):
    make_criterion(kind="intent")
    html = client_as(Role.SDR).get("/criteria/?kind=disqualifier").content.decode()
    assert "No criteria match these filters." in html
    assert '<option value="disqualifier" selected>' in html


def test_empty_rulebook_has_an_empty_state(client_as):
    html = client_as(Role.SDR).get("/criteria/").content.decode()
    assert "No criteria yet" in html


def test_sorts_by_points_both_ways(client_as, make_criterion):
    for name, points in [("Small", 5), ("Large", 40), ("Medium", 20)]:
        make_criterion(name, points=points)
    client = client_as(Role.SDR)
    ascending = client.get("/criteria/?sort=points").content.decode()
    assert _names(ascending) == ["Small", "Medium", "Large"]
    assert 'aria-sort="ascending"' in ascending
    descending = client.get("/criteria/?sort=-points").content.decode()
    assert _names(descending) == ["Large", "Medium", "Small"]


def test_paginates_25_per_page(client_as, make_criterion):
    for i in range(30):
        make_criterion(f"Rule {i:02d}", points=100 - i)
    client = client_as(Role.SDR)
    first = client.get("/criteria/").content.decode()
    assert len(_names(first)) == 25
    assert "1\u201325 of 30" in first
    second = client.get("/criteria/?page=2").content.decode()
    assert len(_names(second)) == 5
    # A stale link past the end shows the last page rather than an error.
    past_end = client.get("/criteria/?page=99")
    assert past_end.status_code == 200
    assert len(_names(past_end.content.decode())) == 5


def test_query_count_does_not_grow_with_rows(client_as, make_term, make_criterion):
    client = client_as(Role.OPS)
    make_criterion(glossary_term=make_term("T0"))
    with CaptureQueriesContext(connection) as few:
        client.get("/criteria/")
    for i in range(1, 20):
        make_criterion(glossary_term=make_term(f"T{i}"))
    with CaptureQueriesContext(connection) as many:
        client.get("/criteria/")
    assert len(many) == len(few)
