"""The foundation in a real browser: sign in by keyboard, look around, get refused by the admin."""

from __future__ import annotations

import re

import pytest

from qualification.roles import Role
from tests.browser.data import seed

pytestmark = [
    pytest.mark.browser,
    # The live server needs real commits (conftest's role_groups rebuilds the groups).
    pytest.mark.django_db(transaction=True),
]


def _expect():
    from playwright.sync_api import expect

    return expect


def _sign_in_by_keyboard(page, username: str, password: str = "test-pass-123") -> None:
    # The username field has focus on arrival: no mouse needed.
    _expect()(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")


def test_sdr_signs_in_with_the_keyboard_and_searches_the_glossary(
    live_server, chromium_page, screenshot, make_user
):
    expect = _expect()
    ops = make_user(Role.OPS, username="olga", first_name="Olga", last_name="Lindqvist")
    seed(ops)
    make_user(Role.SDR, username="sam", first_name="Sam", last_name="Rivera")
    page = chromium_page

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page).to_have_title("Sign in · LeadHub")
    expect(page.get_by_label("Username")).to_be_focused()
    screenshot(page, "01-login")

    _sign_in_by_keyboard(page, "sam", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")
    screenshot(page, "02-login-error")

    page.get_by_label("Username").fill("")
    page.get_by_label("Username").focus()
    _sign_in_by_keyboard(page, "sam")
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview")
    expect(page.get_by_test_id("mql-queue")).to_have_text("9")
    expect(page.get_by_test_id("pql-queue")).to_have_text("4")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link")).to_have_text(
        ["Overview", "Queues", "Glossary", "Criteria", "API"]
    )
    expect(page.locator(".usermenu")).to_contain_text("Sam Rivera")
    screenshot(page, "03-overview")

    nav.get_by_role("link", name="Glossary").click()
    expect(page).to_have_title("Glossary · LeadHub")
    expect(page.locator(".term-title")).to_have_count(4)
    screenshot(page, "04-glossary-list")

    search = page.get_by_label("Search terms and definitions")
    search.fill("sales")
    search.press("Enter")
    expect(page.locator(".term-title")).to_have_text(["Hand-raiser", "MQL"])
    expect(page.get_by_role("status").first).to_contain_text("2 terms matching “sales”")
    screenshot(page, "05-glossary-search")

    page.get_by_role("link", name="MQL", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("MQL")
    expect(page.get_by_test_id("last-change")).to_contain_text("Olga Lindqvist")
    expect(page.locator("table.data-table tbody tr")).to_have_count(2)
    screenshot(page, "06-glossary-detail")

    nav.get_by_role("link", name="Criteria").click()
    expect(page).to_have_title("Criteria · LeadHub")
    expect(page.locator("table.data-table tbody tr")).to_have_count(
        len(seed.__globals__["CRITERIA"])
    )
    expect(page.get_by_role("link", name="Edit in admin")).to_have_count(0)
    screenshot(page, "07-criteria-list")

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))


def test_sdr_is_refused_by_the_admin(live_server, chromium_page, make_user):
    expect = _expect()
    make_user(Role.SDR, username="sam")
    page = chromium_page
    page.goto(f"{live_server.url}/accounts/login/")
    _sign_in_by_keyboard(page, "sam")
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    expect(page.locator("body")).to_contain_text("not authorized to access this page")


def test_ops_sees_admin_and_skip_link_works(live_server, chromium_page, screenshot, make_user):
    expect = _expect()
    ops = make_user(Role.OPS, username="olga", first_name="Olga", last_name="Lindqvist")
    seed(ops)
    page = chromium_page
    page.goto(f"{live_server.url}/accounts/login/")
    _sign_in_by_keyboard(page, "olga")
    expect(page).to_have_url(f"{live_server.url}/")

    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Admin")).to_be_visible()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()

    # The first Tab reaches the skip link, which becomes visible and moves focus to main.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    page.goto(f"{live_server.url}/criteria/")
    expect(page.get_by_role("link", name="Edit in admin")).to_be_visible()
    screenshot(page, "08-criteria-ops")

    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{live_server.url}/")
    screenshot(page, "09-overview-tablet")


def test_empty_states_and_refusals_read_clearly(live_server, chromium_page, screenshot, make_user):
    expect = _expect()
    make_user(Role.SDR, username="sam")
    make_user(None, username="newbie")
    page = chromium_page

    page.goto(f"{live_server.url}/accounts/login/")
    _sign_in_by_keyboard(page, "sam")
    expect(page.get_by_role("heading", name="No leads yet")).to_be_visible()
    screenshot(page, "10-overview-empty")
    page.goto(f"{live_server.url}/glossary/")
    expect(page.get_by_role("heading", name="The glossary is empty")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    _sign_in_by_keyboard(page, "newbie")
    expect(page.get_by_role("heading", name="Your account has no role yet")).to_be_visible()
    response = page.goto(f"{live_server.url}/criteria/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Your role can't open this page")
    screenshot(page, "11-forbidden")
