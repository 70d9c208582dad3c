"""Signing in and out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qualification.roles import Role


@pytest.mark.django_db
def test_login_page_renders_a_labelled_form(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Sign in · LeadHub</title>" in html
    assert '<label for="id_username">Username</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert 'autocomplete="current-password"' in html
    assert "mainnav" not in html  # no navigation before signing in


def test_wrong_password_shows_an_error_and_does_not_sign_in(client, make_user):
    make_user(Role.SDR, username="sam")
    response = client.post(reverse("login"), {"username": "sam", "password": "wrong"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html
    assert "Please enter a correct username and password" in html
    assert 'value="sam"' in html  # the username is kept
    assert 'aria-invalid="true"' in html
    assert "_auth_user_id" not in client.session


def test_right_password_signs_in_and_lands_on_the_overview(client, make_user):
    make_user(Role.SDR, username="sam")
    response = client.post(reverse("login"), {"username": "sam", "password": "test-pass-123"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get("/").status_code == 200


def test_login_returns_to_the_page_asked_for(client, make_user):
    make_user(Role.SDR, username="sam")
    response = client.post(
        reverse("login") + "?next=/glossary/",
        {"username": "sam", "password": "test-pass-123", "next": "/glossary/"},
    )
    assert response["Location"] == "/glossary/"


def test_logout_by_post_signs_out_and_goes_to_login(client_as):
    client = client_as(Role.SDR)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    # Signed out: the overview asks for a login again.
    assert client.get("/").status_code == 302


def test_logout_by_get_is_refused(client_as):
    client = client_as(Role.SDR)
    assert client.get(reverse("logout")).status_code == 405
    assert client.get("/").status_code == 200  # still signed in
