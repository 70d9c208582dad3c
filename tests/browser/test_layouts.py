"""The queue and lead pages at a desktop and a phone width: nothing spills sideways.

A wide table scrolls inside its own box (``.table-scroll``), so on a phone the page itself
never scrolls sideways and the claim button stays reachable. The screenshots are the record
a reviewer compares when a page's markup changes.
"""

from __future__ import annotations

import pytest

from qualification.roles import Role
from tests.browser.test_lead_page import _seed_lead
from tests.browser.test_queues import seed as seed_queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"desktop": 1280, "phone": 390}


def _login(page, live_server, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("test-pass-123")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")


def _page_overflow(page) -> int:
    """How many pixels the document is wider than the window (0: no sideways scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("device", list(WIDTHS))
def test_queue_page_fits_the_width(live_server, chromium_page, screenshot, make_user, device):
    from playwright.sync_api import expect

    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    make_user(Role.MANAGER, username="maria", first_name="Maria", last_name="Lopez")
    seed_queue(kim)
    page = chromium_page
    page.set_viewport_size({"width": WIDTHS[device], "height": 860})
    _login(page, live_server, "maria")
    page.goto(f"{live_server.url}/queues/pql/")
    rows = page.locator("table.queue-table tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first.get_by_role("button", name="Claim Maya Okafor")).to_have_count(1)
    expect(rows.first.locator("details.assign")).to_have_count(1)
    screenshot(page, f"50-queue-{device}")
    assert _page_overflow(page) == 0


@pytest.mark.parametrize("device", list(WIDTHS))
def test_lead_page_fits_the_width(live_server, chromium_page, screenshot, make_user, device):
    from playwright.sync_api import expect

    lead = _seed_lead()
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    page = chromium_page
    page.set_viewport_size({"width": WIDTHS[device], "height": 860})
    _login(page, live_server, "sam")
    page.goto(f"{live_server.url}/leads/{lead.pk}/")
    expect(page.locator("#lead-actions").get_by_role("button", name="Claim")).to_be_visible()
    screenshot(page, f"51-lead-{device}")
    assert _page_overflow(page) == 0


@pytest.mark.parametrize("width", [1100, 1280, 1440])
def test_every_navigation_entry_shows_at_desktop_widths(
    live_server, chromium_page, make_user, width
):
    """Ops has the most entries (eight, with Admin); none may hide behind the navigation's
    scroll: below 1280 px they take a row of their own."""
    from playwright.sync_api import expect

    make_user(Role.OPS, username="olga", first_name="Olga", last_name="Petrova")
    page = chromium_page
    page.set_viewport_size({"width": width, "height": 700})
    _login(page, live_server, "olga")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_count(8)
    assert nav.evaluate("n => n.scrollWidth - n.clientWidth") == 0
    expect(nav.get_by_role("link", name="Admin")).to_be_in_viewport(ratio=1)
    assert _page_overflow(page) == 0
    from tests.browser.test_accessibility import _axe, _report, _violations

    found = _violations(_axe(), page, f"home [{width} px]")
    assert not found, _report(found)
