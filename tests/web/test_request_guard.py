"""A NUL byte anywhere in a request's path or parameters is a 400 (issue 14, defect 7).

PostgreSQL refuses NUL in text, so each of these was a 500 there (run with DATABASE_URL):
the glossary search, the admin's list filters and search, a lookup by slug, a login.
"""

from __future__ import annotations

import pytest
from django.test import Client

from qualification.models import Lead
from qualification.roles import Role
from tests.factories import LeadFactory, term

pytestmark = pytest.mark.django_db

PROBLEM = "Contains a NUL character (%00), which is never valid; remove it."


def assert_page_400(response, param: str) -> None:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "400 · Bad request" in page
    assert f"{param}: {PROBLEM}" in page
    assert 'href="/"' in page  # a way back


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/glossary/?q=%00", "q"),
        ("/glossary/?q=intent%00", "q"),
        ("/glossary/intent%00/", "path"),
        ("/admin/qualification/lead/?stage__exact=%00", "stage__exact"),
        ("/admin/qualification/lead/?q=%00", "q"),
        ("/admin/qualification/lead/?owner__id__exact=1%00", "owner__id__exact"),
        ("/admin/qualification/criterion/?version__id__exact=%00", "version__id__exact"),
        ("/queues/pql/?country=%00", "country"),
        ("/search/?q=%00", "q"),
        ("/?%00=1", "\\x00"),
    ],
)
def test_a_nul_in_a_page_address_is_a_friendly_400_naming_it(client_as, url, param):
    term(slug="intent")
    LeadFactory()
    assert_page_400(client_as(Role.OPS).get(url), param)


def test_a_nul_in_a_login_form_is_a_400_naming_the_field():
    response = Client().post("/accounts/login/", {"username": "ops\x00", "password": "x"})
    assert_page_400(response, "username")


def test_a_nul_in_an_admin_form_is_a_400_and_changes_nothing(client_as):
    lead = LeadFactory(first_name="Ada")
    response = client_as(Role.OPS).post(
        f"/admin/qualification/lead/{lead.pk}/change/", {"first_name": "A\x00da"}
    )
    assert_page_400(response, "first_name")
    lead.refresh_from_db()
    assert lead.first_name == "Ada"
    assert Lead.objects.count() == 1


def test_a_nul_in_a_multipart_form_is_a_400(client_as):
    response = client_as(Role.OPS).post(
        "/admin/qualification/lead/", {"q": "x\x00"}
    )  # the test client sends multipart by default
    assert_page_400(response, "q")


def test_clean_requests_pass_untouched(client_as):
    term(slug="intent")
    response = client_as(Role.SDR).get("/glossary/", {"q": "intent"})
    assert response.status_code == 200
