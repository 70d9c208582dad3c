"""Browsers request /favicon.ico on every page, signed in or not; it must not 404 or ask to log in."""

from django.test import Client


def test_favicon_redirects_to_the_static_icon_without_login():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
