"""Hostile query parameters on the REST API are 400s naming the parameter (issue 14, defect 7).

Each case was a 500: superscript digits pass ``str.isdigit()`` and crash ``int()``; numbers
past a column's range, UTC offsets past PostgreSQL's ±15:59 and NUL bytes reach the
database, which refuses them (several only on PostgreSQL: run with DATABASE_URL too).
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from qualification.roles import Role
from tests.factories import LeadFactory, criterion

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(api) -> APIClient:
    LeadFactory(tier=4)
    criterion(key="demo", name="Demo requested", points=30)
    return api(Role.MANAGER)


def assert_names(response, param: str, status: int = 400) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["code"], str)
    assert body["code"]
    assert body["message"].startswith(f"{param}: "), body
    if status == 400:
        assert isinstance(body[param], list)
        assert body[param]


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/leads/?tier=%C2%B3", "tier"),  # "³"
        ("/api/leads/?tier=%D9%A3", "tier"),  # Arabic-Indic "٣": not a tier either
        ("/api/leads/?owner=%C2%B9", "owner"),  # "¹"
        ("/api/leads/?owner=2147483648", "owner"),  # past auth's integer user ids
        ("/api/leads/?owner=99999999999999999999999", "owner"),
        ("/api/leads/?updated_since=2026-01-01T00:00:00%2B16:00", "updated_since"),
        ("/api/leads/?updated_since=2026-01-01T00:00:00-16:00", "updated_since"),
        ("/api/leads/?updated_since=9999-12-31T23:00:00-15:00", "updated_since"),
        ("/api/criteria/?version=%C2%B3", "version"),
        ("/api/criteria/?version=99999999999999999999999", "version"),
        ("/api/criteria/demo/?version=%C2%B3", "version"),
        ("/api/leads/?page=%C2%B3", "page"),
        ("/api/leads/?page=abc", "page"),
        ("/api/leads/?page=0", "page"),
    ],
)
def test_bad_numbers_and_times_are_400_naming_the_parameter(client, url, param):
    assert_names(client.get(url), param)


@pytest.mark.parametrize("value", ["abc", "-1", "0", "201", "99999999999999999999999", "%C2%B3"])
def test_junk_page_size_is_400_naming_it(client, value):
    """DRF quietly used 50 for these (defect 11): a typo must not go unnoticed."""
    assert_names(client.get(f"/api/leads/?page_size={value}"), "page_size")


def test_offsets_up_to_15_59_still_work(client):
    for offset in ("%2B15:59", "-15:59", "Z"):
        response = client.get(f"/api/leads/?updated_since=2000-01-01T00:00:00{offset}")
        assert response.status_code == 200
        assert response.json()["count"] == 1
    assert client.get("/api/leads/?owner=2147483647").json()["count"] == 0
    assert client.get("/api/leads/?page_size=200&page=last").status_code == 200


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/leads/?stage=%00", "stage"),
        ("/api/leads/?search=a%00b", "search"),
        ("/api/leads/?x%00y=1", "x\\x00y"),
        ("/api/glossary/%00/", "path"),
        ("/api/criteria/%00/", "path"),
        ("/api/leads/%00/", "path"),
    ],
)
def test_a_nul_byte_is_a_json_400_naming_the_parameter(client, url, param):
    assert_names(client.get(url), param)


def test_a_nul_byte_in_a_tracking_api_query_is_its_json_400(client):
    response = APIClient().post("/v1/batch?writeKey=%00", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_character",
        "message": "writeKey: Contains a NUL character (%00), which is never valid; remove it.",
        "writeKey": ["Contains a NUL character (%00), which is never valid; remove it."],
    }


def test_the_tracking_api_body_is_left_to_its_own_parser(send):
    """Under /v1/ the raw body is the view's: a form-looking body is not read here."""
    response = send(
        "batch", None, raw=b"batch=%00", CONTENT_TYPE="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json()["code"] != "invalid_character"


@pytest.mark.parametrize("path", ["/api/no-such-thing/", "/v1/nothing", "/api/leads/x/y/z/"])
def test_an_unknown_api_path_is_a_json_404(client, path):
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"
    assert path in response.json()["message"]


def test_an_unknown_page_is_still_the_html_404(client_as):
    response = client_as().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
