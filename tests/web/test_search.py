"""The search page (/search/) and the header's search box."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qualification.core.search import MAX_QUERY_LENGTH
from qualification.roles import Role
from tests.factories import AccountFactory, LeadFactory

pytestmark = pytest.mark.django_db

URL = reverse("lead-search")


@pytest.fixture
def ada():
    account = AccountFactory(name="Acme Rockets", domain="acme.io")
    return LeadFactory(
        first_name="Ada", last_name="Lovelace", email="ada@acme.io", account=account, tier=4
    )


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(URL, {"q": "ada"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.SDR, Role.MANAGER, Role.OPS, Role.MARKETING, Role.PRODUCT])
def test_every_role_that_opens_lead_pages_may_search(client_as, ada, role):
    client = client_as(role)
    response = client.get(URL, {"q": "lovelace"})
    assert response.status_code == 200
    assert reverse("lead-detail", kwargs={"lead_id": ada.pk}) in response.content.decode()
    # ...and has the box in the header of every page.
    assert 'data-testid="search-box"' in client.get("/").content.decode()


def test_a_user_without_a_role_gets_no_box_and_a_403(client_as, ada):
    client = client_as(None)
    assert 'data-testid="search-box"' not in client.get("/").content.decode()
    response = client.get(URL, {"q": "lovelace"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "Lovelace" not in html
    assert "The SDR, Ops, Manager, Marketing and Product roles can open this page." in html


def test_results_list_name_email_account_badges_and_owner(client_as, ada, make_user):
    ada.owner = make_user(Role.SDR, username="rep", first_name="Rita", last_name="Rep")
    ada.stage = "pql"
    ada.save()
    html = client_as(Role.MANAGER).get(URL, {"q": "acme"}).content.decode()
    for text in ("Ada Lovelace", "ada@acme.io", "Acme Rockets", "acme.io", "PQL", "Hot", "Rita"):
        assert text in html, text
    assert "1 lead matches, best match first." in html
    assert 'value="acme"' in html  # the header box keeps the query


def test_the_viewer_sees_their_own_leads_as_you(client_as, ada):
    client = client_as(Role.SDR)
    from django.contrib.auth.models import User

    ada.owner = User.objects.get(username="sdr")
    ada.save()
    html = client.get(URL, {"q": "ada"}).content.decode()
    assert ">You<" in html


def test_empty_query_explains_what_to_type(client_as, ada):
    client = client_as(Role.SDR)
    for params in ({}, {"q": ""}, {"q": "   "}):
        response = client.get(URL, params)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-testid="search-empty"' in html
        assert "Lovelace" not in html


def test_nothing_found_says_so_and_offers_to_clear(client_as, ada):
    html = client_as(Role.SDR).get(URL, {"q": "zzz-nobody"}).content.decode()
    assert 'data-testid="search-none"' in html
    assert "No leads match “zzz-nobody”" in html
    assert f'href="{URL}">clear the search</a>' in html


def test_overlong_query_is_refused_with_a_clear_message(client_as, ada):
    response = client_as(Role.SDR).get(URL, {"q": "a" * (MAX_QUERY_LENGTH + 50)})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="search-too-long"' in html
    assert f"{MAX_QUERY_LENGTH + 50} characters long" in html
    assert f"at most {MAX_QUERY_LENGTH}" in html


@pytest.mark.parametrize(
    "query_string",
    [
        "q=%25",  # %
        "q=_",
        "q=%5C",  # backslash
        "q=100%25_%5C",
        "q=%ED%A0%80",  # an encoded surrogate: not UTF-8
        "q=%FF%FE",  # not UTF-8 at all
        "q=%E6%A0%AA%E5%BC%8F",  # 株式
        "q=%3Cscript%3E",  # <script>
        "q=a&q=b",  # twice
    ],
)
def test_odd_characters_get_a_page_never_an_error(client_as, ada, query_string):
    response = client_as(Role.SDR).get(f"{URL}?{query_string}")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


def test_a_nul_byte_is_a_400_naming_the_parameter(client_as, ada):
    """PostgreSQL refuses NUL: the request guard answers before the search runs."""
    response = client_as(Role.SDR).get(f"{URL}?q=a%00b")
    assert response.status_code == 400
    assert "q: Contains a NUL character" in response.content.decode()


def test_capped_results_say_so(client_as):
    for n in range(51):
        LeadFactory(first_name="Many", email=f"many{n}@x.example")
    html = client_as(Role.SDR).get(URL, {"q": "many"}).content.decode()
    assert "The best 50 matches are listed" in html
    assert html.count('class="search-lead"') == 50


def test_the_page_runs_a_fixed_number_of_queries(client_as, django_assert_max_num_queries):
    for n in range(30):
        LeadFactory(first_name="Query", email=f"q{n}@x.example")
    client = client_as(Role.SDR)
    client.get(URL, {"q": "query"})  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        client.get(URL, {"q": "query"})
