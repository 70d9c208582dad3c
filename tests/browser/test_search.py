"""Lead search in Chromium: "/" from any page, type a name, Enter, open the lead.

Also the screenshots of the results page at a desktop and a phone width (reviewed by eye;
tests/artifacts/screenshots/60-search-*.png), with no sideways scrolling on the phone.
"""

from __future__ import annotations

import re

import pytest

from qualification.models import Lead
from qualification.roles import Role
from tests.browser.test_layouts import WIDTHS, _login, _page_overflow
from tests.browser.test_queues import seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sdr_presses_slash_types_a_name_and_opens_the_lead(live_server, chromium_page, make_user):
    from playwright.sync_api import expect

    kim = make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee")
    seed(kim)
    maya = Lead.objects.get(last_name="Okafor")
    page = chromium_page
    _login(page, live_server, "kim")
    page.goto(f"{live_server.url}/queues/pql/")
    box = page.get_by_role("searchbox", name="Search leads by name, email, company or domain")

    # "/" while typing in a filter field types a slash; it does not jump to the search box.
    page.locator("main input[type=text], main input[type=search]").first.focus()
    page.keyboard.press("/")
    expect(box).not_to_be_focused()

    page.locator("main h1").click()  # back to the page itself
    page.keyboard.press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value("")  # the slash was not typed into it
    page.keyboard.press("Escape")
    expect(box).not_to_be_focused()

    page.keyboard.press("/")
    page.keyboard.type("maya okafor")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=maya\+okafor$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Leads matching “maya okafor”")
    expect(box).to_have_value("maya okafor")
    rows = page.locator("table.search-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Northwind Logistics")
    expect(rows.first).to_contain_text("Hot")

    rows.first.get_by_role("link", name="Maya Okafor").click()
    expect(page).to_have_url(f"{live_server.url}/leads/{maya.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Okafor")


def test_nothing_found_offers_to_clear(live_server, chromium_page, make_user):
    from playwright.sync_api import expect

    seed(make_user(Role.SDR, username="kim"))
    page = chromium_page
    _login(page, live_server, "kim")
    page.keyboard.press("/")
    # As a person does: type once the box has the focus (under CI load the page's script
    # can still be loading when "/" is pressed).
    box = page.get_by_test_id("search-box")
    if not box.evaluate("el => el === document.activeElement"):
        box.focus()
    expect(box).to_be_focused()
    page.keyboard.type("no such person")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=2)).to_have_text("No leads match “no such person”")
    page.get_by_role("link", name="clear the search").click()
    expect(page).to_have_url(f"{live_server.url}/search/")
    expect(page.get_by_role("heading", level=2)).to_have_text("What are you looking for?")


@pytest.mark.parametrize("device", list(WIDTHS))
def test_results_page_fits_the_width(live_server, chromium_page, screenshot, make_user, device):
    from playwright.sync_api import expect

    seed(make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee"))
    page = chromium_page
    page.set_viewport_size({"width": WIDTHS[device], "height": 860})
    _login(page, live_server, "kim")
    page.goto(f"{live_server.url}/search/?q=.example")
    expect(page.locator("table.search-results tbody tr")).to_have_count(5)
    expect(page.get_by_role("searchbox")).to_be_visible()
    screenshot(page, f"60-search-{device}")
    assert _page_overflow(page) == 0
    # Every cell is on screen, not clipped by the panel (on a phone each row is a card).
    for cell in page.locator("table.search-results tbody td").all():
        box = cell.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= WIDTHS[device], cell.inner_text()


def test_search_pages_have_no_serious_axe_violations(
    live_server, chromium_page, make_user, screenshot
):
    """The results, empty, nothing-found and too-long pages (header box included), at
    both widths, through the accessibility tests' axe-core run."""
    from tests.browser.test_accessibility import _axe, _check, _report

    seed(make_user(Role.SDR, username="kim", first_name="Kim", last_name="Lee"))
    page = chromium_page
    _login(page, live_server, "kim")
    axe = _axe()
    found = []
    states = {
        "results": ("?q=.example", 200),
        "empty": ("", 200),
        "none": ("?q=nobody", 200),
        "too-long": ("?q=" + "x" * 201, 400),
    }
    for name, (query, status) in states.items():
        url = f"{live_server.url}/search/{query}"
        found += _check(axe, page, url, status=status, shot=(screenshot, f"61-search-{name}"))
    assert not found, _report(found)
