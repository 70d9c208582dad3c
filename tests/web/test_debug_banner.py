"""Issue 14, defect 12: development mode says on every page that debug pages are on."""

from __future__ import annotations

import pytest
from django.test import override_settings

from qualification.roles import Role

BANNER = 'data-testid="debug-banner"'


@pytest.mark.parametrize("url", ["/", "/queues/mql/", "/glossary/", "/admin/"])
def test_development_mode_shows_the_banner_on_app_and_admin_pages(client_as, url):
    role = Role.OPS if url == "/admin/" else Role.SDR
    with override_settings(DEBUG=True):
        html = client_as(role).get(url).content.decode()
    assert BANNER in html
    assert "Development mode:" in html


def test_the_sign_in_page_shows_it_too(client):
    with override_settings(DEBUG=True):
        assert BANNER in client.get("/accounts/login/").content.decode()


@pytest.mark.parametrize("url", ["/", "/admin/"])
def test_without_debug_there_is_no_banner(client_as, url):
    role = Role.OPS if url == "/admin/" else Role.SDR
    assert BANNER not in client_as(role).get(url).content.decode()
