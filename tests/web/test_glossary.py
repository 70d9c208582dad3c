"""The glossary: search, team filter, and a term with its criteria and last editor."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qualification.roles import Role


@pytest.fixture
def glossary(make_term):
    make_term("MQL", "A lead whose marketing engagement and fit pass the threshold.")
    make_term("PQL", "A user whose product usage shows buying intent.", owner_team="product")
    make_term(
        "Hand-raiser", "Someone who asked to talk to sales in the product.", owner_team="product"
    )
    make_term("ICP", "Ideal customer profile: the companies we sell to.", owner_team="ops")


def _listed(html: str) -> list[str]:
    return re.findall(r'class="term-title" href="[^"]+">([^<]+)</a>', html)


def test_lists_every_term_alphabetically(client_as, glossary):
    html = client_as(Role.SDR).get("/glossary/").content.decode()
    assert _listed(html) == ["Hand-raiser", "ICP", "MQL", "PQL"]
    assert "4 terms" in html


def test_search_matches_term_and_definition_case_insensitively(client_as, glossary):
    client = client_as(Role.SDR)
    assert _listed(client.get("/glossary/?q=pql").content.decode()) == ["PQL"]
    # "sales" only appears in a definition.
    assert _listed(client.get("/glossary/?q=SALES").content.decode()) == ["Hand-raiser"]
    # Every word must match somewhere.
    assert _listed(client.get("/glossary/?q=product usage").content.decode()) == ["PQL"]


def test_team_filter_and_search_combine(client_as, glossary):
    client = client_as(Role.SDR)
    assert _listed(client.get("/glossary/?team=product").content.decode()) == [
        "Hand-raiser",
        "PQL",
    ]
    assert _listed(client.get("/glossary/?team=product&q=sales").content.decode()) == [
        "Hand-raiser"
    ]


def test_unknown_team_is_ignored(client_as, glossary):
    html = client_as(Role.SDR).get("/glossary/?team=nonsense").content.decode()
    assert len(_listed(html)) == 4


def test_no_match_says_so(client_as, glossary):
    html = client_as(Role.SDR).get("/glossary/?q=zebra").content.decode()
    assert _listed(html) == []
    assert "No terms match" in html
    assert "“zebra”" in html


def test_empty_glossary_has_an_empty_state(client_as):
    html = client_as(Role.SDR).get("/glossary/").content.decode()
    assert "The glossary is empty" in html


def test_list_query_count_does_not_grow_with_terms(client_as, make_term, make_criterion):
    client = client_as(Role.SDR)
    make_criterion(glossary_term=make_term("First"))
    with CaptureQueriesContext(connection) as few:
        client.get("/glossary/")
    for i in range(15):
        make_criterion(glossary_term=make_term(f"Term {i}"))
    with CaptureQueriesContext(connection) as many:
        client.get("/glossary/")
    assert len(many) == len(few)


def test_detail_shows_definition_examples_and_linked_criteria(client_as, make_term, make_criterion):
    term = make_term(
        "PQL",
        "A user whose product usage shows buying intent.",
        owner_team="product",
        examples="Invited 3 teammates\nHit the project limit",
    )
    make_criterion("Invited teammates", glossary_term=term, kind="usage")
    make_criterion("Unrelated rule")
    html = client_as(Role.SDR).get("/glossary/pql/").content.decode()
    assert "<title>PQL · Glossary · LeadHub</title>" in html
    assert "A user whose product usage shows buying intent." in html
    assert "<li>Invited 3 teammates</li>" in html
    assert "Invited teammates" in html
    assert "Unrelated rule" not in html
    assert "1 criterion" in html


def test_detail_shows_who_changed_the_term_last(client_as, make_user, make_term):
    term = make_term("MQL")
    editor = make_user(Role.OPS, username="olga", first_name="Olga", last_name="Ops")
    term.definition = "Reworded by ops."
    term._history_user = editor
    term.save()
    html = client_as(Role.SDR).get("/glossary/mql/").content.decode()
    assert "Changed by <strong>Olga Ops</strong>" in html


def test_detail_of_unknown_term_is_404(client_as):
    response = client_as(Role.SDR).get("/glossary/nope/")
    assert response.status_code == 404
    assert "There is nothing at this address" in response.content.decode()


def test_edit_link_only_for_those_who_may_edit_this_term(client, make_user, make_term):
    make_term("PQL", owner_team="product")
    for role, expected in [
        (Role.SDR, False),
        (Role.MARKETING, False),  # marketing edits marketing's terms only
        (Role.PRODUCT, True),
        (Role.OPS, True),
    ]:
        client.force_login(make_user(role))
        html = client.get("/glossary/pql/").content.decode()
        assert ("Edit in admin" in html) is expected, role
