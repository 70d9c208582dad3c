"""Every link the navigation and the overview offer is routed: a typo fails here, loudly.

A link that resolves to nothing must not vanish from the page unnoticed, so ``admin_url``
raises for a name the admin does not know, and these tests reverse every entry.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.contrib.auth.models import User
from django.urls import NoReverseMatch

from qualification.web.navigation import (
    ADMIN_SHORTCUTS,
    NAV,
    SHORTCUTS,
    admin_shortcuts,
    admin_url,
    nav_items,
    shortcuts,
)

pytestmark = pytest.mark.django_db


def test_admin_url_reverses_an_admin_page():
    assert (
        admin_url("qualification_criterion_change", 7) == "/admin/qualification/criterion/7/change/"
    )


def test_admin_url_fails_loudly_on_an_unknown_name():
    with pytest.raises(NoReverseMatch):
        admin_url("qualification_criterion_chnage", 7)


def test_a_superuser_gets_every_entry_with_its_url():
    root = User.objects.create_superuser("root", "root@example.test", "pw")
    assert [item.label for item in nav_items(root, "/")] == [entry.label for entry in NAV]
    offered = shortcuts(root) + admin_shortcuts(root)
    assert [s.label for s in offered] == [e.label for e in SHORTCUTS + ADMIN_SHORTCUTS]
    assert all(s.url.startswith("/") for s in offered)


def test_a_mistyped_entry_breaks_the_overview(monkeypatch):
    """The shortcut is not silently dropped: the page that lists it fails."""
    root = User.objects.create_superuser("root", "root@example.test", "pw")
    broken = [replace(ADMIN_SHORTCUTS[0], url_name="no_such_changelist"), *ADMIN_SHORTCUTS[1:]]
    monkeypatch.setattr("qualification.web.navigation.ADMIN_SHORTCUTS", broken)
    with pytest.raises(NoReverseMatch):
        admin_shortcuts(root)
