"""Debian's Chromium driven by Playwright's sync API, against pytest-django's live server.

The fixtures are named ``chromium_*`` so they never collide with pytest-playwright's
``browser``/``page``. Without Chromium a quick run skips; under CI it fails (tests.realservices).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import realservices as services

# Playwright's sync API runs an event loop in this thread; Django's ORM would otherwise
# refuse to run here (SynchronousOnlyOperation) when the test itself touches the database.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(autouse=True)
def role_groups(transactional_db) -> None:
    """Recreate the role groups the data migration made.

    Live-server tests flush the database after each test, which removes the groups. Django's
    serialized rollback would restore them, but it cannot here: once Playwright's event loop
    runs, Django hands this thread a different (context-local) connection object that lacks
    the serialized snapshot. So the groups are rebuilt from the same ROLE_PERMISSIONS table.
    """
    from django.contrib.auth.models import Group, Permission

    from qualification.roles import sync_role_groups

    sync_role_groups(Group, Permission)


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator:
    path = services.chromium_path()
    if path is None:
        services.unavailable(f"needs Chromium at {services.CHROMIUM} (set LEADHUB_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def chromium_page(chromium_browser) -> Iterator:
    """A fresh browser context (no cookies) and page per test, at a desktop size."""
    context = chromium_browser.new_context(viewport=DESKTOP, locale="en-US")
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under tests/artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shoot(page, name: str) -> Path:
        target = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(target), full_page=True)
        return target

    return _shoot
